/**
 * Records from source systems as JSON: DynamoDB sets become sorted arrays, binary becomes base64,
 * bigints become strings — so an export is plain, portable JSON whatever the store.
 */
export function toJsonLine(record: unknown): string {
  return JSON.stringify(record, (_key, value: unknown) => {
    if (value instanceof Set) return [...value].sort();
    if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
    if (typeof value === 'bigint') return value.toString();
    return value;
  });
}

import { plainJson } from '../../../connectors/canonical';

/**
 * Records from source systems as JSON Lines: DynamoDB sets become sorted arrays, binary becomes base64,
 * bigints become strings — so an export is plain, portable JSON whatever the store.
 */
export function toJsonLine(record: unknown): string {
  return plainJson(record);
}

/**
 * Where the pipeline keeps its documents in its bucket: one prefix per kind, each with its own lifetime (the stateful
 * stack's lifecycle rules and each function's grants are built from these same prefixes). Plain data: the CDK app,
 * the functions and the twin all import it, so a key and the rule that expires it cannot drift apart.
 */
export const DOCUMENT_PREFIXES = {
  /** per-system parts a locate streams out; only needed until the export is assembled (a day at most) */
  parts: 'parts/',
  /** exports delivered to the subject */
  exports: 'exports/',
  /** deletion receipts */
  receipts: 'receipts/',
} as const;

export type DocumentPrefix = (typeof DOCUMENT_PREFIXES)[keyof typeof DOCUMENT_PREFIXES];

export const partKey = (requestId: string, systemId: string) =>
  `${DOCUMENT_PREFIXES.parts}${requestId}/${systemId}.jsonl`;
export const exportKey = (requestId: string) => `${DOCUMENT_PREFIXES.exports}${requestId}.json`;
export const receiptKey = (requestId: string) => `${DOCUMENT_PREFIXES.receipts}${requestId}.json`;
/** The receipt of retry `attempt` of a deletion: the systems that attempt covered (the first receipt is kept). */
export const retryReceiptKey = (requestId: string, attempt: number) =>
  `${DOCUMENT_PREFIXES.receipts}${requestId}.retry-${attempt}.json`;

/**
 * Where the pipeline keeps its documents in its bucket: one prefix per kind, each with its own lifetime (the stateful
 * stack's lifecycle rules and each function's grants are built from these same prefixes). Plain data: the CDK app,
 * the functions and the twin all import it, so a key and the rule that expires it cannot drift apart.
 */
export const DOCUMENT_PREFIXES = {
  /** per-system parts a locate streams out; only needed until the export is assembled (a day at most) */
  parts: 'parts/',
  /**
   * documents delivered to the subject for the "know" rights: access exports (JSON and its HTML rendering), portability
   * archives (zip), and the categories and disclosures statements (JSON and HTML) — one lifetime for all of them
   */
  exports: 'exports/',
  /** deletion receipts */
  receipts: 'receipts/',
  /**
   * authorized agents' permission documents (11 CCR §7063), uploaded through a presigned POST; keys are random UUIDs.
   * Kept for the longest a request can run and be appealed (the lifecycle rule), then gone.
   */
  agentDocuments: 'agent-documents/',
} as const;

export type DocumentPrefix = (typeof DOCUMENT_PREFIXES)[keyof typeof DOCUMENT_PREFIXES];

export const partKey = (requestId: string, systemId: string) =>
  `${DOCUMENT_PREFIXES.parts}${requestId}/${systemId}.jsonl`;
export const exportKey = (requestId: string) => `${DOCUMENT_PREFIXES.exports}${requestId}.json`;
export const receiptKey = (requestId: string) => `${DOCUMENT_PREFIXES.receipts}${requestId}.json`;
/** The receipt of retry `attempt` of a deletion: the systems that attempt covered (the first receipt is kept). */
export const retryReceiptKey = (requestId: string, attempt: number) =>
  `${DOCUMENT_PREFIXES.receipts}${requestId}.retry-${attempt}.json`;

/** A file of a delivered document, as the download page offers it. */
export interface DocumentFile {
  key: string;
  format: 'json' | 'html' | 'zip';
  /** the name the browser saves it under */
  fileName: string;
}

/** The HTML rendering beside a JSON document (access, categories, disclosures): CCPA §1798.130(a)(2)(B). */
export const htmlKey = (requestId: string) => `${DOCUMENT_PREFIXES.exports}${requestId}.html`;
/** The portability archive (GDPR Art. 20): JSON and one CSV per system in one zip. */
export const archiveKey = (requestId: string) => `${DOCUMENT_PREFIXES.exports}${requestId}.zip`;

const FILE_STEM: Record<string, string> = {
  access: 'data-export',
  portability: 'portable-data',
  categories: 'categories-statement',
  disclosures: 'disclosures-statement',
  deletion: 'deletion-receipt',
};

/**
 * The files of a request's document, from its type and the key the workflow delivered (`documentKey`): access and the
 * statements have their JSON and its HTML rendering, portability its archive, anything else (a receipt) its one JSON.
 */
export function documentFiles(type: string, requestId: string, documentKey: string): DocumentFile[] {
  const stem = `${FILE_STEM[type] ?? `${type.replace(/_/g, '-')}-receipt`}-${requestId}`;
  switch (type) {
    case 'access':
    case 'categories':
    case 'disclosures':
      return [
        { key: documentKey, format: 'json', fileName: `${stem}.json` },
        { key: htmlKey(requestId), format: 'html', fileName: `${stem}.html` },
      ];
    case 'portability':
      return [{ key: documentKey, format: 'zip', fileName: `${stem}.zip` }];
    default:
      return [{ key: documentKey, format: 'json', fileName: `${stem}.json` }];
  }
}

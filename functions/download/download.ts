import { type DocumentFile, documentFiles } from '../core/domain/document-keys';
import { InvalidTokenError } from '../core/domain/errors';
import { logger } from '../core/logger';
import type { DocumentStore, RequestRepository, TokenStore } from '../core/ports';

/** Presigned URLs live at most this long: the link in the mail is the durable credential, not the URL. */
export const PRESIGNED_URL_SECONDS = 300;
/** How long the one-file tokens of the files page work (each once): long enough to save each file in turn. */
export const FILE_TOKEN_SECONDS = 900;

/** What a download token opens: a redirect to one file, or the page offering each of the document's files. */
export type DownloadAnswer =
  | { redirect: string }
  | { files: { format: DocumentFile['format']; fileName: string; token: string }[] };

/**
 * Exchange a download token (single use, expiring, for this purpose only) for a short-lived presigned URL. Access
 * control is the token check here, not the S3 signature alone.
 *
 * A document of one file (a receipt, a portability archive) redirects at once. One with several (an access export and
 * its HTML rendering, a statement in JSON and HTML) answers with its files, each with a fresh single-use token of its
 * own, so each file is fetched through its own presigned redirect and the mailed token is still spent exactly once.
 */
export class Download {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly tokens: TokenStore,
    private readonly documents: DocumentStore,
  ) {}

  public async execute(token: string | undefined, format?: string): Promise<DownloadAnswer> {
    const requestId = token ? await this.tokens.consume('download', token) : undefined;
    if (!requestId) throw new InvalidTokenError();
    const record = await this.requests.get(requestId);
    if (!record?.documentKey) throw new InvalidTokenError();
    const files = documentFiles(record.type, requestId, record.documentKey);
    const file = format === undefined && files.length === 1 ? files[0] : files.find((f) => f.format === format);
    if (file) {
      logger.info('document downloaded', { requestId, format: file.format });
      return {
        redirect: await this.documents.presignGet(file.key, PRESIGNED_URL_SECONDS, file.fileName),
      };
    }
    const offered = await Promise.all(
      files.map(async (f) => ({
        format: f.format,
        fileName: f.fileName,
        token: await this.tokens.issue('download', requestId, FILE_TOKEN_SECONDS),
      })),
    );
    logger.info('document files offered', { requestId, files: offered.length });
    return { files: offered };
  }
}

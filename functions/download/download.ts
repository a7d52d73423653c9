import { InvalidTokenError } from '../core/domain/errors';
import type { DocumentStore, RequestRepository, TokenStore } from '../core/ports';
import { logger } from '../core/logger';

/** Presigned URLs live at most this long: the link in the mail is the durable credential, not the URL. */
export const PRESIGNED_URL_SECONDS = 300;

/**
 * Exchange a download token (single use, expiring, for this purpose only) for a short-lived presigned URL.
 * Access control is the token check here, not the S3 signature alone.
 */
export class Download {
  public constructor(
    private readonly requests: RequestRepository,
    private readonly tokens: TokenStore,
    private readonly documents: DocumentStore,
  ) {}

  public async execute(token: string | undefined): Promise<string> {
    const requestId = token ? await this.tokens.consume('download', token) : undefined;
    if (!requestId) throw new InvalidTokenError();
    const record = await this.requests.get(requestId);
    if (!record?.documentKey) throw new InvalidTokenError();
    logger.info('document downloaded', { requestId });
    const kind = record.type === 'deletion' ? 'deletion-receipt' : 'data-export';
    return this.documents.presignGet(record.documentKey, PRESIGNED_URL_SECONDS, `${kind}-${requestId}.json`);
  }
}

import type { AgentDocumentType } from '../core/domain/request';
import { logger } from '../core/logger';
import type { AgentDocumentStore, PresignedUpload } from '../core/ports';

/**
 * Issue one presigned POST for an authorized agent's permission document (11 CCR §7063(a)(1): the business may require
 * the agent to provide the consumer's signed permission). The key is random and under its own prefix, so it names no
 * one and a request can only point at an upload this route issued; the POST policy bounds type, size and encryption
 * (functions/core/adapters/s3-agent-documents.ts). Nothing is recorded: an upload no request names expires with the
 * prefix's lifecycle rule.
 */
export class IssueAgentUpload {
  public constructor(private readonly documents: AgentDocumentStore) {}

  public async execute(contentType: AgentDocumentType): Promise<PresignedUpload> {
    const upload = await this.documents.issueUpload(contentType);
    logger.info('agent document upload issued', { contentType });
    return upload;
  }
}

import { AgentUploadBody } from '../core/domain/request';
import { httpJsonRoute } from '../core/http/middlewares';
import { json } from '../core/http/responses';
import { wiring } from '../core/wiring';
import { IssueAgentUpload } from './issue-agent-upload';

const issue = new IssueAgentUpload(wiring.agentDocuments());

/**
 * POST /agent-documents with `{contentType}` (application/pdf, image/png or image/jpeg) → 201 {url, fields, key,
 * expiresAt}: send `fields` then the file as multipart/form-data to `url` within 15 minutes, then name `key` as
 * `agent.document` on POST /requests. The API stage's throttle bounds how many are issued; each is ≤ 5 MB and expires.
 */
export const handler = httpJsonRoute(AgentUploadBody, async (event) =>
  json(201, await issue.execute(event.body.contentType)),
);

import { dynamoDocumentClient, s3Client, sesClient, sfnClient } from './adapters/aws-clients';
import { DynamoAuditLog } from './adapters/dynamo-audit-log';
import { DynamoIntakeLimits } from './adapters/dynamo-intake-limits';
import { DynamoRequestRepository } from './adapters/dynamo-request-repository';
import { DynamoSuppressionList } from './adapters/dynamo-suppression-list';
import { DynamoSystemLeases } from './adapters/dynamo-system-leases';
import { DynamoTokenStore } from './adapters/dynamo-token-store';
import { S3DocumentStore } from './adapters/s3-document-store';
import { SesMailer } from './adapters/ses-mailer';
import { SfnExecutions } from './adapters/sfn-workflow';
import { settings } from './config';
import { connectorFactory } from './connectors';
import { loadHashKey } from './hash-key';
import { loadSystems } from './systems';
import { DynamoNoticeStore } from './adapters/dynamo-notice-store';
import { SfnTaskCallbacks } from './adapters/sfn-task-callbacks';
import { HttpWebhookSender } from './adapters/webhook-sender';
import type { AgentDocumentStore, NoticeStore, TaskCallbacks, WebhookSender } from './ports';
import { S3AgentDocuments } from './adapters/s3-agent-documents';
import { FUNCTION_ENV } from './env';
import { OPEN_PROFILE } from './policy/open-profile';
import { loadProfileFile } from './policy/profile';

/**
 * The composition root: every adapter the handlers use, composed here once from the settings. A handler takes what its
 * use case needs from here; each adapter is built at its first use (so a handler only needs the settings of the
 * adapters it takes, and a missing one fails at cold start with its name) and shared after that.
 */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

const table = () => settings('table').table;
const systems = once(() => loadSystems(settings('systemsFile').systemsFile));

/**
 * The audit trail (a table of its own, append-only by grants). Its name is read at the first append, not here: the
 * functions that only read requests (get-request) are granted no audit table and have no DSAR_AUDIT_TABLE.
 */
const audit = once(() => new DynamoAuditLog(dynamoDocumentClient(), () => settings('auditTable').auditTable));

export const wiring = {
  /** every change it makes is recorded in the audit trail (see DynamoRequestRepository) */
  requests: once(() => new DynamoRequestRepository(dynamoDocumentClient(), table(), { audit: audit() })),
  audit,
  // Tokens and the suppression list live in tables of their own: only the functions with business there are granted
  // them, and a point-in-time restore of the requests table cannot roll the suppression list back.
  tokens: once(() => new DynamoTokenStore(dynamoDocumentClient(), settings('tokensTable').tokensTable)),
  limits: once(() => new DynamoIntakeLimits(dynamoDocumentClient(), table())),
  /** the per-system concurrency slots, shared by every request (LocateSystem, ConfirmSystem, EraseSystem) */
  leases: once(() => new DynamoSystemLeases(dynamoDocumentClient(), table())),
  suppression: once(
    () => new DynamoSuppressionList(dynamoDocumentClient(), settings('suppressionTable').suppressionTable),
  ),
  documents: once(() => new S3DocumentStore(s3Client(), settings('bucket').bucket)),
  /** agents' permission documents: presigned POSTs under SSE-KMS with the bucket's key where there is one */
  agentDocuments: once(
    (): AgentDocumentStore =>
      new S3AgentDocuments(
        s3Client(),
        settings('bucket').bucket,
        process.env[FUNCTION_ENV.BUCKET_KEY_ARN] || undefined,
      ),
  ),
  mailer: once(() => new SesMailer(sesClient(), settings('sender').sender)),
  /** only verify-identity (which starts a request's execution) and the sweeper need the state machine's ARN */
  executions: once(() => new SfnExecutions(sfnClient(), settings('stateMachineArn').stateMachineArn)),
  systems,
  connectors: once(() => connectorFactory(systems())),
  hashKey: loadHashKey,
  /**
   * The company profile the policy step decides by (unset or empty: the open profile). Read at each call (the file is
   * parsed once per path): a twin restarted in the same process with another profile decides by the new one.
   */
  profile: () => {
    const file = process.env[FUNCTION_ENV.PROFILE_FILE];
    return file ? loadProfileFile(file) : OPEN_PROFILE;
  },
};

/**
 * The recipient notices' adapters (functions/notify-recipient, functions/answer-notice): the notices themselves on the
 * request's side, their answer links in the tokens table, the webhook sender and the answers to waiting tasks.
 */
export const noticeWiring = {
  notices: once(
    () =>
      new DynamoNoticeStore(dynamoDocumentClient(), table(), () => settings('tokensTable').tokensTable) as NoticeStore,
  ),
  webhooks: once((): WebhookSender => new HttpWebhookSender()),
  taskCallbacks: once((): TaskCallbacks => new SfnTaskCallbacks(sfnClient())),
};

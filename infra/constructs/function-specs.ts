import type { DocumentPrefix } from '../../functions/core/domain/document-keys';

/**
 * Every Lambda function of the pipeline, in one table: what it is for, how long it may run and what it may touch.
 * The pipeline stack creates the functions from this table in a loop and derives each one's grants and
 * environment from the flags below, so least privilege is reviewed here, in one place, not across a stack file.
 * Plain data (no aws-cdk-lib import): the local twin may read it too.
 */

/**
 * The requests table. `read`: GetItem/BatchGetItem/Query; `readScan`: plus Scan (the operators' reminder reads every
 * request and changes none); `readWrite`: GetItem/BatchGetItem/Query plus PutItem/UpdateItem/DeleteItem;
 * `readWriteScan`: plus Scan (only the sweeper walks every request and changes them).
 */
export type TableAccess = 'read' | 'readScan' | 'readWrite' | 'readWriteScan';

/**
 * The tokens table, by what a function does with tokens: `issue` PutItem (conditional: never overwrites),
 * `check` GetItem (a page that spends nothing), `consume` UpdateItem (the one conditional write that spends a token).
 */
export type TokenUse = 'issue' | 'check' | 'consume';

/**
 * The suppression table: `add` UpdateItem only (erase-system records an erased identity, and cannot read or delete
 * the list); `readScan` GetItem/BatchGetItem/Query plus Scan (the operator's re-apply command walks the whole list).
 */
export type SuppressionAccess = 'add' | 'readScan';

/** The prefixes of the pipeline bucket, each with its own lifecycle rule (defined with the keys that use them). */
export type BucketPrefix = DocumentPrefix;

/**
 * Access to the operator's source systems (from the systems config): find records, find and erase them, or find them
 * and rewrite their correctable and flag fields (`change`: only on systems that have such fields and are not read-only).
 */
export type SourceAccess = 'locate' | 'erase' | 'change';

export interface FunctionSpec {
  /** construct id (PascalCase); the CloudFormation logical id starts with it */
  readonly id: string;
  /** handler module, relative to the repository root; it exports `handler` */
  readonly entry: string;
  /** Lambda timeout; the workflow's task timeout is derived from it */
  readonly timeoutSeconds: number;
  readonly purpose: string;
  /** the requests table; none: no access at all (and no DSAR_TABLE) */
  readonly table?: TableAccess;
  /** what it does with tokens (the tokens table + DSAR_TOKENS_TABLE); none: no access at all */
  readonly tokens?: readonly TokenUse[];
  /** the suppression table + DSAR_SUPPRESSION_TABLE; none: no access at all */
  readonly suppression?: SuppressionAccess;
  readonly bucket?: {
    readonly read?: readonly BucketPrefix[];
    readonly write?: readonly BucketPrefix[];
    /** DeleteObject, e.g. to drop located parts (personal data) as soon as they are assembled */
    readonly delete?: readonly BucketPrefix[];
  };
  readonly sources?: SourceAccess;
  /** states:StartExecution on the workflow + DSAR_STATE_MACHINE_ARN */
  readonly startsWorkflow?: boolean;
  /** states:DescribeExecution on the workflow's executions (the sweeper asks what became of a request's run) */
  readonly describesExecutions?: boolean;
  /**
   * Reserved concurrency from the `connectorConcurrency` context: functions that reach the operator's source systems,
   * so verified requests cannot amplify load on them without bound.
   */
  readonly connector?: boolean;
  /** ses:SendEmail on the sender identity + DSAR_SENDER */
  readonly sendsMail?: boolean;
  /** DSAR_API_URL, to put links to the API in mail */
  readonly linksToApi?: boolean;
  /** the systems config copied into the bundle + DSAR_SYSTEMS_FILE */
  readonly readsSystemsConfig?: boolean;
  /** the company profile copied into the bundle + DSAR_PROFILE_FILE (when the deployment names one) */
  readonly readsProfile?: boolean;
  /** read access to the hash-key secret + DSAR_HASH_KEY_SECRET_ARN */
  readonly hashesIdentities?: boolean;
  /**
   * states:SendTaskSuccess/SendTaskFailure on the workflow: answers callback tasks (recipient notices). Granted in a
   * policy of its own, so the function does not depend on the state machine that invokes it (no cycle).
   */
  readonly answersTasks?: boolean;
  /**
   * s3:GetObject and s3:DeleteObject on the inbound-mail bucket's `inbound-mail/*` + DSAR_INBOUND_MAIL_BUCKET: reads a
   * raw mail SES stored there, and deletes it (infra/constructs/inbound-mail.ts)
   */
  readonly receivesMail?: boolean;
  /** secretsmanager:GetSecretValue on the webhook secrets the systems config names (recipients' `notify.webhook`) */
  readonly readsWebhookSecrets?: boolean;
}

/** API handlers answer within API Gateway's 30 s integration limit. Connector work gets Lambda's 15 minutes. */
const API_SECONDS = 15;
const STEP_SECONDS = 60;
const CONNECTOR_SECONDS = 900;
/** One sweep pages through the open requests; five minutes leaves room under the 15-minute schedule. */
const SWEEP_SECONDS = 300;
/** The daily reminder pages through every request once and sends a mail per operator. */
const REMIND_SECONDS = 300;

export const FUNCTION_SPECS = [
  // --- HTTP API ---
  {
    id: 'SubmitRequest',
    entry: 'functions/submit-request/handler.ts',
    timeoutSeconds: API_SECONDS,
    purpose:
      'POST /requests: record the request and mail its verification link (no execution until confirmed); start opt-outs of sale/sharing and limits of sensitive data at once (no verification, CCPA regs §7026(d), §7027(e))',
    table: 'readWrite',
    tokens: ['issue'],
    sendsMail: true,
    linksToApi: true,
    // the requests that need no verification start at once; the systems configuration says what may be corrected
    startsWorkflow: true,
    readsSystemsConfig: true,
    // the keyed hash of the address (coalescing, what an ended request keeps) and of the client IP (rate limits)
    hashesIdentities: true,
    // an agent's request names an uploaded permission document: HeadObject checks that it is there
    bucket: { read: ['agent-documents/'] },
  },
  // --- Requests by email (SES receipt rule: S3 action, then this function) ---
  {
    id: 'ReceiveMail',
    entry: 'functions/receive-mail/handler.ts',
    timeoutSeconds: API_SECONDS,
    purpose:
      'SES receipt: turn one raw mail to an intake address into a request through the same intake as POST /requests (verification link to the From address; an unclear right held for an operator), or refuse it; delete the raw mail either way',
    // the intake's own needs, exactly as SubmitRequest's (the same use case), without the agents' documents
    table: 'readWrite',
    tokens: ['issue'],
    sendsMail: true,
    linksToApi: true,
    startsWorkflow: true,
    readsSystemsConfig: true,
    // the intake addresses and the law a mailed request is made under are the profile's
    readsProfile: true,
    hashesIdentities: true,
    receivesMail: true,
  },
  {
    id: 'AgentDocuments',
    entry: 'functions/agent-documents/handler.ts',
    timeoutSeconds: API_SECONDS,
    purpose:
      "POST /agent-documents: a presigned POST for one authorized agent's permission document (PDF, PNG or JPEG, at most 5 MB, SSE-KMS, 15 minutes)",
    // the presigned POST is signed with this role: it must be allowed to put (and encrypt) what it lets the agent put
    bucket: { write: ['agent-documents/'] },
  },
  {
    id: 'PrivacyCenter',
    entry: 'functions/privacy-center/handler.ts',
    timeoutSeconds: API_SECONDS,
    purpose:
      "GET /privacy and its forms: the intake of POST /requests as HTML forms (same use case), an agent's presigned upload, a request's status and a cancel before it is confirmed",
    // the intake's grants (submit-request) and the status page's (get-request), plus the agent's presigned POST
    table: 'readWrite',
    tokens: ['issue', 'check'],
    sendsMail: true,
    linksToApi: true,
    startsWorkflow: true,
    readsSystemsConfig: true,
    // the forms are the active profile's offer: the rights per kind of subject, the laws, the agents
    readsProfile: true,
    hashesIdentities: true,
    bucket: { read: ['agent-documents/'], write: ['agent-documents/'] },
  },
  {
    id: 'GetRequest',
    entry: 'functions/get-request/handler.ts',
    timeoutSeconds: API_SECONDS,
    purpose: 'GET /requests/{id}: report a request status',
    table: 'read',
    tokens: ['check'],
  },
  {
    id: 'VerifyIdentity',
    entry: 'functions/verify-identity/handler.ts',
    timeoutSeconds: API_SECONDS,
    purpose:
      'GET /verify: a confirmation page that changes nothing; POST /verify: consume the token, then confirm (start the workflow) or cancel',
    table: 'readWrite',
    tokens: ['check', 'consume'],
    startsWorkflow: true,
  },
  {
    id: 'Download',
    entry: 'functions/download/handler.ts',
    timeoutSeconds: API_SECONDS,
    purpose:
      'GET /download: a page with a Download button that spends nothing; POST /download: consume the download token, redirect to a short-lived presigned URL',
    table: 'readWrite',
    // issue: a document of several files (JSON and its HTML) offers each through a single-use token of its own
    tokens: ['check', 'consume', 'issue'],
    bucket: { read: ['exports/', 'receipts/'] },
  },
  {
    id: 'AppealRequest',
    entry: 'functions/appeal-request/handler.ts',
    timeoutSeconds: API_SECONDS,
    purpose:
      'GET /appeal: the appeal form of a denial (changes nothing); POST /appeal: consume the token, record the appeal held for an operator, start its workflow',
    table: 'readWrite',
    tokens: ['check', 'consume'],
    startsWorkflow: true,
  },
  {
    id: 'Assets',
    entry: 'functions/assets/handler.ts',
    timeoutSeconds: API_SECONDS,
    purpose:
      "GET /assets/{name}: the pages' same-origin stylesheet and scripts (the CSP allows no other); touches no data",
  },
  {
    id: 'OpenApi',
    entry: 'functions/openapi/handler.ts',
    timeoutSeconds: API_SECONDS,
    purpose: "GET /openapi.json: the OpenAPI 3.1 document of the API, generated from the routes' zod schemas",
    // no grants: it touches no data
  },
  // --- workflow steps ---
  {
    id: 'DecideRequest',
    entry: 'functions/decide-request/handler.ts',
    timeoutSeconds: STEP_SECONDS,
    purpose:
      "the policy step: decide the request against the company profile and the law's pack (go on, hold for an operator, or deny with reasons and mail them)",
    table: 'readWrite',
    sendsMail: true,
    // a denial where the law gives an appeal carries a single-use link to the appeal form
    tokens: ['issue'],
    linksToApi: true,
    readsProfile: true,
  },
  {
    id: 'HoldRequest',
    entry: 'functions/hold-request/handler.ts',
    timeoutSeconds: STEP_SECONDS,
    purpose:
      "AwaitOperator (callback task): keep a held request's task token on it for the operator's decision, and tell the profile's operators",
    table: 'readWrite',
    sendsMail: true,
    readsProfile: true,
    // a request settled while it waited (an execution restarted after the operator decided) is answered at once
    answersTasks: true,
  },
  {
    id: 'PlanRequest',
    entry: 'functions/plan-request/handler.ts',
    timeoutSeconds: STEP_SECONDS,
    purpose: 'decide the request type and the systems to visit (or reject it)',
    table: 'readWrite',
    readsSystemsConfig: true,
  },
  {
    id: 'ResolveIdentities',
    entry: 'functions/resolve-identities/handler.ts',
    timeoutSeconds: CONNECTOR_SECONDS,
    purpose:
      "find the subject's other identities (customer id, phone…) in the systems of record, before any other search",
    table: 'readWrite',
    // reads only: the systems of record are searched like any locate (the grant covers every configured system)
    sources: 'locate',
    readsSystemsConfig: true,
    connector: true,
  },
  {
    id: 'LocateSystem',
    entry: 'functions/locate-system/handler.ts',
    timeoutSeconds: CONNECTOR_SECONDS,
    purpose: "find the subject's records in one system, stream them to parts/ and return counts (locate and confirm)",
    table: 'readWrite',
    bucket: { write: ['parts/'] },
    sources: 'locate',
    readsSystemsConfig: true,
    connector: true,
  },
  {
    id: 'EraseSystem',
    entry: 'functions/erase-system/handler.ts',
    timeoutSeconds: CONNECTOR_SECONDS,
    purpose: "erase (or anonymise, or retain under an exemption) the subject's records in one system",
    table: 'readWrite',
    suppression: 'add',
    sources: 'erase',
    readsSystemsConfig: true,
    hashesIdentities: true,
    connector: true,
  },
  {
    id: 'ChangeSystem',
    entry: 'functions/change-system/handler.ts',
    timeoutSeconds: CONNECTOR_SECONDS,
    purpose:
      "write a correction or a preference flag (restriction, opt-out, objection, consent) on the subject's records in one system",
    table: 'readWrite',
    sources: 'change',
    readsSystemsConfig: true,
    connector: true,
  },
  {
    id: 'AssembleExport',
    entry: 'functions/assemble-export/handler.ts',
    timeoutSeconds: CONNECTOR_SECONDS,
    purpose: 'stream the located parts into one export document, then delete the parts',
    table: 'readWrite',
    bucket: { read: ['parts/'], write: ['exports/'], delete: ['parts/'] },
    readsSystemsConfig: true,
  },
  {
    id: 'AssembleReceipt',
    entry: 'functions/assemble-receipt/handler.ts',
    timeoutSeconds: CONNECTOR_SECONDS,
    purpose: 'write the deletion receipt (locate, erase, confirm outcomes) or the change receipt, with the notices',
    table: 'readWrite',
    // a deletion copies no records into parts/: the receipt is built from counts alone
    bucket: { write: ['receipts/'] },
    readsSystemsConfig: true,
    hashesIdentities: true,
  },
  {
    id: 'Deliver',
    entry: 'functions/deliver/handler.ts',
    timeoutSeconds: STEP_SECONDS,
    purpose: 'mail the download link and close the request (completed or partially completed)',
    table: 'readWrite',
    tokens: ['issue'],
    sendsMail: true,
    linksToApi: true,
  },
  {
    id: 'MarkAttention',
    entry: 'functions/mark-attention/handler.ts',
    timeoutSeconds: STEP_SECONDS,
    purpose: 'record on a request that a workflow step failed after its retries (step and error name), then fail',
    table: 'readWrite',
  },
  // --- recipient notices (GDPR Art. 19; CCPA §1798.105(c)) ---
  {
    id: 'NotifyRecipient',
    entry: 'functions/notify-recipient/handler.ts',
    timeoutSeconds: STEP_SECONDS,
    purpose:
      'callback task: tell one recipient what was done (mail or signed webhook) with a single-use answer link; re-entrant',
    table: 'readWrite',
    tokens: ['issue'],
    sendsMail: true,
    linksToApi: true,
    readsSystemsConfig: true,
    readsWebhookSecrets: true,
    // a recipient without a contact, or one already answered, is answered at once
    answersTasks: true,
  },
  {
    id: 'AnswerNotice',
    entry: 'functions/answer-notice/handler.ts',
    timeoutSeconds: API_SECONDS,
    purpose:
      "GET /notices: a recipient's answer page that changes nothing; POST /notices: spend the token, record the answer, complete the waiting task",
    table: 'readWrite',
    tokens: ['check', 'consume'],
    // a manual system's owner answering an access request sends the records: they become that system's part
    bucket: { write: ['parts/'] },
    readsSystemsConfig: true,
    answersTasks: true,
  },
  // --- the operator console (HTTP API, /console/*) ---
  {
    id: 'ConsoleAuthorizer',
    entry: 'functions/console-authorizer/handler.ts',
    timeoutSeconds: 10,
    purpose:
      "the console routes' Lambda REQUEST authorizer: verifies the session JWT in the cookie (Cognito's ID token) with aws-jwt-verify",
    // nothing to touch: it reads the pool's public keys over HTTPS and answers allow or deny
  },
  {
    id: 'Console',
    entry: 'functions/console/handler.ts',
    timeoutSeconds: API_SECONDS,
    purpose:
      "GET/POST /console/*: the operators' queue, a request's page with its audit trail, their decisions (approve, deny, extend, clarify, cancel, retry) and the §7102 metrics",
    // the queue and the metrics read every request (a Scan); the decisions write one (and so append to the audit trail)
    table: 'readWriteScan',
    // a denial mails its appeal link (a token), as the CLI's does
    tokens: ['issue'],
    sendsMail: true,
    linksToApi: true,
    readsProfile: true,
    // approve/deny/cancel answer the held workflow task; a retry starts the request's execution afresh
    answersTasks: true,
    startsWorkflow: true,
    describesExecutions: true,
  },
  // --- scheduled (EventBridge Scheduler, every `sweepMinutes`) ---
  {
    id: 'Sweeper',
    entry: 'functions/sweep/handler.ts',
    timeoutSeconds: SWEEP_SECONDS,
    purpose:
      'start confirmed requests with no execution, restart failed ones and due retries, expire unverified requests, lift restrictions whose announced date has come, forget subjects owed nothing more',
    table: 'readWriteScan',
    // clearing a restriction flag (GDPR Art. 18(3), after the subject was told): the same writes as ChangeSystem
    sources: 'change',
    readsSystemsConfig: true,
    startsWorkflow: true,
    describesExecutions: true,
  },
  // --- scheduled (EventBridge Scheduler, daily at 08:00 UTC) ---
  {
    id: 'RemindOperators',
    entry: 'functions/remind-operators/handler.ts',
    timeoutSeconds: REMIND_SECONDS,
    purpose:
      "mail the company profile's operators a daily digest of the open requests overdue, due within `reminderDays` or waiting for their decision (ids and dates, no subject)",
    // reads every request (a Scan) and changes none: no writes, so no audit table either
    table: 'readScan',
    sendsMail: true,
    readsProfile: true,
  },
  // --- operator commands (not in the workflow) ---
  {
    id: 'ReapplyDeletions',
    entry: 'functions/reapply-deletions/handler.ts',
    timeoutSeconds: CONNECTOR_SECONDS,
    purpose: 'after a restore from backup: erase again every identity on the suppression list (aws lambda invoke)',
    // reads the suppression list, not the requests table: requests are not its business
    suppression: 'readScan',
    sources: 'erase',
    readsSystemsConfig: true,
    hashesIdentities: true,
  },
] as const satisfies readonly FunctionSpec[];

export type FunctionId = (typeof FUNCTION_SPECS)[number]['id'];
export type FunctionEntry = (typeof FUNCTION_SPECS)[number]['entry'];

/** Tag carried by every function: its handler module. The local twin maps function ARNs to modules through it. */
export const HANDLER_TAG = 'dsar:handler';

export function specById(id: FunctionId): FunctionSpec {
  const spec = FUNCTION_SPECS.find((s) => s.id === id);
  if (!spec) throw new Error(`no function spec ${id}`);
  return spec;
}

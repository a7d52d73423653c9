/**
 * The environment contract between the Lambda handlers and whatever runs them (the CDK stack, the local twin):
 * the variable names, defined once, here beside the code that reads them.
 * Handlers and the local twin import these names instead of spelling strings, so a rename cannot drift.
 * This module imports nothing from aws-cdk-lib on purpose: runtime code may import it cheaply.
 */
export const FUNCTION_ENV = {
  /** name of the `Requests` DynamoDB table (every function) */
  TABLE: 'DSAR_TABLE',
  /**
   * name of the `Tokens` table: hashes of single-use and status tokens (only the functions that issue, check or consume
   * tokens: submit-request, get-request, verify-identity, deliver, download)
   */
  TOKENS_TABLE: 'DSAR_TOKENS_TABLE',
  /**
   * name of the `Suppression` table: keyed hashes of erased identities (erase-system writes, reapply-deletions reads).
   * A table of its own so a point-in-time restore of the requests table cannot roll it back.
   */
  SUPPRESSION_TABLE: 'DSAR_SUPPRESSION_TABLE',
  /**
   * name of the `Audit` table: each request's hash-chained events (functions/core/audit). Only the functions that write
   * requests, which may add events and never change or remove one (PutItem/GetItem/Query).
   */
  AUDIT_TABLE: 'DSAR_AUDIT_TABLE',
  /** name of the exports/receipts/parts bucket (every function) */
  BUCKET: 'DSAR_BUCKET',
  /**
   * ARN of the bucket's KMS key (the functions with bucket access; unset in the twin): the presigned POST of an agent's
   * document requires SSE-KMS under it
   */
  BUCKET_KEY_ARN: 'DSAR_BUCKET_KEY_ARN',
  /** name of the bucket SES stores received mail in (receive-mail only: it reads and deletes `inbound-mail/*` there) */
  INBOUND_MAIL_BUCKET: 'DSAR_INBOUND_MAIL_BUCKET',
  /** ARN of the workflow (the functions that start or redrive executions: verify-identity, sweeper) */
  STATE_MACHINE_ARN: 'DSAR_STATE_MACHINE_ARN',
  /** base URL of the public API (the CloudFront distribution in the cloud), no trailing slash, for links in mail */
  API_URL: 'DSAR_API_URL',
  /** From address of outgoing mail (the mailers: send-verification, expire-request, deliver) */
  SENDER: 'DSAR_SENDER',
  /** path of the validated systems configuration (functions that plan, locate, erase or assemble) */
  SYSTEMS_FILE: 'DSAR_SYSTEMS_FILE',
  /**
   * path of the company profile (functions/core/policy/profile.ts): what the company promises, which the policy step
   * decides by. Unset: the open profile (every law, every right, no company limits: policy/open-profile.ts).
   */
  PROFILE_FILE: 'DSAR_PROFILE_FILE',
  /** lifetime of a verification link, seconds (every function) */
  VERIFICATION_TTL_SECONDS: 'DSAR_VERIFICATION_TTL_SECONDS',
  /** lifetime of a download link, seconds (every function) */
  DOWNLOAD_TTL_SECONDS: 'DSAR_DOWNLOAD_TTL_SECONDS',
  /** ARN of the Secrets Manager secret holding the key for keyed hashes of identities (erase-system, assemble-receipt) */
  HASH_KEY_SECRET_ARN: 'DSAR_HASH_KEY_SECRET_ARN',
  /** the hash key material itself: set by the local twin only, in place of HASH_KEY_SECRET_ARN (never in the cloud) */
  HASH_KEY: 'DSAR_HASH_KEY',
} as const;

/** Where the systems configuration sits inside a deployed bundle (copied there at bundling time). */
export const SYSTEMS_FILE_IN_BUNDLE = '/var/task/systems.json';
/** Where the company profile sits inside a deployed bundle (copied there beside the systems configuration). */
export const PROFILE_FILE_IN_BUNDLE = '/var/task/profile.json';

/**
 * The sweeper's CloudWatch metrics (embedded metric format): where the function writes them and where the stack's
 * alarms read them. Powertools Metrics always adds the `service` dimension, so the alarms must name it too.
 */
export const SWEEP_METRICS = { namespace: 'Dsar', service: 'dsar' } as const;

/** Set on every function: the Powertools service name and stack traces that point at the TypeScript source. */
export const COMMON_RUNTIME_ENV = {
  POWERTOOLS_SERVICE_NAME: 'dsar',
  NODE_OPTIONS: '--enable-source-maps',
} as const;

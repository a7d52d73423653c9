/**
 * The workflow's state names. The local twin overrides tasks by state name and the tests assert on them,
 * so they are a contract: change one here and everywhere follows. Plain data: no aws-cdk-lib import.
 */
export const STATE = {
  // The policy step (functions/decide-request): go on, or deny with reasons before any system is searched.
  Decide: 'Decide',
  DecideFailed: 'DecideFailed',
  ByDecision: 'ByDecision',
  RequestDenied: 'RequestDenied',
  // A held request waits for an operator (functions/hold-request, a callback task), then goes on or ends.
  AwaitOperator: 'AwaitOperator',
  AwaitOperatorFailed: 'AwaitOperatorFailed',
  AfterOperator: 'AfterOperator',
  PlanRequest: 'PlanRequest',
  IsRejected: 'IsRejected',
  // The subject's other ids (customer id, phone) from the systems of record, before any search
  // (functions/resolve-identities). Named without "identity": state names reach payloads, which name no subject data.
  ResolveIdentities: 'ResolveIds',
  ResolveIdentitiesFailed: 'ResolveIdsFailed',
  RequestRejected: 'RequestRejected',
  LocateSystems: 'LocateSystems',
  LocateSystem: 'LocateSystem',
  LocateFailed: 'LocateFailed',
  // The one branch on what the right does ($.plan.action: export | statement | erase | correct | flag).
  ByAction: 'ByAction',
  // After the search: a deletion goes on to erase, an export to its document.
  IsDeletion: 'IsDeletion',
  AssembleExport: 'AssembleExport',
  // categories and disclosures: the document comes from the data map, no system is searched
  AssembleStatement: 'AssembleStatement',
  // correction and the flag rights: one change per system
  ChangeSystems: 'ChangeSystems',
  ChangeSystem: 'ChangeSystem',
  ChangeFailed: 'ChangeFailed',
  EraseSystems: 'EraseSystems',
  EraseSystem: 'EraseSystem',
  EraseFailed: 'EraseFailed',
  ConfirmSystems: 'ConfirmSystems',
  ConfirmSystem: 'ConfirmSystem',
  ConfirmFailed: 'ConfirmFailed',
  AssembleReceipt: 'AssembleReceipt',
  // Recipients told what was done (GDPR Art. 19, CCPA §1798.105(c)): one callback task per recipient, with a deadline.
  NotifyRecipients: 'NotifyRecipients',
  NotifyRecipient: 'NotifyRecipient',
  NoticeOutcome: 'NoticeOutcome',
  NoticeTimedOut: 'NoticeTimedOut',
  NoticeFailed: 'NoticeFailed',
  // After the notices: an export is assembled, a deletion or a change gets its receipt.
  AfterNotices: 'AfterNotices',
  Deliver: 'Deliver',
  // A step outside the per-system Maps that fails after its retries: say which, mark the request, fail the execution.
  PlanRequestFailed: 'PlanRequestFailed',
  AssembleExportFailed: 'AssembleExportFailed',
  AssembleStatementFailed: 'AssembleStatementFailed',
  AssembleReceiptFailed: 'AssembleReceiptFailed',
  DeliverFailed: 'DeliverFailed',
  MarkAttention: 'MarkAttention',
  NeedsAttention: 'NeedsAttention',
} as const;

/**
 * Error names the connector tasks retry on: a source system that did not answer (connectors/errors.ts), and one whose
 * concurrency slots were all taken by other requests (functions/core/domain/errors.ts SystemBusyError, retried under
 * its own longer rule: see infra/workflow/retries.ts).
 */
export const CONNECTOR_RETRYABLE_ERRORS = ['ConnectorUnavailableError', 'SystemBusyError'] as const;

/**
 * Transient failures of the AWS services the steps themselves call (their table, bucket, SES, Step Functions), as the
 * adapters name them (functions/core/adapters/dependency-errors.ts). Retried on every task, with a longer backoff.
 */
export const DEPENDENCY_RETRYABLE_ERRORS = ['DependencyUnavailableError'] as const;

/** Transient errors of the Lambda service itself, retried on every task. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

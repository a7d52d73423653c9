import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** The twin's pipeline tables (a module of their own, so the CLI can name them without loading the twin). */
export const REQUESTS_TABLE = 'DsarRequests';
export const TOKENS_TABLE = 'DsarTokens';
export const SUPPRESSION_TABLE = 'DsarSuppression';
/** partition key `requestId`, sort key `seq` (a number): the audit trail, as in the cloud */
export const AUDIT_TABLE = 'DsarAudit';

/** The audit table's definition (infra/stacks/stateful-stack.ts `Audit`): events by request, by sequence number. */
export const auditTable = (table: string): CreateTableCommandInput => ({
  TableName: table,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'requestId', AttributeType: 'S' },
    { AttributeName: 'seq', AttributeType: 'N' },
  ],
  KeySchema: [
    { AttributeName: 'requestId', KeyType: 'HASH' },
    { AttributeName: 'seq', KeyType: 'RANGE' },
  ],
});

import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '../../functions/core/adapters/dynamo-audit-log';
import { verifyChain } from '../../functions/core/audit/chain';
import { auditRow } from '../../functions/core/audit/rows';

// The history's lines live in functions/core/audit/rows.ts: the console shows them too.
export { auditRow };
import type { AuditLog } from '../../functions/core/ports';
import { AUDIT_TABLE } from '../local/tables';
import { type Io, type LocalEndpoints, paint } from './io';

/**
 * The audit table: the twin's while one runs (or with --local), else --table or $DSAR_AUDIT_TABLE (the stateful
 * stack's output AuditTableName) with the AWS defaults; undefined, said on stderr, when none is named.
 */
export function auditLogFor(
  table: string | undefined,
  client: DynamoDBClientConfig,
  local: LocalEndpoints | undefined,
  io: Io,
): AuditLog | undefined {
  const name = table ?? process.env.DSAR_AUDIT_TABLE ?? (local ? AUDIT_TABLE : undefined);
  if (name === undefined) {
    io.err('which audit table? give --table <name> (the stateful stack output AuditTableName) or set DSAR_AUDIT_TABLE');
    return undefined;
  }
  return new DynamoAuditLog(DynamoDBDocumentClient.from(new DynamoDBClient(client)), name);
}

/** How `dsar audit` ended: the chain verified, a problem found in it, or no event for that id. */
export type AuditOutcome = 'intact' | 'broken' | 'not_found';

/**
 * `dsar audit <id>`: the request's events in order, then the verdict of recomputing the chain — "chain intact (N
 * events)", or one line per broken event. `table` renders the rows (the CLI's plain-text table).
 */
export async function auditCommand(
  requestId: string,
  log: Pick<AuditLog, 'history'>,
  json: boolean,
  io: Io,
  table: (rows: Record<string, string>[]) => string,
): Promise<AuditOutcome> {
  const stored = await log.history(requestId);
  if (stored.length === 0) {
    io.err(`no audit events for request ${requestId}`);
    return 'not_found';
  }
  const report = verifyChain(requestId, stored);
  if (json) {
    io.out(
      JSON.stringify({ requestId, intact: report.intact, problems: report.problems, events: report.events }, null, 2),
    );
  } else {
    io.out(table(report.events.map(auditRow)));
    io.out('');
    if (report.intact) io.out(paint(io, 'green', `chain intact (${report.events.length} events)`));
    else for (const problem of report.problems) io.out(paint(io, 'red', `BROKEN ${problem}`));
  }
  return report.intact ? 'intact' : 'broken';
}

import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type pg from 'pg';
import { identityOf, type SystemConfig, type SystemsConfig } from '../../connectors/config';
import { tableIdentity } from '../../connectors/postgres/sql';
import { DynamoRequestRepository } from '../../functions/core/adapters/dynamo-request-repository';
import type { RequestRecord } from '../../functions/core/domain/request-record';
import type { RequestRepository } from '../../functions/core/ports';
import { REQUESTS_TABLE } from '../local/tables';
import { csv, metrics, queue, requestView } from './requests';
import { ExtendRequest } from '../../functions/extend-request/extend-request';
import { OperatorDecision } from '../../functions/operator-decision/operator-decision';
import {
  NotHeldError,
  RightDeniedByPolicyError,
  RightRequiredError,
  TooLateToCancelError,
} from '../../functions/operator-decision/errors';
import { OptOutScope, RequestType } from '../../functions/core/domain/request';
import { RequestNotFoundError, StatusConflictError, ValidationError } from '../../functions/core/domain/errors';
import { ExtensionRefusedError } from '../../functions/core/rules/errors';
import { targetRunningTwin } from '../local/running';
import type { ProbeReport } from '../../connectors/contract';
import { postgresPool } from '../../connectors/postgres/pool';
import { type ConnectorDeps, createConnector } from '../../connectors/registry';
import { httpDeps, localHttpEnv, localPostgresEnv } from '../../functions/core/connectors';
import { parseSystemsFile } from '../../functions/core/systems';
import { actingAs } from '../../functions/core/audit/actor';
import type { AuditLog } from '../../functions/core/ports';
import { auditCommand, auditLogFor, auditRow } from './audit';
import { type Io, type LocalEndpoints, paint } from './io';

export type { Io, LocalEndpoints };
import { verifyChain } from '../../functions/core/audit/chain';

/** Exit codes: 0 all well, 1 problems found in the estate, 2 the command itself was wrong (usage, unreadable file). */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const DEFAULT_SYSTEMS = join(REPO_ROOT, 'infra/config/systems.json');
const LOCAL_JSON = join(REPO_ROOT, '.dsar/local.json');

const USAGE = `Usage: dsar <command> [options]

Commands:
  systems          print the data map: every configured system and the recipients
  check-systems    check every configured system without touching data, and say what to fix
  requests         the open requests, most urgent first, with days left
  show <id>        one request: its facts, its clock, per system what was done (the address masked)
  metrics          CCPA §7102 figures per right for a calendar year (--year, --csv)
  extend <id>      extend a request's deadline once, where the law allows, mailing the subject the reason (--reason)
  approve <id>     let a request held for an operator go on (--right for a mail whose right was unclear)
  deny <id>        deny a held request, mailing the subject the reason (--reason), the appeal and complaint routes
  clarify <id>     ask the subject of a held request a question (--reason); the clock pauses where the law allows
  cancel <id>      cancel a request not yet being processed, telling the subject why (--reason)
  audit <id>       a request's audit trail, every change in order, and whether its hash chain is intact

Options (every command):
  --systems <file> the systems file (default: $DSAR_SYSTEMS_FILE or infra/config/systems.json)
  --json           machine-readable output
  --help           this help, or a command's with \`dsar <command> --help\``;

const HELP: Record<string, string> = {
  systems: `Usage: dsar systems [--systems <file>] [--json]

Prints the data map from the validated systems file: per system its type, identities, categories, purpose, source,
recipients, retention and erasure strategy; then the recipients (name, role, category, contact kind, sold/shared).
Exit 0, or 2 when the file cannot be read or is invalid.`,
  'check-systems': `Usage: dsar check-systems [--systems <file>] [--json] [--local]

Checks reachability, credentials, indexes, versioning and permissions of every configured system without reading or
writing a record, and says what to fix per system. With --local (or when a local twin is running: .dsar/local.json)
it checks the twin's emulators with the twin's credentials; otherwise the AWS defaults (AWS_PROFILE, AWS_REGION…).
Exit 0 when every check passes, 1 when one fails, 2 on a usage error or an invalid systems file.`,
  requests: `Usage: dsar requests [--json] [--local] [--table <name>]

The open requests (not yet ended), the most urgent first: id, right, law, status, received, due date and days left
(by the request's statutory clock; negative: overdue). Reads the requests table: the twin's (--local, or while one
runs) or a deployment's (--table, or $DSAR_TABLE, with the AWS defaults). No address is printed.`,
  show: `Usage: dsar show <request id> [--json] [--local] [--table <name>]

One request: right, law, status, the address masked, verification, dates, its statutory clock (pack, acknowledgment,
due date, extension), the identities resolution found (kinds and sources) and per system what was done.
Exit 0, or 1 when there is no such request.`,
  metrics: `Usage: dsar metrics [--year <YYYY>] [--csv | --json] [--local] [--table <name>]

The figures 11 CCR §7102(a) asks a business to disclose, per right, for the requests received in a calendar year
(default: the previous one): received, complied with in whole and in part, denied, withdrawn or never confirmed,
still open, and the median and mean days from receipt to the answer.`,
  extend: `Usage: dsar extend <request id> --reason "<why, as the subject will read it>"

Extends the request's deadline once, where its law allows (GDPR Art. 12(3): two more months, told within the first;
CCPA §1798.130(a)(2)(A): 45 more days, told within the first 45): the statutory clock decides and computes the new
date, the subject is mailed it with the reason, then the request records it. Refused — and nothing mailed — when the
law gives no extension, when it was already extended, or after the notice deadline. Acts on the running twin, or on a
deployment through the environment (DSAR_TABLE, DSAR_SENDER and the AWS defaults).
Exit 0 when extended, 1 when refused, 2 on a usage error.`,
  approve: `Usage: dsar approve <request id> [--right <right> [--scope <scope>]]

Lets a request the policy step held for an operator (a right the profile has reviewed, a possibly excessive request)
go on: the workflow waiting for it carries on, and a clock paused for a clarification resumes today.
A request that came by email without a clear right (held as type_unclear) needs --right: access, portability,
categories, disclosures, deletion, limit_sensitive, restriction, or objection/opt_out with --scope sale_sharing,
marketing or profiling. The policy is checked for that right first (if it denies it, nothing changes: deny the
request with its reason in words), and the due date is the right's own.
Exit 0 when approved, 1 when the request is not waiting for a decision or the policy denies the right, 2 on a usage
error.`,
  deny: `Usage: dsar deny <request id> --reason "<why, as the subject will read it>"

Denies a held request: the subject is mailed the reason, how to appeal where the law gives an appeal, and where to
complain; the request ends rejected. Exit 0 when denied, 1 when the request is not waiting, 2 on a usage error.`,
  clarify: `Usage: dsar clarify <request id> --reason "<the question, as the subject will read it>"

Asks the subject of a held request a question. Where the law lets the clock stand still for a clarification (the UK
GDPR as amended by the Data (Use and Access) Act 2025) it pauses until the request is approved; elsewhere it runs on.
Exit 0 when asked, 1 when the request is not waiting, 2 on a usage error.`,
  cancel: `Usage: dsar cancel <request id> --reason "<why, as the subject will read it>"

Cancels a request not yet being processed (waiting for its subject's confirmation, or for an operator), mailing the
subject the reason. Exit 0 when cancelled, 1 when it is too late, 2 on a usage error.`,
  audit: `Usage: dsar audit <request id> [--json] [--local] [--table <audit table>]

The request's audit trail in order: per event its number, time, actor, kind, the status it moved from and to, and
the names of the fields written (never their values: the trail holds no personal data). Then it recomputes the hash
chain — each event's hash from its content, each link to the event before, the numbers 1, 2, 3… — and says "chain
intact (N events)" or names each broken event. Reads the audit table: the twin's (--local, or while one runs) or a
deployment's (--table, or $DSAR_AUDIT_TABLE, with the AWS defaults).
Exit 0 when the chain is intact, 1 when it is broken, 2 on a usage error or when the request has no events.`,
};

/** Runs one `dsar` invocation; returns the exit code (the shim sets it, tests read it). */
export async function main(
  argv: readonly string[],
  io: Io,
  options: {
    local?: LocalEndpoints;
    requests?: Pick<RequestRepository, 'all' | 'get'>;
    now?: () => Date;
    /** the extension use case (tests give one over fakes; the command builds one over the twin or a deployment) */
    extend?: Pick<ExtendRequest, 'execute'>;
    /** the operator's decisions (tests give one over fakes; the command builds one over the twin or a deployment) */
    operator?: Pick<OperatorDecision, 'approve' | 'deny' | 'clarify' | 'cancel'>;
    audit?: Pick<AuditLog, 'history'>;
  } = {},
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { command, values } = parsed;
  if (command === undefined) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const help = HELP[command];
  if (help === undefined) {
    io.err(`unknown command '${command}'\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.out(help);
    return EXIT.ok;
  }
  const file = values.systems ?? process.env.DSAR_SYSTEMS_FILE ?? DEFAULT_SYSTEMS;
  let config: SystemsConfig;
  try {
    config = parseSystemsFile(file);
  } catch (error) {
    // the loader's own message: it names the file and every problem in it
    io.err((error as Error).message);
    return EXIT.usage;
  }
  if (command === 'systems') {
    printSystems(config, values.json === true, io);
    return EXIT.ok;
  }
  const local =
    options.local ?? (values.local || existsSync(LOCAL_JSON) ? readLocal(io, values.local === true) : undefined);
  if (values.local && local === undefined) return EXIT.usage;
  if (command === 'extend') return extendCommand(parsed.argument, values.reason, io, options.extend);
  if (command === 'approve' || command === 'deny' || command === 'clarify' || command === 'cancel')
    return decisionCommand(command, parsed.argument, values.reason, io, options.operator, values);
  if (command === 'audit') {
    if (!parsed.argument) {
      io.err(`which request? ${HELP.audit}`);
      return EXIT.usage;
    }
    const log = options.audit ?? auditLogFor(values.table, clientConfig(local?.dynamodb, local), local, io);
    if (log === undefined) return EXIT.usage;
    const outcome = await auditCommand(parsed.argument, log, values.json === true, io, table);
    return outcome === 'intact' ? EXIT.ok : outcome === 'broken' ? EXIT.problems : EXIT.usage;
  }
  if (command === 'requests' || command === 'show' || command === 'metrics') {
    const requests = options.requests ?? requestsTable(values.table, local, io);
    if (requests === undefined) return EXIT.usage;
    // `show` adds the request's history from the audit trail where one is reachable (the twin's, or DSAR_AUDIT_TABLE)
    const history =
      command !== 'show'
        ? undefined
        : (options.audit ??
          (local || process.env.DSAR_AUDIT_TABLE
            ? auditLogFor(undefined, clientConfig(local?.dynamodb, local), local, io)
            : undefined));
    return operatorView(command, parsed.argument, values, requests, io, options.now?.() ?? new Date(), history);
  }
  const reports = await checkSystems(config, local);
  printReports(reports, values.json === true, io);
  return reports.every(({ report }) => report.checks.every((check) => check.ok)) ? EXIT.ok : EXIT.problems;
}

function parse(argv: readonly string[]) {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      systems: { type: 'string' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      local: { type: 'boolean' },
      table: { type: 'string' },
      year: { type: 'string' },
      reason: { type: 'string' },
      right: { type: 'string' },
      scope: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const takes = ['show', 'extend', 'audit', 'approve', 'deny', 'clarify', 'cancel'].includes(positionals[0] ?? '')
    ? 2
    : 1;
  if (positionals.length > takes) throw new UsageError(`unexpected argument '${positionals[takes]}'`);
  return { command: positionals[0], argument: positionals[1], values };
}

/** The requests table: the twin's while one runs (or with --local), else --table or $DSAR_TABLE with the AWS defaults. */
function requestsTable(
  table: string | undefined,
  local: LocalEndpoints | undefined,
  io: Io,
): Pick<RequestRepository, 'all' | 'get'> | undefined {
  const name = table ?? process.env.DSAR_TABLE ?? (local ? REQUESTS_TABLE : undefined);
  if (name === undefined) {
    io.err('which requests table? give --table <name> (the stack output RequestsTableName) or set DSAR_TABLE');
    return undefined;
  }
  return new DynamoRequestRepository(
    DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(local?.dynamodb, local))),
    name,
  );
}

/** `dsar requests`, `dsar show <id>`, `dsar metrics`: read-only views of the request records. */
async function operatorView(
  command: 'requests' | 'show' | 'metrics',
  argument: string | undefined,
  values: { json?: boolean; csv?: boolean; year?: string },
  requests: Pick<RequestRepository, 'all' | 'get'>,
  io: Io,
  now: Date,
  history?: Pick<AuditLog, 'history'>,
): Promise<number> {
  if (command === 'show') {
    if (!argument) {
      io.err(`which request? ${HELP.show}`);
      return EXIT.usage;
    }
    const record = await requests.get(argument);
    if (!record) {
      io.err(`no request ${argument}`);
      return EXIT.problems;
    }
    const view = requestView(record);
    const events = history
      ? verifyChain(record.requestId, await history.history(record.requestId)).events.map(auditRow)
      : undefined;
    if (values.json) io.out(JSON.stringify(events ? { ...view, history: events } : view, null, 2));
    else {
      io.out(fieldLines(view));
      if (events?.length) io.out(`\nhistory (npx dsar audit ${record.requestId} verifies it)\n${table(events)}`);
    }
    return EXIT.ok;
  }
  const records: RequestRecord[] = [];
  for await (const record of requests.all()) records.push(record);
  if (command === 'requests') {
    const rows = queue(records, now);
    if (values.json) io.out(JSON.stringify(rows, null, 2));
    else if (rows.length === 0) io.out('No open requests.');
    else {
      // overdue in red, due within a week in yellow, waiting for an operator in bold (where the terminal shows colour)
      const lines = table(rows.map((r) => ({ ...r, daysLeft: String(r.daysLeft) }))).split('\n');
      const styled = lines.map((line, i) => {
        const row = rows[i - 2];
        if (row === undefined) return line;
        if (row.daysLeft < 0) return paint(io, 'red', line);
        if (row.daysLeft <= 7) return paint(io, 'yellow', line);
        return row.waitingFor === 'operator' ? paint(io, 'bold', line) : line;
      });
      io.out(styled.join('\n'));
    }
    return EXIT.ok;
  }
  const year = values.year === undefined ? now.getUTCFullYear() - 1 : Number(values.year);
  if (!Number.isInteger(year) || year < 2000 || year > 9999) {
    io.err(`--year must be a calendar year such as 2026 (got ${JSON.stringify(values.year)})`);
    return EXIT.usage;
  }
  const rows = metrics(records, year);
  if (values.json) io.out(JSON.stringify(rows, null, 2));
  else if (values.csv) io.out(csv(rows));
  else
    io.out(
      rows.length
        ? table(rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v ?? '-')]))))
        : `No requests received in ${year}.`,
    );
  return EXIT.ok;
}

/** `dsar extend <id> --reason …`: the clock engine decides; the subject is told the new date and why. */
async function extendCommand(
  requestId: string | undefined,
  reason: string | undefined,
  io: Io,
  given?: Pick<ExtendRequest, 'execute'>,
): Promise<number> {
  if (!requestId || reason === undefined) {
    io.err(HELP.extend ?? '');
    return EXIT.usage;
  }
  let use = given;
  if (use === undefined) {
    const twin = await targetRunningTwin(process.env.DSAR_DATA_DIR || join(REPO_ROOT, '.dsar'));
    io.err(twin ? `Extending on the local twin at ${twin.api}.` : 'Extending on the deployment the environment names.');
    const { wiring } = await import('../../functions/core/wiring');
    use = new ExtendRequest(wiring.requests(), wiring.mailer());
  }
  try {
    const { dueDate, previous } = await actingAs('operator', () => use.execute(requestId, reason), cliOperator());
    io.out(`extended: due ${previous} → ${dueDate}; the subject was mailed the new date and the reason`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ExtensionRefusedError || error instanceof StatusConflictError) {
      io.err(`not extended: ${error.message}`);
      return EXIT.problems;
    }
    if (error instanceof ValidationError || error instanceof RequestNotFoundError) {
      io.err(`not extended: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
}

/** `dsar approve|deny|clarify|cancel <id> [--reason …]`: an operator's decision on a request. */
async function decisionCommand(
  command: 'approve' | 'deny' | 'clarify' | 'cancel',
  requestId: string | undefined,
  reason: string | undefined,
  io: Io,
  given?: Pick<OperatorDecision, 'approve' | 'deny' | 'clarify' | 'cancel'>,
  flags: { right?: string; scope?: string } = {},
): Promise<number> {
  const right = flags.right === undefined ? undefined : RequestType.safeParse(flags.right);
  const scope = flags.scope === undefined ? undefined : OptOutScope.safeParse(flags.scope);
  if (
    !requestId ||
    (command !== 'approve' && reason === undefined) ||
    ((right !== undefined || scope !== undefined) && command !== 'approve') ||
    right?.success === false ||
    scope?.success === false ||
    (scope !== undefined && right === undefined)
  ) {
    io.err(HELP[command] ?? '');
    return EXIT.usage;
  }
  const choice = right?.success ? { right: right.data, ...(scope?.success ? { scope: scope.data } : {}) } : undefined;
  let use = given;
  if (use === undefined) {
    const twin = await targetRunningTwin(process.env.DSAR_DATA_DIR || join(REPO_ROOT, '.dsar'));
    io.err(twin ? `Acting on the local twin at ${twin.api}.` : 'Acting on the deployment the environment names.');
    const { wiring, noticeWiring } = await import('../../functions/core/wiring');
    const { settings } = await import('../../functions/core/config');
    use = new OperatorDecision(
      wiring.requests(),
      wiring.mailer(),
      noticeWiring.taskCallbacks(),
      wiring.profile,
      undefined,
      // a denial's appeal link: the twin's API, or the deployment's (DSAR_API_URL, DSAR_TOKENS_TABLE)
      process.env.DSAR_API_URL ? { tokens: wiring.tokens(), apiUrl: settings('apiUrl').apiUrl } : undefined,
    );
  }
  const decision = use;
  try {
    await actingAs(
      'operator',
      async () => {
        if (command === 'approve') await (choice ? decision.approve(requestId, choice) : decision.approve(requestId));
        else if (command === 'deny') await decision.deny(requestId, reason ?? '');
        else if (command === 'cancel') await decision.cancel(requestId, reason ?? '');
        else {
          const { paused } = await decision.clarify(requestId, reason ?? '');
          io.out(paused ? 'asked; the clock is paused until you approve' : 'asked; this law does not pause the clock');
        }
      },
      cliOperator(),
    );
    if (command !== 'clarify')
      io.out(
        {
          approve: 'approved: the request goes on',
          deny: 'denied: the subject was mailed the reason',
          cancel: 'cancelled: the subject was told why',
        }[command],
      );
    return EXIT.ok;
  } catch (error) {
    if (
      error instanceof NotHeldError ||
      error instanceof RightRequiredError ||
      error instanceof RightDeniedByPolicyError ||
      error instanceof TooLateToCancelError ||
      error instanceof StatusConflictError
    ) {
      io.err(`not done: ${error.message}`);
      return EXIT.problems;
    }
    if (error instanceof ValidationError || error instanceof RequestNotFoundError) {
      io.err(`not done: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
}

/**
 * Who acts through the CLI, for the audit trail: the OS account running it (`cli:<user>`), the closest to "which
 * operator" a command line knows (the deployment's credentials say the rest, in CloudTrail).
 */
export function cliOperator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

/** A nested view as `field  value` lines (objects as compact JSON), the fields aligned. */
function fieldLines(view: Record<string, unknown>): string {
  const entries = Object.entries(view).filter(([, value]) => value !== undefined);
  const width = Math.max(...entries.map(([field]) => field.length));
  return entries
    .map(([field, value]) => `${field.padEnd(width)}  ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('\n');
}

/** A command line that cannot be run (an unknown option, an extra argument). */
class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The twin's endpoints from .dsar/local.json; undefined (said on stderr when it was asked for) when absent. */
function readLocal(io: Io, asked: boolean): LocalEndpoints | undefined {
  if (!existsSync(LOCAL_JSON)) {
    if (asked) io.err(`no local twin: ${LOCAL_JSON} does not exist (start one with npm run dev)`);
    return undefined;
  }
  const info = JSON.parse(readFileSync(LOCAL_JSON, 'utf8')) as Partial<LocalEndpoints> & { pid?: number };
  if (!asked && !isAlive(info.pid)) return undefined;
  if (!info.dynamodb || !info.s3 || !info.credentials) {
    io.err(`${LOCAL_JSON} names no endpoints or credentials: restart the twin (npm run dev)`);
    return undefined;
  }
  return info as LocalEndpoints;
}

function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// --- dsar systems ---------------------------------------------------------------------------------------------------

function identitiesOf(system: SystemConfig): string {
  if (system.type === 'dynamodb') {
    const { kind, entry } = identityOf(system.identity);
    return `${kind}: ${entry.attribute}${entry.index ? ` (index ${entry.index})` : ''}`;
  }
  if (system.type === 's3-objects') {
    const { kind, entry } = identityOf(system.identity);
    return `${kind}: ${entry.field}`;
  }
  if (system.type === 'manual') return `email (asked of ${system.owner.name})`;
  if (system.type === 'http') {
    const { kind, entry } = identityOf(system.identity);
    return `${kind}: ${entry.lookup.method} ${entry.lookup.path}`;
  }
  return system.tables
    .flatMap((table) => {
      const identity = tableIdentity(table);
      return identity ? [`${identity.kind}: ${table.name}.${identity.column}`] : [];
    })
    .join(', ');
}

export function systemRows(config: SystemsConfig): Record<string, string>[] {
  return config.systems.map((system) => ({
    system: system.id,
    type: system.type,
    identities: identitiesOf(system),
    categories: system.holds.categories.join(', '),
    purpose: system.holds.purpose,
    source: system.holds.source ?? '-',
    recipients: system.holds.recipients.join(', ') || '-',
    retention: system.holds.retention ?? '-',
    erasure: system.erasure.strategy,
  }));
}

export function recipientRows(config: SystemsConfig): Record<string, string>[] {
  return (config.recipients ?? []).map((recipient) => ({
    recipient: recipient.name,
    role: recipient.role,
    category: recipient.category,
    contact: recipient.notify === undefined ? 'none' : 'email' in recipient.notify ? 'email' : 'webhook',
    sold: recipient.sold ? 'yes' : 'no',
    shared: recipient.shared ? 'yes' : 'no',
  }));
}

function printSystems(config: SystemsConfig, json: boolean, io: Io): void {
  const systems = systemRows(config);
  const recipients = recipientRows(config);
  if (json) {
    io.out(JSON.stringify({ systems, recipients }, null, 2));
    return;
  }
  io.out(table(systems));
  if (recipients.length > 0) io.out(`\n${table(recipients)}`);
}

/** A plain-text table: a header, a rule, one line per row, columns padded to their widest cell. */
export function table(rows: readonly Record<string, string>[]): string {
  const first = rows[0];
  if (first === undefined) return '';
  const columns = Object.keys(first);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(columns.map((c) => row[c] ?? ''))),
  ].join('\n');
}

// --- dsar check-systems ---------------------------------------------------------------------------------------------

export interface SystemReport {
  system: string;
  type: string;
  report: ProbeReport;
}

/** Probes every system in turn (one at a time: a check must not add load to a struggling store). */
export async function checkSystems(config: SystemsConfig, local?: LocalEndpoints): Promise<SystemReport[]> {
  const pools: pg.Pool[] = [];
  for (const [name, url] of Object.entries(local?.postgres ?? {})) process.env[localPostgresEnv(name)] = url;
  for (const [name, api] of Object.entries(local?.apis ?? {})) {
    const env = localHttpEnv(name);
    process.env[env.url] = api.url;
    process.env[env.secret] = api.key;
  }
  const deps: ConnectorDeps = {
    dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(local?.dynamodb, local))),
    s3: new S3Client({ ...clientConfig(local?.s3, local), forcePathStyle: local !== undefined }),
    anonymizationKey: '',
    postgres: (system) => {
      const pool = postgresPool(system, {
        secret: async (id) => {
          const value = await getSecret(id, { maxAge: 300 });
          return typeof value === 'string' ? value : '';
        },
        localUrl: (name) => process.env[localPostgresEnv(name)],
      });
      pools.push(pool);
      return pool;
    },
  };
  const reports: SystemReport[] = [];
  try {
    for (const system of config.systems) {
      let report: ProbeReport;
      if (system.type === 'manual') {
        // nothing to reach: its owner is asked by notice; what can be checked is that they can be told
        const channel = 'email' in system.owner.contact ? 'email' : 'webhook';
        report = {
          reachable: true,
          checks: [{ name: 'owner', ok: true, detail: `${system.owner.name} is asked by ${channel}` }],
        };
        reports.push({ system: system.id, type: system.type, report });
        continue;
      }
      try {
        report = await createConnector(system, { ...deps, http: httpDeps(system) }).probe();
      } catch (error) {
        // a connector that cannot be built, or a probe that failed outside its checks: named, never its message's values
        report = {
          reachable: false,
          checks: [{ name: 'connector', ok: false, detail: (error as Error).name, fix: 'see the systems file' }],
        };
      }
      reports.push({ system: system.id, type: system.type, report });
    }
  } finally {
    deps.dynamodb.destroy();
    deps.s3.destroy();
    await Promise.all(pools.map((pool) => pool.end()));
  }
  return reports;
}

function clientConfig(endpoint: string | undefined, local: LocalEndpoints | undefined) {
  if (endpoint === undefined || local === undefined) return {};
  return { endpoint, region: process.env.AWS_REGION ?? 'us-east-1', credentials: local.credentials };
}

function printReports(reports: readonly SystemReport[], json: boolean, io: Io): void {
  if (json) {
    io.out(JSON.stringify(reports, null, 2));
    return;
  }
  for (const { system, type, report } of reports) {
    const ok = report.checks.every((check) => check.ok);
    io.out(`${ok ? 'ok  ' : 'FAIL'} ${system} (${type})${report.reachable ? '' : ' — not reachable'}`);
    for (const check of report.checks) {
      io.out(`  ${check.ok ? '✓' : '✗'} ${check.name}${check.detail ? `: ${check.detail}` : ''}`);
      if (!check.ok && check.fix) io.out(`    fix: ${check.fix}`);
    }
  }
  const failed = reports.filter(({ report }) => !report.checks.every((check) => check.ok)).length;
  io.out(`\n${reports.length - failed} of ${reports.length} systems pass${failed ? `; ${failed} to fix` : ''}`);
}

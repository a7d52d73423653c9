import type pg from 'pg';
import Cursor from 'pg-cursor';
import { anonymizationChanges, requireAnonymizationKey } from '../anonymize';
import {
  type AnonymizeErasure,
  BaseConnector,
  type ConnectorOptions,
  type FieldWrites,
  type Subject,
  type WriteOutcome,
} from '../base';
import type { Erasure, PostgresSystemConfig, PostgresTableConfig } from '../config';
import type {
  EraseOutcome,
  IdentityKind,
  Pass,
  ProbeCheck,
  ProbeReport,
  SourceRecord,
  VerifiedIdentities,
} from '../contract';
import { ConnectorConfigError } from '../errors';
import { isSameIdentity } from '../identity';
import { translatePostgresError } from './errors';
import type { PostgresPool } from './pool';
import {
  childrenFirst,
  MEMBERSHIP_PARAMS,
  membership,
  membershipParams,
  qualified,
  quoted,
  type TablePath,
  tableIdentity,
  tablePaths,
} from './sql';

/** The field each located record carries naming its table (a column of that name is refused: it would be hidden). */
export const TABLE_FIELD = '_table';

/** Rows read per round trip while streaming: a pass never holds more than this many. */
const BATCH = 200;

const NOTHING: EraseOutcome = { deleted: 0, anonymized: 0, retained: 0, unreadable: 0 };

/**
 * A Postgres database (RDS, Aurora, or the twin's PGlite) holding personal data in configured tables.
 *
 * - Finding the subject: a table with an identity column matches `lower(btrim(column)) = $1` (trimmed as JavaScript
 *   trims, see ./sql), and its linked tables (relations, e.g. orders → order_items) match through their foreign key,
 *   to any depth. Every statement is built from quoted configured names; the identity is always a parameter. An index
 *   on `lower(btrim(column))` keeps the search off a sequential scan.
 * - `locate` streams each table through a cursor inside one read-only REPEATABLE READ transaction (parents and their
 *   children from one snapshot); every record carries its table name in `_table`.
 * - `erase` runs in ONE transaction per subject: children before parents along the foreign keys, each table with its
 *   own strategy (delete, anonymize row by row by its key — the keyed hash is computed here —, or retain: counted).
 *   Anonymisation sets removed columns to NULL and leaves NULLs alone (it never adds data that was not there).
 * - `updateSubject` writes `table.column` fields with one UPDATE per table, only where a value differs (so a re-run
 *   finds every row `unchanged`) and only on rows that are still the subject's at that moment.
 * - An identity holding NUL cannot be stored in Postgres text: it matches nothing, and nothing is sent.
 */
export class PostgresConnector extends BaseConnector<PostgresSystemConfig> {
  protected readonly translate = translatePostgresError;
  private readonly pool: PostgresPool;
  private readonly paths: TablePath[];

  public constructor(system: PostgresSystemConfig, pool: PostgresPool, options: ConnectorOptions) {
    super(system, options);
    this.pool = pool;
    this.paths = tablePaths(system.tables);
    this.checkTables();
  }

  public async *locate(identities: VerifiedIdentities): Pass<SourceRecord> {
    const subject = this.searchable(identities);
    if (subject === undefined) return { unreadable: 0 };
    const client = await this.connect();
    let open = false;
    try {
      await this.query(client, 'BEGIN (locate)', 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      for (const path of this.paths) {
        const sql = `SELECT * FROM ${qualified(path.table)} WHERE ${membership(path)}`;
        const identity = tableIdentity(path.table);
        const params = membershipParams(subject, path);
        if (params === undefined) continue;
        for await (const row of this.rows(client, `SELECT ${path.table.name}`, sql, params)) {
          if (Object.hasOwn(row, TABLE_FIELD))
            throw new ConnectorConfigError(this.systemId, `table ${path.table.name} has a column named ${TABLE_FIELD}`);
          // the SQL predicate lower-cases as the server's locale does; the shared rule decides (never more than it)
          if (identity !== undefined && !isSameIdentity(identity.kind, row[identity.column], params[0])) continue;
          yield { [TABLE_FIELD]: path.table.name, ...row };
        }
      }
      await this.query(client, 'COMMIT (locate)', 'COMMIT');
      open = false;
      return { unreadable: 0 };
    } finally {
      // left early (break) or failed: end the snapshot before the connection goes back to the pool
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  /** The identity column of every searched table, and nothing else; linked tables hold no identity. */
  public async *identities(kind: IdentityKind): Pass<string> {
    const client = await this.connect();
    try {
      for (const path of this.paths) {
        const column = path.table.identity?.[kind]?.column;
        if (column === undefined) continue;
        const sql = `SELECT ${quoted(column)} AS value FROM ${qualified(path.table)} WHERE ${quoted(column)} IS NOT NULL`;
        for await (const row of this.rows(client, `SELECT ${path.table.name} (identities)`, sql, [])) {
          if (typeof row.value === 'string') yield row.value;
        }
      }
      return { unreadable: 0 };
    } finally {
      client.release();
    }
  }

  /**
   * Each table has its own strategy, so the base's single-strategy template does not fit: the same checks (the key
   * for keyed hashes, an identity that normalises to nothing erases nothing), then one transaction for every table.
   */
  public override async erase(identities: VerifiedIdentities): Promise<EraseOutcome> {
    for (const table of this.system.tables)
      requireAnonymizationKey(this.systemId, this.erasureOf(table), this.anonymizationKey);
    const subject = this.searchable(identities);
    if (subject === undefined) return { ...NOTHING };
    return this.eraseSubject(subject);
  }

  protected identityField(kind: IdentityKind): string | undefined {
    // the base forbids corrections and flags on this field; the connector's own check covers every searched table
    const table = this.system.tables.find((candidate) => candidate.identity?.[kind]);
    const column = table?.identity?.[kind]?.column;
    return table && column ? `${table.name}.${column}` : undefined;
  }

  /** Every kind some table is searched by (tables may differ: customers by email, devices by device id). */
  protected searchedKinds(): readonly IdentityKind[] {
    const kinds = this.system.tables.flatMap((table) => tableIdentity(table)?.kind ?? []);
    return [...new Set(kinds)];
  }

  /** The subject's usable identities, without any holding NUL (no Postgres text can: it would match nothing). */
  private searchable(identities: VerifiedIdentities): Subject | undefined {
    const subject = this.subjectOf(identities);
    if (subject === undefined) return undefined;
    const kept = Object.fromEntries(Object.entries(subject).filter(([, value]) => !value.includes('\u0000')));
    return Object.keys(kept).length > 0 ? kept : undefined;
  }

  /** Coverage of the identity column is checked per table (`checkTables`), where each table's strategy is known. */
  protected override checkAnonymization(_erasure: AnonymizeErasure): void {}

  protected async eraseSubject(subject: Subject): Promise<EraseOutcome> {
    return this.transaction('erase', async (client) => {
      const outcome: EraseOutcome = { ...NOTHING };
      // a system that erases, with tables kept under an exemption: say which and why (configured text, no values)
      const retainedBy = new Map<string, string>();
      for (const path of childrenFirst(this.paths)) {
        const params = membershipParams(subject, path);
        if (params === undefined) continue;
        const erasure = this.erasureOf(path.table);
        const where = membership(path);
        const table = qualified(path.table);
        if (erasure.strategy === 'delete') {
          const result = await this.query(
            client,
            `DELETE ${path.table.name}`,
            `DELETE FROM ${table} WHERE ${where}`,
            params,
          );
          outcome.deleted += result.rowCount ?? 0;
        } else if (erasure.strategy === 'retain') {
          const result = await this.query(
            client,
            `COUNT ${path.table.name}`,
            `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
            params,
          );
          const kept = Number(result.rows[0]?.n ?? 0);
          outcome.retained += kept;
          if (kept > 0 && this.system.erasure.strategy !== 'retain')
            retainedBy.set(path.table.name, `table ${path.table.name} is retained: ${erasure.reason}`);
        } else {
          outcome.anonymized += await this.anonymizeTable(client, path, erasure, params);
        }
      }
      const reasons = this.paths.flatMap((path) => retainedBy.get(path.table.name) ?? []);
      if (reasons.length > 0) outcome.retainedReason = reasons.join('; ');
      return outcome;
    });
  }

  protected async updateSubject(given: Subject, writes: FieldWrites): Promise<WriteOutcome> {
    const none: WriteOutcome = { matched: 0, changed: 0, unchanged: 0, retained: 0, unreadable: 0 };
    const subject = this.searchable(given);
    if (subject === undefined) return none;
    const byTable = new Map<string, [string, unknown][]>();
    for (const [field, value] of Object.entries(writes)) {
      const [table, column] = splitField(field);
      byTable.set(table, [...(byTable.get(table) ?? []), [column, value]]);
    }
    return this.transaction('update', async (client) => {
      const outcome = { ...none };
      for (const path of this.paths) {
        const columns = byTable.get(path.table.name);
        const params = membershipParams(subject, path);
        if (columns === undefined || params === undefined) continue;
        const table = qualified(path.table);
        const where = membership(path);
        const found = await this.query(
          client,
          `COUNT ${path.table.name}`,
          `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
          params,
        );
        const values = columns.map(([, value]) => value);
        // the membership's parameters come first; the written values follow
        const at = (i: number) => `$${i + MEMBERSHIP_PARAMS + 1}`;
        const set = columns.map(([column], i) => `${quoted(column)} = ${at(i)}`).join(', ');
        const differs = columns.map(([column], i) => `${quoted(column)} IS DISTINCT FROM ${at(i)}`).join(' OR ');
        const updated = await this.query(
          client,
          `UPDATE ${path.table.name}`,
          `UPDATE ${table} SET ${set} WHERE (${where}) AND (${differs})`,
          [...params, ...values],
        );
        const matched = Number(found.rows[0]?.n ?? 0);
        const changed = updated.rowCount ?? 0;
        outcome.matched += matched;
        outcome.changed += changed;
        outcome.unchanged += matched - changed;
      }
      return outcome;
    });
  }

  /** The table's own strategy, or the system's. */
  private erasureOf(table: PostgresTableConfig): Erasure {
    return table.erasure ?? this.system.erasure;
  }

  /**
   * Rewrites the subject's rows of one table by their key, after locking them (FOR UPDATE: nobody changes them between
   * the read and the write). The rows are read whole, one table of one subject at a time, because the same connection
   * then writes them (a suspended cursor cannot share it).
   */
  private async anonymizeTable(
    client: pg.PoolClient,
    path: TablePath,
    erasure: AnonymizeErasure,
    params: unknown[],
  ): Promise<number> {
    const table = qualified(path.table);
    const { rows } = await this.query(
      client,
      `SELECT ${path.table.name} (anonymize)`,
      `SELECT * FROM ${table} WHERE ${membership(path)} FOR UPDATE`,
      params,
    );
    for (const row of rows) {
      const present = Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null));
      const { set, remove } = anonymizationChanges(present, erasure.fields, this.anonymizationKey);
      const assignments: [string, unknown][] = [
        ...Object.entries(set),
        ...remove.map((c): [string, unknown] => [c, null]),
      ];
      if (assignments.length === 0) continue;
      const key = path.table.key;
      const sql = `UPDATE ${table} SET ${assignments.map(([column], i) => `${quoted(column)} = $${i + 1}`).join(', ')} WHERE ${key
        .map((column, i) => `${quoted(column)} = $${assignments.length + i + 1}`)
        .join(' AND ')}`;
      await this.query(client, `UPDATE ${path.table.name} (anonymize)`, sql, [
        ...assignments.map(([, value]) => value),
        ...key.map((column) => row[column]),
      ]);
    }
    return rows.length;
  }

  /**
   * What the schema cannot see on its own: an anonymised searched table must change its identity column (or Confirm
   * finds it again), anonymisation never rewrites a key or a link column (the rows would lose their relations), and
   * corrections and flags name `table.column` of a configured table, never an identity, key or link column.
   */
  private checkTables(): void {
    const protectedColumns = new Map<string, Set<string>>();
    for (const path of this.paths) {
      const columns = new Set(path.table.key);
      for (const relation of path.table.relations) columns.add(relation.references);
      if (path.parent) columns.add(path.parent.column);
      protectedColumns.set(path.table.name, columns);
    }
    for (const table of this.system.tables) {
      const erasure = this.erasureOf(table);
      if (erasure.strategy !== 'anonymize') continue;
      const identity = tableIdentity(table)?.column;
      if (identity !== undefined && !Object.hasOwn(erasure.fields, identity))
        throw new ConnectorConfigError(
          this.systemId,
          `anonymize of table ${table.name} must cover its identity column '${identity}'`,
        );
      const hit = Object.keys(erasure.fields).find((column) => protectedColumns.get(table.name)?.has(column));
      if (hit !== undefined)
        throw new ConnectorConfigError(
          this.systemId,
          `anonymize of table ${table.name} cannot change key or link column '${hit}'; use delete`,
        );
    }
    const fields: [string, string][] = Object.entries(this.system.correctable ?? {}).map(([name, { field }]) => [
      `correctable.${name}`,
      field,
    ]);
    const { consent, ...named } = this.system.flags ?? {};
    for (const [flag, config] of Object.entries(named)) if (config) fields.push([`flags.${flag}`, config.field]);
    for (const [purpose, config] of Object.entries(consent ?? {}))
      fields.push([`flags.consent.${purpose}`, config.field]);
    for (const [by, field] of fields) {
      const parts = field.split('.');
      const [table, column] = parts;
      const config = this.system.tables.find((candidate) => candidate.name === table);
      if (parts.length !== 2 || config === undefined || !column)
        throw new ConnectorConfigError(this.systemId, `${by} must name a configured table's column as 'table.column'`);
      if (tableIdentity(config)?.column === column || protectedColumns.get(config.name)?.has(column))
        throw new ConnectorConfigError(this.systemId, `${by} may not write identity, key or link column '${field}'`);
    }
  }

  /**
   * Reachability and credentials (one connection), then for each configured table: it exists and holds every column
   * the configuration names (key, identity, relation, correctable and flag columns), read from information_schema.
   * Touches no row.
   */
  public override async probe(): Promise<ProbeReport> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const code = (error as { code?: unknown }).code;
      return {
        reachable: false,
        checks: [
          {
            name: 'connection',
            ok: false,
            detail: `could not connect (${typeof code === 'string' ? code : name})`,
            fix: 'check host, port, network path (VPC, security groups) and the credentials secret or IAM auth',
          },
        ],
      };
    }
    try {
      const checks: ProbeCheck[] = [{ name: 'connection', ok: true, detail: 'connected' }];
      for (const table of this.system.tables) {
        const wanted = [...this.columnsNamed(table.name)].sort();
        const { rows } = await client.query(
          'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
          [table.schema, table.name],
        );
        const present = new Set(rows.map((row: { column_name: string }) => row.column_name));
        const where = `${table.schema}.${table.name}`;
        if (present.size === 0) {
          checks.push({
            name: `table ${where}`,
            ok: false,
            detail: `${where} does not exist or this user cannot see it`,
            fix: `create it, or grant this user SELECT on it, or correct the systems file`,
          });
          continue;
        }
        const missing = wanted.filter((column) => !present.has(column));
        checks.push(
          missing.length === 0
            ? { name: `table ${where}`, ok: true, detail: `has ${wanted.join(', ')}` }
            : {
                name: `table ${where}`,
                ok: false,
                detail: `${where} has no column ${missing.join(', ')}`,
                fix: 'correct the column names in the systems file (or add the columns)',
              },
        );
      }
      return { reachable: true, checks };
    } finally {
      client.release();
    }
  }

  /** Every column of `table` the configuration names. */
  private columnsNamed(table: string): Set<string> {
    const config = this.system.tables.find((t) => t.name === table);
    const columns = new Set<string>(config?.key ?? []);
    const identity = config && tableIdentity(config);
    if (identity) columns.add(identity.column);
    for (const other of this.system.tables)
      for (const relation of other.relations) {
        if (relation.table === table) columns.add(relation.column);
        if (other.name === table) columns.add(relation.references);
      }
    const fields = [
      ...Object.values(this.system.correctable ?? {}).map((c) => c.field),
      ...Object.entries(this.system.flags ?? {}).flatMap(([name, flag]) =>
        name === 'consent'
          ? Object.values((flag ?? {}) as Record<string, { field: string }>).map((f) => f.field)
          : [(flag as { field: string }).field],
      ),
    ];
    for (const field of fields) {
      const [owner, column] = field.split('.');
      if (owner === table && column) columns.add(column);
    }
    return columns;
  }

  private async connect(): Promise<pg.PoolClient> {
    return this.call('connect', () => this.pool.connect());
  }

  private query(client: pg.PoolClient, operation: string, sql: string, params?: unknown[]): Promise<pg.QueryResult> {
    return this.call(operation, () => client.query(sql, params));
  }

  /** One transaction on one connection: committed when `work` succeeds, rolled back otherwise. */
  private async transaction<T>(operation: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken: unknown;
    try {
      await this.query(client, `BEGIN (${operation})`, 'BEGIN');
      try {
        const result = await work(client);
        await this.query(client, `COMMIT (${operation})`, 'COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollback: unknown) => {
          broken = rollback;
        });
        throw error;
      }
    } finally {
      // a connection whose rollback failed is in an unknown state: destroy it rather than hand it to the next pass
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  /** A query's rows through a cursor, BATCH at a time, errors translated; the cursor is closed however the loop ends. */
  private async *rows(
    client: pg.PoolClient,
    operation: string,
    sql: string,
    params: unknown[],
  ): AsyncGenerator<Record<string, unknown>, void, undefined> {
    const cursor = client.query(new Cursor<Record<string, unknown>>(sql, params));
    try {
      for (;;) {
        const batch = await this.call(operation, () => cursor.read(BATCH));
        if (batch.length === 0) return;
        yield* batch;
      }
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }
}

function splitField(field: string): [string, string] {
  const [table = '', column = ''] = field.split('.');
  return [table, column];
}

import type { PostgresTableConfig } from '../config';

/**
 * The SQL text of the Postgres connector, built from configuration only: names are quoted identifiers taken from the
 * validated configuration, and the subject's identity is always a parameter (`$1`), never part of the text.
 */

/** A quoted identifier (`"order_items"`); inner quotes doubled, so no name can end the quoting. */
export function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(table: Pick<PostgresTableConfig, 'schema' | 'name'>): string {
  return `${quoted(table.schema)}.${quoted(table.name)}`;
}

/**
 * The characters JavaScript's `String.prototype.trim` removes, so that `btrim(column, $2)` trims the stored value as
 * connectors/identity.ts does: a record matches in SQL as it does in every other connector.
 */
export const TRIM_CHARACTERS =
  ' \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

/** The parameters of every membership predicate: the normalised email ($1) and the trim set ($2). */
export function membershipParams(email: string): [string, string] {
  return [email, TRIM_CHARACTERS];
}

/** How a table is reached: by its own identity column, or through the table it is linked to. */
export interface TablePath {
  table: PostgresTableConfig;
  /** absent for a table with an identity column */
  parent?: { path: TablePath; column: string; references: string };
}

/**
 * The condition a row of `path.table` meets when it is the subject's: its identity column, trimmed and lower-cased,
 * is `$1`; or its link column holds the `references` value of a parent row that is the subject's (nested to any depth).
 */
export function membership(path: TablePath): string {
  const identity = path.table.identity?.email.column;
  if (identity !== undefined) return `lower(btrim(${quoted(identity)}, $2)) = $1`;
  const parent = path.parent;
  if (parent === undefined) throw new RangeError(`table ${path.table.name} is neither searched nor linked`);
  return `${quoted(parent.column)} IN (SELECT ${quoted(parent.references)} FROM ${qualified(parent.path.table)} WHERE ${membership(parent.path)})`;
}

/**
 * Every table with the way it is reached, parents before children (the order of an export). Configuration validation
 * (connectors/config.ts) guarantees trees hanging from tables with an identity column.
 */
export function tablePaths(tables: readonly PostgresTableConfig[]): TablePath[] {
  const byName = new Map(tables.map((table) => [table.name, table]));
  const paths: TablePath[] = [];
  const visit = (path: TablePath) => {
    paths.push(path);
    for (const relation of path.table.relations) {
      const child = byName.get(relation.table);
      if (child !== undefined)
        visit({ table: child, parent: { path, column: relation.column, references: relation.references } });
    }
  };
  for (const table of tables) if (table.identity) visit({ table });
  return paths;
}

/** The same paths, children before parents: the order erasure walks the foreign keys in. */
export function childrenFirst(paths: readonly TablePath[]): TablePath[] {
  const depth = (path: TablePath): number => (path.parent ? 1 + depth(path.parent.path) : 0);
  return [...paths].sort((a, b) => depth(b) - depth(a));
}

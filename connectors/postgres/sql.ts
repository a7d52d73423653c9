import type { Subject } from '../base';
import { identityOf, type PostgresTableConfig } from '../config';
import type { IdentityKind } from '../contract';

/**
 * The SQL text of the Postgres connector, built from configuration only: names are quoted identifiers taken from the
 * validated configuration, and the subject's identities are always parameters (see membershipParams), never part of the text.
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

/**
 * The parameters of a membership predicate: the subject's normalised value of the kind the path is searched by ($1) and
 * the trim set ($2); undefined when the subject has no value of that kind (then the statement is not run: it could only
 * find nothing). Statements add their own values from `$${MEMBERSHIP_PARAMS + 1}` on.
 */
export function membershipParams(subject: Subject, path: TablePath): [string, string] | undefined {
  const value = subject[rootIdentity(path).kind];
  return value === undefined ? undefined : [value, TRIM_CHARACTERS];
}

/** How many parameters `membershipParams` takes up. */
export const MEMBERSHIP_PARAMS = 2;

/**
 * A stored identity compared as connectors/identity.ts normalises it: an email trimmed and lower-cased; a phone number
 * trimmed without spaces, dots, dashes and brackets; an id trimmed, exact (read as text, so an integer id column works).
 */
function identityPredicate(kind: IdentityKind, column: string): string {
  const trimmed = `btrim(${quoted(column)}::text, $2)`;
  switch (kind) {
    case 'email':
      return `lower(${trimmed}) = $1`;
    case 'phone':
      return `regexp_replace(${trimmed}, '[[:space:]().-]', '', 'g') = $1`;
    default:
      return `${trimmed} = $1`;
  }
}

/** The searched table a path hangs from (every statement searches by that one table's kind). */
export function rootIdentity(path: TablePath): { kind: IdentityKind; column: string } {
  const identity = tableIdentity(path.table);
  if (identity !== undefined) return identity;
  if (path.parent === undefined) throw new RangeError(`table ${path.table.name} is neither searched nor linked`);
  return rootIdentity(path.parent.path);
}

/** A table's identity kind and column, if it is searched (not only linked). */
export function tableIdentity(table: PostgresTableConfig): { kind: IdentityKind; column: string } | undefined {
  if (!table.identity) return undefined;
  const { kind, entry } = identityOf(table.identity);
  return { kind, column: entry.column };
}

/** How a table is reached: by its own identity column, or through the table it is linked to. */
export interface TablePath {
  table: PostgresTableConfig;
  /** absent for a table with an identity column */
  parent?: { path: TablePath; column: string; references: string };
}

/**
 * The condition a row of `path.table` meets when it is the subject's: its identity column, normalised like its kind,
 * is `$1` (the subject's value of that kind, see membershipParams); or its link column holds the `references` value of a parent row that is the subject's (nested to any depth).
 */
export function membership(path: TablePath): string {
  const identity = tableIdentity(path.table);
  if (identity !== undefined) return identityPredicate(identity.kind, identity.column);
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

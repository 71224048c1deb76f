import type { Database, Statement } from 'better-sqlite3';

/**
 * A tagged template that keeps SQL text and values apart, so values are always bound as parameters.
 * Fragments nest: a `Sql` interpolated into another is spliced in with its own parameters.
 */
export class Sql {
  readonly text: string;
  readonly values: readonly unknown[];
  constructor(text: string, values: readonly unknown[]) {
    this.text = text;
    this.values = values;
  }
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  let text = strings[0] ?? '';
  const params: unknown[] = [];
  values.forEach((value, i) => {
    if (value instanceof Sql) {
      text += value.text;
      params.push(...value.values);
    } else {
      text += '?';
      params.push(value);
    }
    text += strings[i + 1] ?? '';
  });
  return new Sql(text, params);
}

/** Joins fragments with a separator, e.g. the conditions of a WHERE clause. */
export function joinSql(parts: readonly Sql[], separator: string): Sql {
  return new Sql(
    parts.map((p) => p.text).join(separator),
    parts.flatMap((p) => p.values),
  );
}

/** Literal SQL text. Only for identifiers and keywords chosen from a fixed allow-list in code. */
export function rawSql(text: string): Sql {
  return new Sql(text, []);
}

const statementCache = new WeakMap<Database, Map<string, Statement>>();

/**
 * Prepares once per database and text: better-sqlite3 statements are reusable and preparing is not free.
 * A statement in raw mode (rows as arrays) is cached apart: the mode sticks to the statement.
 */
export function prepare(db: Database, query: Sql, rawRows = false): { stmt: Statement; values: unknown[] } {
  let cache = statementCache.get(db);
  if (!cache) statementCache.set(db, (cache = new Map()));
  const key = rawRows ? `raw:${query.text}` : query.text;
  let stmt = cache.get(key);
  if (!stmt) cache.set(key, (stmt = rawRows ? db.prepare(query.text).raw(true) : db.prepare(query.text)));
  return { stmt, values: [...query.values] };
}

export function all<T>(db: Database, query: Sql): T[] {
  const { stmt, values } = prepare(db, query);
  return stmt.all(...values) as T[];
}

/** Rows as arrays of column values: no object (and no key lookups) per row, for reads of many rows. */
export function raw<T extends unknown[]>(db: Database, query: Sql): T[] {
  const { stmt, values } = prepare(db, query, true);
  return stmt.all(...values) as T[];
}

export function get<T>(db: Database, query: Sql): T | undefined {
  const { stmt, values } = prepare(db, query);
  return stmt.get(...values) as T | undefined;
}

export function run(db: Database, query: Sql): { changes: number; lastInsertRowid: number | bigint } {
  const { stmt, values } = prepare(db, query);
  return stmt.run(...values);
}

import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/**
 * Plain SQL for the few request paths that run under load (`/coo commit`,
 * `/coo blockers`, the profile read every command makes). Prisma compiles each
 * query on the event loop, which costs several times the round trip itself;
 * these statements skip that. See docs/decisions/0011-hot-path-sql.md.
 *
 * Values and rows follow Prisma's conventions, so a row read here equals the
 * same row read through Prisma: `timestamp(3)` columns hold UTC wall times
 * and come back as Dates, and Dates go in as UTC.
 */
export type Statement = {
  /** Unique per text: Postgres prepares a named statement once per connection. */
  name: string;
  text: string;
};

export type Sql = <Row>(statement: Statement, values: readonly unknown[]) => Promise<Row[]>;

const timestampOid = 1114;
const int8Oid = 20;

/** "2026-11-26 09:30:00.123" as stored (UTC, no zone) to the instant. */
const utcTimestamp = (text: string) => new Date(`${text.replace(" ", "T")}Z`);

const toParam = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

export function postgresSql(pool: pg.Pool): Sql {
  const types = {
    getTypeParser: (oid: number, format?: "text" | "binary") =>
      oid === timestampOid ? utcTimestamp : oid === int8Oid ? Number : pg.types.getTypeParser(oid, format),
  } as pg.CustomTypesConfig;
  return async <Row>(statement: Statement, values: readonly unknown[]) => {
    const result = await pool.query({
      name: statement.name,
      text: statement.text,
      values: values.map(toParam),
      types,
    });
    return result.rows as Row[];
  };
}

export function pgliteSql(pglite: PGlite): Sql {
  const parsers = { [timestampOid]: utcTimestamp, [int8Oid]: Number };
  return async <Row>(statement: Statement, values: readonly unknown[]) => {
    const result = await pglite.query<Row>(statement.text, values.map(toParam), { parsers });
    return result.rows;
  };
}

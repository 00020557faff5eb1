import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import type { z } from "zod";
import type { Prisma } from "../generated/prisma/client.js";
import type { PreparedStatements } from "./pglite-prepared.js";

/**
 * The one way coo writes SQL by hand (docs/decisions/0022-schema-rules.md):
 * a named, constant statement with `$1`-style parameters and a zod schema for
 * its rows, run by `query`. The text never has values spliced into it, and a
 * row that does not have the shape the code expects fails loudly here rather
 * than somewhere downstream.
 *
 * It runs on the plain driver (`Deps.sql`, for the request paths that run
 * under load: Prisma compiles each query on the event loop, which costs
 * several times the round trip; docs/decisions/0011-hot-path-sql.md) or
 * inside a Prisma transaction (`tx`), for statements that must commit with
 * the ORM's writes.
 */
export type Statement<Row> = {
  /** Unique per text: Postgres prepares a named statement once per connection. */
  name: string;
  text: string;
  /** Checks (and types) each row; a zod schema. */
  row: { parse(row: unknown): Row };
};

export const statement = <Schema extends z.ZodType>(s: {
  name: string;
  text: string;
  row: Schema;
}): Statement<z.output<Schema>> => s;

/** Runs a statement on the plain driver; rows as the driver returns them. */
export type Sql = (
  statement: { name: string; text: string },
  values: readonly unknown[],
) => Promise<unknown[]>;

/** Where a statement runs: the plain driver, or a Prisma client or transaction. */
export type SqlRunner = Sql | Pick<Prisma.TransactionClient, "$queryRawUnsafe">;

export async function query<Row>(
  on: SqlRunner,
  statement: Statement<Row>,
  values: readonly unknown[],
): Promise<Row[]> {
  const rows =
    typeof on === "function"
      ? await on(statement, values)
      : await on.$queryRawUnsafe<unknown[]>(statement.text, ...values);
  return rows.map((row) => statement.row.parse(row));
}

const int8Oid = 20;

const toParam = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

// Every timestamp column is timestamptz, which both drivers read as a Date.
// A count(*) is int8: read it as a number (no count here nears 2^53).

/** `types` is pg's own `types` (passed in, so this module loads no driver). */
export function postgresSql(pool: pg.Pool, pgTypes: typeof pg.types): Sql {
  const types = {
    getTypeParser: (oid: number, format?: "text" | "binary") =>
      oid === int8Oid ? Number : pgTypes.getTypeParser(oid, format),
  } as pg.CustomTypesConfig;
  return async (statement, values) => {
    const result = await pool.query({
      name: statement.name,
      text: statement.text,
      values: values.map(toParam),
      types,
    });
    return result.rows;
  };
}

/** int8 as a number, over PGlite's parsers (one object, so they are merged once). */
const pgliteParsers = { [int8Oid]: Number };

/** PGlite's query, for a PGlite in a worker thread (decision 0035), which forwards only `query`. */
export function pgliteSql(pglite: PGlite): Sql {
  return async (statement, values) => {
    const result = await pglite.query<unknown>(statement.text, values.map(toParam), {
      parsers: pgliteParsers,
    });
    return result.rows;
  };
}

/** Statements prepared once on PGlite, run as on Postgres (db/pglite-prepared.ts). */
export function pglitePreparedSql(statements: PreparedStatements): Sql {
  return (statement, values) =>
    statements.locked(
      async () =>
        (await statements.run(statement.text, values.map(toParam), { parsers: pgliteParsers })).rows,
    );
}

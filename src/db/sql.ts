import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import type { z } from "zod";
import type { Prisma } from "../generated/prisma/client.js";

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

/** PGlite's query, for a PGlite in a worker thread (decision 0035), which forwards only `query`. */
export function pgliteSql(pglite: PGlite): Sql {
  const parsers = { [int8Oid]: Number };
  return async (statement, values) => {
    const result = await pglite.query<unknown>(statement.text, values.map(toParam), { parsers });
    return result.rows;
  };
}

/** PGlite's wire protocol helpers (passed in, so this module loads no driver). */
export type PgliteWire = Pick<typeof import("@electric-sql/pglite"), "protocol" | "parse">;

/** A message Postgres sent back, as PGlite parsed it. */
type Reply = Awaited<ReturnType<PGlite["execProtocol"]>>["messages"][number];

/**
 * Named statements on PGlite, as a driver runs them on Postgres: each is
 * parsed and described once per database, then every run is one bind and
 * execute, sent in one call into PGlite's WebAssembly Postgres with no new
 * plan. PGlite's own `query` parses, plans and describes each time, in six
 * calls (docs/decisions/0034-lean-embedded-default.md). A run waits its turn
 * as `query` does: the ORM's open transaction holds the one session.
 */
export function pglitePreparedSql(pglite: PGlite, wire: PgliteWire): Sql {
  const { serialize } = wire.protocol;
  const prepared = new Map<string, { params: number[]; rows: Reply | undefined }>();
  // PGlite's parsers with int8 as a number, merged once: PGlite merges them
  // again on every query given its own (hundreds of array types).
  let parsers: PGlite["parsers"] | undefined;
  const send = async (messages: Uint8Array[]) => {
    const size = messages.reduce((n, m) => n + m.length, 0);
    const buffer = new Uint8Array(size);
    let at = 0;
    for (const m of messages) {
      buffer.set(m, at);
      at += m.length;
    }
    return (await pglite.execProtocol(buffer, { throwOnError: true })).messages;
  };
  const prepare = async (name: string, text: string) => {
    const known = prepared.get(name);
    if (known) return known;
    const replies = await send([
      serialize.parse({ name, text }),
      serialize.describe({ type: "S", name }),
      serialize.sync(),
    ]);
    const params = replies.find((m) => m.name === "parameterDescription") as
      | (Reply & { dataTypeIDs: number[] })
      | undefined;
    // A statement that returns no rows (an INSERT without RETURNING) has none.
    const rows = replies.find((m) => m.name === "rowDescription");
    const made = { params: params?.dataTypeIDs ?? [], rows };
    prepared.set(name, made);
    return made;
  };
  return (statement, values) =>
    pglite._runExclusiveTransaction(() =>
      pglite._runExclusiveQuery(async () => {
        const { params, rows } = await prepare(statement.name, statement.text);
        const texts = values.map((value, i) => {
          if (value === null || value === undefined) return null;
          const plain = toParam(value);
          const serializer = pglite.serializers[params[i] ?? 0];
          return serializer ? serializer(plain) : String(plain);
        });
        const replies = await send([
          serialize.bind({ statement: statement.name, values: texts }),
          serialize.execute({}),
          serialize.sync(),
        ]);
        if (!rows) return [];
        parsers ??= { ...pglite.parsers, [int8Oid]: Number };
        const [result] = wire.parse.parseResults([rows, ...replies], parsers);
        return result?.rows ?? [];
      }),
    );
}

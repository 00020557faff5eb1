// Statements on the embedded database, run as a driver runs them on Postgres
// (docs/decisions/0037-pglite-prepared-statements.md): each text is parsed and
// described once, then every run is one bind and execute, sent in one call
// into PGlite's WebAssembly Postgres, with no new plan. PGlite's own `query`
// parses, plans and describes each time, in six calls, and merges its table
// of several hundred type parsers with the caller's on every call.
//
// Both of coo's callers use it: the plain statements of db/sql.ts and the
// ORM (pglite-prisma-adapter, given `forPrisma`'s client). A run waits its
// turn as `query` does, so nothing runs inside another caller's transaction.

import type { PGlite, Results, Transaction } from "@electric-sql/pglite";

/** PGlite's wire protocol helpers (passed in, so this module loads no driver). */
export type PgliteWire = Pick<typeof import("@electric-sql/pglite"), "protocol" | "parse">;

/** A message Postgres sent back, as PGlite parsed it. */
type Reply = Awaited<ReturnType<PGlite["execProtocol"]>>["messages"][number];

type Parsers = PGlite["parsers"];

type Prepared = { name: string; params: number[]; rows: Reply | undefined };

/**
 * The statements prepared on one PGlite, by text; the least recently used
 * is closed past `limit` (each holds a plan in Postgres's memory, which
 * WebAssembly never gives back).
 */
export class PreparedStatements {
  readonly #pglite: PGlite;
  readonly #wire: PgliteWire;
  readonly #limit: number;
  readonly #byText = new Map<string, Prepared>();
  readonly #merged = new WeakMap<object, Parsers>();
  #named = 0;

  constructor(pglite: PGlite, wire: PgliteWire, limit = 200) {
    this.#pglite = pglite;
    this.#wire = wire;
    this.#limit = limit;
  }

  /** Runs `text`; the caller holds PGlite's query lock (`locked` takes both of its locks). */
  async run(
    text: string,
    values: readonly unknown[],
    options: { parsers?: Parsers | undefined; rowMode?: "array" | "object" | undefined } = {},
  ): Promise<Results<unknown>> {
    const { params, rows, name } = await this.#prepare(text);
    const serializers = this.#pglite.serializers;
    const texts = values.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = serializers[params[i] ?? 0];
      return serializer ? serializer(value) : String(value);
    });
    const { serialize } = this.#wire.protocol;
    const replies = await this.#send([
      serialize.bind({ statement: name, values: texts }),
      serialize.execute({}),
      serialize.sync(),
    ]);
    const [result] = this.#wire.parse.parseResults(
      rows ? [rows, ...replies] : replies,
      this.#parsers(options.parsers),
      options.rowMode ? { rowMode: options.rowMode } : undefined,
    );
    return result ?? { rows: [], fields: [], affectedRows: 0 };
  }

  /** Waits for any open transaction and any running statement, as PGlite's `query` does. */
  locked<T>(work: () => Promise<T>): Promise<T> {
    return this.#pglite._runExclusiveTransaction(() => this.#pglite._runExclusiveQuery(work));
  }

  /** PGlite's parsers with the caller's over them, merged once per caller's set. */
  #parsers(extra: Parsers | undefined): Parsers {
    if (!extra) return this.#pglite.parsers;
    let merged = this.#merged.get(extra);
    if (!merged) {
      merged = { ...this.#pglite.parsers, ...extra };
      this.#merged.set(extra, merged);
    }
    return merged;
  }

  async #prepare(text: string): Promise<Prepared> {
    const known = this.#byText.get(text);
    if (known) {
      // Most recently used last: the first is the one to close.
      this.#byText.delete(text);
      this.#byText.set(text, known);
      return known;
    }
    const { serialize } = this.#wire.protocol;
    const closing: Uint8Array[] = [];
    while (this.#byText.size >= this.#limit) {
      const [oldest] = this.#byText;
      if (!oldest) break;
      this.#byText.delete(oldest[0]);
      closing.push(serialize.close({ type: "S", name: oldest[1].name }));
    }
    const name = `coo_pglite_${++this.#named}`;
    const replies = await this.#send([
      ...closing,
      serialize.parse({ name, text }),
      serialize.describe({ type: "S", name }),
      serialize.sync(),
    ]);
    const params = replies.find((m) => m.name === "parameterDescription") as
      | (Reply & { dataTypeIDs: number[] })
      | undefined;
    // A statement that returns no rows (an UPDATE, an INSERT without RETURNING) has none.
    const rows = replies.find((m) => m.name === "rowDescription");
    const made = { name, params: params?.dataTypeIDs ?? [], rows };
    this.#byText.set(text, made);
    return made;
  }

  async #send(messages: Uint8Array[]): Promise<Reply[]> {
    const buffer = new Uint8Array(messages.reduce((n, m) => n + m.length, 0));
    let at = 0;
    for (const m of messages) {
      buffer.set(m, at);
      at += m.length;
    }
    return (await this.#pglite.execProtocol(buffer, { throwOnError: true })).messages;
  }
}

type QueryOptions = { parsers?: Parsers; rowMode?: "array" | "object" };

/**
 * The PGlite the ORM's adapter is given: its queries, in and out of a
 * transaction, run as prepared statements; the rest is PGlite's own.
 * pglite-prisma-adapter calls `query`, `exec` and `transaction`, and in a
 * transaction `query`, `exec` and `rollback`.
 */
export function forPrisma(pglite: PGlite, statements: PreparedStatements): PGlite {
  const client = {
    query: (text: string, values: unknown[] = [], options: QueryOptions = {}) =>
      statements.locked(() => statements.run(text, values, options)),
    exec: pglite.exec.bind(pglite),
    transaction: <T>(work: (tx: Transaction) => Promise<T>) =>
      pglite.transaction((tx) => {
        const inside = Object.create(tx, {
          query: {
            value: (text: string, values: unknown[] = [], options: QueryOptions = {}) => {
              if (tx.closed) throw new Error("Transaction is closed");
              // The transaction holds PGlite's transaction lock; a statement takes the query lock.
              return pglite._runExclusiveQuery(() => statements.run(text, values, options));
            },
          },
        }) as Transaction;
        return work(inside);
      }),
  };
  return client as unknown as PGlite;
}

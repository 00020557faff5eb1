// The embedded database's own thread (decision 0035): it owns the PGlite
// instance and answers the requests of the proxy in pglite-thread.ts, so that
// Postgres's work (parsing, planning, running a statement, reading its rows)
// does not hold the app's event loop.
//
// Requests are handled in the order they arrive; PGlite's own mutex runs them
// one at a time, and a transaction holds it from BEGIN to COMMIT or ROLLBACK.

import { parentPort } from "node:worker_threads";
import type { ParserOptions, PGlite, Results, Transaction } from "@electric-sql/pglite";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { ParserSet, Reply, Request, SentError } from "./pglite-thread.js";

if (!parentPort) throw new Error("pglite-worker.ts runs only as a worker thread");
const port = parentPort;

const [{ PGlite: PGliteClass, messages }, prismaParsers] = await Promise.all([
  import("@electric-sql/pglite"),
  adapterParsers(),
]);

/**
 * The parsers pglite-prisma-adapter passes with every query. They are not
 * exported, and functions cannot cross to this thread, so they are taken from
 * the adapter itself: one query on a client that only records its options.
 * The worker then reads rows exactly as the adapter would on the main thread.
 */
async function adapterParsers(): Promise<ParserOptions> {
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  let seen: ParserOptions | undefined;
  const recorder = {
    query: async (_sql: string, _values: unknown[], options: { parsers: ParserOptions }) => {
      seen = options.parsers;
      return { rows: [], fields: [] };
    },
  };
  const factory = new PrismaPGlite(recorder as unknown as PGlite) as unknown as SqlDriverAdapterFactory;
  const adapter = await factory.connect();
  await adapter.queryRaw({ sql: "SELECT 1", args: [], argTypes: [] });
  if (!seen) throw new Error("pglite-prisma-adapter passed no parsers; see decision 0035");
  return seen;
}

const parserSets: Record<ParserSet, ParserOptions | undefined> = {
  prisma: prismaParsers,
  // Plain SQL (sql.ts): a count(*) is int8, read as a number.
  sql: { 20: Number },
  none: undefined,
};

let pglite: PGlite | undefined;
const database = () => {
  if (!pglite) throw new Error("the embedded database is not open");
  return pglite;
};

type OpenTransaction = {
  tx: Transaction;
  /** Lets PGlite's transaction callback return (commit) or throw (roll back). */
  finish: (commit: boolean) => void;
  /** The transaction callback's end, once PGlite has committed or rolled back. */
  settled: Promise<void>;
  /** A ROLLBACK asked for by the caller (`tx.rollback()`), awaited before the end. */
  rollingBack?: Promise<void>;
};
const transactions = new Map<number, OpenTransaction>();
let nextTransaction = 1;

/** The caller ended the transaction with an error of its own: PGlite rolls back. */
class RolledBackByCaller extends Error {}

const on = (tx: number | undefined): PGlite | Transaction => {
  if (tx === undefined) return database();
  const open = transactions.get(tx);
  if (!open) throw new Error(`no open transaction ${tx}`);
  return open.tx;
};

/** Only what the callers read; `blob` and the rest stay here. */
const plain = ({ rows, fields, affectedRows }: Results<unknown>) => ({ rows, fields, affectedRows });

async function handle(request: Request): Promise<unknown> {
  switch (request.op) {
    case "open":
      pglite = await PGliteClass.create({
        ...(request.dataDir ? { dataDir: request.dataDir } : {}),
        startParams: request.startParams,
      });
      return undefined;
    case "query": {
      const parsers = parserSets[request.parsers];
      const result = await on(request.tx).query(request.sql, request.params, {
        ...(request.rowMode ? { rowMode: request.rowMode } : {}),
        ...(parsers ? { parsers } : {}),
      });
      return plain(result);
    }
    case "exec":
      return (await on(request.tx).exec(request.sql)).map(plain);
    case "begin":
      return begin();
    case "rollback": {
      const open = transactions.get(request.tx);
      if (!open) throw new Error(`no open transaction ${request.tx}`);
      open.rollingBack = open.tx.rollback();
      return open.rollingBack;
    }
    case "end":
      return end(request.tx, request.commit);
    case "close":
      await pglite?.close();
      pglite = undefined;
      return undefined;
  }
}

/** Starts a transaction; answers with its id once BEGIN has run. */
function begin(): Promise<number> {
  const id = nextTransaction++;
  return new Promise((began, failed) => {
    let finish: (commit: boolean) => void = () => {};
    const decided = new Promise<void>((commit, rollBack) => {
      finish = (ok) => (ok ? commit() : rollBack(new RolledBackByCaller()));
    });
    let started = false;
    const settled = database().transaction(async (tx) => {
      started = true;
      transactions.set(id, { tx, finish, settled });
      began(id);
      await decided;
    });
    settled.then(
      () => transactions.delete(id),
      (error) => {
        transactions.delete(id);
        if (!started) failed(error);
      },
    );
  });
}

/** Commits (or rolls back) a transaction and answers once PGlite has. */
async function end(id: number, commit: boolean): Promise<void> {
  const open = transactions.get(id);
  if (!open) throw new Error(`no open transaction ${id}`);
  await open.rollingBack?.catch(() => {});
  open.finish(commit);
  try {
    await open.settled;
  } catch (error) {
    if (!(error instanceof RolledBackByCaller)) throw error;
  }
}

/** Errors cross as plain objects; a DatabaseError keeps its fields (code, detail, constraint...). */
function sent(error: unknown): SentError {
  if (!(error instanceof Error)) return { message: String(error), name: "Error", database: false };
  if (!(error instanceof messages.DatabaseError))
    return { message: error.message, name: error.name, database: false, stack: error.stack };
  const fields: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(error))
    if (typeof value === "string" || typeof value === "number") fields[key] = value;
  return { message: error.message, name: error.name, database: true, stack: error.stack, fields };
}

port.on("message", (request: Request) => {
  handle(request).then(
    (value) => port.postMessage({ id: request.id, ok: true, value } satisfies Reply),
    (error) => port.postMessage({ id: request.id, ok: false, error: sent(error) } satisfies Reply),
  );
});
port.postMessage({ ready: true });

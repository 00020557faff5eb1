// The main thread's side of the embedded database in a worker thread
// (decision 0035): an object with the few calls of PGlite's interface that
// coo's callers use (pglite-prisma-adapter, pgliteSql, the migration session),
// each forwarded to pglite-worker.ts, which owns the PGlite instance.

import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { PGlite, QueryOptions, Results, RowMode, Transaction } from "@electric-sql/pglite";

/**
 * Parsers are functions and cannot cross threads: a caller names its set and
 * the worker applies it. "prisma": pglite-prisma-adapter's own; "sql": int8
 * as a number (sql.ts); "none": PGlite's defaults.
 */
export type ParserSet = "prisma" | "sql" | "none";

export type Request = { id: number } & (
  | { op: "open"; dataDir: string | undefined; startParams: string[] }
  | { op: "query"; sql: string; params: unknown[]; rowMode?: RowMode; parsers: ParserSet; tx?: number }
  | { op: "exec"; sql: string; tx?: number }
  | { op: "begin" }
  | { op: "rollback"; tx: number }
  | { op: "end"; tx: number; commit: boolean }
  | { op: "close" }
);

export type SentError = {
  message: string;
  name: string;
  /** True for a Postgres error (PGlite's DatabaseError), whose fields are in `fields`. */
  database: boolean;
  stack?: string;
  fields?: Record<string, string | number>;
};

export type Reply = { id: number } & ({ ok: true; value: unknown } | { ok: false; error: SentError });

type Queryable = Pick<PGlite, "query" | "exec">;

/** The embedded database in its thread. */
export type PgliteThread = {
  /**
   * PGlite's query, exec and transaction, reading rows with the named parser
   * set: the parsers a caller passes (functions) are not sent.
   */
  client(parsers: ParserSet): PGlite;
  /** Closes the database and ends the thread. */
  close(): Promise<void>;
};

type DatabaseErrorClass = typeof import("@electric-sql/pglite").messages.DatabaseError;

/** The worker's entry: compiled JavaScript next to this file, or TypeScript under tsx and vitest. */
function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./pglite-worker.js", here));
  // Found from here (an evaluated worker resolves packages from the working
  // directory), as the ES module tsx's package exports beside the CommonJS one.
  const tsx = pathToFileURL(
    createRequire(here)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const entry = new URL("./pglite-worker.ts", here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true });
}

/**
 * Opens the embedded database in a worker thread. `DatabaseError` is
 * PGlite's own class, passed in so that an error from the worker is rebuilt
 * as one: pglite-prisma-adapter checks `instanceof` before it hands Prisma
 * Postgres's error code (23505 for a unique violation) and detail.
 */
export async function openPgliteThread(
  dataDir: string | undefined,
  startParams: string[],
  DatabaseError: DatabaseErrorClass,
): Promise<PgliteThread> {
  const worker = startWorker();
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let gone: Error | undefined;

  const failAll = (error: Error) => {
    gone = error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  const ready = new Promise<void>((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", () => resolve());
  });
  worker.on("error", (error) => failAll(error));
  worker.on("exit", (code) => failAll(new Error(`the embedded database's thread ended (exit code ${code})`)));
  worker.on("message", (reply: Reply | { ready: true }) => {
    if (!("id" in reply)) return;
    const request = waiting.get(reply.id);
    if (!request) return;
    waiting.delete(reply.id);
    if (waiting.size === 0) worker.unref();
    if (reply.ok) request.resolve(reply.value);
    else request.reject(rebuilt(reply.error, DatabaseError));
  });

  const send = <T>(request: DistributiveOmit<Request, "id">): Promise<T> => {
    if (gone) return Promise.reject(gone);
    const id = nextId++;
    // Like PGlite in this thread, the database keeps the process alive only while it works.
    if (waiting.size === 0) worker.ref();
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  };

  const queryable = (parsers: ParserSet, tx?: number): Queryable => ({
    query: <T>(sql: string, params: unknown[] = [], options?: QueryOptions) =>
      send<Results<T>>({
        op: "query",
        sql,
        params,
        ...(options?.rowMode ? { rowMode: options.rowMode } : {}),
        parsers,
        ...(tx === undefined ? {} : { tx }),
      }),
    exec: (sql: string) => send<Results[]>({ op: "exec", sql, ...(tx === undefined ? {} : { tx }) }),
  });

  const transaction =
    (parsers: ParserSet) =>
    async <T>(callback: (tx: Transaction) => Promise<T>): Promise<T> => {
      const tx = await send<number>({ op: "begin" });
      let closed = false;
      const handle = {
        ...queryable(parsers, tx),
        rollback: async () => {
          closed = true;
          await send({ op: "rollback", tx });
        },
        get closed() {
          return closed;
        },
      } as unknown as Transaction;
      let value: T;
      try {
        value = await callback(handle);
      } catch (error) {
        await send({ op: "end", tx, commit: false }).catch(() => {});
        throw error;
      }
      await send({ op: "end", tx, commit: true });
      return value;
    };

  const close = async () => {
    if (!gone) await send({ op: "close" }).catch(() => {});
    await worker.terminate();
  };

  try {
    await ready;
    await send({ op: "open", dataDir, startParams });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return {
    client: (parsers) =>
      ({ ...queryable(parsers), transaction: transaction(parsers), close }) as unknown as PGlite,
    close,
  };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function rebuilt(sent: SentError, DatabaseError: DatabaseErrorClass): Error {
  const error = sent.database
    ? Object.assign(new DatabaseError(sent.message, 0, "error"), sent.fields)
    : Object.assign(new Error(sent.message), { name: sent.name });
  // Where it was thrown in the worker, then where the caller awaited it.
  const here = (error.stack ?? "").split("\n").slice(1).join("\n");
  if (sent.stack) error.stack = `${sent.stack}\n    at (the embedded database's thread)\n${here}`;
  return error;
}

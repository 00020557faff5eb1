import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type pg from "pg";
import { z } from "zod";
import type { Config, DatabaseTimeouts } from "../config.js";
import { PrismaClient } from "../generated/prisma/client.js";
import type { Log } from "../log.js";
import { applyMigrations, readMigrations, type SqlSession, upToDate } from "./migrate.js";
import { forPrisma, PreparedStatements } from "./pglite-prepared.js";
import { pglitePreparedSql, pgliteSql, postgresSql, query, type Sql, statement } from "./sql.js";

export type Db = PrismaClient;

export type Database = {
  /** For requests: fails within the configured timeouts when Postgres is away. */
  prisma: Db;
  /** Plain SQL for the hot request paths (see sql.ts). */
  sql: Sql;
  /**
   * For scheduled work (sweeps, cadence runs, the outbox, housekeeping): the
   * same database with limits long enough for its big statements. On PGlite
   * these are the request clients.
   */
  background: { prisma: Db; sql: Sql };
  kind: "pglite" | "postgres";
  /** Applies pending migrations; safe to call from several processes at once on Postgres. */
  migrate(): Promise<string[]>;
  /** True when a trivial query answers within `withinMs`. */
  ping(withinMs?: number): Promise<boolean>;
  /**
   * True if Postgres has answered any statement since `since` (a
   * `performance.now()` reading). When it has not, nothing a request started
   * at `since` sent can have been applied.
   */
  answeredSince(since: number): boolean;
  close(): Promise<void>;
};

type PgModule = typeof pg;

// Any constant works; it only has to be the same in every coo process.
const migrationLockKey = 7_322_611;

export const defaultTimeouts: DatabaseTimeouts = { connectMs: 1500, statementMs: 1500 };
/** Scheduled work may wait and run long: a sweep over 100,000 commitments, a slot's 500 messages. */
const backgroundTimeouts: DatabaseTimeouts = { connectMs: 10_000, statementMs: 30_000 };
/** pg's own clock on a statement, past the server's: it only fires when the server cannot say anything (a black-holed connection). */
const clientGraceMs = 500;

/**
 * The embedded Postgres's buffer pool. Postgres's own default (128MB) is all
 * resident in PGlite: its WebAssembly memory is zeroed as it is handed out.
 * A team's ledger fits in far less, and a page not in the pool is one read
 * from the operating system's file cache (decision 0034).
 */
export const defaultPgliteSharedBuffers = "16MB";

/**
 * The embedded database runs in the bot's own thread unless
 * COO_PGLITE_WORKER=1 moves it to a worker thread: measured, the worker cost
 * 30 to 50 MB more idle memory and did not make acks measurably faster
 * (decision 0035).
 */
export const defaultPgliteWorker = false;

export async function openDatabase(
  database: Config["database"],
  log: Log,
  timeouts: DatabaseTimeouts = defaultTimeouts,
): Promise<Database> {
  // Each driver is loaded only when it is the one in use (decision 0034).
  return database.kind === "postgres"
    ? openPostgres(database.url, log, timeouts)
    : openPglite(
        database.dataDir,
        log,
        database.sharedBuffers ?? defaultPgliteSharedBuffers,
        database.worker ?? defaultPgliteWorker,
      );
}

async function openPglite(
  dataDir: string,
  log: Log,
  sharedBuffers: string,
  inWorker: boolean,
): Promise<Database> {
  const [{ PGlite, messages, protocol, parse }, { PrismaPGlite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("pglite-prisma-adapter"),
  ]);
  const inMemory = dataDir.startsWith("memory://");
  const where = inMemory ? dataDir : resolve(dataDir);
  if (!inMemory) await mkdir(where, { recursive: true });
  const started = Date.now();
  // Set at every start, so a data directory made by an older coo gets it too.
  const startParams = [...PGlite.defaultStartParams, "-c", `shared_buffers=${sharedBuffers}`];
  if (!inMemory && !existsSync(join(where, "PG_VERSION"))) await createDataDir(where, startParams);
  // In a worker thread (decision 0035), each caller gets a client that reads
  // rows with its own parsers there; in this thread, they share the instance.
  let clients: { prisma: PGlite; sql: PGlite; session: PGlite; close(): Promise<void> };
  if (inWorker) {
    const { openPgliteThread } = await import("./pglite-thread.js");
    const thread = await openPgliteThread(inMemory ? undefined : where, startParams, messages.DatabaseError);
    clients = {
      prisma: thread.client("prisma"),
      sql: thread.client("sql"),
      session: thread.client("none"),
      close: thread.close,
    };
  } else {
    const pglite = await PGlite.create({ ...(inMemory ? {} : { dataDir: where }), startParams });
    clients = { prisma: pglite, sql: pglite, session: pglite, close: () => pglite.close() };
  }
  log.info("embedded database open", { dataDir: where, ms: Date.now() - started, worker: inWorker });
  const session: SqlSession = {
    exec: async (script) => {
      await clients.session.exec(script);
    },
    query: async <Row>(text: string, params?: unknown[]) =>
      (await clients.session.query<Row>(text, params)).rows,
  };
  // pglite-prisma-adapter 0.6 is typed against driver-adapter-utils 6.10; at run
  // time it speaks the 6.19 protocol (see docs/decisions/0001-database.md).
  // In this thread, the ORM and the plain statements share one set of prepared statements (decision 0037).
  const statements = inWorker ? undefined : new PreparedStatements(clients.sql, { protocol, parse });
  const adapter = new PrismaPGlite(
    statements ? forPrisma(clients.prisma, statements) : clients.prisma,
  ) as unknown as SqlDriverAdapterFactory;
  const prisma = new PrismaClient({ adapter });
  const sql = statements ? pglitePreparedSql(statements) : pgliteSql(clients.sql);
  return {
    prisma,
    sql,
    background: { prisma, sql },
    kind: "pglite",
    migrate: async () =>
      applyMigrations(session, await readMigrations(), (name) => log.info("applying migration", { name })),
    ping: (withinMs) => ping(sql, withinMs),
    // In-process: there is no connection to lose.
    answeredSince: () => true,
    close: async () => {
      await prisma.$disconnect();
      await clients.close();
    },
  };
}

/**
 * Makes a new data directory (initdb) in a short-lived child process. Made in
 * this process, initdb leaves a few hundred MB behind (a second WebAssembly
 * Postgres, the new directory as a tarball) until a garbage collection that
 * an idle bot may not run for hours; a worker thread leaves its allocator's
 * arenas. A process gives all of it back when it exits (decision 0034).
 */
async function createDataDir(where: string, startParams: string[]): Promise<void> {
  const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const script = `const w = JSON.parse(process.env.COO_INITDB);
require(w.entry).PGlite.create(w.dataDir, { startParams: w.startParams }).then((db) => db.close());`;
  const child = spawn(process.execPath, ["-e", script], {
    env: { ...process.env, COO_INITDB: JSON.stringify({ entry, dataDir: where, startParams }) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + String(chunk)).slice(-2000);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0)
    throw new Error(`could not make the embedded database in ${where} (exit code ${code}): ${stderr.trim()}`);
}

async function openPostgres(url: string, log: Log, timeouts: DatabaseTimeouts): Promise<Database> {
  const [{ default: pg }, { PrismaPg }] = await Promise.all([import("pg"), import("@prisma/adapter-pg")]);
  // Both pools count: a request may reach the background clients (a command that runs a cadence now).
  let lastAnswer = Number.NEGATIVE_INFINITY;
  const answered = () => {
    lastAnswer = performance.now();
  };
  const requests = postgresPool(pg, url, log, timeouts, 10, answered);
  const background = postgresPool(pg, url, log, backgroundTimeouts, 5, answered);
  const prisma = new PrismaClient({ adapter: new PrismaPg(requests) });
  const backgroundPrisma = new PrismaClient({
    adapter: new PrismaPg(background),
    transactionOptions: {
      maxWait: backgroundTimeouts.connectMs,
      timeout: backgroundTimeouts.statementMs + clientGraceMs,
    },
  });
  const requestSql = postgresSql(requests, pg.types);
  return {
    prisma,
    sql: requestSql,
    background: { prisma: backgroundPrisma, sql: postgresSql(background, pg.types) },
    kind: "postgres",
    migrate: () => migratePostgres(pg, url, requests, log),
    ping: (withinMs) => ping(requestSql, withinMs),
    answeredSince: (since) => lastAnswer >= since,
    close: async () => {
      await prisma.$disconnect();
      await backgroundPrisma.$disconnect();
      await requests.end().catch(() => {});
      await background.end().catch(() => {});
    },
  };
}

/**
 * A pool whose every wait is bounded: opening a connection (or waiting for a
 * free one), each statement on the server (`statement_timeout`), the client's
 * wait for an answer (`query_timeout`, for a connection whose packets go
 * nowhere), and a transaction left idle (`idle_in_transaction_session_timeout`,
 * so a client that vanished mid-transaction does not hold its locks).
 * `onAnswer` hears of every connection handed back to the pool after Postgres
 * answered on it.
 */
function postgresPool(
  pg: PgModule,
  url: string,
  log: Log,
  timeouts: DatabaseTimeouts,
  max: number,
  onAnswer: () => void,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.statementMs + clientGraceMs,
    idle_in_transaction_session_timeout: Math.max(10_000, timeouts.statementMs * 2),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // Our own pool so a server restart is survivable: an idle connection the
  // server drops emits 'error' on the pool, which would otherwise end the process.
  // Later queries open fresh connections.
  pool.on("error", (error) =>
    log.warn("a database connection dropped; reconnecting on next use", { error: error.message }),
  );
  // Handed back without an error, or with one Postgres itself sent (a constraint,
  // a statement timeout): either way Postgres was there and answering.
  pool.on("release", (error: unknown) => {
    if (!error || typeof (error as { severity?: unknown }).severity === "string") onAnswer();
  });
  return pool;
}

async function migratePostgres(pg: PgModule, url: string, pool: pg.Pool, log: Log): Promise<string[]> {
  const migrations = await readMigrations();
  // The usual start: one query on a connection the requests keep, and no lock.
  if (await upToDate(sessionOn(pool), migrations)) return [];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Replicas starting together queue here; the later ones find nothing to apply.
    await client.query("SELECT pg_advisory_lock($1)", [migrationLockKey]);
    return await applyMigrations(sessionOn(client), migrations, (name) =>
      log.info("applying migration", { name }),
    );
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [migrationLockKey]).catch(() => {});
    await client.end();
  }
}

function sessionOn(on: pg.Pool | pg.Client): SqlSession {
  return {
    exec: async (script) => {
      await on.query(script);
    },
    query: async <Row>(text: string, params?: unknown[]) => (await on.query(text, params)).rows as Row[],
  };
}

const selectOne = statement({
  name: "coo_ping",
  text: "SELECT 1 AS one",
  row: z.object({ one: z.literal(1) }),
});

/**
 * A health check must answer promptly even when the database does not: give
 * up after `withinMs`. Asked on the plain driver: through Prisma, the first
 * check after a start also paid for loading Prisma's query compiler (about
 * 0.35 s of CPU, decision 0034), which the first Prisma query loads anyway.
 */
async function ping(sql: Sql, withinMs = 800): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), withinMs);
  });
  const answered = query(sql, selectOne, []).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answered, late]);
  } finally {
    clearTimeout(timer);
  }
}

import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Config } from "../config.js";
import { PrismaClient } from "../generated/prisma/client.js";
import type { Log } from "../log.js";
import { applyMigrations, readMigrations, type SqlSession } from "./migrate.js";
import { pgliteSql, postgresSql, type Sql } from "./sql.js";

export type Db = PrismaClient;

export type Database = {
  prisma: Db;
  /** Plain SQL for the hot request paths (see sql.ts). */
  sql: Sql;
  kind: "pglite" | "postgres";
  /** Applies pending migrations; safe to call from several processes at once on Postgres. */
  migrate(): Promise<string[]>;
  /** True when a trivial query answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
};

// Any constant works; it only has to be the same in every coo process.
const migrationLockKey = 7_322_611;

export async function openDatabase(database: Config["database"], log: Log): Promise<Database> {
  return database.kind === "postgres" ? openPostgres(database.url, log) : openPglite(database.dataDir, log);
}

async function openPglite(dataDir: string, log: Log): Promise<Database> {
  const inMemory = dataDir.startsWith("memory://");
  const where = inMemory ? dataDir : resolve(dataDir);
  if (!inMemory) await mkdir(where, { recursive: true });
  const started = Date.now();
  const pglite = await PGlite.create(inMemory ? undefined : where);
  log.info("embedded database open", { dataDir: where, ms: Date.now() - started });
  const session: SqlSession = {
    exec: async (script) => {
      await pglite.exec(script);
    },
    query: async <Row>(text: string, params?: unknown[]) => (await pglite.query<Row>(text, params)).rows,
  };
  // pglite-prisma-adapter 0.6 is typed against driver-adapter-utils 6.10; at run
  // time it speaks the 6.19 protocol (see docs/decisions/0001-database.md).
  const adapter = new PrismaPGlite(pglite) as unknown as SqlDriverAdapterFactory;
  const prisma = new PrismaClient({ adapter });
  return {
    prisma,
    sql: pgliteSql(pglite),
    kind: "pglite",
    migrate: async () =>
      applyMigrations(session, await readMigrations(), (name) => log.info("applying migration", { name })),
    ping: () => ping(prisma),
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

async function openPostgres(url: string, log: Log): Promise<Database> {
  // Our own pool so a server restart is survivable: an idle connection the
  // server drops emits 'error' on the pool, which would otherwise end the process.
  // Later queries open fresh connections.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  pool.on("error", (error) =>
    log.warn("a database connection dropped; reconnecting on next use", { error: error.message }),
  );
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    sql: postgresSql(pool),
    kind: "postgres",
    migrate: () => migratePostgres(url, log),
    ping: () => ping(prisma),
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

async function migratePostgres(url: string, log: Log): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Replicas starting together queue here; the later ones find nothing to apply.
    await client.query("SELECT pg_advisory_lock($1)", [migrationLockKey]);
    const session: SqlSession = {
      exec: async (script) => {
        await client.query(script);
      },
      query: async <Row>(text: string, params?: unknown[]) =>
        (await client.query(text, params)).rows as Row[],
    };
    return await applyMigrations(session, await readMigrations(), (name) =>
      log.info("applying migration", { name }),
    );
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [migrationLockKey]).catch(() => {});
    await client.end();
  }
}

async function ping(prisma: Db): Promise<boolean> {
  try {
    await prisma.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}

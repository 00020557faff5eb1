import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { applyMigrations, MigrationError, readMigrations, type SqlSession } from "../src/db/migrate.js";
import { openDatabase } from "../src/db/open.js";
import { createLog } from "../src/log.js";
import { pgliteDatabase, postgresAvailable } from "./kit/database.js";

const quiet = createLog({ level: "error", write: () => {} });

test("on a new embedded database every migration is applied once, and a second run applies none", {
  timeout: 120_000,
}, async () => {
  const db = await pgliteDatabase();
  const first = await openDatabase(db.config, quiet);
  const names = (await readMigrations()).map((m) => m.name);
  try {
    expect(await first.migrate()).toEqual(names);
    expect(await first.migrate()).toEqual([]);
    const rows = await first.prisma.$queryRaw<Array<{ migration_name: string; checksum: string }>>`
      SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`;
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  } finally {
    await first.close();
  }
  const reopened = await openDatabase(db.config, quiet);
  try {
    expect(await reopened.migrate()).toEqual([]);
  } finally {
    await reopened.close();
    await db.drop();
  }
});

/** A session on an in-memory PGlite that counts every statement it is handed. */
function countingSession(pglite: PGlite): SqlSession & { statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    exec: async (script) => {
      statements.push(script);
      await pglite.exec(script);
    },
    query: async <Row>(text: string, params?: unknown[]) => {
      statements.push(text);
      return (await pglite.query<Row>(text, params)).rows;
    },
  };
}

test("a start with nothing to apply costs one query, and an edited migration falls back to the full check", async () => {
  const pglite = await PGlite.create();
  const migrations = await readMigrations();
  try {
    const first = countingSession(pglite);
    expect(await applyMigrations(first, migrations)).toHaveLength(migrations.length);
    expect(first.statements.length).toBeGreaterThan(migrations.length);

    const second = countingSession(pglite);
    expect(await applyMigrations(second, migrations)).toEqual([]);
    expect(second.statements).toHaveLength(1);
    expect(second.statements[0]).toMatch(/^SELECT .* FROM "_prisma_migrations"$/);

    // A file changed since it was applied: not the one-query start, still nothing applied.
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    const third = countingSession(pglite);
    expect(await applyMigrations(third, edited)).toEqual([]);
    expect(third.statements.length).toBeGreaterThan(1);
  } finally {
    await pglite.close();
  }
});

test("a migration that started and never finished stops the bot with a clear message", async () => {
  const db = await pgliteDatabase();
  const database = await openDatabase(db.config, quiet);
  try {
    await database.migrate();
    await database.prisma.$executeRaw`UPDATE "_prisma_migrations" SET finished_at = NULL`;
    await expect(database.migrate()).rejects.toThrow(MigrationError);
    await expect(database.migrate()).rejects.toThrow(/never finished/);
  } finally {
    await database.close();
    await db.drop();
  }
});

test("a database migrated by a newer coo is refused rather than guessed at", async () => {
  const db = await pgliteDatabase();
  const database = await openDatabase(db.config, quiet);
  try {
    await database.migrate();
    await database.prisma
      .$executeRaw`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at)
      VALUES ('x', 'y', '29990101000000_from_the_future', now())`;
    await expect(database.migrate()).rejects.toThrow(/does not know \(29990101000000_from_the_future\)/);
  } finally {
    await database.close();
    await db.drop();
  }
});

describe.runIf(postgresAvailable())("on Postgres", () => {
  const admin = () => new pg.Client({ connectionString: inject("postgres")?.adminUrl });
  let name = "";
  let url = "";
  beforeAll(async () => {
    name = `coo_t_${inject("postgres")?.runId}_mig_${process.pid}`;
    const c = admin();
    await c.connect();
    await c.query(`CREATE DATABASE "${name}"`);
    await c.end();
    const u = new URL(inject("postgres")?.adminUrl ?? "");
    u.pathname = `/${name}`;
    url = u.toString();
  });
  afterAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  });

  test("three replicas migrating an empty database at once apply each migration once", async () => {
    const replicas = await Promise.all([1, 2, 3].map(() => openDatabase({ kind: "postgres", url }, quiet)));
    try {
      const results = await Promise.all(replicas.map((r) => r.migrate()));
      const names = (await readMigrations()).map((m) => m.name);
      expect(results.flat().sort()).toEqual(names.sort());
      const check = new pg.Client({ connectionString: url });
      await check.connect();
      const { rows } = await check.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
      await check.end();
      expect(rows[0].n).toBe(names.length);
      expect(await replicas[0]?.ping()).toBe(true);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });
});

/** Tables, columns, indexes and constraints, as Postgres describes them. */
async function describeSchema(query: (sql: string) => Promise<unknown[]>) {
  return {
    columns: await query(`SELECT table_name, column_name, data_type, is_nullable, column_default
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
      ORDER BY table_name, column_name`),
    indexes: await query(`SELECT tablename, indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`),
    constraints: await query(`SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE connamespace = 'public'::regnamespace ORDER BY conname`),
    enums: await query(`SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
      ORDER BY t.typname, e.enumsortorder`),
  };
}

test("the committed migrations build exactly the schema in prisma/schema.prisma", async () => {
  const { stdout: fromSchema } = await promisify(execFile)(
    "npx",
    [
      "prisma",
      "migrate",
      "diff",
      "--from-empty",
      "--to-schema-datamodel",
      "prisma/schema.prisma",
      "--script",
    ],
    { cwd: new URL("..", import.meta.url).pathname, env: { ...process.env, NO_COLOR: "1" } },
  );
  const viaSchema = await PGlite.create();
  const viaMigrations = await PGlite.create();
  try {
    await viaSchema.exec(fromSchema);
    for (const m of await readMigrations()) await viaMigrations.exec(m.sql);
    const q = (db: PGlite) => async (sql: string) => (await db.query(sql)).rows;
    expect(await describeSchema(q(viaMigrations))).toEqual(await describeSchema(q(viaSchema)));
  } finally {
    await viaSchema.close();
    await viaMigrations.close();
  }
}, 120_000);

test("every table of workspace data names its workspace; the few that do not are named here", async () => {
  const db = await pgliteDatabase();
  const database = await openDatabase(db.config, quiet);
  try {
    await database.migrate();
    const rows = await database.prisma.$queryRaw<Array<{ table_name: string }>>`
      SELECT t.table_name FROM information_schema.tables t
      WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
        AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
          WHERE c.table_schema = 'public' AND c.table_name = t.table_name AND c.column_name = 'workspaceId')
      ORDER BY t.table_name`;
    expect(rows.map((r) => r.table_name)).toEqual([
      "Installation", // its id is the workspace id
      "OutboxPace", // keyed by "<workspace>:<channel>"
      "WebSignIn", // a sign-in under way: the workspace is known only once Slack answers
      "Workspace",
      "_prisma_migrations",
    ]);
  } finally {
    await database.close();
    await db.drop();
  }
});

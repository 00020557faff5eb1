import { createHash } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";

export type PostgresForTests = { adminUrl: string; template: string; runId: string } | null;

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresForTests;
  }
}

/** Where the tests find a Postgres server; the machine's own by default. */
export const adminUrl = process.env.COO_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Builds one template database with every migration applied; each test file
 * then gets its own copy (CREATE DATABASE ... TEMPLATE is fast). Without a
 * Postgres server the tests fall back to embedded PGlite, unless
 * COO_TEST_POSTGRES=required (CI) says the server must be there.
 */
export default async function setup(project: TestProject) {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    if (process.env.COO_TEST_POSTGRES === "required") {
      throw new Error(
        `COO_TEST_POSTGRES=required but Postgres at ${adminUrl} is unreachable: ${(error as Error).message}`,
      );
    }
    console.warn(
      `\n[coo tests] no Postgres at ${adminUrl}: running on embedded PGlite only; Postgres-only tests are skipped.\n`,
    );
    project.provide("postgres", null);
    return;
  }
  const migrations = await readMigrations();
  const hash = createHash("sha256")
    .update(migrations.map((m) => m.checksum).join(","))
    .digest("hex")
    .slice(0, 12);
  const template = `coo_tpl_${hash}`;
  const runId = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  await admin.query("SELECT pg_advisory_lock(424242)");
  try {
    // Templates of older migration sets are of no use any more, once no
    // other checkout (another branch's test run) has used them for an hour.
    const stale = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database d
       WHERE datname LIKE 'coo_tpl_%' AND datname <> $1
         AND coalesce(shobj_description(d.oid, 'pg_database'), $2::text)::bigint < $2::bigint`,
      [template, String(Date.now() - 3600_000)],
    );
    for (const { datname } of stale.rows)
      await admin.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => {});
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
    if (exists.rowCount !== 0) await admin.query(`COMMENT ON DATABASE "${template}" IS '${Date.now()}'`);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${template}"`);
      await admin.query(`COMMENT ON DATABASE "${template}" IS '${Date.now()}'`);
      const client = new pg.Client({ connectionString: withDatabase(adminUrl, template) });
      await client.connect();
      try {
        await applyMigrations(
          {
            exec: async (sql) => {
              await client.query(sql);
            },
            query: async <Row>(text: string, params?: unknown[]) =>
              (await client.query(text, params)).rows as Row[],
          },
          migrations,
        );
      } finally {
        await client.end();
      }
    }
  } finally {
    await admin.query("SELECT pg_advisory_unlock(424242)");
  }
  await admin.end();
  project.provide("postgres", { adminUrl, template, runId });

  return async () => {
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    const { rows } = await cleanup.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1",
      [`coo_t_${runId}_%`],
    );
    for (const { datname } of rows) await cleanup.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await cleanup.end();
  };
}

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import type { Config } from "../../src/config.js";

export type TestDatabase = { config: Config["database"]; url: string | undefined; drop(): Promise<void> };

let count = 0;

export const postgresAvailable = () => inject("postgres") !== null;

/** A fresh Postgres database copied from the migrated template. */
export async function postgresDatabase(): Promise<TestDatabase> {
  const pgInfo = inject("postgres");
  if (!pgInfo) throw new Error("no Postgres for tests; guard the test with postgresAvailable()");
  const name = `coo_t_${pgInfo.runId}_${process.pid}_${count++}`;
  const admin = new pg.Client({ connectionString: pgInfo.adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${pgInfo.template}"`);
  await admin.end();
  const url = new URL(pgInfo.adminUrl);
  url.pathname = `/${name}`;
  return {
    config: { kind: "postgres", url: url.toString() },
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: pgInfo.adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** An embedded PGlite database in a fresh directory (kept across restarts until drop). */
export async function pgliteDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), "coo-test-"));
  return {
    config: { kind: "pglite", dataDir: dir },
    url: undefined,
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Postgres when the machine has it (fast copies), embedded PGlite otherwise. */
export function anyDatabase(): Promise<TestDatabase> {
  return postgresAvailable() ? postgresDatabase() : pgliteDatabase();
}

import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** The two calls a migration needs from a driver: run a script, run a query. */
export type SqlSession = {
  exec(script: string): Promise<void>;
  query<Row>(text: string, params?: unknown[]): Promise<Row[]>;
};

export type Migration = { name: string; sql: string; checksum: string };

export const defaultMigrationsDir = new URL("../../prisma/migrations/", import.meta.url).pathname;

export async function readMigrations(dir = defaultMigrationsDir): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

// Same table Prisma's own `migrate deploy` keeps, so `prisma migrate status`
// and a later switch to the Prisma CLI both see what was applied.
const ledgerDdl = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

type LedgerRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

const selectLedger = `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`;

/**
 * One query, for the usual start where there is nothing to do: true when the
 * ledger holds exactly these migrations, each finished and with the same
 * checksum. Anything else (no ledger yet, one unfinished, one unknown, an
 * edited file) is for `applyMigrations` to sort out or refuse.
 */
export async function upToDate(session: SqlSession, migrations: Migration[]): Promise<boolean> {
  let rows: LedgerRow[];
  try {
    rows = await session.query<LedgerRow>(selectLedger);
  } catch {
    // Most often the ledger does not exist yet; any other failure comes back on the full path.
    return false;
  }
  if (rows.length !== migrations.length) return false;
  const recorded = new Map(
    rows
      .filter((r) => r.rolled_back_at === null && r.finished_at !== null)
      .map((r) => [r.migration_name, r.checksum]),
  );
  return migrations.every((m) => recorded.get(m.name) === m.checksum);
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

/**
 * Applies every migration not yet recorded, each in its own transaction.
 * The caller holds whatever lock keeps two processes from doing this at once.
 * Returns the names applied.
 */
export async function applyMigrations(
  session: SqlSession,
  migrations: Migration[],
  onApply: (name: string) => void = () => {},
): Promise<string[]> {
  if (await upToDate(session, migrations)) return [];
  await session.exec(ledgerDdl);
  const rows = await session.query<LedgerRow>(selectLedger);
  const live = rows.filter((r) => r.rolled_back_at === null);
  const failed = live.find((r) => r.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `migration ${failed.migration_name} started earlier and never finished; fix the database by hand, then delete its row from _prisma_migrations`,
    );
  }
  const applied = new Set(live.map((r) => r.migration_name));
  const known = new Set(migrations.map((m) => m.name));
  const unknown = [...applied].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new MigrationError(
      `the database has migrations this version of coo does not know (${unknown.join(", ")}): is an older build running against a newer database?`,
    );
  }
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    onApply(migration.name);
    await session.exec("BEGIN");
    try {
      await session.exec(migration.sql);
      await session.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      await session.exec("COMMIT");
    } catch (error) {
      await session.exec("ROLLBACK");
      throw new MigrationError(`migration ${migration.name} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    done.push(migration.name);
  }
  return done;
}

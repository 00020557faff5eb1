import { expect, test } from "vitest";
import { type Database, openDatabase } from "../src/db/open.js";
import { createLog } from "../src/log.js";

// Decision 0035: the embedded database runs in a worker thread behind the
// same adapter. What the bot relies on must read the same as in this thread.

const quiet = createLog({ level: "error", write: () => {} });

const open = (worker: boolean, name: string) =>
  openDatabase({ kind: "pglite", dataDir: `memory://${name}`, worker }, quiet);

/** Values of every type the adapter's parsers touch, from Prisma and from plain SQL. */
async function readings(db: Database) {
  const text = `SELECT 9007199254740993::int8 AS big, 12.50::numeric AS amount,
    '2026-03-01T10:00:00+02'::timestamptz AS at,
    '2026-03-01'::date AS day, '{"a":[1,2]}'::jsonb AS doc,
    '\\x00ff'::bytea AS bytes, ARRAY['a','b'] AS words, NULL::text AS nothing`;
  return {
    prisma: await db.prisma.$queryRawUnsafe(text),
    sql: await db.sql({ name: "readings", text: `${text}, count(*) AS n FROM (VALUES (1), (2)) v` }, []),
  };
}

test("on its own thread the embedded database reads values, errors and transactions as in process", async () => {
  const [inWorker, inProcess] = await Promise.all([open(true, "worker"), open(false, "process")]);
  try {
    await Promise.all([inWorker.migrate(), inProcess.migrate()]);
    for (const db of [inWorker, inProcess]) {
      await db.prisma.workspace.create({ data: { id: "T1" } });
      // A unique violation comes with Postgres's code, which the adapter reads only
      // from PGlite's own error class (Prisma 6.19 does not make it P2002 on this adapter).
      await expect(db.prisma.workspace.create({ data: { id: "T1" } })).rejects.toMatchObject({
        cause: { kind: "postgres", code: "23505", detail: "Key (id)=(T1) already exists." },
      });
      // A transaction that fails leaves nothing; one that succeeds keeps its writes.
      await expect(
        db.prisma.$transaction(async (tx) => {
          await tx.workspace.create({ data: { id: "T2" } });
          throw new Error("changed my mind");
        }),
      ).rejects.toThrow("changed my mind");
      await db.prisma.$transaction(async (tx) => {
        await tx.workspace.create({ data: { id: "T3" } });
      });
      const ids = await db.prisma.workspace.findMany({ select: { id: true }, orderBy: { id: "asc" } });
      expect(ids.map((w) => w.id)).toEqual(["T1", "T3"]);
    }
    expect(await readings(inWorker)).toEqual(await readings(inProcess));
  } finally {
    await Promise.all([inWorker.close(), inProcess.close()]);
  }
}, 120_000);

test("the event loop stays free while the embedded database works on its own thread", async () => {
  const db = await open(true, "busy");
  try {
    // A second or so of work for Postgres; a timer on this thread fires long before it ends.
    const busy = db.sql({ name: "busy", text: "SELECT count(*) AS n FROM generate_series(1, 3000000)" }, []);
    const first = await Promise.race([
      busy.then(() => "the query"),
      new Promise((resolve) => setTimeout(() => resolve("the timer"), 50)),
    ]);
    expect(first).toBe("the timer");
    expect(await busy).toEqual([{ n: 3_000_000 }]);
  } finally {
    await db.close();
  }
}, 120_000);

import { PGlite, parse, protocol } from "@electric-sql/pglite";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type Database, openDatabase } from "../src/db/open.js";
import { PreparedStatements } from "../src/db/pglite-prepared.js";
import { createLog } from "../src/log.js";

// Statements on the embedded database are prepared once (db/pglite-prepared.ts,
// for the plain statements and the ORM alike): they must read values, report
// errors and wait for the ORM's transactions exactly as PGlite's own query does.

const quiet = createLog({ level: "error", write: () => {} });
let db: Database;

beforeAll(async () => {
  db = await openDatabase({ kind: "pglite", dataDir: "memory://prepared", worker: false }, quiet);
  await db.migrate();
});
afterAll(async () => {
  await db?.close();
});

const addWorkspace = {
  name: "test_add_workspace",
  text: `INSERT INTO "Workspace" ("id", "updatedAt") VALUES ($1, now()) RETURNING "id"`,
};
const countWorkspaces = {
  name: "test_count_workspaces",
  text: `SELECT count(*) AS "n" FROM "Workspace" WHERE "id" = ANY($1::text[])`,
};

test("parameters of each kind the statements use go in and come back out; run twice, the same", async () => {
  const statement = {
    name: "test_echo",
    text: `SELECT $1::text AS "text", $2::int AS "int", $3::text[] AS "texts", $4::int[] AS "ints",
      $5::timestamptz AS "at", $6::text AS "nothing", $7::boolean AS "yes", $8::int[] AS "none"`,
  };
  const at = new Date("2026-11-26T03:04:05.678Z");
  const values = ['it\'s "quoted", {braced}', 42, ["a", "b,c", 'd"e', "NULL"], [1, 2], at, null, true, []];
  const expected = [
    {
      text: 'it\'s "quoted", {braced}',
      int: 42,
      texts: ["a", "b,c", 'd"e', "NULL"],
      ints: [1, 2],
      at,
      nothing: null,
      yes: true,
      none: [],
    },
  ];
  expect(await db.sql(statement, values)).toEqual(expected);
  expect(await db.sql(statement, values)).toEqual(expected);
});

test("a statement that fails reports Postgres's error, and the next one runs", async () => {
  expect(await db.sql(addWorkspace, ["TP1"])).toEqual([{ id: "TP1" }]);
  await expect(db.sql(addWorkspace, ["TP1"])).rejects.toMatchObject({ code: "23505" });
  expect(await db.sql(countWorkspaces, [["TP1"]])).toEqual([{ n: 1 }]);
  // A statement Postgres cannot parse is not kept: asked again, it fails the same way.
  const broken = { name: "test_broken", text: `SELEC 1` };
  await expect(db.sql(broken, [])).rejects.toMatchObject({ code: "42601" });
  await expect(db.sql(broken, [])).rejects.toMatchObject({ code: "42601" });
});

test("a statement waits for the ORM's open transaction instead of running inside it", async () => {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let inside = () => {};
  const opened = new Promise<void>((resolve) => {
    inside = resolve;
  });
  const transaction = db.prisma.$transaction(async (tx) => {
    await tx.workspace.create({ data: { id: "TP2" } });
    inside();
    await held;
    throw new Error("rolled back");
  });
  await opened;
  let answered = false;
  const count = db.sql(countWorkspaces, [["TP2"]]).then((rows) => {
    answered = true;
    return rows;
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(answered).toBe(false);
  release();
  await expect(transaction).rejects.toThrow("rolled back");
  // Inside the transaction it would have seen the uncommitted row.
  expect(await count).toEqual([{ n: 0 }]);
});

test("past its limit the least recently used statement is closed in Postgres, and prepared again when asked for", async () => {
  const pglite = await PGlite.create();
  try {
    const statements = new PreparedStatements(pglite, { protocol, parse }, 2);
    const run = async (text: string) =>
      (await statements.locked(() => statements.run(text, [7]))).rows as Array<Record<string, number>>;
    const held = async () =>
      (await pglite.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements`)).rows[0]?.n;
    expect(await run("SELECT $1::int + 1 AS x")).toEqual([{ x: 8 }]);
    expect(await run("SELECT $1::int + 2 AS x")).toEqual([{ x: 9 }]);
    expect(await run("SELECT $1::int + 1 AS x")).toEqual([{ x: 8 }]);
    // A third text: the least recently used (+ 2) is closed.
    expect(await run("SELECT $1::int + 3 AS x")).toEqual([{ x: 10 }]);
    expect(await held()).toBe(2);
    expect(await run("SELECT $1::int + 2 AS x")).toEqual([{ x: 9 }]);
    expect(await held()).toBe(2);
  } finally {
    await pglite.close();
  }
});

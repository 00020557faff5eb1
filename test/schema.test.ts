import { PGlite } from "@electric-sql/pglite";
import { expect, test } from "vitest";
import { applyMigrations, readMigrations, type SqlSession } from "../src/db/migrate.js";
import { openDatabase } from "../src/db/open.js";
import { nextNumber } from "../src/ledger/ids.js";
import { createLog } from "../src/log.js";
import { pgliteDatabase } from "./kit/database.js";

// The schema enforces what the code assumes (docs/decisions/0022-schema-rules.md).

const quiet = createLog({ level: "error", write: () => {} });
const schemaRules = "schema_rules";

const sessionOf = (db: PGlite): SqlSession => ({
  exec: async (script) => {
    await db.exec(script);
  },
  query: async <Row>(text: string, params?: unknown[]) => (await db.query<Row>(text, params)).rows,
});

test("the schema-rules migration keeps the rows it finds: instants, closed-set values, numbering", async () => {
  const all = await readMigrations();
  const at = all.findIndex((m) => m.name.endsWith(`_${schemaRules}`));
  expect(at).toBeGreaterThan(0);
  const db = await PGlite.create();
  try {
    // A server whose session zone is not UTC: the old columns held UTC wall times all the same.
    await db.exec(`SET TIME ZONE 'America/New_York'`);
    await applyMigrations(sessionOf(db), all.slice(0, at));
    await db.exec(`
      INSERT INTO "Workspace" ("id", "escalateTo", "updatedAt") VALUES ('T1', 'lead', '2026-11-01 09:00:00'),
        ('T2', 'channel', '2026-11-01 09:00:00');
      INSERT INTO "Counter" ("workspaceId", "kind", "value") VALUES ('T1', 'commitment', 5);
      INSERT INTO "Workstream" ("id", "workspaceId", "name", "ownerId") VALUES (1, 'T1', 'launch', 'U1'), (2, 'T2', 'other', 'U9');
      INSERT INTO "Commitment" ("id", "workspaceId", "number", "title", "ownerId", "creatorId", "dueAt",
        "originalDueAt", "workstreamId", "updatedAt")
      VALUES (1, 'T1', 5, 'Launch deck', 'U1', 'U1', '2026-11-30 17:00:00', '2026-11-27 17:00:00', 1, '2026-11-01 09:00:00'),
        (2, 'T1', 4, 'Crossed wires', 'U1', 'U1', '2026-11-30 17:00:00', '2026-11-30 17:00:00', 2, '2026-11-01 09:00:00');
      INSERT INTO "Escalation" ("workspaceId", "commitmentId", "step", "dueAt", "reason", "recipientId", "sweepId", "sentAt")
      VALUES ('T1', 1, 'dm_owner', '2026-11-30 17:00:00', 'overdue', 'U1', 's1', '2026-12-01 08:00:00');
      INSERT INTO "RoutedQuestion" ("workspaceId", "channelId", "messageTs", "askerId", "category", "decidedBy", "seatHolderId")
      VALUES ('T3', 'C1', '1.0', 'U2', 'budget', 'rules', 'U7');
    `);
    await applyMigrations(sessionOf(db), all);

    const commitments = await db.query<{
      number: number;
      dueAt: Date;
      originalDueAt: Date;
      workstreamId: number | null;
    }>(`SELECT "number", "dueAt", "originalDueAt", "workstreamId" FROM "Commitment" ORDER BY "id"`);
    expect(commitments.rows).toEqual([
      {
        number: 5,
        dueAt: new Date("2026-11-30T17:00:00Z"),
        originalDueAt: new Date("2026-11-27T17:00:00Z"),
        workstreamId: 1,
      },
      // It pointed at another workspace's workstream: the reference goes, the commitment stays.
      {
        number: 4,
        dueAt: new Date("2026-11-30T17:00:00Z"),
        originalDueAt: new Date("2026-11-30T17:00:00Z"),
        workstreamId: null,
      },
    ]);
    const escalation = await db.query(`SELECT "reason"::text, "step"::text, "sentAt" FROM "Escalation"`);
    expect(escalation.rows).toEqual([
      { reason: "overdue", step: "dm_owner", sentAt: new Date("2026-12-01T08:00:00Z") },
    ]);
    const workspaces = await db.query(`SELECT "id", "escalateTo"::text FROM "Workspace" ORDER BY "id"`);
    // A question recorded for a workspace with no row of its own: the workspace row is made for it.
    expect(workspaces.rows).toEqual([
      { id: "T1", escalateTo: "lead" },
      { id: "T2", escalateTo: "channel" },
      { id: "T3", escalateTo: "channel" },
    ]);
    const routed = await db.query(`SELECT "category"::text, "decidedBy"::text FROM "RoutedQuestion"`);
    expect(routed.rows).toEqual([{ category: "budget", decidedBy: "rules" }]);
    // Numbering carries on from the counter.
    const next = await db.query(`SELECT coo_next_number('T1', 'commitment') AS n`);
    expect(next.rows).toEqual([{ n: 6 }]);
  } finally {
    await db.close();
  }
});

test("a reference cannot point into another workspace, and a closed set refuses a value outside it", async () => {
  const handle = await pgliteDatabase();
  const database = await openDatabase(handle.config, quiet);
  try {
    await database.migrate();
    const db = database.prisma;
    await db.workspace.createMany({ data: [{ id: "T1" }, { id: "T2" }] });
    const theirs = await db.workstream.create({ data: { workspaceId: "T2", name: "theirs", ownerId: "U9" } });
    const ours = await db.workstream.create({ data: { workspaceId: "T1", name: "ours", ownerId: "U1" } });
    const base = {
      title: "Launch deck",
      ownerId: "U1",
      creatorId: "U1",
      dueAt: new Date("2026-11-30T17:00:00Z"),
      originalDueAt: new Date("2026-11-30T17:00:00Z"),
    };
    const mine = await db.commitment.create({
      data: { ...base, workspaceId: "T1", number: 1, workstreamId: ours.id },
    });
    const other = await db.commitment.create({ data: { ...base, workspaceId: "T2", number: 1 } });

    await expect(
      db.commitment.create({ data: { ...base, workspaceId: "T1", number: 2, workstreamId: theirs.id } }),
    ).rejects.toThrow(/foreign key/i);
    await expect(
      db.commitment.create({ data: { ...base, workspaceId: "T1", number: 3, dependsOnId: other.id } }),
    ).rejects.toThrow(/foreign key/i);
    await expect(
      db.blocker.create({
        data: {
          workspaceId: "T1",
          number: 1,
          text: "waiting",
          reporterId: "U1",
          waitingOnCommitmentId: other.id,
        },
      }),
    ).rejects.toThrow(/foreign key/i);
    await expect(
      db.commitmentChange.create({
        data: { workspaceId: "T1", commitmentId: other.id, actorId: "U1", kind: "confirmed" },
      }),
    ).rejects.toThrow(/foreign key/i);
    // The same references inside one workspace are fine.
    await db.commitment.create({ data: { ...base, workspaceId: "T1", number: 4, dependsOnId: mine.id } });

    await expect(
      database.sql(
        { name: "t_bad_reason", text: `UPDATE "Workspace" SET "escalateTo" = 'whoever' WHERE "id" = 'T1'` },
        [],
      ),
    ).rejects.toThrow(/invalid input value for enum/);

    // Removing a workspace removes everything it owns, in one statement.
    await db.workspace.delete({ where: { id: "T1" } });
    expect(await db.commitment.count({ where: { workspaceId: "T1" } })).toBe(0);
    expect(await db.commitment.count({ where: { workspaceId: "T2" } })).toBe(1);
  } finally {
    await database.close();
    await handle.drop();
  }
});

test("short ids come from one place, and concurrent takers never share a number", async () => {
  const handle = await pgliteDatabase();
  const database = await openDatabase(handle.config, quiet);
  try {
    await database.migrate();
    await database.prisma.workspace.create({ data: { id: "T1" } });
    const numbers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 2 === 0
          ? nextNumber(database.sql, "T1", "blocker")
          : nextNumber(database.prisma, "T1", "blocker"),
      ),
    );
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await nextNumber(database.prisma, "T1", "handoff")).toBe(1);
  } finally {
    await database.close();
    await handle.drop();
  }
});

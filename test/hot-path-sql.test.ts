import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ChangeFeed } from "../src/changes.js";
import { createCommitment } from "../src/commitments/queries.js";
import { type Database, openDatabase } from "../src/db/open.js";
import { enqueue } from "../src/jobs/outbox.js";
import { createLog } from "../src/log.js";
import { pgliteDatabase, postgresAvailable, postgresDatabase, type TestDatabase } from "./kit/database.js";

// The plain-SQL paths (db/sql.ts) must read and write exactly what Prisma
// does, whatever the process's own time zone: timestamps are stored as UTC.
const quiet = createLog({ level: "error", write: () => {} });
const originalTz = process.env.TZ;

function suite(name: string, makeDatabase: () => Promise<TestDatabase>, enabled: boolean) {
  describe.runIf(enabled)(name, () => {
    let db: TestDatabase;
    let database: Database;
    beforeAll(async () => {
      // Far from UTC, with daylight saving: a local-time slip would show.
      process.env.TZ = "Pacific/Auckland";
      db = await makeDatabase();
      database = await openDatabase(db.config, quiet);
      await database.migrate();
      await database.prisma.workspace.create({ data: { id: "TSQL" } });
    });
    afterAll(async () => {
      process.env.TZ = originalTz;
      await database?.close();
      await db?.drop();
    });

    test("a commitment written in one statement reads back through Prisma unchanged", async () => {
      const now = new Date("2026-11-26T03:04:05.678Z");
      const dueAt = new Date("2026-11-27T17:00:00.000Z");
      const stream = await database.prisma.workstream.create({
        data: { workspaceId: "TSQL", name: "payments", ownerId: "U1" },
      });
      const deps = { sql: database.sql, clock: { now: () => now }, changes: new ChangeFeed() };
      const first = await createCommitment(deps, {
        workspaceId: "TSQL",
        actorId: "U1",
        ownerId: "U2",
        title: "ship the invoice export",
        dueAt,
        workstreamId: stream.id,
        channelId: "C1",
      });
      const second = await createCommitment(deps, {
        workspaceId: "TSQL",
        actorId: "U1",
        ownerId: "U1",
        title: "after the export",
        dueAt,
        dependsOnId: first.id,
      });
      expect([first.number, second.number]).toEqual([1, 2]);
      expect(first.dueAt.toISOString()).toBe(dueAt.toISOString());
      expect(first.createdAt.toISOString()).toBe(now.toISOString());
      expect(first.workstream).toEqual({ name: "payments" });
      expect(second.workstream).toBeNull();

      const viaPrisma = await database.prisma.commitment.findUnique({
        where: { id: first.id },
        include: { workstream: { select: { name: true } }, history: true },
      });
      const { history, ...row } = viaPrisma ?? { history: [] };
      expect(row).toEqual(first);
      expect(history).toMatchObject([
        { kind: "created", actorId: "U1", toOwnerId: "U2", toDueAt: dueAt, at: now, workspaceId: "TSQL" },
      ]);
      const counter = await database.prisma.counter.findUnique({
        where: { workspaceId_kind: { workspaceId: "TSQL", kind: "commitment" } },
      });
      expect(counter?.value).toBe(2);
    });

    test("messages queued in one statement keep their order, their blocks and their empty fields", async () => {
      const ids = await database.prisma.$transaction((tx) =>
        enqueue(tx, [
          {
            workspaceId: "TSQL",
            channel: "C1",
            text: "root",
            blocks: [{ type: "section", text: { type: "mrkdwn", text: '*root* "quoted"' } }],
            purpose: "standup_root",
          },
          { workspaceId: "TSQL", userId: "U1", text: "a DM, with 'quotes' and ümlauts" },
          { workspaceId: "TSQL", channel: "C1", threadTs: "1.2", text: "in the thread" },
        ]),
      );
      expect(ids).toHaveLength(3);
      const rows = await database.prisma.outboxMessage.findMany({
        where: { id: { in: ids } },
        orderBy: { id: "asc" },
      });
      expect(rows.map((r) => r.text)).toEqual(["root", "a DM, with 'quotes' and ümlauts", "in the thread"]);
      expect(rows[0]).toMatchObject({
        channel: "C1",
        userId: null,
        purpose: "standup_root",
        status: "pending",
        attempts: 0,
        blocks: [{ type: "section", text: { type: "mrkdwn", text: '*root* "quoted"' } }],
      });
      expect(rows[1]).toMatchObject({
        channel: null,
        userId: "U1",
        blocks: null,
        threadTs: null,
        runId: null,
      });
      expect(rows[2]).toMatchObject({ threadTs: "1.2" });
      expect(Math.abs((rows[0]?.createdAt.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
      expect(await database.prisma.$transaction((tx) => enqueue(tx, []))).toEqual([]);
    });

    test("a person read with plain SQL equals the Prisma row, dates included", async () => {
      const syncedAt = new Date("2026-03-29T01:30:00.250Z");
      const created = await database.prisma.person.create({
        data: { workspaceId: "TSQL", slackUserId: "UP1", timezone: "Europe/Paris", seat: "cfo", syncedAt },
      });
      const rows = await database.sql(
        { name: "test_person", text: 'SELECT * FROM "Person" WHERE "id" = $1' },
        [created.id],
      );
      expect(rows).toEqual([created]);
    });
  });
}

suite("embedded PGlite", pgliteDatabase, true);
suite("Postgres", postgresDatabase, postgresAvailable());

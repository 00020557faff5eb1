import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestCoo } from "./kit/coo.js";
import { pgliteDatabase, postgresAvailable, postgresDatabase, type TestDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { uniqueId } from "./kit/slack-client.js";

let fakeSlack: FakeSlack;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  fakeSlack.users.set("U1", { id: "U1" });
});

afterAll(async () => {
  await fakeSlack?.stop();
});

const replies = () => fakeSlack.callsTo("chat.postMessage").length;
const settle = () => new Promise((r) => setTimeout(r, 200));

function dedupeSuite(name: string, makeDatabase: () => Promise<TestDatabase>, enabled: boolean) {
  describe.runIf(enabled)(name, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await makeDatabase();
    });
    afterAll(async () => {
      await db?.drop();
    });

    test("a redelivered event (same event_id, X-Slack-Retry-Num) gets one reply", async () => {
      fakeSlack.reset();
      const bot = await startTestCoo({ database: db.config, fakeSlack });
      try {
        const eventId = uniqueId("Ev");
        const event = {
          type: "app_mention",
          user: "U1",
          text: "<@UCOO> hi",
          ts: "1764100000.000100",
          channel: "C1",
        };
        expect((await bot.slack.event(event, { eventId })).status).toBe(200);
        await fakeSlack.waitFor("chat.postMessage");
        expect((await bot.slack.event(event, { eventId, retryNum: 1 })).status).toBe(200);
        expect((await bot.slack.event(event, { eventId, retryNum: 2 })).status).toBe(200);
        await settle();
        expect(replies()).toBe(1);
        expect(bot.logs.filter((l) => l.msg === "duplicate event ignored")).toHaveLength(2);
      } finally {
        await bot.stop();
      }
    });

    test("a restart does not forget which events were handled", async () => {
      fakeSlack.reset();
      const eventId = uniqueId("Ev");
      const event = {
        type: "app_mention",
        user: "U1",
        text: "<@UCOO> hi",
        ts: "1764100000.000200",
        channel: "C1",
      };
      const first = await startTestCoo({ database: db.config, fakeSlack });
      await first.slack.event(event, { eventId });
      await fakeSlack.waitFor("chat.postMessage");
      await first.stop();

      const second = await startTestCoo({ database: db.config, fakeSlack });
      try {
        await second.slack.event(event, { eventId, retryNum: 1 });
        await settle();
        expect(replies()).toBe(1);
        // A new event still gets its answer after the restart.
        await second.slack.event({ ...event, ts: "1764100000.000300" });
        await fakeSlack.waitFor("chat.postMessage", (c) => c.args.thread_ts === "1764100000.000300");
        expect(replies()).toBe(2);
      } finally {
        await second.stop();
      }
    });
  });
}

dedupeSuite("on embedded PGlite", pgliteDatabase, true);
dedupeSuite("on Postgres", postgresDatabase, postgresAvailable());

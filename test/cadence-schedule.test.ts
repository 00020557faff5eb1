import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { cronExpression, latestSlot, nextSlot, slotsBetween } from "../src/cadence/slots.js";
import { wallClock } from "../src/time/zoned.js";
import { startTestCoo, TestClock } from "./kit/coo.js";
import { anyDatabase, postgresAvailable, postgresDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { assertSlackWouldAccept, replyTo } from "./kit/harness.js";
import { until } from "./kit/wait.js";

const local = (d: Date, tz: string) => {
  const w = wallClock(d, tz);
  return `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")} ${String(w.hour).padStart(2, "0")}:${String(w.minute).padStart(2, "0")}`;
};

test("the cron expression carries minute, hour and days; node-cron applies the zone", () => {
  expect(cronExpression({ time: "09:05", days: [5, 1, 3], timezone: "UTC" })).toBe("5 9 * * 1,3,5");
});

test("New York's DST week (clocks back on 1 Nov 2026): one 09:30 slot a day, none skipped, none doubled", () => {
  const s = { time: "09:30", days: [0, 1, 2, 3, 4, 5, 6], timezone: "America/New_York" };
  const slots = slotsBetween(s, new Date("2026-10-29T00:00:00Z"), new Date("2026-11-05T00:00:00Z"));
  expect(slots.map((d) => local(d, s.timezone))).toEqual([
    "2026-10-29 09:30",
    "2026-10-30 09:30",
    "2026-10-31 09:30",
    "2026-11-01 09:30",
    "2026-11-02 09:30",
    "2026-11-03 09:30",
    "2026-11-04 09:30",
  ]);
  expect(slots[2]?.toISOString()).toBe("2026-10-31T13:30:00.000Z");
  expect(slots[3]?.toISOString()).toBe("2026-11-01T14:30:00.000Z");
});

test("Berlin's DST week (clocks forward on 28 Mar 2027): one 09:30 slot a day", () => {
  const s = { time: "09:30", days: [0, 1, 2, 3, 4, 5, 6], timezone: "Europe/Berlin" };
  const slots = slotsBetween(s, new Date("2027-03-25T00:00:00Z"), new Date("2027-04-01T00:00:00Z"));
  expect(slots).toHaveLength(7);
  expect(slots.every((d) => local(d, s.timezone).endsWith("09:30"))).toBe(true);
  expect(slots[2]?.toISOString()).toBe("2027-03-27T08:30:00.000Z");
  expect(slots[3]?.toISOString()).toBe("2027-03-28T07:30:00.000Z");
});

test("a slot inside the skipped hour runs just after it; a slot in the repeated hour runs once", () => {
  const gap = slotsBetween(
    { time: "02:30", days: [0], timezone: "Europe/Berlin" },
    new Date("2027-03-27T00:00:00Z"),
    new Date("2027-03-29T00:00:00Z"),
  );
  expect(gap.map((d) => local(d, "Europe/Berlin"))).toEqual(["2027-03-28 03:30"]);
  const twice = slotsBetween(
    { time: "01:30", days: [0], timezone: "America/New_York" },
    new Date("2026-10-31T00:00:00Z"),
    new Date("2026-11-02T00:00:00Z"),
  );
  expect(twice.map((d) => d.toISOString())).toEqual(["2026-11-01T05:30:00.000Z"]);
});

test("latest and next slots around now skip days the schedule does not run", () => {
  const s = { time: "09:00", days: [1, 2, 3, 4, 5], timezone: "UTC" };
  const saturday = new Date("2026-12-05T12:00:00Z");
  expect(latestSlot(s, saturday)?.toISOString()).toBe("2026-12-04T09:00:00.000Z");
  expect(nextSlot(s, saturday)?.toISOString()).toBe("2026-12-07T09:00:00.000Z");
});

describe("the engine", () => {
  let fakeSlack: FakeSlack;
  beforeAll(async () => {
    fakeSlack = await FakeSlack.start();
    fakeSlack.users.set("U1", { id: "U1", tz: "America/New_York" });
    for (const channel of ["C50", "C51", "C60", "C70", "C80"])
      fakeSlack.channel(channel, { members: ["U1"] });
  });
  afterEach(() => assertSlackWouldAccept(fakeSlack));
  afterAll(async () => {
    await fakeSlack?.stop();
  });
  const roots = (channel: string) =>
    fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === channel && !c.args.thread_ts);

  test("through a DST week in New York and in Berlin, timer plus ticker give exactly one run a day", async () => {
    const db = await anyDatabase();
    const clock = new TestClock(new Date("2026-10-28T12:00:00Z"));
    const bot = await startTestCoo({ database: db.config, fakeSlack, coo: { clock } });
    try {
      await replyTo(
        { bot, fakeSlack } as never,
        await bot.slack.command("standup 09:30 daily tz America/New_York", { channel: "C50" }),
      );
      await replyTo(
        { bot, fakeSlack } as never,
        await bot.slack.command("standup 09:30 daily tz Europe/Berlin", { channel: "C51" }),
      );
      const cadences = await bot.coo.deps.db.cadence.findMany({
        where: { channelId: { in: ["C50", "C51"] } },
      });
      for (const cadence of cadences) {
        const from = cadence.timezone === "Europe/Berlin" ? "2027-03-25T00:00:00Z" : "2026-10-29T00:00:00Z";
        const slots = slotsBetween(
          cadence,
          new Date(from),
          new Date(new Date(from).getTime() + 7 * 24 * 3600_000),
        );
        for (const slot of slots) {
          clock.set(slot);
          await bot.coo.cadence.taskFor(cadence.id)?.execute();
          clock.set(new Date(slot.getTime() + 60_000));
          await bot.coo.cadence.tick();
          await bot.coo.cadence.taskFor(cadence.id)?.execute();
        }
        const runs = await bot.coo.deps.db.cadenceRun.findMany({
          where: { cadenceId: cadence.id },
          orderBy: { slot: "asc" },
        });
        expect(runs.map((r) => local(r.slot, cadence.timezone).slice(11))).toEqual(Array(7).fill("09:30"));
        expect(new Set(runs.map((r) => local(r.slot, cadence.timezone).slice(0, 10))).size).toBe(7);
      }
      expect(roots("C50")).toHaveLength(7);
      expect(roots("C51")).toHaveLength(7);
    } finally {
      await bot.stop();
      await db.drop();
    }
  });

  test("after a restart, a slot missed inside the window runs once; one outside it is logged as skipped", async () => {
    const db = await anyDatabase();
    const clock = new TestClock(new Date("2026-12-02T15:00:00Z"));
    const first = await startTestCoo({ database: db.config, fakeSlack, coo: { clock } });
    await replyTo(
      { bot: first, fakeSlack } as never,
      await first.slack.command("standup 09:30 weekdays tz America/New_York", { channel: "C60" }),
    );
    await first.stop();

    clock.set(new Date("2026-12-03T15:00:00Z")); // Thursday's 09:30 slot was 30 minutes ago.
    const second = await startTestCoo({ database: db.config, fakeSlack, coo: { clock } });
    await second.stop();
    expect(roots("C60")).toHaveLength(1);
    expect(second.logs.find((l) => l.msg === "catching up a missed slot")).toBeDefined();

    clock.set(new Date("2026-12-04T17:30:00Z")); // Friday's slot was 3 hours ago: outside the 2-hour window.
    const third = await startTestCoo({ database: db.config, fakeSlack, coo: { clock } });
    try {
      expect(roots("C60")).toHaveLength(1);
      expect(third.logs.find((l) => l.msg === "cadence slot skipped")).toMatchObject({
        level: "warn",
        note: "missed while coo was not running",
      });
      const friday = await third.coo.deps.db.cadenceRun.findFirstOrThrow({
        where: { slot: new Date("2026-12-04T14:30:00Z") },
      });
      expect(friday.status).toBe("skipped");
    } finally {
      await third.stop();
      await db.drop();
    }
  });

  test("the ticker runs a slot the timer missed (a stalled process) while it is inside the window", async () => {
    const db = await anyDatabase();
    const clock = new TestClock(new Date("2026-12-02T15:00:00Z"));
    const bot = await startTestCoo({ database: db.config, fakeSlack, coo: { clock } });
    try {
      await replyTo(
        { bot, fakeSlack } as never,
        await bot.slack.command("standup 10:00 weekdays tz UTC", { channel: "C70" }),
      );
      clock.set(new Date("2026-12-03T10:07:00Z"));
      await bot.coo.cadence.tick();
      expect(roots("C70")).toHaveLength(1);
      clock.set(new Date("2026-12-03T10:08:00Z"));
      await bot.coo.cadence.tick();
      expect(roots("C70")).toHaveLength(1);
    } finally {
      await bot.stop();
      await db.drop();
    }
  });

  describe.runIf(postgresAvailable())("two schedulers on one Postgres database", () => {
    test("both timers fire for the same slot and the standup root is posted exactly once", async () => {
      const db = await postgresDatabase();
      const clock = new TestClock(new Date("2026-12-02T15:00:00Z"));
      const a = await startTestCoo({ database: db.config, fakeSlack, coo: { clock } });
      await replyTo(
        { bot: a, fakeSlack } as never,
        await a.slack.command("standup 09:30 weekdays tz America/New_York", { channel: "C80" }),
      );
      const b = await startTestCoo({ database: db.config, fakeSlack, coo: { clock } });
      try {
        const cadence = await a.coo.deps.db.cadence.findFirstOrThrow({ where: { channelId: "C80" } });
        clock.set(new Date("2026-12-03T14:30:00Z"));
        for (let round = 0; round < 3; round++) {
          await Promise.all([
            a.coo.cadence.taskFor(cadence.id)?.execute(),
            b.coo.cadence.taskFor(cadence.id)?.execute(),
            a.coo.cadence.tick(),
            b.coo.cadence.tick(),
          ]);
        }
        // The run's job may be under way in either process (its poll loop took
        // it): wait until both outboxes are empty, then count.
        await until(async () => (await a.coo.deps.outbox.depth()) === 0 && roots("C80").length > 0, 15_000);
        expect(roots("C80")).toHaveLength(1);
        const runs = await a.coo.deps.db.cadenceRun.findMany({ where: { cadenceId: cadence.id } });
        expect(runs).toHaveLength(1);
        expect([a.coo.cadence.replicaId, b.coo.cadence.replicaId]).toContain(runs[0]?.claimedBy);
      } finally {
        await a.stop();
        await b.stop();
        await db.drop();
      }
    });
  });
});

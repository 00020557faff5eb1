import { beforeAll, expect, test } from "vitest";
import {
  addWeeks,
  capacityFrom,
  landedSince,
  loadIn,
  ownerWeeks,
  weekStart,
  weeksFrom,
} from "../src/commitments/capacity.js";
import { capacityCheck } from "../src/commitments/use-cases.js";
import { scheduleCadence } from "./kit/cadence.js";
import { days, hours } from "./kit/coo.js";
import { mentionOf, replyTo, useBot, wednesday } from "./kit/harness.js";
import { addCommitments } from "./kit/ledger.js";
import { textOf } from "./kit/messages.js";

const h = useBot();
const db = () => h.bot.coo.deps.db;
const say = async (user: string, text: string, channel = "C1") =>
  replyTo(h, await h.bot.slack.command(text, { user, channel }));
const teamDefault = async () =>
  (await db().workspace.findUniqueOrThrow({ where: { id: "T1" } })).weeklyCapacity;

/** `count` commitments of `ownerId` landed over the eight weeks before `now`, a day or more apart. */
const landed = (ownerId: string, count: number, now: Date) =>
  addCommitments(
    db(),
    "T1",
    Array.from({ length: count }, (_, i) => {
      const doneAt = new Date(now.getTime() - days(1) - i * hours(40));
      return { ownerId, title: `landed ${i}`, dueAt: doneAt, status: "done" as const, doneAt };
    }),
  );

/** `count` open commitments of `ownerId` due from `first` on, an hour apart. */
const due = (ownerId: string, count: number, first: Date, extra: { workstreamId?: number } = {}) =>
  addCommitments(
    db(),
    "T1",
    Array.from({ length: count }, (_, i) => ({
      ownerId,
      title: `due ${i}`,
      dueAt: new Date(first.getTime() + i * hours(1)),
      ...extra,
    })),
  );

beforeAll(async () => {
  // The workspace's row, as its first request would make it: seeded rows refer to it.
  await db().workspace.upsert({ where: { id: "T1" }, create: { id: "T1" }, update: {} });
  h.fakeSlack.users.set("U5", { id: "U5", name: "emi", tz: "Asia/Tokyo" });
  h.fakeSlack.users.set("U6", { id: "U6", name: "fin", tz: "UTC" });
  h.fakeSlack.channel("C50", { members: ["U5", "U6"] });
});

// ---------------------------------------------------------------- the maths, with fixed dates

test("throughput is what a person landed over the last 8 weeks, per week, whole; with fewer than 4 landed, the team default", () => {
  expect(landedSince(wednesday).toISOString()).toBe("2026-10-07T15:00:00.000Z");
  expect(capacityFrom(32, 5)).toEqual({ capacity: 4, basis: "history" });
  expect(capacityFrom(12, 5)).toEqual({ capacity: 2, basis: "history" });
  expect(capacityFrom(4, 5)).toEqual({ capacity: 1, basis: "history" });
  expect(capacityFrom(3, 5)).toEqual({ capacity: 5, basis: "team default" });
  expect(capacityFrom(0, 7)).toEqual({ capacity: 7, basis: "team default" });
});

test("a week is over when more is due than the owner lands; the nearest later week with room is offered", () => {
  const berlin = "Europe/Berlin";
  // Lands 2 a week. Week of 7 Dec: 3 due (over); 14 Dec: 2 (full); 21 Dec: 1 (room).
  const at = (iso: string) => new Date(iso);
  const dueDates = [
    at("2026-12-07T09:00:00Z"),
    at("2026-12-09T09:00:00Z"),
    at("2026-12-13T22:30:00Z"), // Sunday 23:30 in Berlin: still the week of 7 Dec
    at("2026-12-14T09:00:00Z"),
    at("2026-12-15T09:00:00Z"),
    at("2026-12-22T09:00:00Z"),
  ];
  const report = ownerWeeks(
    { ownerId: "U2", timeZone: berlin },
    { landed: 16, due: dueDates.map((at) => ({ at, n: 1 })), teamDefault: 5 },
    at("2026-12-08T12:00:00Z"),
    2,
  );
  expect(report.weeks.map((w) => [w.start.toISOString(), w.load, w.capacity, w.basis, w.over])).toEqual([
    ["2026-12-06T23:00:00.000Z", 3, 2, "history", true],
    ["2026-12-13T23:00:00.000Z", 2, 2, "history", false],
  ]);
  expect(report.weeks[0]?.suggestion?.laterWeek?.toISOString()).toBe("2026-12-20T23:00:00.000Z");
  expect(report.weeks[1]?.suggestion).toBeUndefined();
  // Thin history: the same week against the team default is not over.
  const thin = ownerWeeks(
    { ownerId: "U2", timeZone: berlin },
    { landed: 3, due: dueDates.map((at) => ({ at, n: 1 })), teamDefault: 5 },
    at("2026-12-08T12:00:00Z"),
    1,
  );
  expect(thin.weeks[0]).toMatchObject({ load: 3, capacity: 5, basis: "team default", over: false });
});

test("weeks start Monday 00:00 in the owner's zone: a Sunday-night due date counts in Tokyo's week and UTC's differently", () => {
  const tokyo = "Asia/Tokyo";
  // Sunday 6 Dec, 23:30 in Tokyo: the week of Mon 30 Nov there, which began at 15:00 UTC on Sunday 29 Nov.
  const sundayNightTokyo = new Date("2026-12-06T14:30:00Z");
  expect(weekStart(sundayNightTokyo, tokyo).toISOString()).toBe("2026-11-29T15:00:00.000Z");
  expect(weekStart(sundayNightTokyo, "UTC").toISOString()).toBe("2026-11-30T00:00:00.000Z");
  // Sunday 6 Dec, 20:00 UTC: still that week in UTC; Monday 05:00 of the next one in Tokyo.
  const sundayNightUtc = new Date("2026-12-06T20:00:00Z");
  expect(weekStart(sundayNightUtc, "UTC").toISOString()).toBe("2026-11-30T00:00:00.000Z");
  expect(weekStart(sundayNightUtc, tokyo).toISOString()).toBe("2026-12-06T15:00:00.000Z");
  const [tokyoWeek] = weeksFrom(new Date("2026-12-02T00:00:00Z"), 1, tokyo);
  const [utcWeek] = weeksFrom(new Date("2026-12-02T00:00:00Z"), 1, "UTC");
  if (!tokyoWeek || !utcWeek) throw new Error("no week");
  const due = [sundayNightTokyo, sundayNightUtc].map((at) => ({ at, n: 1 }));
  expect(loadIn(due, tokyoWeek)).toBe(1);
  expect(loadIn(due, utcWeek)).toBe(2);
  // Counted per quarter hour: three due at once weigh three.
  expect(loadIn([{ at: sundayNightUtc, n: 3 }], utcWeek)).toBe(3);
  // A week over the end of daylight saving is a calendar week: 169 hours in New York.
  const ny = "America/New_York";
  const start = weekStart(new Date("2026-10-28T12:00:00Z"), ny);
  expect(start.toISOString()).toBe("2026-10-26T04:00:00.000Z");
  expect(addWeeks(start, 1, ny).toISOString()).toBe("2026-11-02T05:00:00.000Z");
});

// ---------------------------------------------------------------- through Slack

test("/coo commit flags an owner whose week is now over, with the week, the numbers and where it could go; two due is no flag", async () => {
  // U4 (Berlin, no history): two due the week of Mon 7 Dec is well under the default of 5.
  await due("U4", 1, new Date("2026-12-08T09:00:00Z"));
  const two = await say("U4", "commit send the contract by 2026-12-09");
  expect(two).toMatch(
    /^Recorded \*C\d+\* send the contract for you, due Wed 9 Dec 17:00 \(Europe\/Berlin\)\./,
  );
  expect(two).not.toContain(":warning:");
  expect(two).not.toContain("due the week of");

  // U1 (New York, no history): a sixth that week, recorded by someone else, is over the team default.
  await due("U1", 5, new Date("2026-12-08T15:00:00Z"));
  const sixth = await say("U4", `commit review the budget by 2026-12-10 for ${mentionOf("U1", "alice")}`);
  expect(sixth).toContain(
    "\n:warning: <@U1> has 6 due the week of Mon 7 Dec, against a team default of 5 a week.",
  );

  // U2 (Berlin) lands about 4 a week; 11 due that week in #board, and a twelfth.
  await say("U3", "workstream board");
  const board = await db().workstream.findFirstOrThrow({ where: { workspaceId: "T1", name: "board" } });
  await landed("U2", 32, wednesday);
  await due("U2", 11, new Date("2026-12-07T08:00:00Z"), { workstreamId: board.id });
  const twelfth = await say("U2", "commit write the board memo by 2026-12-10 #board");
  const number = Number(/C(\d+)/.exec(twelfth)?.[1]);
  expect(twelfth).toContain(
    `\n:warning: You have 12 due the week of Mon 7 Dec, and you land about 4 a week over the last 8 weeks. <@U3> and <@U4> have room that week, and the week of Mon 14 Dec has room (\`/coo slip C${number} to Thu 17 Dec 17:00\`).`,
  );
  // The suggested command works: the memo moves to a week with room.
  const moved = await say("U2", `slip C${number} to Thu 17 Dec 17:00`);
  expect(moved).toContain("to Thu 17 Dec 17:00 (Europe/Berlin)");
});

test("who has room: people sharing the work first, a guest only when they share it, nobody out of office", async () => {
  // A workspace of its own, so that only these five are weighed.
  const workspaceId = "T7";
  await db().workspace.upsert({ where: { id: workspaceId }, create: { id: workspaceId }, update: {} });
  const person = (slackUserId: string, extra: { kind?: "guest"; oooUntil?: Date } = {}) =>
    db().person.create({
      data: { workspaceId, slackUserId, timezone: "UTC", syncedAt: h.clock.now(), ...extra },
    });
  const monday = new Date("2026-12-14T09:00:00Z");
  await person("UA");
  await person("UB", { kind: "guest" }); // shares #C77 with UA
  await person("UC", { kind: "guest" }); // has no work here
  await person("UD", { oooUntil: new Date("2026-12-19T00:00:00Z") }); // away all that week
  await person("UE");
  const seed = (ownerId: string, count: number, channelId: string) =>
    addCommitments(
      db(),
      workspaceId,
      Array.from({ length: count }, (_, i) => ({
        ownerId,
        title: `work ${i}`,
        dueAt: new Date(monday.getTime() + i * hours(1)),
        channelId,
      })),
    );
  await seed("UA", 6, "C77");
  await seed("UB", 1, "C77");
  const [ua] = await capacityCheck(h.bot.coo.deps, { workspaceId, ownerIds: ["UA"], from: monday, weeks: 1 });
  const week = ua?.weeks[0];
  expect(week?.over).toBe(true);
  // UB shares the channel (a guest may take work they already share); then the member with room.
  // UC and UD would come before UE in the order of ids if either were weighed.
  expect(week?.suggestion?.others).toEqual(["UB", "UE"]);
});

test("weekly planning tells an owner whose week ahead is over, in their DM; an owner under it gets no flag", async () => {
  const friday = new Date("2026-12-04T10:00:00Z");
  // U5 (Tokyo) lands about 2 a week and has 3 due the week of Mon 7 Dec, Tokyo time.
  await landed("U5", 16, friday);
  await due("U5", 3, new Date("2026-12-08T01:00:00Z"));
  await due("U6", 1, new Date("2026-12-08T12:00:00Z"));
  const cadence = await scheduleCadence(h, "planning fri 10:00 tz UTC", "C50", "U6");
  h.fakeSlack.reset();
  h.clock.set(friday);
  await h.bot.coo.cadence.taskFor(cadence.id)?.execute();
  const over = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU5");
  // Who has room: U3 and U6 (the most spare); U1 and U2 are over that week themselves.
  expect(textOf(over.args)).toContain(
    "\n:warning: You have 3 due the week of Mon 7 Dec, and you land about 2 a week over the last 8 weeks. <@U3> and <@U6> have room that week, and the week of Mon 14 Dec has room.\n",
  );
  const under = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU6");
  expect(textOf(under.args)).toContain("*Planning for the week ahead*");
  expect(textOf(under.args)).not.toContain(":warning:");
});

test("/coo capacity shows the team default and how it is used; only an admin or a seat changes it, and it is recorded", async () => {
  const shown = await say("U1", "capacity");
  expect(shown).toMatch(/^The team default is \*5 a week\*\. I compare what each person has due in a week/);
  expect(shown).toContain("fewer than 4 landed");
  expect(shown).toContain("`/coo capacity 7`");

  const refused = await say("U1", "capacity 7");
  expect(refused).toBe(
    "Only a workspace admin or the CEO, CFO or CTO can change the team's weekly capacity.",
  );
  expect(await teamDefault()).toBe(5);

  expect(await say("U9", "capacity 7")).toBe(
    "The team default is now *7 a week* (was 5). It stands for anyone with fewer than 4 commitments landed in the last 8 weeks.",
  );
  expect(await teamDefault()).toBe(7);
  expect(await say("U1", "capacity")).toMatch(/^The team default is \*7 a week\*\./);
});

test("a team default that is not a whole number from 1 to 50 is refused with an example, and nothing is written", async () => {
  const before = await teamDefault();
  for (const typed of ["capacity 0", "capacity 51", "capacity lots", "capacity 7 a week"]) {
    expect(await say("U9", typed)).toBe(
      "Give the team default as a whole number of commitments a week, from 1 to 50: `/coo capacity 7`",
    );
  }
  expect(await teamDefault()).toBe(before);
});

import { beforeAll, expect, test } from "vitest";
import { replyTo, useBot } from "./kit/harness.js";

const h = useBot();
beforeAll(() => {
  for (let n = 10; n <= 18; n++) h.fakeSlack.channel(`C${n}`, { members: ["U1", "U2", "U3", "U4", "U9"] });
});
const db = () => h.bot.coo.deps.db;
const as = (user: string, text: string, channel = "C1") => h.bot.slack.command(text, { user, channel });
const say = async (user: string, text: string, channel = "C1") => replyTo(h, await as(user, text, channel));
const cadences = () => db().cadence.count();

test("/coo standup schedules a daily standup in this channel, in the zone given, and lists its next run", async () => {
  const text = await say("U1", "standup 09:30 weekdays tz Europe/Berlin", "C10");
  expect(text).toMatch(
    /^Scheduled \*K\d+\* standup in <#C10> at 09:30 weekdays \(Europe\/Berlin\) · next Thu 3 Dec 09:30 \(Europe\/Berlin\)/,
  );
  const row = await db().cadence.findFirstOrThrow({ where: { channelId: "C10" } });
  expect(row).toMatchObject({
    kind: "standup",
    time: "09:30",
    days: [1, 2, 3, 4, 5],
    timezone: "Europe/Berlin",
    createdById: "U1",
    paused: false,
  });
  expect(h.bot.coo.cadence.taskFor(row.id)?.getPattern()).toBe("30 9 * * 1,2,3,4,5");
});

test("without days or a zone: weekdays, in the creator's own time zone", async () => {
  await say("U1", "standup 9:05", "C11");
  expect(await db().cadence.findFirstOrThrow({ where: { channelId: "C11" } })).toMatchObject({
    time: "09:05",
    days: [1, 2, 3, 4, 5],
    timezone: "America/New_York",
  });
  await say("U2", "standup 10:00 mon,wed,fri", "C12");
  expect((await db().cadence.findFirstOrThrow({ where: { channelId: "C12" } })).days).toEqual([1, 3, 5]);
});

test("/coo review and /coo planning take a day and a time", async () => {
  expect(await say("U1", "review fri 16:00 tz America/New_York", "C13")).toMatch(
    /review in <#C13> at fri 16:00/,
  );
  expect(await say("U1", "planning monday 09:00", "C13")).toMatch(/planning in <#C13> at mon 09:00/);
  const rows = await db().cadence.findMany({ where: { channelId: "C13" }, orderBy: { kind: "asc" } });
  expect(rows.map((r) => [r.kind, r.days, r.time])).toEqual([
    ["review", [5], "16:00"],
    ["planning", [1], "09:00"],
  ]);
});

test("bad times, days, zones, a DM and a duplicate are refused with an example, and nothing is written", async () => {
  await say("U1", "standup 08:00", "C14");
  const before = await cadences();
  for (const [typed, channel, expected] of [
    ["standup 25:00", "C15", /"25:00" is not a time\. Use a 24-hour time such as `09:30`/],
    ["standup 9am", "C15", /"9am" is not a time/],
    [
      "standup 09:30 funday",
      "C15",
      /"funday" is not a set of days\. Use `weekdays`, `daily`, `mon-fri` or `mon,wed,fri`/,
    ],
    [
      "standup 09:30 tz Mars/Olympus",
      "C15",
      /"Mars\/Olympus" is not a time zone I know\. Use an IANA name such as `Europe\/Berlin`/,
    ],
    ["standup", "C15", /When\?/],
    ["review someday 16:00", "C15", /"someday" is not a day of the week/],
    ["planning 16:00", "C15", /Give a day and a time/],
    ["standup 09:30", "D0DM", /belongs to a channel\. Run this in the channel/],
    ["standup 10:00", "C14", /This channel already has a standup: \*K\d+\* standup in <#C14> at 08:00/],
  ] as const) {
    h.fakeSlack.reset();
    expect(await say("U1", typed, channel)).toMatch(expected);
  }
  expect(await cadences()).toBe(before);
});

test("/coo cadences lists every cadence with its next run in its own zone", async () => {
  await say("U1", "standup 07:45 daily tz Asia/Tokyo", "C16");
  const text = await say("U3", "cadences");
  expect(text).toMatch(
    /\*K\d+\* standup in <#C16> at 07:45 daily \(Asia\/Tokyo\) · next Thu 3 Dec 07:45 \(Asia\/Tokyo\)/,
  );
});

test("/coo cadence pause, resume and remove: by the creator or an admin, with the timers rebuilt", async () => {
  const id = /\*K(\d+)\*/.exec(await say("U1", "standup 11:00", "C17"))?.[1];
  const row = await db().cadence.findFirstOrThrow({ where: { channelId: "C17" } });
  h.fakeSlack.reset();
  expect(await say("U3", `cadence pause K${id}`)).toMatch(/Only <@U1> \(who set it up\)/);
  expect(await say("U1", `cadence pause K${id}`)).toMatch(/^Paused .* · paused/);
  expect(h.bot.coo.cadence.taskFor(row.id)).toBeUndefined();
  expect(await say("U9", `cadence resume k${id}`)).toMatch(/^Resumed .* · next/);
  expect(h.bot.coo.cadence.taskFor(row.id)).toBeDefined();
  for (const [typed, expected] of [
    [`cadence stop K${id}`, /Say what to do and to which/],
    ["cadence pause C3", /"C3" is not a cadence id/],
    ["cadence pause K999", /There is no cadence K999 here/],
  ] as const) {
    h.fakeSlack.reset();
    expect(await say("U1", typed)).toMatch(expected);
  }
  expect(await say("U1", `cadence remove K${id}`)).toMatch(/Removed K\d+ \(standup in <#C17>\)/);
  expect(await db().cadence.findUnique({ where: { id: row.id } })).toBeNull();
  expect(h.bot.coo.cadence.taskFor(row.id)).toBeUndefined();
});

test("/coo skip records a holiday for this channel; past or unreadable dates are refused", async () => {
  await say("U1", "standup 09:00 tz Europe/Berlin", "C18");
  expect(await say("U1", "skip 2026-12-24", "C18")).toBe(
    "No cadence will run in this channel on 2026-12-24. `/coo skip off 2026-12-24` undoes it.",
  );
  expect(await say("U1", "skip 2026-12-24", "C18")).toBe("2026-12-24 is already a skip day here.");
  for (const [typed, expected] of [
    ["skip 2026-11-01", /is in the past/],
    ["skip whenever", /can't read "whenever" as a date/],
    ["skip", /Which day\?/],
  ] as const) {
    h.fakeSlack.reset();
    expect(await say("U1", typed, "C18")).toMatch(expected);
  }
  expect(await db().skipDay.findMany({ where: { channelId: "C18" }, select: { date: true } })).toEqual([
    { date: "2026-12-24" },
  ]);
});

test("/coo ooo until <when> marks someone out; /coo ooo off ends it; bad dates are refused", async () => {
  expect(await say("U2", "ooo until Friday")).toMatch(
    /You're out of office until Fri 4 Dec 17:00 \(Europe\/Berlin\)/,
  );
  const person = () =>
    db().person.findUniqueOrThrow({
      where: { workspaceId_slackUserId: { workspaceId: "T1", slackUserId: "U2" } },
    });
  expect((await person()).oooUntil?.toISOString()).toBe("2026-12-04T16:00:00.000Z");
  for (const [typed, expected] of [
    ["ooo until yesterday", /is in the past/],
    ["ooo until never", /can't read "never" as a date/],
    ["ooo", /Until when\?/],
  ] as const) {
    h.fakeSlack.reset();
    expect(await say("U2", typed)).toMatch(expected);
  }
  expect((await person()).oooUntil?.toISOString()).toBe("2026-12-04T16:00:00.000Z");
  expect(await say("U2", "ooo off")).toMatch(/Welcome back/);
  expect((await person()).oooUntil).toBeNull();
});

test("/coo standup dm on|off sets how someone answers standups", async () => {
  expect(await say("U3", "standup dm on")).toMatch(/by DM/);
  const row = await db().person.findUniqueOrThrow({
    where: { workspaceId_slackUserId: { workspaceId: "T1", slackUserId: "U3" } },
  });
  expect(row.standupViaDm).toBe(true);
  await say("U3", "standup dm off");
});

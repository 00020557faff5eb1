import { expect, test } from "vitest";
import { statusLeave } from "../src/availability/status.js";
import { wallClock } from "../src/time/zoned.js";
import { replayEvent } from "./kit/fixtures.js";
import { mentionOf, replyTo, useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";
import { until } from "./kit/wait.js";

/*
 * Availability (docs/decisions/0032-availability.md): working days per team
 * and person, public holidays by country, working hours in each person's
 * zone, and leave from /coo ooo and from Slack statuses. Every ping waits
 * while someone is away. The cast: U1 and U3 in New York, U2 and U4 in
 * Berlin, U9 an admin.
 */

const h = useBot();
const db = () => h.bot.coo.deps.db;
const say = async (user: string, text: string, channel = "C1") =>
  replyTo(h, await h.bot.slack.command(text, { user, channel }));
const commit = async (user: string, text: string) =>
  Number(/C(\d+)/.exec(await say(user, `commit ${text}`))?.[1]);
const sweep = () => h.bot.coo.sweeper.sweep();
const dmsTo = (user: string) =>
  h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === `D${user}`);
const at = (iso: string) => h.clock.set(new Date(iso));

test("a Sunday-to-Thursday team: nothing on Friday or Saturday, and the day after Thursday is Sunday", async () => {
  // The team's days are the admins' and seats' to set; a person may set their own.
  expect(await say("U1", "workdays sun-thu")).toContain("Only a workspace admin or the CEO, CFO or CTO");
  expect(await say("U9", "workdays sun-thu")).toContain("The team's working days are now Sunday to Thursday");
  expect(await say("U4", `workdays mon-fri ${mentionOf("U2")}`)).toContain(
    `Only ${mentionOf("U2")} (for themselves)`,
  );
  expect(await say("U4", "workdays sat-wed nonsense")).toContain("is not a person");

  at("2026-12-03T09:00:00Z"); // Thursday, 10:00 in Berlin
  const n = await commit("U2", "ship the Hebrew locale by 2026-12-06"); // Sunday 17:00
  h.fakeSlack.reset();
  // At risk on Thursday: due by the end of the next working day, which for this team is Sunday.
  at("2026-12-03T09:05:00Z");
  expect(await sweep()).toMatchObject({ sent: 1 });
  expect(textOf(dmsTo("U2")[0]?.args)).toContain(`*C${n}*`);

  // Friday and Saturday are days off: the reminder waits, and its clock stops.
  for (const iso of ["2026-12-04T10:00:00Z", "2026-12-04T15:00:00Z", "2026-12-05T10:00:00Z"]) {
    at(iso);
    await sweep();
  }
  expect(dmsTo("U2")).toHaveLength(1);
  expect(await say("U2", "availability")).toContain("is on a day off: back Sun 6 Dec 09:00");

  // Sunday morning: a day off later, the reminder goes (24 working hours since Thursday's DM).
  at("2026-12-06T09:30:00Z");
  await sweep();
  expect(dmsTo("U2")).toHaveLength(2);
  expect(textOf(dmsTo("U2")[1]?.args)).toContain("can I help unblock it?");
  const believed = await say("U2", "availability");
  expect(believed).toContain("is at work now");
  expect(believed).toContain("Working days: Sunday to Thursday (the team's)");
  expect(believed).toContain("Working hours: 09:00–18:00 in Europe/Berlin");

  await say("U2", `done C${n}`);
  await say("U9", "workdays mon-fri");
});

test("a public holiday in one country and not the other: same day, one person pinged and one not", async () => {
  expect(await say("U9", "holidays DE")).toContain("The team's public holidays are now Germany's (`DE`)");
  expect(await say("U1", "holidays US")).toContain("Only a workspace admin or the CEO, CFO or CTO");
  expect(await say("U9", `holidays US ${mentionOf("U1")}`)).toContain(
    `${mentionOf("U1")}'s public holidays are now United States of America's`,
  );
  expect(await say("U9", "holidays XX")).toContain("is not a country code I know");

  at("2026-11-24T15:00:00Z"); // Tuesday
  const us = await commit("U1", "file the quarterly report by 2026-11-25");
  const de = await commit("U2", "file the VAT return by 2026-11-25");
  h.fakeSlack.reset();

  // Thanksgiving: 10:00 in New York, 16:00 in Berlin. Both are overdue.
  at("2026-11-26T15:00:00Z");
  await sweep();
  expect(dmsTo("U1")).toEqual([]);
  expect(dmsTo("U2")).toHaveLength(1);
  expect(textOf(dmsTo("U2")[0]?.args)).toContain(`*C${de}*`);
  const believed = await say("U1", "availability");
  expect(believed).toContain("is on a public holiday (Thanksgiving Day): back Fri 27 Nov 09:00");
  expect(believed).toContain("Public holidays: United States of America (`US`) (their own)");

  // The next day is a working day in New York: the ping that waited goes.
  at("2026-11-27T15:00:00Z");
  await sweep();
  expect(dmsTo("U1")).toHaveLength(1);
  expect(textOf(dmsTo("U1")[0]?.args)).toContain(`*C${us}*`);

  await say("U1", `done C${us}`);
  await say("U2", `done C${de}`);
  await say("U9", `holidays none ${mentionOf("U1")}`);
  await say("U9", "holidays none");
});

test("leave from a Slack status: no pings while it lasts, and they resume when it expires", async () => {
  at("2026-12-07T15:00:00Z"); // Monday, 10:00 in New York
  const n = await commit("U3", "renew the certificates by tomorrow");
  h.fakeSlack.reset();

  // U3 sets ":palm_tree: Vacationing" until Thursday 00:00 in New York; Slack sends user_change.
  const expires = Date.parse("2026-12-10T05:00:00Z") / 1000;
  const status = { status_text: "Vacationing", status_emoji: ":palm_tree:", status_expiration: expires };
  const u3 = h.fakeSlack.users.get("U3");
  if (u3) u3.status = status;
  const res = await replayEvent(h.bot.slack, "user-change", {
    event: { user: { profile: { status_expiration: expires } } },
  });
  expect(res.status).toBe(200);
  await until(
    async () => (await db().person.findFirst({ where: { slackUserId: "U3" } }))?.slackAway === true,
  );

  // Tuesday 10:00: due today and untouched, but U3 is away.
  at("2026-12-08T15:00:00Z");
  await sweep();
  at("2026-12-09T15:00:00Z");
  await sweep();
  expect(dmsTo("U3")).toEqual([]);
  const believed = await say("U1", `availability ${mentionOf("U3")}`);
  expect(believed).toContain("is on leave: back Thu 10 Dec 09:00");
  expect(believed).toContain(
    "On leave by their Slack status “:palm_tree: Vacationing”, until Thu 10 Dec 00:00",
  );

  // Thursday 10:00: the status has expired; the overdue work is raised with its owner.
  at("2026-12-10T15:00:00Z");
  await sweep();
  expect(dmsTo("U3")).toHaveLength(1);
  expect(textOf(dmsTo("U3")[0]?.args)).toContain("overdue");

  // A status that is no leave ("In a meeting") is read as such; user_status_changed carries the same user object.
  if (u3) u3.status = { status_text: "In a meeting", status_emoji: ":calendar:", status_expiration: 0 };
  await replayEvent(h.bot.slack, "user-change", {
    event: {
      type: "user_status_changed",
      user: { profile: { status_text: "In a meeting", status_emoji: ":calendar:" } },
    },
  });
  await until(
    async () => (await db().person.findFirst({ where: { slackUserId: "U3" } }))?.slackAway === false,
  );
  if (u3) delete u3.status;
  await say("U3", `done C${n}`);
});

test("a status no event brought is read from users.profile.get when someone asks", async () => {
  const u4 = h.fakeSlack.users.get("U4");
  if (u4) u4.status = { status_text: "Out of office", status_emoji: ":airplane:", status_expiration: 0 };
  const believed = await say("U2", `availability ${mentionOf("U4")}`);
  expect(h.fakeSlack.callsTo("users.profile.get").map((c) => c.args.user)).toEqual(["U4"]);
  expect(believed).toContain("is on leave: not back within the year as far as I know");
  expect(believed).toContain("until the status changes");
  if (u4) delete u4.status;
  // Read within the hour: no second call; an hour later, Slack is asked again and the leave is over.
  await say("U2", `availability ${mentionOf("U4")}`);
  expect(h.fakeSlack.callsTo("users.profile.get")).toHaveLength(1);
  h.clock.set(new Date(h.clock.now().getTime() + 90 * 60_000)); // 17:30 in Berlin
  expect(await say("U2", `availability ${mentionOf("U4")}`)).toContain("is at work now");
});

test("work due during planned leave is flagged once, before the leave starts", async () => {
  at("2026-12-14T15:00:00Z"); // Monday, 16:00 in Berlin
  const n = await commit("U4", "hand over the on-call rota by 2026-12-23");
  expect(await say("U4", "ooo from 2026-12-21 until 2027-01-04")).toContain(
    "You're out of office from Mon 21 Dec 00:00",
  );
  h.fakeSlack.reset();
  at("2026-12-14T15:15:00Z");
  await sweep();
  expect(dmsTo("U4")).toHaveLength(1);
  const warning = textOf(dmsTo("U4")[0]?.args);
  expect(warning).toContain("One commitment of yours is due while you're away (until Mon 4 Jan 2027)");
  expect(warning).toContain(`*C${n}* hand over the on-call rota, due Wed 23 Dec`);
  at("2026-12-15T15:15:00Z");
  await sweep();
  expect(dmsTo("U4")).toHaveLength(1);
  // During the leave itself, nothing reaches them.
  at("2026-12-23T15:15:00Z");
  await sweep();
  at("2026-12-28T15:15:00Z");
  await sweep();
  expect(dmsTo("U4")).toHaveLength(1);
  await say("U4", "ooo off");
  await say("U4", `done C${n}`);
});

test("work due on the day someone is back from leave is flagged with the leave: no working day is left before it", async () => {
  at("2027-02-01T15:00:00Z"); // Monday, 16:00 in Berlin
  const backDay = await commit("U4", "send the board deck by 2027-02-15");
  const dayAfter = await commit("U4", "file the expenses by 2027-02-16");
  await say("U4", "ooo from 2027-02-08 until 2027-02-15");
  h.fakeSlack.reset();
  at("2027-02-01T15:15:00Z");
  await sweep();
  expect(dmsTo("U4")).toHaveLength(1);
  const warning = textOf(dmsTo("U4")[0]?.args);
  expect(warning).toContain(`*C${backDay}* send the board deck, due Mon 15 Feb`);
  expect(warning).not.toContain(`*C${dayAfter}*`);
  await say("U4", "ooo off");
  await say("U4", `done C${backDay}`);
  await say("U4", `done C${dayAfter}`);
});

test("the daylight-saving weeks: Europe and the US switch a week apart, and every ping lands in local working hours", async () => {
  // Europe leaves summer time on Sun 25 Oct 2026, the US on Sun 1 Nov: for a week New York is
  // five hours behind Berlin instead of six.
  at("2026-10-19T12:00:00Z");
  const made: number[] = [];
  for (const [user, zone] of [
    ["U1", "America/New_York"],
    ["U2", "Europe/Berlin"],
  ] as const) {
    for (const day of ["2026-10-26", "2026-10-27", "2026-11-02", "2026-11-03"])
      made.push(await commit(user, `weekly numbers for ${day} ${zone.split("/")[1]} by ${day}`));
  }
  h.fakeSlack.reset();
  const pinged: Array<{ user: string; at: Date }> = [];
  // Every hour of the Friday before, the Sunday of, and the Monday after each switch.
  for (const day of ["2026-10-23", "2026-10-25", "2026-10-26", "2026-10-30", "2026-11-01", "2026-11-02"]) {
    for (let t = Date.parse(`${day}T00:00:00Z`); t < Date.parse(`${day}T24:00:00Z`); t += 3600_000) {
      h.clock.set(new Date(t));
      const before = h.fakeSlack.callsTo("chat.postMessage").length;
      await sweep();
      for (const c of h.fakeSlack.callsTo("chat.postMessage").slice(before)) {
        const user = String(c.args.channel).slice(1);
        if (user === "U1" || user === "U2") pinged.push({ user, at: new Date(t) });
      }
    }
  }
  const zoneOf = { U1: "America/New_York", U2: "Europe/Berlin" } as Record<string, string>;
  const local = pinged.map((p) => ({ ...p, wall: wallClock(p.at, zoneOf[p.user] ?? "UTC") }));
  expect(local.filter((p) => p.user === "U1").length).toBeGreaterThanOrEqual(4);
  expect(local.filter((p) => p.user === "U2").length).toBeGreaterThanOrEqual(4);
  // None outside 09:00–18:00 on a weekday, in the person's own zone, on either side of either switch.
  expect(local.filter((p) => p.wall.hour < 9 || p.wall.hour >= 18 || p.wall.weekday % 6 === 0)).toEqual([]);
  // The first ping of each day comes at 09:00 local: 08:00 UTC in Berlin after its switch, 13:00 then
  // 14:00 UTC in New York.
  const firstOfDay = new Map<string, number>();
  for (const p of local) {
    const key = `${p.user} ${p.wall.year}-${p.wall.month}-${p.wall.day}`;
    if (!firstOfDay.has(key)) firstOfDay.set(key, p.wall.hour);
  }
  expect([...new Set(firstOfDay.values())]).toEqual([9]);
  const utcHours = (user: string) =>
    local.filter((p) => p.user === user && p.wall.hour === 9).map((p) => p.at.toISOString().slice(0, 13));
  expect(utcHours("U2")).toContain("2026-10-26T08");
  expect(utcHours("U1")).toContain("2026-10-26T13");
  expect(utcHours("U1")).toContain("2026-11-02T14");
  for (const [i, n] of made.entries()) await say(i < 4 ? "U1" : "U2", `done C${n}`);
}, 120_000);

test("a standup prompt by DM to someone outside their hours is held until they start, not sent and not dropped", async () => {
  h.fakeSlack.channel("C30", { members: ["U1", "U2"] });
  await say("U1", "standup dm on", "C30");
  const reply = await say("U2", "standup 09:30 weekdays tz Europe/Berlin", "C30");
  expect(reply).toContain("Scheduled");
  const cadence = await db().cadence.findFirstOrThrow({ where: { channelId: "C30" } });
  // Open all day, so someone in New York can still answer when their day starts.
  await db().cadence.update({ where: { id: cadence.id }, data: { closeAfterMinutes: 600 } });
  await h.bot.coo.cadence.rebuild();
  at("2026-12-03T08:30:00Z"); // 09:30 in Berlin, 03:30 in New York
  h.fakeSlack.reset();
  await h.bot.coo.cadence.taskFor(cadence.id)?.execute();
  await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "C30");
  const held = await db().outboxMessage.findFirstOrThrow({ where: { userId: "U1", status: "pending" } });
  // Held five and a half hours: until 09:00 in New York.
  expect(held.nextAttemptAt.getTime() - held.createdAt.getTime()).toBeGreaterThan(5.5 * 3600_000 - 60_000);
  expect(held.nextAttemptAt.getTime() - held.createdAt.getTime()).toBeLessThan(5.5 * 3600_000 + 60_000);
  expect(held.text).toContain("standup");
  expect(dmsTo("U1")).toEqual([]);
  await db().outboxMessage.delete({ where: { id: held.id } });
  await say("U2", `cadence remove K${cadence.number}`, "C30");
  await say("U1", "standup dm off", "C30");
});

test("which Slack statuses read as leave", () => {
  const leave = (status_text: string, status_emoji = "") => statusLeave({ status_text, status_emoji }).away;
  for (const text of ["On vacation", "Vacationing", "Out of office", "OOO until Monday", "PTO", "on leave"])
    expect(leave(text), text).toBe(true);
  for (const emoji of [":palm_tree:", ":airplane:", ":beach_with_umbrella:"])
    expect(leave("", emoji)).toBe(true);
  for (const text of ["In a meeting", "Lunch", "Commuting", "Focus time", "Booked a flight for Q3 review"])
    expect(leave(text, ":spiral_calendar_pad:"), text).toBe(false);
  expect(statusLeave({ status_text: "PTO", status_expiration: 1_796_000_000 }).until?.toISOString()).toBe(
    "2026-11-30T00:53:20.000Z",
  );
  expect(statusLeave({ status_text: "PTO", status_expiration: 0 }).until).toBeUndefined();
});

test("a handoff is chased on the owing side's working day, not on their public holiday", async () => {
  await say("U9", `holidays DE ${mentionOf("U4")}`);
  at("2026-12-23T10:00:00Z");
  const recorded = await say(
    "U1",
    `handoff the signed lease from ${mentionOf("U4")} to ${mentionOf("U1")} since 2026-12-21`,
  );
  const id = /\*H(\d+)\*/.exec(recorded)?.[1];
  h.fakeSlack.reset();
  const chased = () => dmsTo("U4").filter((c) => String(c.args.text).includes(`H${id}`));
  at("2026-12-25T10:00:00Z"); // Christmas Day, a Friday: a public holiday in Germany
  await sweep();
  expect(chased()).toEqual([]);
  at("2026-12-28T10:00:00Z"); // Monday, 11:00 in Berlin
  await sweep();
  expect(chased()).toHaveLength(1);
  await say("U4", `handoff done H${id}`);
  await say("U9", `holidays none ${mentionOf("U4")}`);
});

import { expect, test } from "vitest";
import { replyTo, useBot } from "./kit/harness.js";

const h = useBot();
const db = () => h.bot.coo.deps.db;
const say = async (text: string, user = "U1") => replyTo(h, await h.bot.slack.command(text, { user }));
const numberIn = (reply: string) => Number(/\*C(\d+)\*/.exec(reply)?.[1]);

/** What the database holds that a refused date could have written. */
const footprint = async () => ({
  commitments: await db().commitment.count(),
  changes: await db().commitmentChange.count(),
  skipDays: await db().skipDay.count(),
  away: await db().person.count({ where: { oooUntil: { not: null } } }),
  snoozed: await db().commitment.count({ where: { snoozedUntil: { not: null } } }),
  counters: (await db().counter.findMany({ orderBy: [{ kind: "asc" }] })).map((c) => `${c.kind}:${c.value}`),
});

test("a date in year 9999 is refused with a message and an example, not a crash, and nothing is written", async () => {
  // A skip day needs a cadence in the channel to skip.
  expect(await say("standup 09:00")).toMatch(/^Scheduled/);
  const before = await footprint();
  const refusals = [
    await say("commit ship it by Dec 31 9999 23:59"),
    await say("commit ship it by 2032-01-05"),
    await say("ooo until Dec 31 9999 23:59"),
    await say("skip 2040-01-01"),
    await say("snooze C1 until Dec 31 9999 23:59"),
  ];
  for (const reply of refusals) {
    expect(reply).not.toMatch(/Something went wrong/);
  }
  for (const reply of refusals.slice(0, 4)) {
    expect(reply).toMatch(/more than 5 years ahead/);
    expect(reply).toMatch(/e\.g\. `|Try `/);
  }
  expect(await footprint()).toEqual(before);
});

test("slipping more than five years ahead is refused, by command and in the Slip modal's date picker", async () => {
  const number = numberIn(await say("commit plan the offsite by Friday"));
  const before = await db().commitment.findUnique({
    where: { workspaceId_number: { workspaceId: "T1", number } },
  });
  expect(await say(`slip C${number} to 2099-03-01`)).toMatch(/more than 5 years ahead/);
  const res = await h.bot.slack.submitView(
    "commitment_slip_modal",
    JSON.stringify({ n: number, t: "mine", p: 0 }),
    { date: { selected_date: "9999-12-31" }, time: { selected_time: "23:59" } },
  );
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ response_action: "errors" });
  expect(JSON.stringify(res.json)).toMatch(/more than 5 years ahead/);
  const after = await db().commitment.findUnique({
    where: { workspaceId_number: { workspaceId: "T1", number } },
    include: { history: true },
  });
  expect(after?.dueAt).toEqual(before?.dueAt);
  expect(after?.history.map((c) => c.kind)).toEqual(["created"]);
});

test("a handoff since a date more than five years back is refused", async () => {
  const before = await db().handoff.count();
  expect(await say("handoff the keys from <@U2> to <@U3> since 1900-01-01")).toMatch(/more than 5 years ago/);
  expect(await db().handoff.count()).toBe(before);
});

test("dates in another year are shown with their year; this year's are not", async () => {
  const nextYear = await say("commit renew the lease by 2027-03-01");
  expect(nextYear).toContain("due Mon 1 Mar 2027 17:00 (America/New_York)");
  const thisYear = await say("commit ship the pricing page by Friday");
  expect(thisYear).toContain("due Fri 4 Dec 17:00 (America/New_York)");
  const list = await say("commitments");
  expect(list).toContain("|Mon 1 Mar 2027 17:00 (America/New_York)>");
  expect(list).toContain("|Fri 4 Dec 17:00 (America/New_York)>");
  expect(await say("ooo until 2027-01-04")).toContain("until Mon 4 Jan 2027 17:00 (America/New_York)");
  await say("ooo off");
});

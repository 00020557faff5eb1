import { expect, inject, test } from "vitest";
import { simulate } from "../scripts/simulate.js";
import { replyTo, useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";

const h = useBot();
const say = async (user: string, text: string, channel = "C1") =>
  replyTo(h, await h.bot.slack.command(text, { user, channel }));
const commit = async (user: string, text: string) =>
  Number(/C(\d+)/.exec(await say(user, `commit ${text}`))?.[1]);
const sweep = () => h.bot.coo.sweeper.sweep();
const dmsTo = (user: string) =>
  h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === `D${user}`);
const at = (iso: string) => h.clock.set(new Date(iso));

test("the daily digest: one DM a day with every item and its buttons; what comes up later waits for tomorrow", async () => {
  at("2026-12-02T15:00:00Z"); // Wed 10:00 in New York
  const a = await commit("U1", "ship search by tomorrow 5pm");
  const b = await commit("U1", "write the release notes by tomorrow 4pm");
  h.fakeSlack.reset();
  at("2026-12-02T15:05:00Z");
  await sweep();
  expect(dmsTo("U1")).toHaveLength(1);
  const digest = textOf(dmsTo("U1")[0]?.args);
  expect(digest).toContain(`*C${a}*`);
  expect(digest).toContain(`*C${b}*`);
  const buttons = ((dmsTo("U1")[0]?.args.blocks ?? []) as Array<{ elements?: Array<{ action_id: string }> }>)
    .flatMap((x) => x.elements ?? [])
    .map((x) => x.action_id);
  expect(buttons.filter((x) => x === "commitment_done")).toHaveLength(2);
  expect(buttons.filter((x) => x === "commitment_slip")).toHaveLength(2);
  expect(buttons.filter((x) => x === "nudge_help")).toHaveLength(2);

  // Made later the same day and at risk at once: it waits for tomorrow's digest.
  at("2026-12-02T17:00:00Z");
  const c = await commit("U1", "fix the login bug by tomorrow 5pm");
  h.fakeSlack.reset();
  at("2026-12-02T18:00:00Z");
  expect(await sweep()).toMatchObject({ sent: 0 });
  expect(dmsTo("U1")).toHaveLength(0);
  at("2026-12-03T14:05:00Z"); // Thu 9:05 in New York
  await sweep();
  expect(dmsTo("U1")).toHaveLength(1);
  expect(textOf(dmsTo("U1")[0]?.args)).toContain(`*C${c}*`);
});

test("/coo pings all: each step comes as it happens, even a second DM the same day", async () => {
  at("2026-12-07T15:00:00Z"); // Mon 10:00 in New York
  expect(await say("U3", "pings all")).toContain("every step as it happens");
  await commit("U3", "draft the budget by tomorrow 5pm");
  await sweep();
  await commit("U3", "review the contract by tomorrow 4pm");
  h.fakeSlack.reset();
  at("2026-12-07T16:00:00Z");
  await sweep();
  expect(dmsTo("U3")).toHaveLength(1);
});

test("/coo pings overdue: at-risk work is left alone, overdue work comes in the digest; a wrong choice says the right ones", async () => {
  expect(await say("U2", "pings overdue")).toContain("only when something of yours is overdue");
  at("2026-12-07T09:00:00Z"); // Mon 10:00 in Berlin
  const n = await commit("U2", "send the invoice by tomorrow 5pm");
  h.fakeSlack.reset();
  at("2026-12-07T09:30:00Z");
  await sweep();
  expect(dmsTo("U2")).toHaveLength(0);
  at("2026-12-09T09:30:00Z"); // Wed: overdue now
  await sweep();
  expect(dmsTo("U2")).toHaveLength(1);
  expect(textOf(dmsTo("U2")[0]?.args)).toContain(`*C${n}*`);

  expect(await say("U2", "pings sometimes")).toContain("/coo pings digest");
});

test("a small simulated team: the figures come as one JSON line, and nobody is pinged off hours, away, or twice", async () => {
  const result = await simulate({
    seed: 7,
    people: 6,
    weeks: 2,
    slipRate: 0.3,
    silenceRate: 0.3,
    timezones: 3,
    stepMinutes: 60,
    postgresUrl: inject("postgres")?.adminUrl,
  });
  const json = JSON.parse(JSON.stringify(result));
  for (const key of [
    "earlyWarningRate",
    "medianLeadHours",
    "precision",
    "pingsOutsideHours",
    "pingsOnLeaveOrHoliday",
    "repeatedWarnings",
    "lateCommitments",
    "warningsSent",
  ])
    expect(typeof json[key], key).toBe("number");
  expect(json.earlyWarningRate).toBeGreaterThanOrEqual(0);
  expect(json.earlyWarningRate).toBeLessThanOrEqual(1);
  expect(json.precision).toBeGreaterThanOrEqual(0);
  expect(json.precision).toBeLessThanOrEqual(1);
  expect(Object.keys(json.pingsPerPersonWeek).sort()).toEqual(["max", "median", "p90"]);
  expect(Object.keys(json.escalation).sort()).toEqual(["ceo", "channel", "lead"]);
  expect(json.commitments).toBeGreaterThan(5);
  expect(json.warningsSent).toBeGreaterThan(0);
  expect(json.pingsOutsideHours).toBe(0);
  expect(json.pingsOnLeaveOrHoliday).toBe(0);
  expect(json.repeatedWarnings).toBe(0);
  expect(json.pingsPerPersonWeek.max).toBeLessThanOrEqual(5);
}, 300_000);

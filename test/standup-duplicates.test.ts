import { beforeAll, expect, test } from "vitest";
import { scheduleCadence, threadReply } from "./kit/cadence.js";
import { hours } from "./kit/coo.js";
import { replyTo, useBot } from "./kit/harness.js";
import { until } from "./kit/wait.js";

// One commitment per owner and piece of work (rules path; the Claude path is
// in standup-llm.test.ts). The demo's case: bob is given "review the vendor
// contract" by a command, then answers the standup "vendor contract review".
const h = useBot();
beforeAll(() => {
  for (const id of ["C40"]) h.fakeSlack.channel(id, { members: ["U1", "U2", "U3", "U4", "U9"] });
});
const db = () => h.bot.coo.deps.db;
const slot = new Date("2026-12-03T14:30:00Z");
let rootTs = "";
let next = 1796300000;

beforeAll(async () => {
  h.fakeSlack.on("conversations.members", () => ({
    ok: true,
    members: ["U1", "U2"],
    response_metadata: { next_cursor: "" },
  }));
  const cadence = await scheduleCadence(h, "standup 09:30 weekdays tz America/New_York", "C40");
  h.clock.set(slot);
  await h.bot.coo.cadence.taskFor(cadence.id)?.execute();
  rootTs = (await db().cadenceRun.findFirstOrThrow({ where: { cadenceId: cadence.id } })).rootTs ?? "";
});

async function answer(user: string, text: string) {
  const ts = `${next++}.000100`;
  await threadReply(h, { channel: "C40", threadTs: rootTs, user, text, ts });
  await until(
    async () =>
      !!(await db().standupAnswer.findFirst({ where: { messageTs: ts, permalink: { not: null } } })),
  );
  return db().standupAnswer.findFirstOrThrow({ where: { messageTs: ts } });
}

test("a standup promise that names work the owner already has, due the same day, is linked, not added twice", async () => {
  h.clock.set(new Date(slot.getTime() + hours(0.5)));
  await replyTo(
    h,
    await h.bot.slack.command("commit review the vendor contract by tomorrow 5pm for <@U2|bob>"),
  );
  const existing = await db().commitment.findFirstOrThrow({ where: { ownerId: "U2" } });

  const row = await answer("U2", "Today: vendor contract review by tomorrow 5pm\nBlockers: none");
  expect(row.commitmentNumbers).toEqual([]);
  expect(await db().commitment.count({ where: { ownerId: "U2" } })).toBe(1);
  // The answer is a sign of life on the existing one, and counts as mentioning it.
  const run = await db().cadenceRun.findFirstOrThrow({ where: { rootTs } });
  expect(await db().commitmentMention.count({ where: { commitmentId: existing.id, runId: run.id } })).toBe(1);
  expect((await db().commitment.findUniqueOrThrow({ where: { id: existing.id } })).lastTouchedAt).toEqual(
    h.clock.now(),
  );
});

test("the same work due on another day, or other work due the same day, is a commitment of its own", async () => {
  const row = await answer(
    "U2",
    "Today:\n- vendor contract review by Tuesday\n- vendor invoice review by tomorrow 5pm",
  );
  expect(row.commitmentNumbers).toHaveLength(2);
  expect(await db().commitment.count({ where: { ownerId: "U2" } })).toBe(3);
});

test("two answers saying the same promise in other words make one commitment", async () => {
  const first = await answer("U1", "Today: ship the invoice export by Friday");
  const second = await answer("U1", "Plan: invoice export shipped by Friday");
  expect(first.commitmentNumbers).toHaveLength(1);
  expect(second.commitmentNumbers).toEqual([]);
  expect(await db().commitment.count({ where: { ownerId: "U1" } })).toBe(1);
});

test("the summary names the work answers linked to, not only what they added", async () => {
  const run = await db().cadenceRun.findFirstOrThrow({ where: { rootTs } });
  h.fakeSlack.reset();
  h.clock.set(new Date(slot.getTime() + hours(5)));
  await h.bot.coo.cadence.tick();
  const summary = await h.fakeSlack.waitFor(
    "chat.postMessage",
    (c) => c.args.thread_ts === run.rootTs && String(c.args.text).startsWith("Standup summary"),
  );
  const text = JSON.stringify(summary.args.blocks);
  expect(text).toContain("Already on the ledger, named today");
  expect(text).toContain("review the vendor contract (<@U2>)");
});

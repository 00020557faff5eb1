import { beforeAll, expect, test } from "vitest";
import { scheduleCadence, settle, threadReply } from "./kit/cadence.js";
import { hours } from "./kit/coo.js";
import { replyTo, useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";
import { until } from "./kit/wait.js";

const h = useBot();
const db = () => h.bot.coo.deps.db;
// Thursday 3 December 2026, 09:30 in New York.
const slot = new Date("2026-12-03T14:30:00Z");

let cadenceId: number;
let rootTs: string;

beforeAll(async () => {
  h.fakeSlack.channel("C20", { members: ["U1", "U2", "U3"] });
  // U3 is out until Friday.
  await replyTo(h, await h.bot.slack.command("ooo until 2026-12-04", { user: "U3" }));
  cadenceId = (await scheduleCadence(h, "standup 09:30 weekdays tz America/New_York", "C20")).id;
});

test("at the slot the standup opens with one root message naming who is in, not who is away", async () => {
  h.clock.set(slot);
  await h.bot.coo.cadence.taskFor(cadenceId)?.execute();
  const roots = h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === "C20");
  expect(roots).toHaveLength(1);
  const root = roots[0];
  expect(textOf(root?.args)).toContain("Standup for Thu 3 Dec");
  expect(textOf(root?.args)).toContain("What will you get done today");
  expect(textOf(root?.args)).toContain("<@U1> <@U2>");
  expect(textOf(root?.args)).not.toContain("<@U3>");
  expect(textOf(root?.args)).not.toContain("<@UCOO>");
  const run = await db().cadenceRun.findFirstOrThrow({ where: { cadenceId } });
  expect(run).toMatchObject({ status: "open", participants: ["U1", "U2"] });
  rootTs = run.rootTs ?? "";
  expect(rootTs).not.toBe("");
  // The timer going off again for the same slot does nothing.
  await h.bot.coo.cadence.taskFor(cadenceId)?.execute();
  expect(h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === "C20")).toHaveLength(1);
});

test("thread replies become commitments and blockers (rules, no key) that link back to the message", async () => {
  h.clock.set(new Date(slot.getTime() + hours(0.5)));
  await threadReply(
    h,
    {
      channel: "C20",
      threadTs: rootTs,
      user: "U1",
      ts: "1796000001.000100",
      text: "Yesterday: fixed the login bug\nToday: finish the pricing page by Friday\nBlockers: waiting on <@U2> for the API keys",
    },
    "EvStandup1",
  );
  // The event is acked first and read after: wait until the answer is fully recorded.
  const recorded = () =>
    db().standupAnswer.findFirst({ where: { userId: "U1", messageTs: "1796000001.000100" } });
  await until(async () => ((await recorded())?.blockerNumbers.length ?? 0) > 0);
  const answer = await db().standupAnswer.findFirstOrThrow({
    where: { userId: "U1", messageTs: "1796000001.000100" },
  });
  expect(answer.commitmentNumbers).toHaveLength(1);
  expect(answer.blockerNumbers).toHaveLength(1);
  expect(answer.permalink).toBe("https://acme.slack.com/archives/C20/p1796000001000100");
  const c = await db().commitment.findFirstOrThrow({
    where: { workspaceId: "T1", number: answer.commitmentNumbers[0] },
  });
  expect(c).toMatchObject({
    title: "finish the pricing page",
    ownerId: "U1",
    channelId: "C20",
    sourcePermalink: answer.permalink,
  });
  expect(c.dueAt.toISOString()).toBe("2026-12-04T22:00:00.000Z");
  const b = await db().blocker.findFirstOrThrow({
    where: { workspaceId: "T1", number: answer.blockerNumbers[0] },
  });
  expect(b).toMatchObject({ reporterId: "U1", waitingOnId: "U2", sourcePermalink: answer.permalink });

  // Slack redelivers the same event: nothing is recorded twice.
  await threadReply(
    h,
    { channel: "C20", threadTs: rootTs, user: "U1", ts: "1796000001.000100", text: "x" },
    "EvStandup1",
  );
  await settle();
  expect(await db().standupAnswer.count({ where: { userId: "U1" } })).toBe(1);
});

test("'Blockers: none' and 'no blockers' record nothing", async () => {
  const before = await db().blocker.count();
  await threadReply(h, {
    channel: "C20",
    threadTs: rootTs,
    user: "U9",
    ts: "1796000002.000100",
    text: "Today: reviews\nBlockers: none",
  });
  await threadReply(h, {
    channel: "C20",
    threadTs: rootTs,
    user: "U9",
    ts: "1796000003.000100",
    text: "all good, no blockers",
  });
  await until(async () => (await db().standupAnswer.count({ where: { userId: "U9" } })) === 2);
  await settle();
  expect(await db().blocker.count()).toBe(before);
  expect(await db().standupAnswer.count({ where: { userId: "U9" } })).toBe(2);
});

test("the reminder goes only to participants who have not answered", async () => {
  h.fakeSlack.reset();
  h.clock.set(new Date(slot.getTime() + hours(2)));
  await h.bot.coo.cadence.tick();
  const dms = h.fakeSlack.callsTo("chat.postMessage").filter((c) => String(c.args.channel).startsWith("D"));
  expect(dms.map((c) => c.args.channel)).toEqual(["DU2"]);
  expect(String(dms[0]?.args.text)).toContain("still open");
  // A second tick does not remind again.
  await h.bot.coo.cadence.tick();
  expect(
    h.fakeSlack.callsTo("chat.postMessage").filter((c) => String(c.args.channel).startsWith("D")),
  ).toHaveLength(1);
});

test("at close the summary goes in the thread: who answered, what each is doing, blockers, commitments, who did not", async () => {
  h.fakeSlack.reset();
  h.clock.set(new Date(slot.getTime() + hours(4)));
  await h.bot.coo.cadence.tick();
  const summary = h.fakeSlack.callsTo("chat.postMessage").find((c) => c.args.thread_ts === rootTs);
  const text = textOf(summary?.args);
  expect(text).toContain("*Standup summary*: 2 of 2 answered.");
  expect(text).toContain("<@U1>: finish the pricing page by Friday");
  // Each blocker and commitment by its id, what it is and whose it is, not a bare id.
  expect(text).toMatch(/\*Blockers raised\* \(1\)\n• \*B\d+\* waiting on <@U2> for the API keys \(<@U1>\)/);
  expect(text).toMatch(
    /\*Commitments made\* \(1\)\n• \*C\d+\* finish the pricing page \(<@U1>\), due <!date\^\d+\^[^|]+\|Fri 4 Dec 17:00 \(America\/New_York\)>/,
  );
  expect((await db().cadenceRun.findFirstOrThrow({ where: { cadenceId } })).status).toBe("closed");
  await h.bot.coo.cadence.tick();
  expect(h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.thread_ts === rootTs)).toHaveLength(1);
});

test("a skip day in the channel means no standup that day, recorded as skipped", async () => {
  h.fakeSlack.reset();
  await replyTo(h, await h.bot.slack.command("skip 2026-12-07", { user: "U1", channel: "C20" }));
  h.clock.set(new Date("2026-12-07T14:30:00Z"));
  await h.bot.coo.cadence.taskFor(cadenceId)?.execute();
  expect(h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === "C20")).toHaveLength(0);
  const run = await db().cadenceRun.findFirstOrThrow({
    where: { cadenceId, slot: new Date("2026-12-07T14:30:00Z") },
  });
  expect(run).toMatchObject({ status: "skipped", note: "2026-12-07 is a skip day in this channel" });
});

test("someone who answers by DM gets the questions by DM and their DM reply counts", async () => {
  await replyTo(h, await h.bot.slack.command("standup dm on", { user: "U2" }));
  h.fakeSlack.reset();
  h.clock.set(new Date("2026-12-08T14:30:00Z"));
  await h.bot.coo.cadence.taskFor(cadenceId)?.execute();
  const dm = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU2");
  expect(String(dm.args.text)).toContain("Reply here");
  await h.bot.slack.event({
    type: "message",
    channel: "DU2",
    channel_type: "im",
    user: "U2",
    text: "Today: ship the invoice export by Thursday",
    ts: "1796100000.000100",
  });
  await h.fakeSlack.waitFor(
    "chat.postMessage",
    (c) => c.args.channel === "DU2" && String(c.args.text).startsWith("Got it"),
  );
  const answer = await db().standupAnswer.findFirstOrThrow({ where: { userId: "U2", via: "dm" } });
  expect(answer.commitmentNumbers).toHaveLength(1);
  await replyTo(h, await h.bot.slack.command("standup dm off", { user: "U2" }));
});

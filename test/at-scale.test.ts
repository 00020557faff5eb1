import { beforeAll, expect, test } from "vitest";
import { handoffOffer } from "../src/handoffs/messages.js";
import { helpReply } from "../src/help/messages.js";
import { blocksProblems } from "./kit/block-kit.js";
import { scheduleCadence } from "./kit/cadence.js";
import { days, hours } from "./kit/coo.js";
import type { SlackCall } from "./kit/fake-slack.js";
import { assertSlackWouldAccept, replyTo, useBot } from "./kit/harness.js";
import { addBlockers, addCommitments, longText } from "./kit/ledger.js";
import { textOf } from "./kit/messages.js";

// Everything coo composes stays within Slack's limits at any team size and
// with every title at its longest: the strict fake refuses anything over
// them, and the harness fails a test that sent it.

const h = useBot();
const db = () => h.bot.coo.deps.db;
const ws = "T1";
const count = (n: number) => n.toLocaleString("en-US");
const postsTo = (channel: string) =>
  h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === channel);
const shown = (calls: SlackCall[]) => calls.map((c) => textOf(c.args)).join("\n");

/** Maximum lengths coo accepts: a commitment's title, a blocker's text, a handoff's "what". */
const maxTitle = 300;
const maxBlocker = 500;

beforeAll(async () => {
  // Someone runs a command first, so the workspace exists.
  await replyTo(h, await h.bot.slack.command("help"));
});

// Thursday 3 December 2026, 09:30 UTC.
const standupSlot = new Date("2026-12-03T09:30:00Z");

test.each([1, 25, 300, 1000])(
  "a standup in a %i-person channel, with up to 100 answers at their longest: the root and every summary message fit",
  async (size) => {
    const people = h.fakeSlack.crowd(size, `US${size}P`);
    const channel = `CSTAND${size}`;
    h.fakeSlack.channel(channel, { members: people });
    const cadence = await scheduleCadence(h, "standup 09:30 weekdays tz UTC", channel);
    h.fakeSlack.reset();
    h.clock.set(standupSlot);
    await h.bot.coo.cadence.taskFor(cadence.id)?.execute();

    const [root] = postsTo(channel);
    expect(postsTo(channel)).toHaveLength(1);
    const rootText = textOf(root?.args);
    if (size <= 25) for (const p of people) expect(rootText).toContain(`<@${p}>`);
    else expect(rootText).toContain(`Everyone here (${count(size)} people): reply in this thread`);

    // Up to 100 people answer, each with a long answer, two commitments and a blocker at their longest.
    const run = await db().cadenceRun.findFirstOrThrow({ where: { cadenceId: cadence.id } });
    const answering = people.slice(0, 100);
    const commitments = await addCommitments(
      db(),
      ws,
      answering.flatMap((ownerId, i) =>
        [0, 1].map((k) => ({
          ownerId,
          title: longText(`deliver ${i}.${k}`, maxTitle),
          dueAt: new Date(standupSlot.getTime() + days(2)),
          channelId: channel,
        })),
      ),
    );
    const blockers = await addBlockers(
      db(),
      ws,
      answering.map((reporterId, i) => ({
        reporterId,
        text: longText(`blocked ${i}`, maxBlocker),
        openedAt: standupSlot,
      })),
    );
    await db().standupAnswer.createMany({
      data: answering.map((userId, i) => ({
        workspaceId: ws,
        runId: run.id,
        userId,
        text: `Yesterday: ${longText("shipped", 400)}\nToday: ${longText(`working on ${i}`, 900)}\nBlockers: ${longText("waiting", 300)}`,
        messageTs: `1796${String(size).padStart(4, "0")}${String(i).padStart(3, "0")}.000100`,
        via: "thread",
        commitmentNumbers: commitments.slice(2 * i, 2 * i + 2),
        blockerNumbers: [blockers[i] as number],
      })),
    });

    h.clock.set(new Date(standupSlot.getTime() + hours(4)));
    await h.bot.coo.cadence.tick();
    assertSlackWouldAccept(h.fakeSlack);
    const summary = postsTo(channel).filter((c) => c.args.thread_ts === run.rootTs);
    expect(summary.length).toBeGreaterThanOrEqual(1);
    const text = shown(summary);
    expect(text).toContain(`*Standup summary*: ${count(answering.length)} of ${count(size)} answered.`);
    for (const p of answering) expect(text).toContain(`• <@${p}>: working on`);
    for (const n of commitments)
      expect(text).toMatch(new RegExp(`• \\*C${n}\\* deliver \\d+\\.\\d: Q&amp;A`));
    for (const n of blockers) expect(text).toContain(`• *B${n}* blocked`);
    const missing = size - answering.length;
    if (missing === 0) expect(text).toContain("*No answer*: nobody, thank you all");
    else expect(text).toContain(`*No answer* (${count(missing)})`);
    if (missing > 30) expect(text).toContain(`and ${count(missing - 30)} others`);
    // Every later message says it continues the summary.
    for (const [i, m] of summary.entries())
      if (i > 0)
        expect(String(m.args.text)).toBe(`Standup summary, continued (${i + 1} of ${summary.length})`);
  },
);

test("a weekly review of 100 owners, with titles, workstreams, blockers and handoffs at their longest, fits", async () => {
  const people = h.fakeSlack.crowd(1000, "UREV");
  const owners = people.slice(0, 100);
  h.fakeSlack.channel("CREVIEW", { members: people });
  const monday = new Date("2026-11-30T09:00:00Z");
  const streams = await Promise.all(
    owners.map((ownerId, i) =>
      db().workstream.create({
        data: { workspaceId: ws, name: `stream-${i}-${"x".repeat(30)}`.slice(0, 40), ownerId },
      }),
    ),
  );
  await addCommitments(
    db(),
    ws,
    owners.flatMap((ownerId, i) => [
      {
        ownerId,
        title: longText(`landed ${i}`, maxTitle),
        dueAt: new Date(monday.getTime() + days(1)),
        status: "done" as const,
        doneAt: monday,
        workstreamId: streams[i]?.id,
      },
      {
        ownerId,
        title: longText(`slipped ${i}`, maxTitle),
        originalDueAt: new Date(monday.getTime() + days(2)),
        dueAt: new Date(monday.getTime() + days(20)),
        workstreamId: streams[i]?.id,
      },
      {
        ownerId,
        title: longText(`overdue ${i}`, maxTitle),
        dueAt: new Date(monday.getTime() + days(1) + i * 60_000),
        workstreamId: streams[i]?.id,
      },
    ]),
  );
  await addBlockers(
    db(),
    ws,
    owners.map((reporterId, i) => ({
      reporterId,
      text: longText(`stuck ${i}`, maxBlocker),
      openedAt: new Date(monday.getTime() - days(i % 10)),
    })),
  );
  await db().handoff.createMany({
    data: owners.slice(0, 30).map((fromId, i) => ({
      workspaceId: ws,
      number: 1000 + i,
      what: longText(`the keys ${i}`, maxTitle),
      fromId,
      toId: owners[i + 1] ?? "U1",
      since: new Date(monday.getTime() - days(20 + i)),
      reporterId: "U1",
      shared: true,
      createdAt: monday,
    })),
  });
  const cadence = await scheduleCadence(h, "review thu 16:00 tz UTC", "CREVIEW");
  h.fakeSlack.reset();
  h.clock.set(new Date("2026-12-03T16:00:00Z"));
  await h.bot.coo.cadence.taskFor(cadence.id)?.execute();
  assertSlackWouldAccept(h.fakeSlack);
  const review = postsTo("CREVIEW");
  const text = shown(review);
  expect(text).toContain("*Weekly review*");
  expect(text).toContain("*Overall*: planned 300 · done 100 · slipped 100 · on time 33%");
  for (const o of owners) expect(text).toContain(`• <@${o}>: planned 3 · done 1 · slipped 1 · on time 33%`);
  for (const s of streams) expect(text).toContain(`• #${s.name}: planned 3`);
  // The longest blocked (nine days and more) outrank work two days overdue.
  expect(text).toMatch(
    /\*Top risks\*\n1\. \*B\d+\* stuck 9: Q&amp;A[^\n]*\n2\. \*B\d+\* stuck \d9: Q&amp;A[^\n]*\n3\. /,
  );
  for (const [i, m] of review.entries())
    if (i > 0) expect(String(m.args.text)).toBe(`Weekly review, continued (${i + 1} of ${review.length})`);
});

/** Many of one person's commitments and blockers, every title at its longest. */
async function loadOnePerson(user: string, now: Date) {
  const overdue = await addCommitments(
    db(),
    ws,
    Array.from({ length: 40 }, (_, i) => ({
      ownerId: user,
      title: longText(`late ${i}`, maxTitle),
      dueAt: new Date(now.getTime() - days(1) - i * 60_000),
      channelId: "C1",
    })),
  );
  const soon = await addCommitments(
    db(),
    ws,
    Array.from({ length: 40 }, (_, i) => ({
      ownerId: user,
      title: longText(`soon ${i}`, maxTitle),
      dueAt: new Date(now.getTime() + days(4) + i * 60_000),
      channelId: "C1",
    })),
  );
  await addBlockers(db(), ws, [
    ...Array.from({ length: 30 }, (_, i) => ({
      reporterId: user,
      text: longText(`raised ${i}`, maxBlocker),
      openedAt: new Date(now.getTime() - days(3)),
    })),
    ...Array.from({ length: 30 }, (_, i) => ({
      reporterId: "U1",
      waitingOnId: user,
      text: longText(`waiting ${i}`, maxBlocker),
      openedAt: new Date(now.getTime() - days(2)),
    })),
  ]);
  return { overdue, soon };
}

test("lists at their longest (risks, status, commitments, blockers, handoffs, cadences, workstreams, help) fit", async () => {
  const now = h.clock.now();
  await loadOnePerson("U4", now);
  await db().handoff.createMany({
    data: Array.from({ length: 40 }, (_, i) => ({
      workspaceId: ws,
      number: 2000 + i,
      what: longText(`the specs ${i}`, maxTitle),
      fromId: "U4",
      toId: "U2",
      since: new Date(now.getTime() - days(3 + i)),
      reporterId: "U4",
      shared: true,
      createdAt: now,
    })),
  });
  await db().workstream.createMany({
    data: Array.from({ length: 3000 }, (_, i) => ({
      workspaceId: ws,
      name: `w${i}-${"platform-reliability-".repeat(2)}`.slice(0, 40),
      ownerId: i % 2 ? "U2" : "U4",
    })),
  });
  await db().cadence.createMany({
    data: Array.from({ length: 2000 }, (_, i) => ({
      workspaceId: ws,
      number: 5000 + i,
      channelId: `CK${i}`,
      kind: "standup" as const,
      time: "09:30",
      days: [1, 2, 3, 4, 5],
      timezone: "America/Argentina/ComodRivadavia",
      createdById: "U4",
      paused: i % 3 === 0,
    })),
  });
  const say = async (text: string) => {
    const res = await h.bot.slack.command(text, { user: "U4" });
    const reply = await replyTo(h, res);
    assertSlackWouldAccept(h.fakeSlack);
    return reply;
  };
  expect(await say("risks")).toMatch(/\*Overdue\* \(40\)[\s\S]*…and 25 more/);
  expect(await say("status")).toContain("*Open commitments* (first 5 of 80)");
  // Thirty raised by them and thirty waiting on them.
  expect(await say(`status <@U4>`)).toContain("*Open blockers* (60)");
  for (const list of ["commitments", "commitments all", "blockers", "blockers all", "help"]) await say(list);
  const handoffs = await say("handoffs");
  const open = await db().handoff.count({ where: { workspaceId: ws, status: "open", shared: true } });
  expect(handoffs).toContain(`*Open handoffs* (${open}), the longest waiting first`);
  expect(handoffs).toContain(`…and ${open - 30} more.`);
  const cadences = await say("cadences");
  expect(cadences).toMatch(/…and [\d,]+ more/);
  const workstreams = await say("workstreams");
  expect(workstreams).toContain("*#w0-platform-reliability-platform-reliabi*");
  expect(workstreams).toMatch(/…and [\d,]+ more/);
});

test("the App Home of someone with everything at its longest fits a view", async () => {
  const now = h.clock.now();
  await loadOnePerson("U3", now);
  h.fakeSlack.reset();
  await h.bot.slack.event({
    type: "app_home_opened",
    user: "U3",
    channel: "DU3",
    tab: "home",
    event_ts: "1.2",
  });
  const call = await h.fakeSlack.waitFor("views.publish", (c) => c.args.user_id === "U3");
  assertSlackWouldAccept(h.fakeSlack);
  expect(textOf(call.args.view)).toContain("*Your open commitments* (80)");
});

test("a planning DM with thirty commitments at their longest fits, and says how many more there are", async () => {
  h.fakeSlack.channel("CPLAN", { members: ["U2"] });
  const friday = new Date("2026-12-04T15:00:00Z");
  await addCommitments(
    db(),
    ws,
    Array.from({ length: 30 }, (_, i) => ({
      ownerId: "U2",
      title: longText(`next week ${i}`, maxTitle),
      dueAt: new Date(friday.getTime() + days(3) + i * 60_000),
    })),
  );
  const cadence = await scheduleCadence(h, "planning fri 10:00 tz America/New_York", "CPLAN", "U2");
  h.fakeSlack.reset();
  h.clock.set(friday);
  await h.bot.coo.cadence.taskFor(cadence.id)?.execute();
  const dm = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU2");
  assertSlackWouldAccept(h.fakeSlack);
  const text = textOf(dm.args);
  expect(String(dm.args.text)).toBe("Planning: 30 commitments due next week");
  expect(text).toMatch(/…and \d+ more due next week: `\/coo commitments` lists them all\./);
});

test("the slip sweep's DM, with every title at its longest, fits", async () => {
  // Thursday 10:00 in Berlin: U2's working hours.
  h.clock.set(new Date("2026-12-03T09:00:00Z"));
  await addCommitments(
    db(),
    ws,
    Array.from({ length: 30 }, (_, i) => ({
      ownerId: "U2",
      title: longText(`chase ${i}`, maxTitle),
      dueAt: new Date(Date.parse("2026-12-02T09:00:00Z") - i * 60_000),
      channelId: "C1",
    })),
  );
  h.fakeSlack.reset();
  await h.bot.coo.sweeper.sweep();
  await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU2");
  assertSlackWouldAccept(h.fakeSlack);
});

test("help fits however many commands there are", () => {
  const commands = h.bot.coo.slack.commands.list();
  const many = [...commands, ...commands, ...commands].map((c, i) => ({ ...c, name: `${c.name}${i}` }));
  const reply = helpReply(h.bot.coo.deps.persona, many);
  expect(blocksProblems(reply.blocks, "message")).toEqual([]);
  for (const c of many) expect(textOf(reply)).toContain(`\`/coo ${c.usage}\`: ${c.summary}`);
});

test("a handoff offer read from the longest DM keeps every button's value within Slack's 2,000 characters", () => {
  const quotes = (n: number) => '"\\'.repeat(n).slice(0, n);
  const offer = handoffOffer(
    { what: quotes(300), fromId: "U2", toText: quotes(100), since: new Date("2026-12-01T00:00:00Z") },
    "U1",
    `${quotes(400)}\n`.repeat(3),
  );
  expect(blocksProblems(offer.blocks, "message")).toEqual([]);
  // What rides in "Nudge with my words" is still the DM, as much of it as fits.
  const nudge = (offer.blocks[1] as { elements: Array<{ action_id: string; value: string }> }).elements.find(
    (e) => e.action_id === "handoff_choice:quote",
  );
  expect((JSON.parse(nudge?.value ?? "{}") as { q: string }).q).toMatch(/^"\\/);
});

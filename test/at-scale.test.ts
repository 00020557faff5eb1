import { beforeAll, expect, test } from "vitest";
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

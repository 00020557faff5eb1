import { beforeAll, expect, test } from "vitest";
import { scheduleCadence } from "./kit/cadence.js";
import { hours } from "./kit/coo.js";
import { handled, replayEvent } from "./kit/fixtures.js";
import { useBot } from "./kit/harness.js";
import { uniqueId } from "./kit/slack-client.js";

// Standup answers as Slack really delivers them (test/fixtures/slack/):
// replies, edits, deletions, broadcasts and @mentions in the thread.
const h = useBot();
beforeAll(() => {
  for (const id of ["C20"]) h.fakeSlack.channel(id, { members: ["U1", "U2", "U3", "U4", "U9"] });
});
const db = () => h.bot.coo.deps.db;
// Thursday 3 December 2026, 09:30 in New York.
const slot = new Date("2026-12-03T14:30:00Z");
let rootTs = "";
let next = 1796000100;
const newTs = () => `${next++}.000200`;

async function replay(name: string, event: Record<string, unknown>) {
  const eventId = uniqueId("Ev");
  const res = await replayEvent(h.bot.slack, name, { event, eventId });
  expect(res.status).toBe(200);
  await handled(db(), eventId);
}

/** A reply in the standup thread, from the channel-thread fixture. */
async function answer(user: string, text: string) {
  const ts = newTs();
  await replay("message-channel-thread", { user, text, ts, event_ts: ts, thread_ts: rootTs, channel: "C20" });
  return ts;
}

async function edit(user: string, ts: string, text: string) {
  const at = newTs();
  await replay("message-changed", {
    channel: "C20",
    ts: at,
    message: { user, text, ts, edited: { user, ts: at } },
  });
}

const answerOf = (ts: string) => db().standupAnswer.findFirst({ where: { messageTs: ts } });
const commitment = (number: number | undefined) =>
  db().commitment.findUniqueOrThrow({
    where: { workspaceId_number: { workspaceId: "T1", number: number ?? 0 } },
  });
const blocker = (number: number | undefined) =>
  db().blocker.findUniqueOrThrow({
    where: { workspaceId_number: { workspaceId: "T1", number: number ?? 0 } },
  });

beforeAll(async () => {
  h.fakeSlack.on("conversations.members", () => ({
    ok: true,
    members: ["U1", "U2", "U3", "U4", "UCOO"],
    response_metadata: { next_cursor: "" },
  }));
  const cadence = await scheduleCadence(h, "standup 09:30 weekdays tz America/New_York", "C20");
  h.clock.set(slot);
  await h.bot.coo.cadence.taskFor(cadence.id)?.execute();
  rootTs = (await db().cadenceRun.findFirstOrThrow({ where: { cadenceId: cadence.id } })).rootTs ?? "";
  expect(rootTs).not.toBe("");
});

test("an edited answer (message_changed) re-dates the commitment it made and raises the new blocker, keeping history", async () => {
  h.clock.set(new Date(slot.getTime() + hours(0.5)));
  const ts = await answer("U1", "Today: finish the pricing page by Friday\nBlockers: none");
  const first = await answerOf(ts);
  expect(first?.commitmentNumbers).toHaveLength(1);
  const made = first?.commitmentNumbers[0];

  await edit(
    "U1",
    ts,
    "Today: finish the pricing page by Monday\nBlockers: waiting on <@U2> for the API keys",
  );
  const edited = await answerOf(ts);
  expect(edited?.text).toContain("by Monday");
  expect(edited?.commitmentNumbers).toEqual([made]);
  const c = await commitment(made);
  // Monday 7 December, 17:00 in New York.
  expect(c.dueAt.toISOString()).toBe("2026-12-07T22:00:00.000Z");
  expect(c.originalDueAt.toISOString()).toBe("2026-12-04T22:00:00.000Z");
  const history = await db().commitmentChange.findMany({
    where: { commitmentId: c.id },
    orderBy: { id: "asc" },
  });
  expect(history.map((x) => x.kind)).toEqual(["created", "redated"]);
  expect(history[1]).toMatchObject({ actorId: "U1", reason: "standup answer edited" });
  expect(edited?.blockerNumbers).toHaveLength(1);
  expect(await blocker(edited?.blockerNumbers[0])).toMatchObject({
    status: "open",
    waitingOnId: "U2",
    reporterId: "U1",
  });
  // One answer, one commitment: nothing was added twice.
  expect(await db().standupAnswer.count({ where: { userId: "U1" } })).toBe(1);
  expect(await db().commitment.count({ where: { ownerId: "U1" } })).toBe(1);
});

test("an edit that removes a promise drops its commitment with a reason; the blocker still in the answer stays", async () => {
  const row = await db().standupAnswer.findFirstOrThrow({ where: { userId: "U1" } });
  await edit("U1", row.messageTs, "Today: reviews only\nBlockers: waiting on <@U2> for the API keys");
  const c = await commitment(row.commitmentNumbers[0]);
  expect(c.status).toBe("dropped");
  const last = await db().commitmentChange.findFirstOrThrow({
    where: { commitmentId: c.id },
    orderBy: { id: "desc" },
  });
  expect(last).toMatchObject({
    kind: "dropped",
    actorId: "U1",
    reason: "promise removed from the edited standup answer",
  });
  const after = await answerOf(row.messageTs);
  expect(after?.commitmentNumbers).toEqual([]);
  expect(after?.blockerNumbers).toEqual(row.blockerNumbers);
  expect((await blocker(row.blockerNumbers[0])).status).toBe("open");
});

test("a deleted answer (message_deleted) is retracted: its commitment dropped, its blocker resolved, other answers untouched", async () => {
  const keep = await answer(
    "U3",
    "Today: write the FAQ by Friday\nBlockers: waiting on design for the mockups",
  );
  const gone = await answer("U2", "Today: ship the invoice export by Thursday\nBlockers: waiting on legal");
  const kept = await answerOf(keep);
  const deleted = await answerOf(gone);
  expect(deleted?.commitmentNumbers).toHaveLength(1);
  expect(deleted?.blockerNumbers).toHaveLength(1);

  await replay("message-deleted", {
    channel: "C20",
    deleted_ts: gone,
    previous_message: {
      type: "message",
      text: "Today: ship the invoice export by Thursday",
      user: "U2",
      team: "T1",
      ts: gone,
    },
  });
  expect(await answerOf(gone)).toBeNull();
  const c = await commitment(deleted?.commitmentNumbers[0]);
  expect(c.status).toBe("dropped");
  expect(
    await db().commitmentChange.findFirst({ where: { commitmentId: c.id, kind: "dropped" } }),
  ).toMatchObject({ actorId: "U2", reason: "answer deleted" });
  expect(await blocker(deleted?.blockerNumbers[0])).toMatchObject({ status: "resolved", resolvedById: "U2" });
  // U3's answer and what it made are as they were.
  expect(await answerOf(keep)).toEqual(kept);
  expect((await commitment(kept?.commitmentNumbers[0])).status).toBe("open");
  expect((await blocker(kept?.blockerNumbers[0])).status).toBe("open");
});

test("a reply also sent to the channel (thread_broadcast) counts as one answer", async () => {
  const ts = newTs();
  await replay("message-thread-broadcast", {
    user: "U4",
    text: "Today: pair on the importer. No blockers.",
    ts,
    event_ts: ts,
    thread_ts: rootTs,
    channel: "C20",
  });
  expect(await db().standupAnswer.count({ where: { userId: "U4" } })).toBe(1);
  expect(h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === "C20")).toEqual([]);
});

test("an answer that @mentions coo (a message and an app_mention) is recorded once and gets no routing reply", async () => {
  h.fakeSlack.reset();
  const ts = newTs();
  const text = "<@UCOO> Today: draft the launch FAQ by Friday";
  await replay("message-channel-thread", {
    user: "U9",
    text,
    ts,
    event_ts: ts,
    thread_ts: rootTs,
    channel: "C20",
  });
  await replay("app-mention", { user: "U9", text, ts, event_ts: ts, thread_ts: rootTs, channel: "C20" });
  expect(await db().standupAnswer.count({ where: { userId: "U9" } })).toBe(1);
  expect(h.fakeSlack.callsTo("chat.postMessage")).toEqual([]);
  expect(await db().routedQuestion.count()).toBe(0);
});

test("a question to coo in the standup thread is answered in the thread, not recorded as an answer", async () => {
  h.fakeSlack.reset();
  const ts = newTs();
  const text = "<@UCOO> what is due this week?";
  await replay("message-channel-thread", {
    user: "U9",
    text,
    ts,
    event_ts: ts,
    thread_ts: rootTs,
    channel: "C20",
  });
  await replay("app-mention", { user: "U9", text, ts, event_ts: ts, thread_ts: rootTs, channel: "C20" });
  expect(await answerOf(ts)).toBeNull();
  const replies = h.fakeSlack.callsTo("chat.postMessage");
  expect(replies).toHaveLength(1);
  expect(replies[0]?.args).toMatchObject({ channel: "C20", thread_ts: rootTs });
});

test("an edit by someone of another organisation in the standup thread records nothing", async () => {
  h.fakeSlack.users.set("UX1", { id: "UX1", team_id: "TX9", connected: true, tz: "UTC" });
  const at = newTs();
  await replay("message-changed", {
    channel: "C20",
    ts: at,
    message: {
      user: "UX1",
      user_team: "TX9",
      text: "Today: take over the launch by Friday",
      ts: newTs(),
      thread_ts: rootTs,
      edited: { user: "UX1", ts: at },
    },
  });
  expect(await db().standupAnswer.count({ where: { userId: "UX1" } })).toBe(0);
  expect(await db().commitment.count({ where: { ownerId: "UX1" } })).toBe(0);
});

test("after the standup closes, an edit changes nothing", async () => {
  const row = await db().standupAnswer.findFirstOrThrow({ where: { userId: "U3" } });
  h.clock.set(new Date(slot.getTime() + hours(4)));
  await h.bot.coo.cadence.tick();
  await edit("U3", row.messageTs, "Today: nothing by Friday");
  expect(await answerOf(row.messageTs)).toEqual(row);
  expect((await commitment(row.commitmentNumbers[0])).status).toBe("open");
});

import { beforeAll, expect, test } from "vitest";
import { enqueue } from "../src/jobs/outbox.js";
import { startTestCoo } from "./kit/coo.js";
import { anyDatabase, postgresAvailable } from "./kit/database.js";
import { useBot } from "./kit/harness.js";
import { until } from "./kit/wait.js";

const h = useBot();
beforeAll(() => {
  for (let n = 100; n <= 111; n++) h.fakeSlack.channel(`C${n}`, { members: ["U1", "U3"] });
});
const db = () => h.bot.coo.deps.db;
const outbox = () => h.bot.coo.deps.outbox;
const posts = (channel: string) =>
  h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === channel);

/** A message another process had claimed when it died; its lease runs out in 300 ms. */
async function crashedSend(channel: string, text: string, threadTs?: string): Promise<number> {
  await h.bot.slack.command("help");
  const now = new Date();
  const row = await db().outboxMessage.create({
    data: {
      workspaceId: "T1",
      channel,
      ...(threadTs ? { threadTs } : {}),
      text,
      status: "sending",
      attempts: 1,
      lockedBy: "dead",
      lockedUntil: new Date(now.getTime() + 300),
      nextAttemptAt: now,
      createdAt: now,
    },
  });
  return row.id;
}

async function queue(channel: string, text: string, extra: { cadenceId?: number } = {}) {
  await h.bot.slack.command("help");
  return db().$transaction((tx) => enqueue(tx, [{ workspaceId: "T1", channel, text, ...extra }]));
}

test("a message is sent once, marked sent with Slack's ts, and carries its outbox id in metadata", async () => {
  const [id] = await queue("C100", "hello channel");
  await outbox().deliver([id as number]);
  expect(posts("C100")).toHaveLength(1);
  expect(posts("C100")[0]?.args.metadata).toEqual({ event_type: "coo_outbox", event_payload: { id } });
  const row = await db().outboxMessage.findUniqueOrThrow({ where: { id } });
  expect(row).toMatchObject({ status: "sent", sentChannel: "C100", attempts: 1 });
  expect(row.sentTs).toMatch(/^\d+\.\d+$/);
  await outbox().deliver([id as number]);
  expect(posts("C100")).toHaveLength(1);
});

test("a 429 waits for Retry-After in place, then the message goes out once", async () => {
  h.fakeSlack.failNext("chat.postMessage", { status: 429, retryAfter: 1 });
  const [id] = await queue("C101", "after the rate limit");
  const started = Date.now();
  await outbox().deliver([id as number]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  const row = await db().outboxMessage.findUniqueOrThrow({ where: { id } });
  // Retried by the outbox itself (one claim), not handed to the Web API client's own retry.
  expect(row).toMatchObject({ status: "sent", attempts: 1 });
  expect(posts("C101").length).toBe(2); // the refused attempt and the one that landed
  expect(h.fakeSlack.history.get("C101")).toHaveLength(1);
});

test("after five 429s in a row a message is put back and sent later, once", async () => {
  h.fakeSlack.failNext("chat.postMessage", { status: 429, retryAfter: 0 }, 5);
  const [id] = await queue("C107", "through a long rate limit");
  await outbox().deliver([id as number]);
  await until(async () => (await db().outboxMessage.findUniqueOrThrow({ where: { id } })).status === "sent");
  // Claimed twice: the first claim gave up after five 429s and put it back.
  expect((await db().outboxMessage.findUniqueOrThrow({ where: { id } })).attempts).toBe(2);
  expect(posts("C107").length).toBe(6);
  expect(h.fakeSlack.history.get("C107")).toHaveLength(1);
});

test.runIf(postgresAvailable())(
  "claimers racing for the same messages on Postgres send each one once",
  async () => {
    await h.bot.slack.command("help");
    h.fakeSlack.crowd(300, "URACE");
    const ids = await db().$transaction((tx) =>
      enqueue(
        tx,
        Array.from({ length: 300 }, (_, i) => ({
          workspaceId: "T1",
          userId: `URACE${i}`,
          text: `race ${i}`,
        })),
      ),
    );
    // Eight deliveries at once, each asking for every due message, plus the poll loop.
    await Promise.all(Array.from({ length: 8 }, () => outbox().deliver()));
    await until(
      async () => (await db().outboxMessage.count({ where: { id: { in: ids }, status: "sent" } })) === 300,
    );
    const posted = h.fakeSlack
      .callsTo("chat.postMessage")
      .filter((c) => String(c.args.text).startsWith("race "))
      .map((c) => String(c.args.text));
    expect(posted).toHaveLength(300);
    expect(new Set(posted).size).toBe(300);
  },
);

test("a 5xx is retried with backoff until it lands", async () => {
  h.fakeSlack.failNext("chat.postMessage", { status: 500 }, 2);
  const [id] = await queue("C102", "through the outage");
  await outbox().deliver([id as number]);
  await until(async () => (await db().outboxMessage.findUniqueOrThrow({ where: { id } })).status === "sent");
  const row = await db().outboxMessage.findUniqueOrThrow({ where: { id } });
  expect(row.attempts).toBe(3);
  expect(h.fakeSlack.history.get("C102")).toHaveLength(1);
});

test("channel_not_found is recorded, not retried, and reported to whoever set up the cadence", async () => {
  await h.bot.slack.command("standup 09:00 tz UTC", { user: "U3", channel: "C103" });
  const cadence = await db().cadence.findFirstOrThrow({ where: { channelId: "C103" } });
  h.fakeSlack.failNext("chat.postMessage", { ok: false, error: "channel_not_found" });
  const [id] = await queue("C103", "into the void", { cadenceId: cadence.id });
  await outbox().deliver([id as number]);
  const row = await db().outboxMessage.findUniqueOrThrow({ where: { id } });
  expect(row).toMatchObject({ status: "failed", error: "channel_not_found", attempts: 1 });
  const told = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU3");
  expect(String(told.args.text)).toContain("Slack said `channel_not_found`");
  await new Promise((r) => setTimeout(r, 300));
  expect(posts("C103")).toHaveLength(1);
});

test("a message whose sender died after Slack got it is found in the channel's history, not posted again", async () => {
  // Another process claimed it, posted it, and died before marking it sent (its lease ends shortly).
  const id = await crashedSend("C104", "sent just before a crash");
  const landed = h.fakeSlack.remember("C104", {
    text: "sent just before a crash",
    metadata: { event_type: "coo_outbox", event_payload: { id } },
  });
  await until(async () => (await db().outboxMessage.findUniqueOrThrow({ where: { id } })).status === "sent");
  expect(posts("C104")).toHaveLength(0);
  expect(await db().outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({
    status: "sent",
    sentTs: landed.ts,
    attempts: 2,
  });
});

test("a threaded message (a standup summary) whose sender died after Slack got it is found in its thread, not posted again", async () => {
  // conversations.history has no thread replies: only conversations.replies can find this one.
  const root = h.fakeSlack.remember("C110", { text: "Standup for Thu 3 Dec" });
  for (let i = 0; i < 5; i++)
    h.fakeSlack.remember("C110", { text: `answer ${i}`, thread_ts: root.ts, user: "U1" });
  const id = await crashedSend("C110", "Standup summary", root.ts);
  const landed = h.fakeSlack.remember("C110", {
    text: "Standup summary",
    thread_ts: root.ts,
    metadata: { event_type: "coo_outbox", event_payload: { id } },
  });
  await until(async () => (await db().outboxMessage.findUniqueOrThrow({ where: { id } })).status === "sent");
  expect(posts("C110")).toHaveLength(0);
  expect(await db().outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({
    status: "sent",
    sentTs: landed.ts,
    attempts: 2,
  });
});

test("a threaded message whose sender died before Slack got it is posted in its thread by the next process, once", async () => {
  const root = h.fakeSlack.remember("C111", { text: "Standup for Fri 4 Dec" });
  const id = await crashedSend("C111", "Standup summary", root.ts);
  await until(async () => (await db().outboxMessage.findUniqueOrThrow({ where: { id } })).status === "sent");
  await outbox().deliver();
  expect(posts("C111")).toHaveLength(1);
  expect(posts("C111")[0]?.args.thread_ts).toBe(root.ts);
});

test("a message whose sender died before Slack got it is sent by the next process, once", async () => {
  const id = await crashedSend("C105", "never reached slack");
  await until(async () => (await db().outboxMessage.findUniqueOrThrow({ where: { id } })).status === "sent");
  await outbox().deliver();
  expect(posts("C105")).toHaveLength(1);
});

test("messages to one channel are paced about a second apart, across processes", async () => {
  const database = await anyDatabase();
  const a = await startTestCoo({
    database: database.config,
    fakeSlack: h.fakeSlack,
    coo: { outboxPaceMs: 400 },
  });
  const b = await startTestCoo({
    database: database.config,
    fakeSlack: h.fakeSlack,
    coo: { outboxPaceMs: 400 },
  });
  try {
    await a.slack.command("help");
    const ids = await a.coo.deps.db.$transaction((tx) =>
      enqueue(
        tx,
        [1, 2, 3, 4].map((n) => ({ workspaceId: "T1", channel: "C106", text: `paced ${n}` })),
      ),
    );
    await Promise.all([a.coo.deps.outbox.deliver(ids.slice(0, 2)), b.coo.deps.outbox.deliver(ids.slice(2))]);
    // Either process's poll loop may have taken some of them: wait until all four are out.
    await until(() => posts("C106").length === 4, 20_000).catch(async (error) => {
      const rows = await a.coo.deps.db.outboxMessage.findMany({
        select: { id: true, status: true, attempts: true, error: true, lockedBy: true },
      });
      throw new Error(`${(error as Error).message}: ${JSON.stringify(rows)}`);
    });
    const times = posts("C106")
      .map((c) => c.at)
      .sort((x, y) => x - y);
    expect(times).toHaveLength(4);
    for (let i = 1; i < times.length; i++)
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(350);
  } finally {
    await a.stop();
    await b.stop();
    await database.drop();
  }
});

test("housekeeping forgets sent messages after two weeks and failed ones after a month, and nothing waiting", async () => {
  await h.bot.slack.command("help");
  const now = new Date();
  const daysAgo = (n: number) => new Date(now.getTime() - n * 24 * 3600 * 1000);
  const row = (text: string, status: "sent" | "failed" | "pending", at: Date) => ({
    workspaceId: "T1",
    channel: "C108",
    text,
    status,
    createdAt: at,
    nextAttemptAt: at,
    ...(status === "sent" ? { sentAt: at } : {}),
  });
  await db().outboxMessage.createMany({
    data: [
      row("old sent", "sent", daysAgo(15)),
      row("recent sent", "sent", daysAgo(13)),
      row("old failed", "failed", daysAgo(31)),
      row("recent failed", "failed", daysAgo(20)),
      // Written long ago, and waiting for a retry tomorrow (so the poll loop leaves it be).
      { ...row("old but still waiting", "pending", daysAgo(40)), nextAttemptAt: daysAgo(-1) },
    ],
  });
  expect(await outbox().forgetOld(now)).toBe(2);
  const left = await db().outboxMessage.findMany({ where: { channel: "C108" }, select: { text: true } });
  expect(left.map((r) => r.text).sort()).toEqual(["old but still waiting", "recent failed", "recent sent"]);
});

test("when a message must wait for a retry, the ones behind it in its channel wait too: the channel keeps its order", async () => {
  h.fakeSlack.failNext("chat.postMessage", { status: 500 });
  await h.bot.slack.command("help");
  const ids = await db().$transaction((tx) =>
    enqueue(
      tx,
      ["first", "second", "third"].map((text) => ({ workspaceId: "T1", channel: "C109", text })),
    ),
  );
  await outbox().deliver(ids);
  await until(
    async () => (await db().outboxMessage.count({ where: { id: { in: ids }, status: "sent" } })) === 3,
  );
  // The refused first attempt, then all three in the order written.
  expect(posts("C109").map((c) => c.args.text)).toEqual(["first", "first", "second", "third"]);
  expect(h.fakeSlack.history.get("C109")).toHaveLength(3);
  const rows = await db().outboxMessage.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
  // Only the first was tried twice; the others were put back untried.
  expect(rows.map((r) => r.attempts)).toEqual([2, 1, 1]);
});

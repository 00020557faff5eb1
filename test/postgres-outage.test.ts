import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { enqueue } from "../src/jobs/outbox.js";
import { startTestCoo, type TestCoo } from "./kit/coo.js";
import { postgresAvailable, postgresDatabase, type TestDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { textOf } from "./kit/messages.js";
import { TcpProxy } from "./kit/tcp-proxy.js";

const untouched = "I can't reach my database right now, so nothing was changed. Try again in a minute.";
const unsure = /^My database stopped answering partway through, so I can't tell whether that went through/;

/** Commitments with this title, read straight from Postgres (not through the proxy). */
async function countTitled(db: TestDatabase, title: string): Promise<number> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Commitment" WHERE title = $1`,
      [title],
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

/** Fails when `promise` has not settled within `ms`, instead of waiting for the test's own timeout. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A command's answer, whichever way it came (the ack, or response_url), and how long it took. */
async function commandAnswer(bot: TestCoo, fakeSlack: FakeSlack, text: string) {
  const started = Date.now();
  const res = await within(5000, bot.slack.command(text));
  const acked = Date.now() - started;
  if (res.json) return { text: textOf(res.json), ms: acked };
  const posted = await fakeSlack.waitFor("response_url", (c) => c.args.id === res.responseId, 2000);
  return { text: String(posted.args.text), ms: Math.max(acked, posted.at - started) };
}

async function timedGet(url: string) {
  const started = Date.now();
  const res = await within(3000, fetch(url));
  await res.arrayBuffer();
  return { status: res.status, ms: Date.now() - started };
}

test.runIf(postgresAvailable())(
  "Postgres restarting under load: the bot reconnects, and nothing it said was recorded is lost",
  async () => {
    const db = await postgresDatabase();
    const proxy = await TcpProxy.start({ port: Number(new URL(db.url ?? "").port || 5432) });
    const fakeSlack = await FakeSlack.start();
    fakeSlack.users.set("U1", { id: "U1" });
    const bot = await startTestCoo({
      database: { kind: "postgres", url: proxy.urlFor(db.url ?? "") },
      fakeSlack,
    });
    try {
      await bot.slack.command("help");
      const replies: string[] = [];
      const load = (async () => {
        for (let i = 0; i < 60; i++) {
          const res = await bot.slack.command(`commit load item ${i} by Friday`);
          replies.push(res.json ? String((res.json as { text: string }).text) : "failed");
          await new Promise((r) => setTimeout(r, 75));
        }
      })();
      await new Promise((r) => setTimeout(r, 200));
      await proxy.restart(1500);
      await load;
      const health = await fetch(`${bot.baseUrl}/healthz`);
      expect(health.status).toBe(200);
      const recorded = replies.filter((r) => r.startsWith("Recorded"));
      expect(recorded.length).toBeGreaterThan(10);
      for (const reply of recorded) {
        const number = Number(/C(\d+)/.exec(reply)?.[1]);
        expect(await bot.coo.deps.db.commitment.count({ where: { workspaceId: "T1", number } })).toBe(1);
      }
      // A message queued after the restart goes out: the outbox reconnects too.
      const ids = await bot.coo.deps.db.$transaction((tx) =>
        enqueue(tx, [{ workspaceId: "T1", channel: "C9", text: "after the restart" }]),
      );
      await bot.coo.deps.outbox.deliver(ids);
      expect(fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === "C9")).toHaveLength(1);
    } finally {
      await bot.stop();
      await proxy.close();
      await fakeSlack.stop();
      await db.drop();
    }
  },
  60_000,
);

// One bot behind a proxy for the outage tests below; each test puts the proxy back to passing.
let outage: { db: TestDatabase; proxy: TcpProxy; fakeSlack: FakeSlack; bot: TestCoo } | undefined;

beforeAll(async () => {
  if (!postgresAvailable()) return;
  const db = await postgresDatabase();
  const proxy = await TcpProxy.start({ port: Number(new URL(db.url ?? "").port || 5432) });
  const fakeSlack = await FakeSlack.start();
  fakeSlack.users.set("U1", { id: "U1" });
  const bot = await startTestCoo({
    database: { kind: "postgres", url: proxy.urlFor(db.url ?? "") },
    fakeSlack,
  });
  outage = { db, proxy, fakeSlack, bot };
});

afterAll(async () => {
  if (!outage) return;
  await outage.proxy.pass();
  await outage.bot.stop();
  await outage.proxy.close();
  await outage.fakeSlack.stop();
  await outage.db.drop();
});

/** A few commands so the bot holds open connections, as it does in production. */
async function warmUp(o: NonNullable<typeof outage>) {
  await o.proxy.pass();
  for (let i = 0; i < 3; i++)
    expect((await commandAnswer(o.bot, o.fakeSlack, "commitments")).ms).toBeLessThan(3000);
}

test.runIf(postgresAvailable())(
  "Postgres refusing connections: a command is answered within Slack's 3 s that nothing was changed, and nothing was",
  async () => {
    const o = outage as NonNullable<typeof outage>;
    await warmUp(o);
    await o.proxy.refuse();
    try {
      const answer = await commandAnswer(o.bot, o.fakeSlack, "commit the refused plan by Friday");
      expect(answer.text).toBe(untouched);
      expect(answer.ms).toBeLessThan(3000);
    } finally {
      await o.proxy.pass();
    }
    expect(await countTitled(o.db, "the refused plan")).toBe(0);
  },
  30_000,
);

test.runIf(postgresAvailable())(
  "Postgres black-holed with connections open: a command is answered within Slack's 3 s that it cannot tell, and nothing is written",
  async () => {
    const o = outage as NonNullable<typeof outage>;
    await warmUp(o);
    await o.proxy.blackHole();
    try {
      // Sent on an open connection that never answers: it may have been applied, so no promise.
      const answer = await commandAnswer(o.bot, o.fakeSlack, "commit the lost plan by Friday");
      expect(answer.text).toMatch(unsure);
      expect(answer.ms).toBeLessThan(3000);
    } finally {
      await o.proxy.pass();
    }
    expect(await countTitled(o.db, "the lost plan")).toBe(0);
    // And it recovers: the same command works once Postgres is back.
    const after = await commandAnswer(o.bot, o.fakeSlack, "commit the found plan by Friday");
    expect(after.text).toMatch(/^Recorded/);
  },
  30_000,
);

test.runIf(postgresAvailable())(
  "Postgres black-holed before a connection is made: a command is answered within Slack's 3 s that nothing was changed",
  async () => {
    const o = outage as NonNullable<typeof outage>;
    await warmUp(o);
    // Refusing first drops every open connection; then new ones are accepted and never answered.
    await o.proxy.refuse();
    await o.proxy.blackHole();
    try {
      const answer = await commandAnswer(o.bot, o.fakeSlack, "commit the unsent plan by Friday");
      expect(answer.text).toBe(untouched);
      expect(answer.ms).toBeLessThan(3000);
    } finally {
      await o.proxy.pass();
    }
    expect(await countTitled(o.db, "the unsent plan")).toBe(0);
  },
  30_000,
);

test.runIf(postgresAvailable())(
  "/healthz and /readyz answer 503 within a second while Postgres refuses, and while it is black-holed",
  async () => {
    const o = outage as NonNullable<typeof outage>;
    await warmUp(o);
    expect((await timedGet(`${o.bot.baseUrl}/healthz`)).status).toBe(200);
    try {
      for (const fail of [() => o.proxy.refuse(), () => o.proxy.blackHole()]) {
        await o.proxy.pass();
        await warmUp(o);
        await fail();
        for (const path of ["/healthz", "/readyz", "/healthz"]) {
          const res = await timedGet(`${o.bot.baseUrl}${path}`);
          expect(res.status, path).toBe(503);
          expect(res.ms, path).toBeLessThan(1000);
        }
      }
    } finally {
      await o.proxy.pass();
    }
  },
  30_000,
);

test.runIf(postgresAvailable())(
  "a modal submitted while Postgres is away closes, and the apology arrives as a DM",
  async () => {
    const o = outage as NonNullable<typeof outage>;
    await warmUp(o);
    o.fakeSlack.reset();
    await o.proxy.refuse();
    try {
      const started = Date.now();
      const res = await within(
        5000,
        o.bot.slack.submitView("commitment_slip_modal", JSON.stringify({ n: 1, t: "mine", p: 0 }), {
          date: { selected_date: "2026-12-10" },
        }),
      );
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3000);
      const dm = await o.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "U1", 2000);
      expect(dm.args.text).toBe(untouched);
    } finally {
      await o.proxy.pass();
    }
  },
  30_000,
);

test.runIf(postgresAvailable())(
  "requests are held to the short statement timeout; scheduled work gets its own, longer one",
  async () => {
    const db = await postgresDatabase();
    const fakeSlack = await FakeSlack.start();
    const bot = await startTestCoo({
      database: db.config,
      fakeSlack,
      env: { COO_DB_STATEMENT_TIMEOUT_MS: "300" },
    });
    try {
      await expect(bot.coo.database.prisma.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.8)`).rejects.toThrow(
        /statement timeout/,
      );
      await expect(
        bot.coo.database.background.prisma.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.8)`,
      ).resolves.toBeDefined();
    } finally {
      await bot.stop();
      await fakeSlack.stop();
      await db.drop();
    }
  },
  30_000,
);

// `npm run bench`: figures, not pass/fail. Starts the real bot against a fake
// Slack on the embedded database and (when reachable) on Postgres, loads data,
// and times signed requests end to end.

import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, HTTPReceiver } from "@slack/bolt";
import pg from "pg";
import { type Config, loadConfig } from "../src/config.js";
import { startCoo } from "../src/coo.js";
import { createLog } from "../src/log.js";
import { enqueue } from "../src/slack/outbox.js";
import { FakeSlack } from "../test/kit/fake-slack.js";
import { SlackClient } from "../test/kit/slack-client.js";

const secret = "bench-secret";
const adminUrl = process.env.COO_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

type Row = {
  database: string;
  what: string;
  n: number;
  p50: number;
  p99: number;
  max: number;
  errors?: number;
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function postgresDatabase(): Promise<
  { config: Config["database"]; drop: () => Promise<void> } | undefined
> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `coo_bench_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    config: { kind: "postgres", url: url.toString() },
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** N signed requests in flight at once for `seconds`; latencies of each answer. */
async function load(client: SlackClient, text: string, seconds: number, concurrency = 50) {
  const samples: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const start = performance.now();
        const res = await client.command(text.replace("{i}", String(i++)));
        samples.push(performance.now() - start);
        if (res.status !== 200) errors++;
      }
    }),
  );
  samples.sort((a, b) => a - b);
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples.at(-1) ?? Number.NaN,
    errors,
  };
}

async function startCooFor(database: Config["database"], slack: FakeSlack, clock?: { now: () => Date }) {
  const base = {
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: slack.url,
    PORT: "0",
    COO_LOG_LEVEL: "error",
  };
  const env =
    database.kind === "postgres"
      ? { ...base, DATABASE_URL: database.url }
      : { ...base, DATA_DIR: database.dataDir };
  return startCoo(loadConfig(env), {
    log: createLog({ level: "error" }),
    slackRetries: 0,
    timers: false,
    ...(clock ? { clock } : {}),
  });
}

/** The real bot with 10,000 commitments and 1,000 blockers, under 50 concurrent signed requests. */
async function benchLedger(label: string, database: Config["database"], rows: Row[], seconds: number) {
  const slack = await FakeSlack.start();
  const coo = await startCooFor(database, slack);
  const client = new SlackClient(
    `http://127.0.0.1:${coo.port}`,
    secret,
    { team: "T1", user: "UB1", channel: "CB" },
    (id) => slack.responseUrl(id),
  );
  try {
    process.stdout.write(`  ${label}: loading 1,000 open blockers and 10,000 commitments...\n`);
    await client.command("help");
    const db = coo.deps.db;
    const now = Date.now();
    await db.blocker.createMany({
      data: Array.from({ length: 1000 }, (_, i) => ({
        workspaceId: "T1",
        number: i + 1,
        text: `blocker ${i}`,
        reporterId: `U${i % 50}`,
        waitingOnId: `U${(i + 7) % 50}`,
        openedAt: new Date(now - (1000 - i) * 60_000),
      })),
    });
    for (let chunk = 0; chunk < 10; chunk++) {
      await db.commitment.createMany({
        data: Array.from({ length: 1000 }, (_, i) => {
          const n = chunk * 1000 + i + 1;
          const due = new Date(now + (n % 300) * 3600_000 - 50 * 3600_000);
          return {
            workspaceId: "T1",
            number: n,
            title: `task ${n}`,
            ownerId: `U${n % 50}`,
            creatorId: "UB1",
            dueAt: due,
            originalDueAt: due,
          };
        }),
      });
    }
    await db.$executeRaw`INSERT INTO "Counter" ("workspaceId","kind","value") VALUES ('T1','commitment',10000),('T1','blocker',1000)`;
    const first = JSON.stringify((await client.command("blockers")).json ?? {});
    if (!first.includes("*B1*"))
      throw new Error("the first page does not start with the oldest blocker (B1)");
    await load(client, "blockers", 2);
    for (const [what, text] of [
      ["/coo blockers (1,000 open)", "blockers"],
      ["/coo commit", "commit bench task {i} by Friday"],
    ] as const) {
      process.stdout.write(`  ${label}: ${what}, 50 at once for ${seconds}s...\n`);
      rows.push({ database: label, what, ...(await load(client, text, seconds)) });
    }
  } finally {
    await coo.stop();
    await slack.stop();
  }
}

/** The floor to compare with: a bare Bolt app that acks /coo with a static reply. */
async function benchBareBolt(rows: Row[], seconds: number) {
  const slack = await FakeSlack.start();
  const receiver = new HTTPReceiver({ signingSecret: secret, endpoints: "/slack/events" });
  const app = new App({ receiver, token: "xoxb-bare", clientOptions: { slackApiUrl: slack.url } });
  app.command("/coo", async ({ ack }) => {
    await ack({ response_type: "ephemeral", text: "ok" });
  });
  const server = (await app.start(0)) as Server;
  const port = (server.address() as AddressInfo).port;
  try {
    const client = new SlackClient(`http://127.0.0.1:${port}`, secret);
    await load(client, "blockers", 2);
    process.stdout.write(`  bare Bolt: 50 at once for ${seconds}s...\n`);
    rows.push({ database: "-", what: "bare Bolt, static ack", ...(await load(client, "blockers", seconds)) });
  } finally {
    await app.stop();
    await slack.stop();
  }
}

/**
 * 500 messages into 20 channels (25 each) through the outbox, with the fake
 * Slack refusing a second message to a channel within a second and answering
 * 5% of posts with a 429 anyway. The floor is 24 s: 25 messages a channel at one a second.
 */
async function benchFanOut(database: Config["database"]): Promise<string> {
  const slack = await FakeSlack.start();
  slack.channelRateMs = 1000;
  slack.randomRateLimit = 0.05;
  const coo = await startCooFor(database, slack);
  try {
    await coo.deps.db.workspace.create({ data: { id: "TF" } });
    const messages = Array.from({ length: 500 }, (_, i) => ({
      workspaceId: "TF",
      channel: `CF${i % 20}`,
      text: `message ${i}`,
    }));
    const started = performance.now();
    const ids = await coo.deps.db.$transaction((tx) => enqueue(tx, messages));
    await coo.deps.outbox.deliver(ids);
    while ((await coo.deps.outbox.depth()) > 0) await new Promise((r) => setTimeout(r, 100));
    const seconds = (performance.now() - started) / 1000;
    const sent = await coo.deps.db.outboxMessage.count({ where: { workspaceId: "TF", status: "sent" } });
    const posted = [...slack.history.values()]
      .flat()
      .map((m) => (m.metadata as { event_payload?: { id?: number } } | undefined)?.event_payload?.id);
    const duplicates = posted.length - new Set(posted).size;
    const refused = slack.callsTo("chat.postMessage").length - posted.length;
    return `${database.kind.padEnd(10)} ${seconds.toFixed(1)} s for 500 messages (floor 24.0 s, +${((100 * (seconds - 24)) / 24).toFixed(1)}%), lost ${500 - sent}, duplicates ${duplicates}, 429s absorbed ${refused}`;
  } finally {
    await coo.stop();
    await slack.stop();
  }
}

/** Resident memory of the built bot, idle a few seconds after start. */
async function idleRss(database: Config["database"]): Promise<string> {
  const slack = await FakeSlack.start();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    SLACK_BOT_TOKEN: "xoxb-rss",
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: slack.url,
    PORT: "0",
    COO_LOG_LEVEL: "warn",
    ...(database.kind === "postgres" ? { DATABASE_URL: database.url } : { DATA_DIR: database.dataDir }),
  };
  if (database.kind === "pglite") delete env.DATABASE_URL;
  const child = spawn(process.execPath, ["dist/main.js"], { env, stdio: "ignore" });
  try {
    await new Promise((r) => setTimeout(r, 8000));
    const status = await readFile(`/proc/${child.pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return `${database.kind.padEnd(10)} ${(kb / 1024).toFixed(0)} MB`;
  } finally {
    child.kill("SIGTERM");
    await slack.stop();
  }
}

/** The slip sweep over 100,000 open commitments of 500 people in one workspace. */
async function benchSweep(label: string, database: Config["database"]): Promise<string[]> {
  const slack = await FakeSlack.start();
  // Wednesday 15:00 UTC: inside everyone's working hours.
  const now = new Date("2026-12-02T15:00:00Z");
  const coo = await startCooFor(database, slack, { now: () => now });
  try {
    process.stdout.write(`  ${label}: loading 100,000 open commitments for the sweep...\n`);
    const db = coo.deps.db;
    await db.workspace.create({ data: { id: "TS" } });
    await db.person.createMany({
      data: Array.from({ length: 500 }, (_, i) => ({
        workspaceId: "TS",
        slackUserId: `U${i}`,
        timezone: "UTC",
      })),
    });
    for (let chunk = 0; chunk < 20; chunk++) {
      await db.commitment.createMany({
        data: Array.from({ length: 5000 }, (_, i) => {
          const n = chunk * 5000 + i + 1;
          // Spread over the next 60 days: about 1 in 60 is due by the end of the next working day.
          const due = new Date(now.getTime() + ((n * 7919) % (60 * 24)) * 3600_000 + 60_000);
          return {
            workspaceId: "TS",
            number: n,
            title: `task ${n}`,
            ownerId: `U${n % 500}`,
            creatorId: "U0",
            dueAt: due,
            originalDueAt: due,
            createdAt: now,
            lastTouchedAt: now,
            channelId: "CS",
          };
        }),
      });
    }
    const first = performance.now();
    const report = await coo.sweeper.sweep();
    const firstMs = performance.now() - first;
    const second = performance.now();
    const again = await coo.sweeper.sweep();
    const secondMs = performance.now() - second;
    return [
      `${label.padEnd(10)} first sweep  ${firstMs.toFixed(0).padStart(6)} ms  (${report.candidates} candidates, ${report.sent} pings in ${report.messages} DMs)`,
      `${label.padEnd(10)} second sweep ${secondMs.toFixed(0).padStart(6)} ms  (${again.sent} pings: nothing repeats)`,
    ];
  } finally {
    await coo.stop();
    await slack.stop();
  }
}

async function main() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 30);
  const rows: Row[] = [];
  console.log(
    `coo bench: 50 concurrent signed requests for ${seconds}s each (BENCH_SECONDS to change), on this machine\n`,
  );
  execFileSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
  const postgres = await postgresDatabase();
  const databases: Array<() => Promise<{ config: Config["database"]; drop: () => Promise<void> }>> = [
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "coo-bench-"));
      return {
        config: { kind: "pglite", dataDir: dir },
        drop: () => rm(dir, { recursive: true, force: true }),
      };
    },
    ...(postgres ? [async () => (await postgresDatabase()) as NonNullable<typeof postgres>] : []),
  ];
  await postgres?.drop();
  if (!postgres) console.log(`  (no Postgres at ${adminUrl}: Postgres rows skipped)`);

  await benchBareBolt(rows, seconds);
  const sweepLines: string[] = [];
  const fanOut: string[] = [];
  const rss: string[] = [];
  for (const make of databases) {
    for (const step of [
      async (d: Config["database"]) => benchLedger(d.kind, d, rows, seconds),
      async (d: Config["database"]) => sweepLines.push(...(await benchSweep(d.kind, d))),
      async (d: Config["database"]) => fanOut.push(await benchFanOut(d)),
      async (d: Config["database"]) => rss.push(await idleRss(d)),
    ]) {
      const db = await make();
      try {
        await step(db.config);
      } finally {
        await db.drop();
      }
    }
  }

  console.log("\nack latency, 50 requests in flight (10,000 commitments and 1,000 blockers loaded):");
  console.log(
    [
      "database".padEnd(10),
      "request".padEnd(30),
      "n".padStart(7),
      "p50 ms".padStart(8),
      "p99 ms".padStart(8),
      "max ms".padStart(8),
      "errors".padStart(7),
    ].join(" "),
  );
  for (const r of rows) {
    console.log(
      [
        r.database.padEnd(10),
        r.what.padEnd(30),
        String(r.n).padStart(7),
        r.p50.toFixed(1).padStart(8),
        r.p99.toFixed(1).padStart(8),
        r.max.toFixed(1).padStart(8),
        String(r.errors ?? 0).padStart(7),
      ].join(" "),
    );
  }
  const bare = rows.find((r) => r.database === "-");
  for (const r of rows.filter((x) => x.database !== "-")) {
    console.log(
      `  ${r.database} ${r.what}: p99 ${(r.p99 / (bare?.p99 ?? Number.NaN)).toFixed(2)}x bare Bolt (target: under 100 ms and within 2x)`,
    );
  }
  console.log("\nslip sweep over 100,000 open commitments (500 owners, fake Slack):");
  for (const line of sweepLines) console.log(`  ${line}`);
  console.log(
    "\noutbox fan-out, 20 channels, fake Slack at 1 msg/s/channel plus 5% random 429s (target: within 10% of the floor, none lost, none twice):",
  );
  for (const line of fanOut) console.log(`  ${line}`);
  console.log("\nidle resident memory of `node dist/main.js`, 8 s after start:");
  for (const line of rss) console.log(`  ${line}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

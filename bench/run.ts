// `npm run bench`: figures, not pass/fail. Starts the real bot against a fake
// Slack on the embedded database and (when reachable) on Postgres, loads data,
// and times signed requests end to end.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Config, loadConfig } from "../src/config.js";
import { startCoo } from "../src/coo.js";
import { createLog } from "../src/log.js";
import { FakeSlack } from "../test/kit/fake-slack.js";
import { SlackClient } from "../test/kit/slack-client.js";

const secret = "bench-secret";
const adminUrl = process.env.COO_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

type Row = { database: string; what: string; n: number; p50: number; p99: number; max: number };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function time(n: number, fn: () => Promise<unknown>): Promise<Omit<Row, "database" | "what">> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { n, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.at(-1) ?? Number.NaN };
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

async function benchLedger(label: string, database: Config["database"], rows: Row[]) {
  const slack = await FakeSlack.start();
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
  const coo = await startCoo(loadConfig(env), { log: createLog({ level: "error" }), slackRetries: 0 });
  const client = new SlackClient(
    `http://127.0.0.1:${coo.port}`,
    secret,
    { team: "TB", user: "UB1", channel: "CB" },
    (id) => slack.responseUrl(id),
  );
  try {
    process.stdout.write(`  ${label}: loading 1,000 open blockers and 10,000 commitments...\n`);
    await client.command("help"); // creates the workspace row
    const db = coo.deps.db;
    const now = Date.now();
    await db.blocker.createMany({
      data: Array.from({ length: 1000 }, (_, i) => ({
        workspaceId: "TB",
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
            workspaceId: "TB",
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
    await db.$executeRaw`INSERT INTO "Counter" ("workspaceId","kind","value") VALUES ('TB','commitment',10000),('TB','blocker',1000)`;
    for (let i = 0; i < 20; i++) await client.command("blockers"); // warm up
    const check = await client.command("blockers");
    const first = JSON.stringify(check.json ?? {});
    if (!first.includes("*B1*"))
      throw new Error("the first page does not start with the oldest blocker (B1)");
    rows.push({
      database: label,
      what: "/coo blockers (1,000 open)",
      ...(await time(200, () => client.command("blockers"))),
    });
    rows.push({
      database: label,
      what: "/coo commitments all (10,000 open)",
      ...(await time(200, () => client.command("commitments all"))),
    });
    let i = 0;
    rows.push({
      database: label,
      what: "/coo commit",
      ...(await time(200, () => client.command(`commit bench task ${i++} by Friday`))),
    });
    rows.push({
      database: label,
      what: "/coo status",
      ...(await time(200, () => client.command("status <@U7>"))),
    });
  } finally {
    await coo.stop();
    await slack.stop();
  }
}

/** The slip sweep over 100,000 open commitments of 500 people in one workspace. */
async function benchSweep(label: string, database: Config["database"]): Promise<string[]> {
  const slack = await FakeSlack.start();
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
  // Wednesday 15:00 UTC: inside everyone's working hours.
  const now = new Date("2026-12-02T15:00:00Z");
  const coo = await startCoo(loadConfig(env), {
    log: createLog({ level: "error" }),
    slackRetries: 0,
    timers: false,
    clock: { now: () => now },
  });
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
  const rows: Row[] = [];
  console.log("coo bench: sequential signed requests through HTTP, acked reply measured end to end\n");
  const dir = await mkdtemp(join(tmpdir(), "coo-bench-"));
  try {
    await benchLedger("pglite", { kind: "pglite", dataDir: dir }, rows);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const postgres = await postgresDatabase();
  if (postgres) {
    try {
      await benchLedger("postgres", postgres.config, rows);
    } finally {
      await postgres.drop();
    }
  } else {
    console.log(`  (no Postgres at ${adminUrl}: skipped)`);
  }
  const sweepLines: string[] = [];
  const sweepDir = await mkdtemp(join(tmpdir(), "coo-bench-sweep-"));
  try {
    sweepLines.push(...(await benchSweep("pglite", { kind: "pglite", dataDir: sweepDir })));
  } finally {
    await rm(sweepDir, { recursive: true, force: true });
  }
  const sweepPostgres = await postgresDatabase();
  if (sweepPostgres) {
    try {
      sweepLines.push(...(await benchSweep("postgres", sweepPostgres.config)));
    } finally {
      await sweepPostgres.drop();
    }
  }
  console.log("");
  console.log(
    [
      "database".padEnd(10),
      "request".padEnd(36),
      "n".padStart(5),
      "p50 ms".padStart(8),
      "p99 ms".padStart(8),
      "max ms".padStart(8),
    ].join(" "),
  );
  for (const r of rows) {
    console.log(
      [
        r.database.padEnd(10),
        r.what.padEnd(36),
        String(r.n).padStart(5),
        r.p50.toFixed(1).padStart(8),
        r.p99.toFixed(1).padStart(8),
        r.max.toFixed(1).padStart(8),
      ].join(" "),
    );
  }
  const worst = Math.max(...rows.filter((r) => r.what.startsWith("/coo blockers")).map((r) => r.max));
  console.log(`\nSlack's limit is 3,000 ms; the slowest /coo blockers answer took ${worst.toFixed(1)} ms.`);
  console.log("\nslip sweep over 100,000 open commitments (500 owners, fake Slack):");
  for (const line of sweepLines) console.log(`  ${line}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

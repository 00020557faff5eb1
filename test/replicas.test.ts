import { type ChildProcess, spawn } from "node:child_process";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PrismaClient } from "../src/generated/prisma/client.js";
import { botToken, signingSecret } from "./kit/coo.js";
import { postgresAvailable, postgresDatabase, type TestDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { SlackClient } from "./kit/slack-client.js";
import { until } from "./kit/wait.js";

const root = new URL("..", import.meta.url).pathname;

type Replica = { child: ChildProcess; out: string[]; port: Promise<number> };

function startReplica(env: Record<string, string>): Replica {
  const { SLACK_APP_TOKEN, ANTHROPIC_API_KEY, DATA_DIR, ...inherited } = process.env;
  // One process, so that SIGKILL kills the replica itself (the tsx launcher would leave its node child running).
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { ...inherited, ...env },
  });
  const out: string[] = [];
  const port = new Promise<number>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      out.push(d.toString());
      const line = out
        .join("")
        .split("\n")
        .find((l) => l.includes('"coo is running"'));
      if (line) resolve(JSON.parse(line).port as number);
    });
    child.stderr?.on("data", (d: Buffer) => out.push(d.toString()));
    child.on("exit", (code) => reject(new Error(`replica exited (${code}): ${out.join("")}`)));
  });
  return { child, out, port };
}

const hhmm = (d: Date) =>
  `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;

describe.runIf(postgresAvailable())("replicas on one Postgres database (real processes)", () => {
  let db: TestDatabase;
  let fake: FakeSlack;
  let prisma: PrismaClient;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    db = await postgresDatabase();
    fake = await FakeSlack.start();
    for (const channel of ["C1", "C3", "C4"]) fake.channel(channel, { members: ["U1", "U2"] });
    const adapter = new PrismaPg({ connectionString: db.url ?? "" }) as unknown as SqlDriverAdapterFactory;
    prisma = new PrismaClient({ adapter });
    await prisma.workspace.create({ data: { id: "T1" } });
  });

  afterAll(async () => {
    for (const r of replicas) if (r.child.exitCode === null) r.child.kill("SIGKILL");
    await prisma?.$disconnect();
    await fake?.stop();
    await db?.drop();
  });

  const env = () => ({
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: fake.url,
    DATABASE_URL: db.url ?? "",
    PORT: "0",
    COO_TICK_CRON: "* * * * * *",
    // Longer than the slowest Slack answer below (4 s): a lease must outlast the work it covers.
    COO_LEASE_SECONDS: "6",
    COO_SWEEP_CRON: "0 0 1 1 *",
  });

  async function cadenceDueNow(number: number, channel: string) {
    const slot = new Date(Date.now() - 60_000);
    return prisma.cadence.create({
      data: {
        workspaceId: "T1",
        number,
        channelId: channel,
        kind: "standup",
        time: hhmm(slot),
        days: [0, 1, 2, 3, 4, 5, 6],
        timezone: "UTC",
        createdById: "U1",
        activeFrom: new Date(Date.now() - 3600_000),
      },
    });
  }

  const roots = (channel: string) => (fake.history.get(channel) ?? []).filter((m) => !m.thread_ts);

  test("three replicas serve HTTP and catch up one missed standup: its root is posted exactly once", async () => {
    await cadenceDueNow(1, "C1");
    for (let i = 0; i < 3; i++) replicas.push(startReplica(env()));
    const ports = await Promise.all(replicas.map((r) => r.port));
    for (const port of ports) {
      const res = await new SlackClient(`http://127.0.0.1:${port}`, signingSecret).command("help");
      expect(res.status).toBe(200);
    }
    await until(() => roots("C1").length >= 1, 20_000);
    await new Promise((r) => setTimeout(r, 3000));
    expect(roots("C1")).toHaveLength(1);
    expect(await prisma.cadenceRun.count({ where: { cadence: { channelId: "C1" } } })).toBe(1);
    for (const r of replicas.splice(0)) {
      r.child.kill("SIGTERM");
      await new Promise((resolve) => r.child.on("exit", resolve));
      expect(r.out.join("")).toContain('"coo stopped"');
    }
  }, 90_000);

  test("a replica SIGKILLed mid-run loses nothing: the others take over after its lease, exactly once", async () => {
    // C3: the root reaches Slack, but the answer is slow, so the replica dies before marking it sent.
    fake.delay("chat.postMessage", 4000, (args) => args.channel === "C3");
    // C4: reading the channel is slow, so the replica dies before it opens the run.
    fake.delay("conversations.members", 4000, (args) => args.channel === "C4");
    await cadenceDueNow(3, "C3");
    await cadenceDueNow(4, "C4");
    const doomed = startReplica(env());
    replicas.push(doomed);
    await doomed.port;
    await until(() => fake.callsTo("chat.postMessage").some((c) => c.args.channel === "C3"), 20_000);
    await until(() => fake.callsTo("conversations.members").some((c) => c.args.channel === "C4"), 20_000);
    doomed.child.kill("SIGKILL");
    await new Promise((resolve) => doomed.child.on("exit", resolve));
    const orphan = await prisma.cadenceRun.findFirstOrThrow({ where: { cadence: { channelId: "C4" } } });
    expect(orphan.status).toBe("claimed");

    for (let i = 0; i < 2; i++) replicas.push(startReplica(env()));
    await Promise.all(replicas.slice(-2).map((r) => r.port));
    await until(
      async () =>
        (await prisma.outboxMessage.count({ where: { status: { not: "sent" } } })) === 0 &&
        roots("C4").length >= 1,
      40_000,
    );
    await new Promise((r) => setTimeout(r, 3000));
    expect(roots("C3")).toHaveLength(1);
    expect(roots("C4")).toHaveLength(1);
    expect(fake.callsTo("chat.postMessage").filter((c) => c.args.channel === "C3")).toHaveLength(1);
    const runs = await prisma.cadenceRun.findMany({
      where: { cadence: { channelId: { in: ["C3", "C4"] } } },
    });
    expect(runs.map((r) => r.status).sort()).toEqual(["open", "open"]);
  }, 120_000);
});

import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, expect, test } from "vitest";
import { botToken, signingSecret } from "./kit/coo.js";
import { postgresAvailable, postgresDatabase, type TestDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { SlackClient } from "./kit/slack-client.js";
import { until } from "./kit/wait.js";

// Issue 11, finding 6: an event is acknowledged before it is handled, so a
// process killed mid-handler must leave it for the next one to finish, once.
const root = new URL("..", import.meta.url).pathname;

type Bot = { child: ChildProcess; out: string[]; port: Promise<number> };

function startBot(env: Record<string, string>): Bot {
  const { SLACK_APP_TOKEN, ANTHROPIC_API_KEY, DATA_DIR, ...inherited } = process.env;
  // One process, so that SIGKILL kills the bot itself (the tsx launcher would leave its node child running).
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
    child.on("exit", (code) => reject(new Error(`bot exited (${code}): ${out.join("")}`)));
  });
  port.catch(() => {});
  return { child, out, port };
}

let db: TestDatabase;
let fake: FakeSlack;
const bots: Bot[] = [];

beforeAll(async () => {
  if (!postgresAvailable()) return;
  db = await postgresDatabase();
  fake = await FakeSlack.start();
  fake.users.set("U1", { id: "U1", tz: "UTC" });
});

afterAll(async () => {
  for (const b of bots) if (b.child.exitCode === null) b.child.kill("SIGKILL");
  await fake?.stop();
  await db?.drop();
});

test.runIf(postgresAvailable())(
  "a DM whose process is killed mid-handler is answered exactly once after a restart, Slack's redelivery included",
  async () => {
    const env = {
      SLACK_BOT_TOKEN: botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: fake.url,
      DATABASE_URL: db.url ?? "",
      PORT: "0",
      COO_LEASE_SECONDS: "2",
      COO_SWEEP_CRON: "0 0 1 1 *",
    };
    const first = startBot(env);
    bots.push(first);
    const client = new SlackClient(`http://127.0.0.1:${await first.port}`, signingSecret);

    // The handler reads the asker's profile from Slack; Slack is slow today, and the process dies meanwhile.
    fake.delay("users.info", 60_000, (args) => args.user === "U1");
    const event = {
      type: "message",
      channel: "DU1",
      channel_type: "im",
      user: "U1",
      text: "what is due this week?",
      ts: "1797200000.000100",
    };
    const eventId = "EvCRASH1";
    expect((await client.event(event, { eventId })).status).toBe(200);
    await fake.waitFor("users.info", (c) => c.args.user === "U1", 10_000);
    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    fake.clearDelays();
    const replies = () => fake.callsTo("chat.postMessage").filter((c) => c.args.channel === "DU1");
    expect(replies()).toHaveLength(0);

    // A new process takes the event over once its lease is over, and answers it.
    const second = startBot(env);
    bots.push(second);
    const again = new SlackClient(`http://127.0.0.1:${await second.port}`, signingSecret);
    await until(() => replies().length > 0, 30_000).catch((error) => {
      throw new Error(`${error}\nsecond process said:\n${second.out.join("")}`);
    });
    expect(String(replies()[0]?.args.text)).toMatch(
      /nothing open on the ledger due this week|Due in the next 7 days/,
    );

    // Slack's own redelivery of the same event changes nothing now.
    expect((await again.event(event, { eventId, retryNum: 1 })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect(replies()).toHaveLength(1);
    expect(second.out.join("")).toContain("handling an event a stopped process left");
  },
  90_000,
);

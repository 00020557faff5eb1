import { type ChildProcess, spawn } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { botToken, signingSecret } from "./kit/coo.js";
import { postgresAvailable, postgresDatabase, type TestDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { SlackClient } from "./kit/slack-client.js";
import { until } from "./kit/wait.js";

// Issue 13: a side effect is a job written in the same transaction as the
// change that causes it. Here a process dies between a slip's commit and the
// DM that tells whoever waits on the work; the next process sends it, once.
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
  fake.users.set("U2", { id: "U2", tz: "UTC" });
  fake.channel("C1", { members: ["U1", "U2"] });
});

afterAll(async () => {
  for (const b of bots) if (b.child.exitCode === null) b.child.kill("SIGKILL");
  await fake?.stop();
  await db?.drop();
});

const say = async (client: SlackClient, user: string, text: string) =>
  JSON.stringify((await client.command(text, { user })).json ?? {});

test.runIf(postgresAvailable())(
  "a process killed between a slip's commit and the dependants' DM: the next process sends the DM, once",
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
    expect(await say(client, "U1", "commit the data model by next friday")).toContain("Recorded *C1*");
    expect(await say(client, "U2", "commit the migration by next friday after C1")).toContain(
      "Recorded *C2*",
    );

    // Telling U2 reads U2's profile from Slack (made stale here); Slack is slow, and the process dies meanwhile.
    const sql = new pg.Client({ connectionString: db.url ?? "" });
    sql.on("error", () => {});
    await sql.connect();
    await sql.query(`UPDATE "Person" SET "syncedAt" = NULL WHERE "slackUserId" = 'U2'`);
    // This test runs on the real clock: U2 works every hour of every day, so the heads-up is never held.
    await sql.query(
      `UPDATE "Person" SET "workDays" = '{0,1,2,3,4,5,6}', "workStartMinute" = 0, "workEndMinute" = 1440 WHERE "slackUserId" = 'U2'`,
    );
    fake.delay("users.info", 60_000, (args) => args.user === "U2");
    const mark = fake.calls.length;
    expect(await say(client, "U1", "slip C1 to next month because the vendor is late")).toContain(
      "moved from",
    );
    await fake.waitFor("users.info", (c) => c.args.user === "U2" && fake.calls.indexOf(c) >= mark, 10_000);
    // The job runner (a poll, at most half a second behind) holds the job while Slack is slow.
    const jobStatus = async () =>
      (await sql.query(`SELECT "status" FROM "OutboxMessage" WHERE "queue" = 'commitments.slipped'`)).rows;
    await until(async () => (await jobStatus())[0]?.status === "sending", 10_000).catch(() => {});
    expect(await jobStatus()).toEqual([{ status: "sending" }]);
    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    fake.clearDelays();
    const headsUp = () =>
      fake
        .callsTo("chat.postMessage")
        .filter((c) => c.args.channel === "DU2" && String(c.args.text).startsWith("Heads up"));
    expect(headsUp()).toHaveLength(0);

    // The next process takes the job over once its lease ends, and tells U2.
    const second = startBot(env);
    bots.push(second);
    await second.port;
    await until(() => headsUp().length > 0, 30_000).catch((error) => {
      throw new Error(`${error}\nsecond process said:\n${second.out.join("")}`);
    });
    expect(String(headsUp()[0]?.args.text)).toContain("C1");
    await new Promise((r) => setTimeout(r, 3000));
    expect(headsUp()).toHaveLength(1);
    const { rows: done } = await sql.query(
      `SELECT "status", "attempts", "payload" FROM "OutboxMessage" WHERE "queue" = 'commitments.slipped'`,
    );
    expect(done).toEqual([{ status: "sent", attempts: 2, payload: null }]);
    await sql.end();
  },
  90_000,
);

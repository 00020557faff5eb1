import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { botToken, signingSecret } from "./kit/coo.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { SlackClient } from "./kit/slack-client.js";

const root = new URL("..", import.meta.url).pathname;
let fakeSlack: FakeSlack;
let dataDir: string;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  dataDir = await mkdtemp(join(tmpdir(), "coo-process-"));
});

afterAll(async () => {
  await fakeSlack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

type Run = { child: ChildProcess; stdout: string[]; stderr: string[]; exited: Promise<number | null> };

function run(command: string, args: string[], env: Record<string, string>): Run {
  const {
    SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET,
    SLACK_APP_TOKEN,
    DATABASE_URL,
    ANTHROPIC_API_KEY,
    ...inherited
  } = process.env;
  const child = spawn(command, args, { cwd: root, env: { ...inherited, ...env }, detached: true });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout?.on("data", (d: Buffer) => stdout.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout, stderr, exited };
}

async function waitForLine(run: Run, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = run.stdout
      .join("")
      .split("\n")
      .find((l) => pattern.test(l));
    if (line) return line;
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `no line matching ${pattern}; stdout:\n${run.stdout.join("")}\nstderr:\n${run.stderr.join("")}`,
  );
}

test("`npm start` with a token, a signing secret and SLACK_API_URL serves /coo help over signed HTTP, and stops on SIGTERM", async () => {
  const bot = run("npm", ["start", "--silent"], {
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: fakeSlack.url,
    PORT: "0",
    DATA_DIR: dataDir,
  });
  try {
    const running = JSON.parse(await waitForLine(bot, /"coo is running"/));
    expect(running).toMatchObject({ mode: "http", database: "pglite", llm: "off (rules only)" });
    const client = new SlackClient(`http://127.0.0.1:${running.port}`, signingSecret);
    const res = await client.command("help");
    expect(res.status).toBe(200);
    expect((res.json as { text: string }).text).toContain("What I do");
    const health = await fetch(`http://127.0.0.1:${running.port}/healthz`);
    expect(health.status).toBe(200);

    // npm passes the signal on to node; the bot finishes its shutdown and says so.
    process.kill(-(bot.child.pid ?? 0), "SIGTERM");
    await bot.exited;
    await waitForLine(bot, /"coo stopped"/, 10_000);
    const everything = bot.stdout.join("") + bot.stderr.join("");
    expect(everything).not.toContain(botToken);
    expect(everything).not.toContain(signingSecret);
  } finally {
    if (bot.child.exitCode === null) process.kill(-(bot.child.pid ?? 0), "SIGKILL");
  }
}, 120_000);

test("a bad configuration stops the process with every bad field named and no stack trace", async () => {
  const bot = run(join(root, "node_modules/.bin/tsx"), ["src/main.ts"], {
    SLACK_BOT_TOKEN: "xoxp-not-a-bot-token",
    PORT: "http",
    COO_TIMEZONE: "Atlantis/Capital",
  });
  expect(await bot.exited).toBe(1);
  const err = bot.stderr.join("");
  expect(err).toContain("coo cannot start: the configuration has 4 problem(s)");
  expect(err).toContain("SLACK_BOT_TOKEN: expected a bot token starting with xoxb-");
  expect(err).toContain("SLACK_SIGNING_SECRET: required in HTTP mode");
  expect(err).toContain("PORT: expected a port number");
  expect(err).toContain("COO_TIMEZONE: expected an IANA time zone");
  expect(err).not.toMatch(/\n\s+at /);
}, 60_000);

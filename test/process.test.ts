import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { botToken, signingSecret } from "./kit/coo.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { SlackClient } from "./kit/slack-client.js";
import { TcpProxy } from "./kit/tcp-proxy.js";

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
  expect(err).toContain("coo cannot start: the configuration has 4 problems");
  expect(err).toContain("SLACK_BOT_TOKEN: expected a bot token starting with xoxb-");
  expect(err).toContain("SLACK_SIGNING_SECRET: required in HTTP mode");
  expect(err).toContain("PORT: expected a port number");
  expect(err).toContain("COO_TIMEZONE: expected an IANA time zone");
  expect(err).not.toMatch(/\n\s+at /);
}, 60_000);

// Issue 12: `.env.example` says "copy to .env"; the process entry reads it.
const tsx = join(root, "node_modules/.bin/tsx");
const main = join(root, "src/main.ts");

/** The environment a child gets with no Slack settings of ours and no env file chosen. */
function bare(env: Record<string, string>): Record<string, string> {
  const { COO_ENV_FILE, SLACK_API_URL, PORT, DATA_DIR, ...rest } = process.env;
  return Object.fromEntries(
    Object.entries({ ...rest, ...env }).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

function runIn(cwd: string, command: string, args: string[], env: Record<string, string>): Run {
  const {
    SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET,
    SLACK_APP_TOKEN,
    DATABASE_URL,
    ANTHROPIC_API_KEY,
    ...inherited
  } = bare(env);
  const child = spawn(command, args, {
    cwd,
    env: { ...inherited, ...env },
    detached: true,
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout?.on("data", (d: Buffer) => stdout.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout, stderr, exited };
}

test("the bot reads .env from its working directory at start, and what the environment already sets wins", async () => {
  const dir = await mkdtemp(join(tmpdir(), "coo-dotenv-"));
  const envToken = "xoxb-from-dotenv-0001";
  await writeFile(
    join(dir, ".env"),
    [
      "# copied from .env.example",
      `SLACK_BOT_TOKEN=${envToken}`,
      "SLACK_SIGNING_SECRET=a-secret-the-environment-overrides",
      `SLACK_API_URL=${fakeSlack.url}`,
      "PORT=0",
      `DATA_DIR="${join(dir, "data")}"`,
      "",
    ].join("\n"),
  );
  const bot = runIn(dir, tsx, [main], { SLACK_SIGNING_SECRET: signingSecret });
  try {
    const running = JSON.parse(await waitForLine(bot, /"coo is running"/));
    const client = new SlackClient(`http://127.0.0.1:${running.port}`, signingSecret);
    // Signed with the environment's secret: the .env one lost.
    const res = await client.command("help");
    expect(res.status).toBe(200);
    // The token came from .env: it is what coo showed Slack.
    expect(fakeSlack.calls.some((c) => c.token === envToken)).toBe(true);
    expect(bot.stdout.join("") + bot.stderr.join("")).not.toContain(envToken);
  } finally {
    if (bot.child.exitCode === null) process.kill(-(bot.child.pid ?? 0), "SIGKILL");
    await bot.exited;
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

test("a malformed .env stops the bot naming the line, without showing what is on it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "coo-dotenv-"));
  await writeFile(
    join(dir, ".env"),
    [
      "SLACK_SIGNING_SECRET=fine",
      "# a comment",
      "SLACK_BOT_TOKEN xoxb-typed-without-equals",
      "PORT=0",
      "",
    ].join("\n"),
  );
  const bot = runIn(dir, tsx, [main], {});
  try {
    expect(await bot.exited).toBe(1);
    const err = bot.stderr.join("");
    expect(err).toContain(".env line 3");
    expect(err).toMatch(/NAME=value/);
    expect(err).not.toContain("xoxb-typed-without-equals");
    expect(err).not.toMatch(/\n\s+at /);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

test("without a .env the bot starts from the environment alone (a missing file is no error)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "coo-dotenv-"));
  const bot = runIn(dir, tsx, [main], { PORT: "http" });
  try {
    expect(await bot.exited).toBe(1);
    const err = bot.stderr.join("");
    expect(err).toContain("PORT: expected a port number");
    expect(err).not.toContain(".env");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

test("COO_ENV_FILE names another file; one that is not there stops the bot", async () => {
  const dir = await mkdtemp(join(tmpdir(), "coo-dotenv-"));
  const bot = runIn(dir, tsx, [main], { COO_ENV_FILE: join(dir, "nowhere.env") });
  try {
    expect(await bot.exited).toBe(1);
    expect(bot.stderr.join("")).toContain(`COO_ENV_FILE: there is no file ${join(dir, "nowhere.env")}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

test("`npm run db:migrate` reads .env too", async () => {
  const dir = await mkdtemp(join(tmpdir(), "coo-dotenv-"));
  await writeFile(join(dir, ".env"), `DATA_DIR=${join(dir, "db")}\n`);
  const migrate = runIn(dir, tsx, [join(root, "scripts/db-migrate.ts")], {});
  try {
    expect(await migrate.exited).toBe(0);
    expect(migrate.stdout.join("")).toMatch(/applied: /);
    expect((await readdir(join(dir, "db"))).length).toBeGreaterThan(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

test("a stop that waits on a Slack that never answers still ends the process, and says why", async () => {
  // Slack accepts connections and never answers: the start's token check hangs.
  const silent = await TcpProxy.start({ port: Number(new URL(fakeSlack.url).port) });
  await silent.blackHole();
  const dir = await mkdtemp(join(tmpdir(), "coo-stuck-"));
  const bot = run(tsx, [main], {
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: silent.urlFor(fakeSlack.url),
    PORT: "0",
    DATA_DIR: dir,
  });
  try {
    await waitForLine(bot, /"coo is running"/);
    process.kill(-(bot.child.pid ?? 0), "SIGTERM");
    expect(await bot.exited).toBe(1);
    expect(bot.stderr.join("")).toContain(
      "did not stop within 10 s; exiting anyway (unfinished jobs are taken over by the next process)",
    );
  } finally {
    if (bot.child.exitCode === null) process.kill(-(bot.child.pid ?? 0), "SIGKILL");
    await silent.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 90_000);

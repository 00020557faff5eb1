// How long the built bot takes to come up on the embedded database: from
// spawning `node dist/main.js` to /healthz answering 200, on a fresh data
// directory (creates and migrates the database) and again on the same one
// (the restart every deploy pays).

import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../src/config.js";
import { FakeSlack } from "../test/kit/fake-slack.js";
import { SlackClient } from "../test/kit/slack-client.js";

export type StartTimes = { firstMs: number[]; secondMs: number[]; checkMs: number[] };

/** The environment the built bot runs with in the bench: a fake Slack, never a developer's .env. */
export function botEnv(
  database: Config["database"],
  slackUrl: string,
  secret: string,
  port = 0,
): Record<string, string> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: slackUrl,
    PORT: String(port),
    COO_LOG_LEVEL: "warn",
    COO_ENV_FILE: "/dev/null",
    ...(database.kind === "postgres" ? { DATABASE_URL: database.url } : { DATA_DIR: database.dataDir }),
  };
  if (database.kind === "pglite") delete env.DATABASE_URL;
  return env;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200;
  } catch {
    return false;
  }
}

/** Resident memory of a process, in MB, as the kernel counts it. */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** The arguments `npm start` gives node (package.json), so the bench starts the bot the same way. */
function startArgs(): string[] {
  const scripts = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).scripts as {
    start: string;
  };
  const [node, ...args] = scripts.start.split(/\s+/);
  if (node !== "node") throw new Error(`npm start runs "${scripts.start}"; the bench expects "node ..."`);
  return args;
}

/**
 * Starts the built bot: milliseconds from spawn to the first 200 from
 * /healthz and, when `idleMs` is given, its resident memory that long after
 * it was healthy. The bot is stopped again before this returns.
 */
export async function startOnce(
  database: Config["database"],
  slackUrl: string,
  secret: string,
  idleMs?: number,
  /** Then: this many signed `/coo` commands, and the memory again `idleMs` after them. */
  commands: string[] = [],
): Promise<{ ms: number; rssMb?: number; afterCommandsMb?: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, startArgs(), {
    env: botEnv(database, slackUrl, secret, port),
    stdio: "ignore",
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  try {
    while (!(await healthy(port))) {
      if (exitCode !== undefined) throw new Error(`the bot exited with ${exitCode} before it was healthy`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const ms = performance.now() - started;
    if (idleMs === undefined) return { ms };
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    const idle = await rssMb(child.pid as number);
    if (commands.length === 0) return { ms, rssMb: idle };
    const client = new SlackClient(`http://127.0.0.1:${port}`, secret, {
      team: "T1",
      user: "UB1",
      channel: "CB",
    });
    for (const text of commands) {
      const answer = await client.command(text);
      if (answer.status !== 200) throw new Error(`/coo ${text} answered ${answer.status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    return { ms, rssMb: idle, afterCommandsMb: await rssMb(child.pid as number) };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

/** `runs` rounds of a first start on a fresh directory and a second start on the same one. */
export async function startTimes(secret: string, runs = 3): Promise<StartTimes> {
  const slack = await FakeSlack.start();
  const times: StartTimes = { firstMs: [], secondMs: [], checkMs: [] };
  try {
    for (let run = 0; run < runs; run++) {
      const dir = await mkdtemp(join(tmpdir(), "coo-bench-start-"));
      try {
        const database = { kind: "pglite" as const, dataDir: dir };
        times.firstMs.push((await startOnce(database, slack.url, secret)).ms);
        times.secondMs.push((await startOnce(database, slack.url, secret)).ms);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      // What `npm start` adds before the bot when the build is current.
      const check = performance.now();
      execFileSync(process.execPath, ["scripts/build-if-stale.mjs"], { stdio: "inherit" });
      times.checkMs.push(performance.now() - check);
    }
  } finally {
    await slack.stop();
  }
  return times;
}

import { type Config, loadConfig } from "../../src/config.js";
import { type CooOptions, type RunningCoo, secretsOf, startCoo } from "../../src/coo.js";
import { createLog, type Level } from "../../src/log.js";
import type { FakeAnthropic } from "./fake-anthropic.js";
import type { FakeSlack } from "./fake-slack.js";
import { SlackClient } from "./slack-client.js";

export const signingSecret = "test-signing-secret-0123456789";
export const botToken = "xoxb-test-0000-secret-token";

/** A clock the test moves by hand. */
export class TestClock {
  constructor(private current: Date) {}
  now = () => new Date(this.current);
  set(at: Date | string) {
    this.current = new Date(at);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export const hours = (n: number) => n * 3600_000;
export const days = (n: number) => n * 24 * 3600_000;

export type LogLine = { level: Level; msg: string; [key: string]: unknown };

export type TestCoo = {
  coo: RunningCoo;
  slack: SlackClient;
  baseUrl: string;
  logs: LogLine[];
  stop(): Promise<void>;
};

export function testConfig(options: {
  database: Config["database"];
  fakeSlack: FakeSlack;
  fakeAnthropic?: FakeAnthropic;
  env?: Record<string, string>;
}): Config {
  return loadConfig({
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: options.fakeSlack.url,
    PORT: "0",
    ...(options.database.kind === "postgres"
      ? { DATABASE_URL: options.database.url }
      : { DATA_DIR: options.database.dataDir }),
    ...(options.fakeAnthropic
      ? { ANTHROPIC_API_KEY: "sk-ant-test-key", ANTHROPIC_BASE_URL: options.fakeAnthropic.url }
      : {}),
    COO_LOG_LEVEL: "debug",
    ...options.env,
  });
}

/** The real bot on an ephemeral port, talking to the fakes, with its log lines captured. */
export async function startTestCoo(options: {
  database: Config["database"];
  fakeSlack: FakeSlack;
  fakeAnthropic?: FakeAnthropic;
  env?: Record<string, string>;
  coo?: CooOptions;
}): Promise<TestCoo> {
  const config = testConfig(options);
  const logs: LogLine[] = [];
  const log = createLog({
    level: "debug",
    // The same list production redacts.
    secrets: secretsOf(config),
    write: (line) => {
      logs.push(JSON.parse(line) as LogLine);
    },
  });
  // Cadence timers stay off: tests fire them by hand with the test clock.
  // Messages to Slack go out at once: pacing has its own test and its bench.
  const coo = await startCoo(config, {
    log,
    slackRetries: 0,
    timers: false,
    outboxPaceMs: 0,
    outboxPollMs: 50,
    ...options.coo,
  });
  await coo.caughtUp;
  const baseUrl = `http://127.0.0.1:${coo.port}`;
  const slack = new SlackClient(
    baseUrl,
    signingSecret,
    undefined,
    (id) => options.fakeSlack.responseUrl(id),
    (json) => options.fakeSlack.checkAnswer(json),
  );
  return { coo, slack, baseUrl, logs, stop: () => coo.stop() };
}

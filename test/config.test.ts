import { expect, test } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { malformedLines } from "../src/env-file.js";

const http = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s3cret" };
const oauth = {
  SLACK_SIGNING_SECRET: "s3cret",
  SLACK_CLIENT_ID: "1.2",
  SLACK_CLIENT_SECRET: "client-secret",
  SLACK_STATE_SECRET: "a-long-state-secret",
};
// Two keys as `openssl rand -base64 32` prints them.
const key = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
const oldKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected the configuration to be refused");
}

test("the minimal HTTP configuration gets the documented defaults", () => {
  const config = loadConfig(http);
  expect(config.slack.mode).toBe("http");
  expect(config.port).toBe(3000);
  expect(config.database).toEqual({ kind: "pglite", dataDir: "./data" });
  expect(config.anthropic).toBeUndefined();
  expect(config.defaultTimeZone).toBe("UTC");
});

test("an app token switches to Socket Mode and makes the signing secret optional", () => {
  const config = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1-abc" });
  expect(config.slack.mode).toBe("socket");
});

test("DATABASE_URL selects Postgres, an API key turns the LLM on", () => {
  const config = loadConfig({
    ...http,
    DATABASE_URL: "postgresql://coo@db:5432/coo",
    ANTHROPIC_API_KEY: "sk-ant-x",
    COO_MODEL: "claude-sonnet-5-5",
  });
  expect(config.database).toEqual({ kind: "postgres", url: "postgresql://coo@db:5432/coo" });
  expect(config.anthropic).toEqual({ apiKey: "sk-ant-x", baseUrl: undefined, model: "claude-sonnet-5-5" });
});

test("empty strings count as unset", () => {
  const config = loadConfig({ ...http, DATABASE_URL: "", PORT: " ", ANTHROPIC_API_KEY: "" });
  expect(config.database.kind).toBe("pglite");
  expect(config.port).toBe(3000);
  expect(config.anthropic).toBeUndefined();
});

test("with nothing set, both missing Slack credentials are named", () => {
  const problems = problemsOf({});
  expect(problems).toHaveLength(2);
  expect(problems[0]).toMatch(/^SLACK_BOT_TOKEN: required/);
  expect(problems[1]).toMatch(/^SLACK_SIGNING_SECRET: required in HTTP mode/);
});

test("every malformed value is named with what it expects, all at once", () => {
  const problems = problemsOf({
    SLACK_BOT_TOKEN: "xoxp-user-token",
    SLACK_SIGNING_SECRET: "s",
    SLACK_APP_TOKEN: "xoxb-wrong",
    SLACK_API_URL: "not a url",
    PORT: "70000",
    DATABASE_URL: "mysql://localhost/coo",
    ANTHROPIC_BASE_URL: "nope",
    COO_TIMEZONE: "Mars/Olympus_Mons",
    COO_LOG_LEVEL: "loud",
  });
  const byField = Object.fromEntries(problems.map((p) => [p.split(":")[0], p]));
  expect(Object.keys(byField).sort()).toEqual(
    [
      "ANTHROPIC_BASE_URL",
      "COO_LOG_LEVEL",
      "COO_TIMEZONE",
      "DATABASE_URL",
      "PORT",
      "SLACK_API_URL",
      "SLACK_APP_TOKEN",
      "SLACK_BOT_TOKEN",
    ].sort(),
  );
  expect(byField.SLACK_BOT_TOKEN).toContain("xoxb-");
  expect(byField.PORT).toContain("0 to 65535");
  expect(byField.COO_TIMEZONE).toContain("Europe/Berlin");
  expect(byField.DATABASE_URL).toContain("postgres://");
});

test("the error message lists each problem on its own line and no secret values", () => {
  try {
    loadConfig({ SLACK_BOT_TOKEN: "xoxb-real-secret", SLACK_SIGNING_SECRET: "sssh-secret", PORT: "x" });
  } catch (error) {
    const message = (error as Error).message;
    expect(message).toMatch(/^coo cannot start: the configuration has 1 problem:/);
    expect(message).toContain("\n  - PORT: expected a port number");
    expect(message).not.toContain("xoxb-real-secret");
    expect(message).not.toContain("sssh-secret");
    return;
  }
  throw new Error("expected a ConfigError");
});

test("OAuth takes all three settings instead of a bot token; a partial set names what is missing", () => {
  const config = loadConfig({
    SLACK_SIGNING_SECRET: "s",
    SLACK_CLIENT_ID: "1.2",
    SLACK_CLIENT_SECRET: "cs",
    SLACK_STATE_SECRET: "a-long-state-secret",
    COO_ENCRYPTION_KEY: key,
  });
  expect(config.slack.oauth).toEqual({
    clientId: "1.2",
    clientSecret: "cs",
    stateSecret: "a-long-state-secret",
  });
  expect(config.slack.botToken).toBeUndefined();
  const problems = problemsOf({ SLACK_SIGNING_SECRET: "s", SLACK_CLIENT_ID: "1.2" });
  expect(problems).toEqual([
    "SLACK_CLIENT_SECRET: required with the other OAuth settings (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET)",
    "SLACK_STATE_SECRET: required with the other OAuth settings (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET)",
  ]);
});

test("OAuth mode refuses to start without COO_ENCRYPTION_KEY, and says how to make one", () => {
  const problems = problemsOf(oauth);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(/^COO_ENCRYPTION_KEY: required with OAuth installs/);
  expect(problems[0]).toContain("openssl rand -base64 32");
});

test("one workspace with its own bot token stores no token and needs no encryption key", () => {
  const config = loadConfig(http);
  expect(config.encryption).toBeUndefined();
  expect(config.logMessageText).toBe(false);
});

test("the encryption key and the old keys for reading are 32 bytes of base64; a bad one is named, never printed", () => {
  const config = loadConfig({ ...oauth, COO_ENCRYPTION_KEY: key, COO_ENCRYPTION_OLD_KEYS: ` ${oldKey} ,` });
  expect(config.encryption).toEqual({ key, oldKeys: [oldKey] });
  const shortKey = "c2hvcnQta2V5";
  try {
    loadConfig({
      ...oauth,
      COO_ENCRYPTION_KEY: shortKey,
      COO_ENCRYPTION_OLD_KEYS: `${oldKey},not-a-key-at-all`,
    });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toEqual([
      "COO_ENCRYPTION_KEY: expected 32 random bytes in base64 (44 characters); make one with: openssl rand -base64 32",
      "COO_ENCRYPTION_OLD_KEYS: key 2 of 2 is not 32 bytes of base64; list the keys coo used before, separated by commas",
    ]);
    expect(message).not.toContain(shortKey);
    expect(message).not.toContain("not-a-key-at-all");
    expect(problemsOf({ ...http, COO_ENCRYPTION_OLD_KEYS: oldKey })[0]).toMatch(
      /^COO_ENCRYPTION_OLD_KEYS: only read together with COO_ENCRYPTION_KEY/,
    );
    return;
  }
  throw new Error("expected a ConfigError");
});

test("COO_LOG_MESSAGE_TEXT=true lets debug logs show message texts; anything but true or false is refused", () => {
  expect(loadConfig({ ...http, COO_LOG_MESSAGE_TEXT: "true" }).logMessageText).toBe(true);
  expect(loadConfig({ ...http, COO_LOG_MESSAGE_TEXT: "false" }).logMessageText).toBe(false);
  expect(problemsOf({ ...http, COO_LOG_MESSAGE_TEXT: "yes please" })).toEqual([
    "COO_LOG_MESSAGE_TEXT: expected true or false",
  ]);
});

test("timeouts and limits for a bad day have defaults well inside Slack's 3 s, and can be set", () => {
  const config = loadConfig(http);
  expect(config.databaseTimeouts).toEqual({ connectMs: 1500, statementMs: 1500 });
  expect(config.http).toEqual({
    headersTimeoutMs: 5_000,
    requestTimeoutMs: 10_000,
    keepAliveTimeoutMs: 5_000,
    maxConnections: 1000,
    maxInFlight: 50,
  });
  const set = loadConfig({
    ...http,
    COO_DB_CONNECT_TIMEOUT_MS: "800",
    COO_DB_STATEMENT_TIMEOUT_MS: "1200",
    COO_HTTP_HEADERS_TIMEOUT_MS: "5000",
    COO_HTTP_REQUEST_TIMEOUT_MS: "8000",
    COO_HTTP_KEEPALIVE_TIMEOUT_MS: "65000",
    COO_HTTP_MAX_CONNECTIONS: "2000",
    COO_SLACK_MAX_IN_FLIGHT: "80",
  });
  expect(set.databaseTimeouts).toEqual({ connectMs: 800, statementMs: 1200 });
  expect(set.http).toEqual({
    headersTimeoutMs: 5000,
    requestTimeoutMs: 8000,
    keepAliveTimeoutMs: 65_000,
    maxConnections: 2000,
    maxInFlight: 80,
  });
});

test("malformed limits are named, and headers may not take longer than the whole request", () => {
  const problems = problemsOf({
    ...http,
    COO_DB_STATEMENT_TIMEOUT_MS: "1.5s",
    COO_SLACK_MAX_IN_FLIGHT: "0",
  });
  expect(problems).toEqual([
    "COO_DB_STATEMENT_TIMEOUT_MS: expected a number of milliseconds, e.g. 1500",
    "COO_SLACK_MAX_IN_FLIGHT: expected a whole number of at least 1, e.g. 100",
  ]);
  expect(
    problemsOf({ ...http, COO_HTTP_HEADERS_TIMEOUT_MS: "30000", COO_HTTP_REQUEST_TIMEOUT_MS: "20000" }),
  ).toEqual([
    "COO_HTTP_HEADERS_TIMEOUT_MS: must not be longer than COO_HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)",
  ]);
});

test("loadConfig reads only what it is given: a .env in the working directory is the process entry's business", async () => {
  const { mkdtemp, rm, writeFile } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = await mkdtemp(join(tmpdir(), "coo-pure-"));
  const before = process.cwd();
  await writeFile(join(dir, ".env"), "SLACK_BOT_TOKEN=xoxb-from-a-dotenv\nSLACK_SIGNING_SECRET=s\n");
  try {
    process.chdir(dir);
    expect(problemsOf({})[0]).toMatch(/^SLACK_BOT_TOKEN: required/);
    expect(process.env.SLACK_BOT_TOKEN).not.toBe("xoxb-from-a-dotenv");
  } finally {
    process.chdir(before);
    await rm(dir, { recursive: true, force: true });
  }
});

test("a .env line that is not NAME=value is named by number; comments, blanks, export and quoted values spanning lines are fine", () => {
  const text = [
    "# comment",
    "",
    "export SLACK_BOT_TOKEN=xoxb-1",
    'COO_MODEL = "claude-haiku-5-5" # trailing comment',
    'PRIVATE="first line',
    "second line",
    'third line"',
    "SLACK_SIGNING_SECRET xyz",
    "1PORT=3000",
    "COO-TIMEZONE=UTC",
  ].join("\n");
  expect(malformedLines(text)).toEqual([8, 9, 10]);
  expect(malformedLines("A=1\nB='two'\n")).toEqual([]);
});

test("the refusal counts its problems in words: 1 problem, 2 problems", () => {
  expect(() => loadConfig({ SLACK_SIGNING_SECRET: "s" })).toThrow(/the configuration has 1 problem:\n/);
  expect(() => loadConfig({})).toThrow(/the configuration has 2 problems:\n/);
});

test("beside one bot token, a client id and secret turn on Sign in with Slack (no OAuth installs); the dashboard needs COO_PUBLIC_URL too", () => {
  const withIds = { ...http, SLACK_CLIENT_ID: "1.2", SLACK_CLIENT_SECRET: "client-secret" };
  const off = loadConfig(withIds);
  expect(off.slack.oauth).toBeUndefined();
  expect(off.dashboard).toBeUndefined();
  const on = loadConfig({ ...withIds, COO_PUBLIC_URL: "https://coo.example.com/" });
  expect(on.slack.oauth).toBeUndefined();
  expect(on.dashboard).toEqual({
    clientId: "1.2",
    clientSecret: "client-secret",
    issuer: "https://slack.com",
    redirectUri: "https://coo.example.com/app/auth/callback",
  });
  expect(on.publicUrl).toBe("https://coo.example.com");
  expect(problemsOf({ ...http, SLACK_CLIENT_ID: "1.2" })).toEqual([
    "SLACK_CLIENT_SECRET: required with the other Sign in with Slack setting (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, from Basic Information)",
  ]);
  expect(problemsOf({ ...http, COO_PUBLIC_URL: "coo.example.com" })[0]).toMatch(
    /^COO_PUBLIC_URL: expected the address/,
  );
});

test("OAuth installs serve the dashboard with the same client id and secret", () => {
  const config = loadConfig({ ...oauth, COO_ENCRYPTION_KEY: key, COO_PUBLIC_URL: "https://coo.example.com" });
  expect(config.dashboard?.clientId).toBe("1.2");
  expect(config.dashboard?.issuer).toBe("https://slack.com");
});

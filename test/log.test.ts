import { expect, test } from "vitest";
import { boltLogger, createLog, redact } from "../src/log.js";

test("Slack and Anthropic token shapes and database passwords are redacted wherever they appear", () => {
  const text = redact(
    "token xoxb-123-456-abcdef app xapp-1-A0-999 key sk-ant-api03-Zz_9 db postgres://coo:hunter2@db:5432/coo",
    [],
  );
  expect(text).not.toMatch(/xoxb-1|xapp-1|sk-ant-api03|hunter2/);
  expect(text).toContain("postgres://coo:[redacted]@db:5432/coo");
});

test("configured secrets are redacted even when they have no known shape", () => {
  expect(redact("signing secret is 8f3a9c0d1e2b", ["8f3a9c0d1e2b"])).toBe("signing secret is [redacted]");
});

test("log lines are JSON with the secret removed from messages, fields and errors", () => {
  const lines: string[] = [];
  const log = createLog({
    level: "info",
    secrets: ["super-secret-value"],
    write: (line) => lines.push(line),
  });
  log.debug("not shown");
  log.info("calling with super-secret-value", { header: "Bearer xoxb-1-2-3" });
  log.error("failed", { error: new Error("bad token xoxb-9-9-9 / super-secret-value") });
  expect(lines).toHaveLength(2);
  const joined = lines.join("\n");
  expect(joined).not.toContain("super-secret-value");
  expect(joined).not.toContain("xoxb-");
  const first = JSON.parse(lines[0] ?? "{}");
  expect(first).toMatchObject({ level: "info", msg: "calling with [redacted]", header: "Bearer [redacted]" });
});

test("Bolt's own log lines go through the same redaction", () => {
  const lines: string[] = [];
  const logger = boltLogger(createLog({ level: "debug", write: (line) => lines.push(line) }), "debug");
  logger.warn("http request failed", { token: "xoxb-5-5-5" });
  expect(lines[0]).toContain('"source":"bolt"');
  expect(lines[0]).not.toContain("xoxb-5");
});

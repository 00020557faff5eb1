import { expect, test } from "vitest";
import { Prisma } from "../src/generated/prisma/client.js";
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
  const logger = boltLogger(createLog({ level: "debug", write: (line) => lines.push(line) }), "debug", {
    messageText: false,
  });
  logger.warn("http request failed", { token: "xoxb-5-5-5" });
  expect(lines[0]).toContain('"source":"bolt"');
  expect(lines[0]).not.toContain("xoxb-5");
});

test("library lines keep ids and codes but not texts; a payload that does not parse is dropped", () => {
  const lines: string[] = [];
  const logger = boltLogger(createLog({ level: "debug", write: (line) => lines.push(line) }), "debug", {
    messageText: false,
  });
  logger.debug(
    'Received a message on the WebSocket: {"envelope_id":"e1","payload":{"event":{"type":"message","channel":"D1","user":"U1","text":"my salary is 90k"}}}',
  );
  logger.debug('ack() call begins (body: {"text":"Recorded C1: fire Bob quietly"})');
  logger.debug("Unable to parse an incoming WebSocket message (will ignore): SyntaxError, fire Bob quietly");
  logger.debug('Sending a WebSocket message: {"text": fire Bob quietly');
  logger.warn("http request failed", "An API error occurred: not_in_channel");
  const shown = lines.map((l) => JSON.parse(l).msg as string);
  expect(shown.join("\n")).not.toMatch(/salary|fire Bob/);
  expect(shown[0]).toBe(
    'Received a message on the WebSocket: {"envelope_id":"e1","payload":{"event":{"type":"message","channel":"D1","user":"U1","text":"[text omitted]"}}}',
  );
  expect(shown[1]).toBe('ack() call begins (body: {"text":"[text omitted]"})');
  expect(shown[3]).toBe("Sending a WebSocket message: [payload omitted]");
  expect(shown[4]).toBe("http request failed An API error occurred: not_in_channel");
});

test("with message texts asked for, library lines are kept whole (tokens still redacted)", () => {
  const lines: string[] = [];
  const logger = boltLogger(createLog({ level: "debug", write: (line) => lines.push(line) }), "debug", {
    messageText: true,
  });
  logger.debug('http request body: {"channel":"C1","text":"ship it","token":"xoxb-1-2-3"}');
  expect(JSON.parse(lines[0] ?? "{}").msg).toBe(
    'http request body: {"channel":"C1","text":"ship it","token":"[redacted]"}',
  );
});

test("a query Prisma refuses is logged without the values it was given", () => {
  const lines: string[] = [];
  const log = createLog({ level: "error", write: (line) => lines.push(line) });
  const error = new Prisma.PrismaClientValidationError(
    'Invalid `prisma.commitment.create()` invocation:\n\n{\n  data: {\n    title: "fire Bob quietly",\n    bogus: 1\n  }\n}\n\nUnknown argument `bogus`.',
    { clientVersion: "6.19.3" },
  );
  log.error("request failed", { error });
  expect(lines[0]).not.toContain("fire Bob");
  expect(JSON.parse(lines[0] ?? "{}").error).toMatchObject({
    name: "PrismaClientValidationError",
    message: "Invalid `prisma.commitment.create()` invocation: Unknown argument `bogus`.",
  });
});

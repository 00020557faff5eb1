import type { Logger as BoltLogger } from "@slack/bolt";
import { LogLevel } from "./slack/bolt.js";

export type Level = "debug" | "info" | "warn" | "error";
const rank: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Log = {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
};

/** Token shapes that must never reach a log line, whatever field they hide in. */
const secretPatterns: Array<[RegExp, string]> = [
  [/xox[abprsoe]-[A-Za-z0-9-]+/g, "[redacted]"],
  [/xapp-[A-Za-z0-9-]+/g, "[redacted]"],
  [/sk-ant-[A-Za-z0-9_-]+/g, "[redacted]"],
  // The password in a connection string: keep the user and host, drop the secret.
  [/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/g, "$1[redacted]@"],
];

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 6) out = out.split(secret).join("[redacted]");
  }
  for (const [pattern, replacement] of secretPatterns) out = out.replace(pattern, replacement);
  return out;
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    const withCode = value as Error & { code?: unknown; data?: unknown };
    if (value.name === "PrismaClientValidationError") return prismaValidation(value);
    return { name: value.name, message: value.message, code: withCode.code, stack: value.stack };
  }
  return value;
}

/**
 * Prisma prints a query it refuses with every argument's value (message texts,
 * tokens), in its message and so in its stack: keep what was called, what was
 * wrong and where, not the values.
 */
function prismaValidation(error: Error) {
  const lines = error.message.split("\n").filter((line) => line.trim() !== "");
  const message = `${lines[0] ?? ""} ${lines.at(-1) ?? ""}`.trim();
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  return { name: error.name, message, stack: [`${error.name}: ${message}`, ...frames].join("\n") };
}

/**
 * Keys whose values are ids, codes, flags or times in Slack's payloads (and
 * the Anthropic SDK's request lines): all a trace needs. Every other string
 * may be someone's words or coo's, and is left out unless asked for.
 */
const traceKeys = new Set([
  "ok",
  "error",
  "warning",
  "needed",
  "provided",
  "type",
  "subtype",
  "id",
  "channel",
  "channel_id",
  "channel_type",
  "user",
  "user_id",
  "users",
  "team",
  "team_id",
  "enterprise_id",
  "api_app_id",
  "app_id",
  "bot_id",
  "bot_user_id",
  "event_id",
  "event_type",
  "envelope_id",
  "ts",
  "thread_ts",
  "message_ts",
  "event_ts",
  "command",
  "action_id",
  "block_id",
  "callback_id",
  "view_id",
  "response_type",
  "retry_reason",
  "method",
  "url",
  "path",
  "model",
  "role",
  "stop_reason",
  // Bolt's authorize() source.
  "teamId",
  "enterpriseId",
  "userId",
  "conversationId",
]);

/** A payload with every string outside `traceKeys` replaced, so its shape and ids stay readable. */
export function withoutText(value: unknown, key = ""): unknown {
  if (typeof value === "string")
    return traceKeys.has(key) && value.length <= 200 && !/\s/.test(value) ? value : "[text omitted]";
  if (Array.isArray(value)) return value.map((item) => withoutText(item, key));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, withoutText(v, /^\d+$/.test(k) ? key : k)]),
    );
  return value;
}

/**
 * A library's log line without the texts it carries. The Web API client,
 * Socket Mode and Bolt print whole request and response bodies at debug
 * ("http request body: {...}", "Received a message on the WebSocket: {...}"):
 * the JSON in a line keeps only its ids and codes; a payload that does not
 * parse is dropped whole.
 */
export function libraryLineWithoutText(line: string): string {
  if (line.startsWith("Unable to parse an incoming WebSocket message"))
    return "Unable to parse an incoming WebSocket message (will ignore) [payload omitted]";
  const start = line.search(/[{[]/);
  if (start < 0) return line;
  const end = Math.max(line.lastIndexOf("}"), line.lastIndexOf("]")) + 1;
  try {
    const payload = JSON.parse(line.slice(start, end)) as unknown;
    return `${line.slice(0, start)}${JSON.stringify(withoutText(payload))}${line.slice(end)}`;
  } catch {
    return `${line.slice(0, start)}[payload omitted]`;
  }
}

/**
 * JSON lines on stdout (stderr for warn and error), secrets redacted from the
 * whole rendered line so a token inside an error message is caught too.
 */
export function createLog(options: {
  level: Level;
  secrets?: readonly string[];
  write?: (line: string, level: Level) => void;
}): Log {
  const secrets = (options.secrets ?? []).filter((s) => s.length > 0);
  const write =
    options.write ??
    ((line: string, level: Level) =>
      (rank[level] >= rank.warn ? process.stderr : process.stdout).write(`${line}\n`));
  const emit = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (rank[level] < rank[options.level]) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
    for (const [key, value] of Object.entries(fields ?? {})) entry[key] = serialise(value);
    write(redact(JSON.stringify(entry), secrets), level);
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
  };
}

/**
 * Bolt, Socket Mode and the Web API clients log through this, so their lines
 * are redacted too, and carry no message text unless `messageText` is on.
 */
export function boltLogger(log: Log, level: Level, options: { messageText: boolean }): BoltLogger {
  const join = (parts: unknown[]) =>
    parts.map((p) => (typeof p === "string" ? p : JSON.stringify(serialise(p)))).join(" ");
  // Bodies are printed at debug; warnings and errors carry codes and messages, kept whole.
  const quiet = (parts: unknown[]) =>
    options.messageText ? join(parts) : libraryLineWithoutText(join(parts));
  let current = level;
  return {
    debug: (...msg) => log.debug(quiet(msg), { source: "bolt" }),
    info: (...msg) => log.info(quiet(msg), { source: "bolt" }),
    warn: (...msg) => log.warn(join(msg), { source: "bolt" }),
    error: (...msg) => log.error(join(msg), { source: "bolt" }),
    setLevel: (next) => {
      current = next as Level;
    },
    getLevel: () => current as LogLevel,
    setName: () => {},
  };
}

export { LogLevel };

/** node-cron's own messages ("task still running") as our JSON lines. */
export function cronLogger(log: Log) {
  const text = (m: string | Error) => (typeof m === "string" ? m : m.message);
  return {
    info: (m: string) => log.debug(m, { source: "node-cron" }),
    warn: (m: string) => log.debug(m, { source: "node-cron" }),
    error: (m: string | Error) => log.warn(text(m), { source: "node-cron" }),
    debug: (m: string | Error) => log.debug(text(m), { source: "node-cron" }),
  };
}

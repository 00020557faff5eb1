import type { Logger as BoltLogger } from "@slack/bolt";
import { LogLevel } from "@slack/bolt";

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
    return { name: value.name, message: value.message, code: withCode.code, stack: value.stack };
  }
  return value;
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

/** Bolt and the Web API client log through this, so their lines are redacted too. */
export function boltLogger(log: Log, level: Level): BoltLogger {
  const join = (parts: unknown[]) =>
    parts.map((p) => (typeof p === "string" ? p : JSON.stringify(serialise(p)))).join(" ");
  let current = level;
  return {
    debug: (...msg) => log.debug(join(msg), { source: "bolt" }),
    info: (...msg) => log.info(join(msg), { source: "bolt" }),
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

import cron from "node-cron";
import { z } from "zod";
import { isValidTimeZone } from "./clock.js";
import { decodeKey, makeKeyHint } from "./secrets.js";
import { plural } from "./words.js";

const optional = z
  .string()
  .transform((value) => value.trim())
  .optional()
  .transform((value) => (value === "" ? undefined : value));

/** A positive whole number of milliseconds, e.g. 1500. */
function milliseconds(fallback: string) {
  return optional.pipe(
    z
      .string()
      .default(fallback)
      .refine((v) => /^\d{1,7}$/.test(v) && Number(v) >= 1, "expected a number of milliseconds, e.g. 1500")
      .transform(Number),
  );
}

/** A positive whole number, e.g. 100. */
function count(fallback: string) {
  return optional.pipe(
    z
      .string()
      .default(fallback)
      .refine((v) => /^\d{1,6}$/.test(v) && Number(v) >= 1, "expected a whole number of at least 1, e.g. 100")
      .transform(Number),
  );
}

const schema = z.object({
  SLACK_BOT_TOKEN: optional.refine((value) => value === undefined || value.startsWith("xoxb-"), {
    message: "expected a bot token starting with xoxb-",
  }),
  SLACK_CLIENT_ID: optional,
  SLACK_CLIENT_SECRET: optional,
  SLACK_STATE_SECRET: optional.refine((value) => value === undefined || value.length >= 16, {
    message: "expected a random secret of at least 16 characters",
  }),
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: optional.refine((value) => value === undefined || value.startsWith("xapp-"), {
    message: "expected an app-level token starting with xapp- (or leave it unset for HTTP mode)",
  }),
  SLACK_API_URL: optional.pipe(
    z.url({ message: "expected a URL such as https://slack.com/api/" }).optional(),
  ),
  PORT: optional.pipe(
    z
      .string()
      .refine((v) => /^\d{1,5}$/.test(v) && Number(v) <= 65535, "expected a port number from 0 to 65535")
      .optional(),
  ),
  DATABASE_URL: optional.pipe(
    z
      .string()
      .regex(
        /^postgres(ql)?:\/\//,
        "expected a postgres:// or postgresql:// URL (or leave it unset for the embedded database)",
      )
      .optional(),
  ),
  DATA_DIR: optional.pipe(z.string().default("./data")),
  COO_PGLITE_SHARED_BUFFERS: optional.pipe(
    z
      .string()
      .regex(/^\d{1,6}(kB|MB|GB)$/, "expected a size such as 16MB or 64MB (Postgres's shared_buffers)")
      .optional(),
  ),
  COO_PGLITE_WORKER: optional.pipe(z.enum(["0", "1"], { message: "expected 0 or 1" }).optional()),
  ANTHROPIC_API_KEY: optional,
  ANTHROPIC_BASE_URL: optional.pipe(
    z.url({ message: "expected a URL such as https://api.anthropic.com" }).optional(),
  ),
  COO_MODEL: optional.pipe(z.string().default("claude-haiku-5-5")),
  COO_TIMEZONE: optional.pipe(
    z.string().default("UTC").refine(isValidTimeZone, {
      message: "expected an IANA time zone such as Europe/Berlin or America/New_York",
    }),
  ),
  COO_SWEEP_CRON: optional.pipe(
    z
      .string()
      .refine(
        (v) => cron.validate(v),
        "expected a cron expression (5 fields, or 6 with seconds), e.g. */15 * * * *",
      )
      .optional(),
  ),
  COO_LEASE_SECONDS: optional.pipe(
    z
      .string()
      .refine((v) => /^\d{1,5}$/.test(v) && Number(v) >= 1, "expected a number of seconds, e.g. 60")
      .optional(),
  ),
  COO_TICK_CRON: optional.pipe(
    z
      .string()
      .refine((v) => cron.validate(v), "expected a cron expression, e.g. * * * * *")
      .optional(),
  ),
  COO_CATCHUP_MINUTES: optional.pipe(
    z
      .string()
      .refine((v) => /^\d{1,4}$/.test(v), "expected a number of minutes, e.g. 120")
      .optional(),
  ),
  COO_LOG_LEVEL: optional.pipe(z.enum(["debug", "info", "warn", "error"]).default("info")),
  COO_LOG_MESSAGE_TEXT: optional.pipe(
    z.enum(["true", "false"], { message: "expected true or false" }).default("false"),
  ),
  COO_ENCRYPTION_KEY: optional.refine((value) => value === undefined || decodeKey(value) !== undefined, {
    message: `expected 32 random bytes in base64 (44 characters); ${makeKeyHint}`,
  }),
  COO_ENCRYPTION_OLD_KEYS: optional
    .transform((value) => (value ?? "").split(",").flatMap((k) => (k.trim() ? [k.trim()] : [])))
    .superRefine((keys, ctx) => {
      keys.forEach((key, i) => {
        if (!decodeKey(key))
          ctx.addIssue({
            code: "custom",
            message: `key ${i + 1} of ${keys.length} is not 32 bytes of base64; list the keys coo used before, separated by commas`,
          });
      });
    }),
  COO_DB_CONNECT_TIMEOUT_MS: milliseconds("1500"),
  COO_DB_STATEMENT_TIMEOUT_MS: milliseconds("1500"),
  COO_HTTP_HEADERS_TIMEOUT_MS: milliseconds("5000"),
  COO_HTTP_REQUEST_TIMEOUT_MS: milliseconds("10000"),
  COO_HTTP_KEEPALIVE_TIMEOUT_MS: milliseconds("5000"),
  COO_HTTP_MAX_CONNECTIONS: count("1000"),
  COO_SLACK_MAX_IN_FLIGHT: count("50"),
  GITHUB_WEBHOOK_SECRET: optional,
  COO_PUBLIC_URL: optional.pipe(
    z
      .url({ message: "expected the address people reach coo at, such as https://coo.example.com" })
      .refine((v) => /^https?:\/\//.test(v), "expected an http:// or https:// address")
      .optional(),
  ),
  COO_OIDC_ISSUER: optional.pipe(
    z
      .url({ message: "expected an OpenID Connect issuer such as https://slack.com" })
      .default("https://slack.com"),
  ),
  LINEAR_WEBHOOK_SECRET: optional,
  COO_REVIEW_WAIT_DAYS: optional.pipe(
    z
      .string()
      .default("2")
      .refine((v) => /^\d{1,2}$/.test(v) && Number(v) >= 1, "expected a number of working days, e.g. 2")
      .transform(Number),
  ),
});

export type Env = z.input<typeof schema>;

export type Config = {
  slack: {
    /** The single workspace's bot token; unset when workspaces install through OAuth. */
    botToken: string | undefined;
    oauth: { clientId: string; clientSecret: string; stateSecret: string } | undefined;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
    mode: "http" | "socket";
  };
  port: number;
  database:
    | { kind: "postgres"; url: string }
    /** `sharedBuffers`: the embedded Postgres's buffer pool, e.g. "16MB" (default in db/open.ts). */
    /** `worker`: PGlite in a worker thread (default in db/open.ts; decision 0035). */
    | { kind: "pglite"; dataDir: string; sharedBuffers?: string; worker?: boolean };
  anthropic: { apiKey: string; baseUrl: string | undefined; model: string } | undefined;
  defaultTimeZone: string;
  /** A cadence slot missed while the bot was down runs at start if it is at most this old. */
  catchUpMinutes: number;
  /** How long a process's claim on a run or a message lasts before another may take it over. */
  leaseSeconds: number;
  /** The cadence ticker (reminders, closes, missed slots, taken-over runs). */
  tickCron: string;
  /** When the slip sweep runs (node-cron, seconds allowed). */
  sweepCron: string;
  logLevel: "debug" | "info" | "warn" | "error";
  /** Debug lines show message texts (people's words, coo's replies, LLM prompts); off unless asked for. */
  logMessageText: boolean;
  /**
   * Seals the workspace tokens coo stores (OAuth installs): the current key
   * (base64) and older ones that may still open what was sealed before.
   */
  encryption: { key: string; oldKeys: string[] } | undefined;
  /** How long a request may wait for Postgres (background work gets its own, longer limits). */
  databaseTimeouts: DatabaseTimeouts;
  http: HttpLimits;
  /** Signs GitHub's webhook deliveries; unset, POST /integrations/github answers 404. */
  github: { webhookSecret: string } | undefined;
  /** Where people reach coo (COO_PUBLIC_URL, no trailing slash): links to the dashboard. */
  publicUrl: string | undefined;
  /**
   * The dashboard under /app, behind Sign in with Slack: needs the app's
   * client id and secret and the public address (Slack redirects back to it).
   */
  dashboard: { clientId: string; clientSecret: string; issuer: string; redirectUri: string } | undefined;
  /** Signs Linear's webhook deliveries; unset, POST /integrations/linear answers 404. */
  linear: { webhookSecret: string } | undefined;
  /** Working days a requested review may wait before it counts as a sign of slip. */
  reviewWaitDays: number;
};

export type DatabaseTimeouts = {
  /** Opening a connection, or waiting for a free one in the pool. */
  connectMs: number;
  /** One statement on the server (statement_timeout); the client gives up a little later. */
  statementMs: number;
};

export type HttpLimits = {
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time to receive a whole request (headers and body). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Connections open at once; more are closed as they arrive. */
  maxConnections: number;
  /** Slack requests being handled at once; more are answered "busy" (HTTP mode). */
  maxInFlight: number;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `coo cannot start: the configuration has ${plural(problems.length, "problem")}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

/** Just the database settings, for `npm run db:migrate` (which needs no Slack credentials). */
export function loadDatabaseConfig(env: Record<string, string | undefined>): Config["database"] {
  const parsed = z
    .object({ DATABASE_URL: schema.shape.DATABASE_URL, DATA_DIR: schema.shape.DATA_DIR })
    .safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const { DATABASE_URL, DATA_DIR } = parsed.data;
  return DATABASE_URL ? { kind: "postgres", url: DATABASE_URL } : { kind: "pglite", dataDir: DATA_DIR };
}

/** Reads the configuration once. Nothing else in the project reads process.env. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`);
  // Checked outside the schema so they are reported together with every other problem.
  const oauthKeys = ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"] as const;
  const oauthSet = oauthKeys.filter((k) => env[k]?.trim());
  // Beside one bot token, a client id and secret (no state secret) serve Sign in with Slack only.
  const signInOnly = Boolean(env.SLACK_BOT_TOKEN?.trim()) && !env.SLACK_STATE_SECRET?.trim();
  if (signInOnly) {
    const pair = ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"] as const;
    if (pair.some((k) => env[k]?.trim()))
      for (const k of pair.filter((k) => !env[k]?.trim()))
        problems.push(
          `${k}: required with the other Sign in with Slack setting (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, from Basic Information)`,
        );
  } else if (oauthSet.length > 0 && oauthSet.length < 3) {
    for (const k of oauthKeys.filter((k) => !env[k]?.trim())) {
      problems.push(
        `${k}: required with the other OAuth settings (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET)`,
      );
    }
  }
  if (oauthSet.length === 3 && !env.COO_ENCRYPTION_KEY?.trim()) {
    problems.push(
      `COO_ENCRYPTION_KEY: required with OAuth installs: coo encrypts the workspace tokens it stores with it; ${makeKeyHint} (keep it as safe as the database: without it, every workspace has to install coo again)`,
    );
  }
  if (env.COO_ENCRYPTION_OLD_KEYS?.trim() && !env.COO_ENCRYPTION_KEY?.trim()) {
    problems.push(
      `COO_ENCRYPTION_OLD_KEYS: only read together with COO_ENCRYPTION_KEY, the key that seals from now on; ${makeKeyHint}`,
    );
  }
  if (oauthSet.length === 0 && !env.SLACK_BOT_TOKEN?.trim()) {
    problems.push(
      "SLACK_BOT_TOKEN: required: the bot token from OAuth & Permissions (xoxb-...), or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to install through OAuth",
    );
  }
  if (parsed.success && parsed.data.COO_HTTP_HEADERS_TIMEOUT_MS > parsed.data.COO_HTTP_REQUEST_TIMEOUT_MS) {
    problems.push(
      "COO_HTTP_HEADERS_TIMEOUT_MS: must not be longer than COO_HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)",
    );
  }
  if (!env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim()) {
    problems.push(
      "SLACK_SIGNING_SECRET: required in HTTP mode: the Signing Secret from Basic Information (or set SLACK_APP_TOKEN for Socket Mode)",
    );
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      oauth:
        e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET
          ? {
              clientId: e.SLACK_CLIENT_ID,
              clientSecret: e.SLACK_CLIENT_SECRET,
              stateSecret: e.SLACK_STATE_SECRET,
            }
          : undefined,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      mode: e.SLACK_APP_TOKEN ? "socket" : "http",
    },
    port: e.PORT === undefined ? 3000 : Number(e.PORT),
    database: e.DATABASE_URL
      ? { kind: "postgres", url: e.DATABASE_URL }
      : {
          kind: "pglite",
          dataDir: e.DATA_DIR,
          ...(e.COO_PGLITE_SHARED_BUFFERS ? { sharedBuffers: e.COO_PGLITE_SHARED_BUFFERS } : {}),
          ...(e.COO_PGLITE_WORKER ? { worker: e.COO_PGLITE_WORKER === "1" } : {}),
        },
    anthropic: e.ANTHROPIC_API_KEY
      ? { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL, model: e.COO_MODEL }
      : undefined,
    defaultTimeZone: e.COO_TIMEZONE,
    catchUpMinutes: e.COO_CATCHUP_MINUTES === undefined ? 120 : Number(e.COO_CATCHUP_MINUTES),
    sweepCron: e.COO_SWEEP_CRON ?? "*/15 * * * *",
    leaseSeconds: e.COO_LEASE_SECONDS === undefined ? 60 : Number(e.COO_LEASE_SECONDS),
    tickCron: e.COO_TICK_CRON ?? "* * * * *",
    logLevel: e.COO_LOG_LEVEL,
    logMessageText: e.COO_LOG_MESSAGE_TEXT === "true",
    encryption: e.COO_ENCRYPTION_KEY
      ? { key: e.COO_ENCRYPTION_KEY, oldKeys: e.COO_ENCRYPTION_OLD_KEYS }
      : undefined,
    databaseTimeouts: { connectMs: e.COO_DB_CONNECT_TIMEOUT_MS, statementMs: e.COO_DB_STATEMENT_TIMEOUT_MS },
    http: {
      headersTimeoutMs: e.COO_HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.COO_HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.COO_HTTP_KEEPALIVE_TIMEOUT_MS,
      maxConnections: e.COO_HTTP_MAX_CONNECTIONS,
      maxInFlight: e.COO_SLACK_MAX_IN_FLIGHT,
    },
    github: e.GITHUB_WEBHOOK_SECRET ? { webhookSecret: e.GITHUB_WEBHOOK_SECRET } : undefined,
    publicUrl: e.COO_PUBLIC_URL?.replace(/\/+$/, ""),
    dashboard:
      e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.COO_PUBLIC_URL
        ? {
            clientId: e.SLACK_CLIENT_ID,
            clientSecret: e.SLACK_CLIENT_SECRET,
            issuer: e.COO_OIDC_ISSUER,
            redirectUri: `${e.COO_PUBLIC_URL.replace(/\/+$/, "")}/app/auth/callback`,
          }
        : undefined,
    linear: e.LINEAR_WEBHOOK_SECRET ? { webhookSecret: e.LINEAR_WEBHOOK_SECRET } : undefined,
    reviewWaitDays: e.COO_REVIEW_WAIT_DAYS,
  };
}

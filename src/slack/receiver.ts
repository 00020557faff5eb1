import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { App, Receiver } from "@slack/bolt";
import type { Clock } from "../clock.js";
import type { HttpLimits } from "../config.js";
import {
  BodyTooLargeError,
  close,
  defaultLimits,
  listen,
  type Routes,
  readBody,
  routedServer,
  sendJson,
} from "../http/server.js";
import type { Log } from "../log.js";
import type { Metrics } from "../metrics.js";
import { checkEnvelope } from "./envelope.js";

/** Slack's own guidance: refuse requests whose timestamp is more than five minutes off, either way. */
const maxSkewSeconds = 5 * 60;
/** Slack's payloads are small; anything near this is not from Slack. */
const defaultBodyLimit = 1024 * 1024;
/** Slack requests handled at once before new ones are answered "busy". */
const defaultMaxInFlight = 50;

export type SignatureCheck = "ok" | "missing" | "stale" | "bad_signature";

export function checkSignature(options: {
  signingSecret: string;
  rawBody: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowSeconds: number;
}): SignatureCheck {
  const { signingSecret, rawBody, timestamp, signature, nowSeconds } = options;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return "missing";
  if (Math.abs(nowSeconds - Number(timestamp)) > maxSkewSeconds) return "stale";
  const expected = `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`;
  const given = Buffer.from(signature);
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted) ? "ok" : "bad_signature";
}

/**
 * Slack's certificate check: `ssl_check=1` and a verification token, nothing
 * else. It carries no signature (docs.slack.dev, slash commands). Any other
 * field (a command, a payload, an event) makes it an ordinary request, which
 * must be signed.
 */
export function isSslCheck(rawBody: string, contentType: string | undefined): boolean {
  if (!contentType?.startsWith("application/x-www-form-urlencoded")) return false;
  const form = new URLSearchParams(rawBody);
  if (form.getAll("ssl_check").length !== 1 || form.get("ssl_check") !== "1") return false;
  return [...form.keys()].every((key) => key === "ssl_check" || key === "token");
}

function parseSlackBody(rawBody: string, contentType: string | undefined): unknown {
  if (contentType?.startsWith("application/json")) return JSON.parse(rawBody);
  const form = Object.fromEntries(new URLSearchParams(rawBody));
  // Interactivity arrives as one form field holding JSON.
  if (typeof form.payload === "string") return JSON.parse(form.payload);
  return form;
}

/**
 * Serves Slack on `POST /slack/events` (commands, events and interactivity)
 * beside the project's own routes. Written for coo rather than using Bolt's
 * HTTPReceiver so the timestamp check is symmetric and health, readiness and
 * metrics live on the same port (docs/decisions/0003-receiver.md).
 */
export class SignedHttpReceiver implements Receiver {
  private app: App | undefined;
  private readonly server: Server;
  /** Slack requests being handled (from arrival until their listeners finish). */
  private inFlight = 0;

  constructor(
    private readonly options: {
      signingSecret: string;
      log: Log;
      clock: Clock;
      routes: Routes;
      bodyLimitBytes?: number;
      metrics?: Pick<Metrics, "requests" | "ackSeconds" | "shed" | "connectionsDropped">;
      limits?: HttpLimits;
    },
  ) {
    this.server = routedServer(
      { ...options.routes, "POST /slack/events": (req, res) => this.handleSlack(req, res) },
      (error) => options.log.error("http handler failed", { error }),
      (route, status) => options.metrics?.requests.inc({ route, status: String(status) }),
      options.limits ?? defaultLimits,
    );
    this.server.on("drop", () => options.metrics?.connectionsDropped.inc());
  }

  init(app: App): void {
    this.app = app;
  }

  /** Resolves to the port actually bound (pass 0 for an ephemeral one). */
  start(port: number): Promise<number> {
    return listen(this.server, port);
  }

  stop(): Promise<void> {
    return close(this.server);
  }

  private async handleSlack(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { log, clock, signingSecret } = this.options;
    let raw: string;
    try {
      raw = (await readBody(req, this.options.bodyLimitBytes ?? defaultBodyLimit)).toString("utf8");
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        log.warn("slack request refused: body too large");
        sendJson(res, 413, { error: "payload_too_large" });
        return;
      }
      throw error;
    }
    // Slack checks the certificate with an unsigned form post; it is answered
    // 200 and goes no further. Only that exact form qualifies.
    if (isSslCheck(raw, header(req, "content-type"))) {
      res.writeHead(200).end();
      return;
    }
    const check = checkSignature({
      signingSecret,
      rawBody: raw,
      timestamp: header(req, "x-slack-request-timestamp"),
      signature: header(req, "x-slack-signature"),
      nowSeconds: Math.floor(clock.now().getTime() / 1000),
    });
    if (check !== "ok") {
      log.warn("slack request refused", { reason: check });
      sendJson(res, 401, { error: "invalid_request", reason: check });
      return;
    }
    const body = this.readSlackBody(raw, header(req, "content-type"));
    if (!body) {
      sendJson(res, 400, { error: "malformed_body" });
      return;
    }
    if (body.ssl_check) {
      res.writeHead(200).end();
      return;
    }
    if (body.type === "url_verification") {
      sendJson(res, 200, { challenge: body.challenge });
      return;
    }
    await this.admit(req, res, body);
  }

  /**
   * Runs the request unless `maxInFlight` are already running; then answers
   * at once without running it (see `busyAnswer`). Slack's last retry of an
   * event is let in anyway: shed, it would be lost.
   */
  private async admit(
    req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown>,
  ): Promise<void> {
    const max = this.options.limits?.maxInFlight ?? defaultMaxInFlight;
    const lastTry = Number(header(req, "x-slack-retry-num") ?? 0) >= slackEventRetries;
    if (this.inFlight >= max && !lastTry) {
      this.options.metrics?.shed.inc({ kind: kindOf(body) });
      const { status, answer } = busyAnswer(body);
      sendJson(res, status, answer);
      return;
    }
    this.inFlight++;
    try {
      await this.dispatch(req, res, body);
    } finally {
      this.inFlight--;
    }
  }

  /** The signed body parsed and checked for a Slack shape (src/slack/envelope.ts); undefined: answer 400. */
  private readSlackBody(raw: string, contentType: string | undefined): Record<string, unknown> | undefined {
    let parsed: unknown;
    try {
      parsed = parseSlackBody(raw, contentType);
    } catch {
      this.options.log.warn("slack request refused: body is not JSON or a form");
      return undefined;
    }
    const checked = checkEnvelope(parsed);
    if (checked.ok) return checked.body;
    this.options.log.warn("slack request refused: not a Slack shape", { problem: checked.problem });
    return undefined;
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown>,
  ): Promise<void> {
    const app = this.app;
    if (!app) throw new Error("receiver used before App.init");
    let acked = false;
    const started = performance.now();
    const kind = typeof body.command === "string" ? "command" : String(body.type ?? "unknown");
    const ack = async (response?: unknown) => {
      if (acked) return;
      acked = true;
      this.options.metrics?.ackSeconds.observe({ kind }, (performance.now() - started) / 1000);
      if (response === undefined || response === "") res.writeHead(200).end();
      else if (typeof response === "string")
        res.writeHead(200, { "content-type": "text/plain" }).end(response);
      else sendJson(res, 200, response);
    };
    const retryNum = header(req, "x-slack-retry-num");
    try {
      await app.processEvent({
        body,
        ack,
        ...(retryNum ? { retryNum: Number(retryNum) } : {}),
        ...(header(req, "x-slack-retry-reason") ? { retryReason: header(req, "x-slack-retry-reason") } : {}),
      });
    } catch (error) {
      this.options.log.error("slack request failed", { error });
      if (!acked) {
        acked = true;
        sendJson(res, 500, { error: "internal_error" });
      }
      return;
    }
    // Nothing acked (no listener matched, or one returned early): answer anyway so
    // Slack does not retry or show a timeout.
    await ack();
  }
}

/** Slack retries a failed event delivery three times: at once, after a minute, after five. */
const slackEventRetries = 3;

export const busyText = "I'm busy right now, so I didn't do anything with that. Try again in a few seconds.";

function kindOf(body: Record<string, unknown>): string {
  return typeof body.command === "string" ? "command" : String(body.type ?? "unknown");
}

/**
 * What an overloaded receiver answers, running nothing:
 * - a command: 200 with an ephemeral "busy" reply (Slack shows it as the answer);
 * - a modal submission: 200 with the "busy" sentence under its first input,
 *   so the form stays open with what was typed;
 * - anything else: 503. Slack redelivers an event (its retries); for a
 *   button or shortcut it tells the person the app did not answer, and they
 *   can press again.
 */
function busyAnswer(body: Record<string, unknown>): { status: number; answer: unknown } {
  if (typeof body.command === "string") {
    return { status: 200, answer: { response_type: "ephemeral", text: busyText } };
  }
  if (body.type === "view_submission") {
    const blocks = (body.view as { blocks?: Array<{ type?: unknown; block_id?: unknown }> } | undefined)
      ?.blocks;
    const input = blocks?.find((b) => b.type === "input" && typeof b.block_id === "string");
    if (input) {
      return {
        status: 200,
        answer: { response_action: "errors", errors: { [input.block_id as string]: busyText } },
      };
    }
  }
  return { status: 503, answer: { error: "busy" } };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

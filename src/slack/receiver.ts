import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { App, Receiver } from "@slack/bolt";
import type { Clock } from "../clock.js";
import {
  BodyTooLargeError,
  close,
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

  constructor(
    private readonly options: {
      signingSecret: string;
      log: Log;
      clock: Clock;
      routes: Routes;
      bodyLimitBytes?: number;
      metrics?: Pick<Metrics, "requests" | "ackSeconds">;
    },
  ) {
    this.server = routedServer(
      { ...options.routes, "POST /slack/events": (req, res) => this.handleSlack(req, res) },
      (error) => options.log.error("http handler failed", { error }),
      (route, status) => options.metrics?.requests.inc({ route, status: String(status) }),
    );
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
    await this.dispatch(req, res, body);
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

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

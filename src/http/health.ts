import type { Database } from "../db/open.js";
import type { Metrics } from "../metrics.js";
import { type Handler, sendJson } from "./server.js";

/** 200 when the database answers a query, 503 when it does not. */
export function healthz(database: Database): Handler {
  return async (_req, res) => {
    const up = await database.ping();
    sendJson(res, up ? 200 : 503, { status: up ? "ok" : "unavailable", database: up ? "up" : "down" });
  };
}

/**
 * Ready to take traffic: the database answers and Slack's API is reachable
 * with our token (checked at most every 10 seconds).
 */
export function readyz(database: Database, slackReachable: () => Promise<boolean>): Handler {
  let last: { at: number; ok: boolean } | undefined;
  return async (_req, res) => {
    const db = await database.ping();
    // A good answer is trusted for 10 s; a bad one is asked again next time.
    if (!last || !last.ok || Date.now() - last.at > 10_000) {
      const ok = await slackReachable().catch(() => false);
      last = { at: Date.now(), ok };
    }
    const ready = db && last.ok;
    sendJson(res, ready ? 200 : 503, {
      status: ready ? "ready" : "not_ready",
      database: db ? "up" : "down",
      slack: last.ok ? "up" : "down",
    });
  };
}

export function metricsRoute(metrics: Metrics): Handler {
  return async (_req, res) => {
    const text = await metrics.registry.metrics();
    res.writeHead(200, { "content-type": metrics.registry.contentType });
    res.end(text);
  };
}

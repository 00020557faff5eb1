import type { Database } from "../db/open.js";
import type { Metrics } from "../metrics.js";
import { type Handler, sendJson } from "./server.js";

/** Load balancers and orchestrators give a health check about a second; answer within it either way. */
const answerWithinMs = 800;

/** 200 when the database answers a query, 503 when it does not (or not within 0.8 s). */
export function healthz(database: Database): Handler {
  return async (_req, res) => {
    const up = await database.ping(answerWithinMs);
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
    // A good answer is trusted for 10 s; a bad one is asked again next time.
    const askSlack = !last?.ok || Date.now() - last.at > 10_000;
    const [db, slackAnswer] = await Promise.all([
      database.ping(answerWithinMs),
      askSlack
        ? within(
            answerWithinMs,
            slackReachable().catch(() => false),
          )
        : last?.ok,
    ]);
    const slack = slackAnswer === true;
    if (askSlack) last = { at: Date.now(), ok: slack };
    const ready = db && slack;
    sendJson(res, ready ? 200 : 503, {
      status: ready ? "ready" : "not_ready",
      database: db ? "up" : "down",
      slack: slack ? "up" : "down",
    });
  };
}

/** `answer`, or false if it has not come within `ms`. */
async function within(ms: number, answer: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function metricsRoute(metrics: Metrics): Handler {
  return async (_req, res) => {
    const text = await metrics.registry.metrics();
    res.writeHead(200, { "content-type": metrics.registry.contentType });
    res.end(text);
  };
}

import { verify } from "@octokit/webhooks-methods";
import type { Db } from "../db/open.js";
import { type Handler, sendJson } from "../http/server.js";
import { header, jsonObject, webhookBody } from "../http/webhook.js";
import type { Log } from "../log.js";
import { acceptDelivery } from "./use-cases.js";

/** GitHub caps a delivery at 25 MB; the events coo reads are a few tens of kilobytes. */
const bodyLimitBytes = 5 * 1024 * 1024;

/**
 * `POST /integrations/github`: a signed delivery becomes a job keyed by its
 * delivery id before GitHub hears 200, so a redelivery changes nothing and a
 * crash loses nothing (docs/decisions/0025-github.md). Unset secret: 404, as
 * if the route did not exist.
 */
export function githubWebhook(options: { secret: string | undefined; db: Db; log: Log }): Handler {
  const { secret, db, log } = options;
  return async (req, res) => {
    if (!secret) {
      sendJson(res, 404, { error: "not_found" });
      return;
    }
    const body = await webhookBody(req, res, bodyLimitBytes);
    if (!body) return;
    const raw = body.toString("utf8");
    const signature = header(req, "x-hub-signature-256");
    // The library compares in constant time; a malformed signature is simply not valid.
    if (!signature || !(await verify(secret, raw, signature).catch(() => false))) {
      log.warn("github delivery refused: bad signature", { signed: Boolean(signature) });
      sendJson(res, 401, { error: "invalid_signature" });
      return;
    }
    const event = header(req, "x-github-event");
    const delivery = header(req, "x-github-delivery");
    const payload = jsonObject(raw);
    if (!event || !delivery || !payload) {
      log.warn("github delivery refused: malformed", { event, delivery });
      sendJson(res, 400, { error: "malformed_delivery" });
      return;
    }
    const accepted = await acceptDelivery(db, { delivery, event, payload });
    sendJson(res, 200, { ok: true, ...(accepted ? {} : { ignored: true }) });
  };
}

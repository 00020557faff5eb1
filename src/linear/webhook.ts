import { LINEAR_WEBHOOK_SIGNATURE_HEADER, LinearWebhookClient } from "@linear/sdk/webhooks";
import type { Db } from "../db/open.js";
import { type Handler, sendJson } from "../http/server.js";
import { header, jsonObject, webhookBody } from "../http/webhook.js";
import type { Log } from "../log.js";
import { acceptLinearDelivery } from "./use-cases.js";

/** Linear's own helper reads at most this much; the Issue events coo reads are a few kilobytes. */
const bodyLimitBytes = 5 * 1024 * 1024;

/**
 * `POST /integrations/linear`: a delivery signed with `Linear-Signature`
 * (HMAC-SHA256 of the raw body, checked by @linear/sdk's LinearWebhookClient,
 * which also refuses a `webhookTimestamp` more than a minute from now, so a
 * captured delivery cannot be replayed later) becomes a job keyed by its
 * `Linear-Delivery` id before Linear hears 200
 * (docs/decisions/0027-linear-and-reviews.md). Unset secret: 404.
 */
export function linearWebhook(options: { secret: string | undefined; db: Db; log: Log }): Handler {
  const { secret, db, log } = options;
  const client = secret ? new LinearWebhookClient(secret) : undefined;
  return async (req, res) => {
    if (!client) {
      sendJson(res, 404, { error: "not_found" });
      return;
    }
    const raw = await webhookBody(req, res, bodyLimitBytes);
    if (!raw) return;
    const signature = header(req, LINEAR_WEBHOOK_SIGNATURE_HEADER);
    const checked = signature ? verify(client, raw, signature) : "bad_signature";
    if (checked === "malformed") {
      log.warn("linear delivery refused: malformed", {});
      sendJson(res, 400, { error: "malformed_delivery" });
      return;
    }
    if (checked !== "ok") {
      log.warn("linear delivery refused", { reason: checked, signed: Boolean(signature) });
      sendJson(res, 401, { error: checked === "stale" ? "stale_timestamp" : "invalid_signature" });
      return;
    }
    const delivery = header(req, "linear-delivery");
    const payload = jsonObject(raw.toString("utf8"));
    if (!delivery || !payload) {
      log.warn("linear delivery refused: malformed", { delivery });
      sendJson(res, 400, { error: "malformed_delivery" });
      return;
    }
    const accepted = await acceptLinearDelivery(db, { delivery, payload });
    sendJson(res, 200, { ok: true, ...(accepted ? {} : { ignored: true }) });
  };
}

/**
 * The library throws for a wrong signature, a missing or stale timestamp,
 * and (after the signature matched) a body that is not JSON.
 */
function verify(
  client: LinearWebhookClient,
  raw: Buffer,
  signature: string,
): "ok" | "bad_signature" | "stale" | "malformed" {
  try {
    return client.verify(raw, signature) ? "ok" : "bad_signature";
  } catch (error) {
    if (error instanceof SyntaxError) return "malformed";
    const message = error instanceof Error ? error.message : "";
    return /timestamp/i.test(message) ? "stale" : "bad_signature";
  }
}

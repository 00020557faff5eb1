import { randomBytes } from "node:crypto";
import type { webApi } from "@slack/bolt";
import { CooError } from "../errors.js";
import type { Log } from "../log.js";
import { respondTo } from "./respond.js";

type Body = Record<string, unknown>;

/** Turns any failure into the sentence a user sees. Unexpected ones get a reference to find the log line. */
export function userFacingMessage(error: unknown, log: Log, context: Record<string, unknown>): string {
  // Bolt wraps a failed authorize twice (its own AuthorizationError around @slack/oauth's).
  let cause = error;
  while ((cause as { original?: unknown } | undefined)?.original)
    cause = (cause as { original: unknown }).original;
  if (cause instanceof CooError) {
    log.info("request refused", { code: cause.code, ...context });
    return cause.userMessage;
  }
  const ref = randomBytes(3).toString("hex");
  log.error("request failed", { ref, error: cause, ...context });
  return `Something went wrong on my side and nothing was changed (ref \`${ref}\`). Try again in a minute; if it keeps happening, give your admin that ref.`;
}

function pick(body: Body, path: string[]): string | undefined {
  let value: unknown = body;
  for (const key of path) value = (value as Body | undefined)?.[key];
  return typeof value === "string" ? value : undefined;
}

/**
 * Delivers the message privately to whoever triggered the failed request:
 * through response_url when the payload has one (commands, buttons), as an
 * ephemeral message in the channel otherwise (events).
 */
export async function replyWithError(
  client: webApi.WebClient,
  body: Body,
  text: string,
  token?: string,
  fetchFn: typeof fetch = fetch,
): Promise<void> {
  const responseUrl = pick(body, ["response_url"]);
  if (responseUrl) {
    await respondTo(responseUrl, { text, replace_original: false }, fetchFn);
    return;
  }
  const channel = pick(body, ["event", "channel"]) ?? pick(body, ["channel", "id"]);
  const user = pick(body, ["event", "user"]) ?? pick(body, ["user", "id"]);
  if (channel && user) {
    const threadTs = pick(body, ["event", "thread_ts"]);
    await client.chat.postEphemeral({
      channel,
      user,
      text,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(token ? { token } : {}),
    });
  }
}

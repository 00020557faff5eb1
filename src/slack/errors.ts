import { randomBytes } from "node:crypto";
import type { webApi } from "@slack/bolt";
import { CooError, databaseFailure } from "../errors.js";
import type { Log } from "../log.js";
import { respondTo } from "./respond.js";

type Body = Record<string, unknown>;

const databaseAwayMessages = {
  untouched: "I can't reach my database right now, so nothing was changed. Try again in a minute.",
  unsure:
    "My database stopped answering partway through, so I can't tell whether that went through. Give it a minute, then check before you try again.",
};

/**
 * Turns any failure into the sentence a user sees. Unexpected ones get a
 * reference to find the log line. `databaseSilent` says Postgres has answered
 * nothing since the request arrived: only then, and only when the failing
 * statement never left, is "nothing was changed" certain.
 */
export function userFacingMessage(
  error: unknown,
  log: Log,
  context: Record<string, unknown>,
  databaseSilent = false,
): string {
  // Bolt wraps a failed authorize twice (its own AuthorizationError around @slack/oauth's).
  let cause = error;
  while ((cause as { original?: unknown } | undefined)?.original)
    cause = (cause as { original: unknown }).original;
  if (cause instanceof CooError) {
    log.info("request refused", { code: cause.code, ...context });
    return cause.userMessage;
  }
  const failure = databaseFailure(cause);
  if (failure) {
    log.warn("request failed: database unavailable", {
      failure,
      error: (cause as Error)?.message,
      ...context,
    });
    return failure === "unreachable" && databaseSilent
      ? databaseAwayMessages.untouched
      : databaseAwayMessages.unsure;
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
  if (!channel && user && body.type === "view_submission") {
    // A modal has no channel (and has closed by now): the sentence goes to the person's DM with coo.
    await client.chat.postMessage({ channel: user, text, ...(token ? { token } : {}) });
    return;
  }
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

import type { webApi } from "@slack/bolt";
import type { Block } from "./commands.js";

/*
 * What the job system (src/jobs/outbox.ts) asks of Slack to send one
 * message: open a DM, post with the job's id in the message's metadata, and
 * look for an earlier attempt by that id. No database here; pacing and
 * retries are the job system's.
 */

/** Slack errors that retrying will not fix: recorded, reported, not retried. */
const permanent = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "account_inactive",
  "user_not_found",
  "invalid_blocks",
  "msg_too_long",
  "no_text",
  "restricted_action",
  "cannot_dm_bot",
  "user_disabled",
]);

/** Pages of a channel's history (or a thread's replies) read when looking for an earlier attempt. */
const maxLookupPages = 5;

export type SlackFailure = {
  kind: "rate" | "server" | "permanent" | "other";
  retryAfter?: number;
  detail: string;
};

/** What a failed Web API call means for a retry. */
export function slackFailure(error: unknown): SlackFailure {
  const e = error as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string };
    message?: string;
  };
  if (e.code === "slack_webapi_rate_limited_error")
    return { kind: "rate", retryAfter: e.retryAfter ?? 1, detail: "ratelimited" };
  if (e.code === "slack_webapi_http_error" && (e.statusCode ?? 0) >= 500)
    return { kind: "server", detail: `http ${e.statusCode}` };
  if (e.code === "slack_webapi_platform_error") {
    const slack = e.data?.error ?? "unknown";
    return { kind: permanent.has(slack) ? "permanent" : "other", detail: slack };
  }
  return { kind: "other", detail: e.message ?? String(error) };
}

/** The DM channel with a person (or a group of people, "U1,U2"). */
export async function openDm(client: webApi.WebClient, users: string): Promise<string | undefined> {
  const opened = await client.conversations.open({ users });
  return opened.channel?.id;
}

export type Post = {
  channel: string;
  text: string;
  blocks?: Block[] | undefined;
  threadTs?: string | undefined;
  /** The job's id, carried in the message's metadata so a retry can find it. */
  jobId: number;
};

/** Posts a message; Slack's ts for it. */
export async function post(client: webApi.WebClient, message: Post): Promise<string> {
  const posted = await client.chat.postMessage({
    channel: message.channel,
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    metadata: { event_type: "coo_outbox", event_payload: { id: message.jobId } },
  });
  return posted.ts as string;
}

/**
 * The ts of job `jobId`'s message if an earlier attempt posted it. A
 * channel's history holds only its top-level messages; a reply in a thread
 * (a standup summary) is only in that thread's replies. Both are read from a
 * minute before the job was written, a few pages at most.
 */
export async function findPosted(
  client: webApi.WebClient,
  message: { channel: string; threadTs?: string | null | undefined; jobId: number; writtenAt: Date },
): Promise<string | undefined> {
  const oldest = String(Math.floor(message.writtenAt.getTime() / 1000) - 60);
  const isOurs = (msg: { metadata?: unknown }) =>
    (msg.metadata as { event_payload?: { id?: number } } | undefined)?.event_payload?.id === message.jobId;
  let cursor: string | undefined;
  for (let page = 0; page < maxLookupPages; page++) {
    const args = {
      channel: message.channel,
      oldest,
      include_all_metadata: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    };
    const found = message.threadTs
      ? await client.conversations.replies({ ...args, ts: message.threadTs })
      : await client.conversations.history(args);
    const ours = found.messages?.find(isOurs);
    if (ours) return ours.ts;
    cursor = found.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}

import type { webApi } from "@slack/bolt";
import { badInput, CooError } from "../errors.js";

/** Slack's error code of a failed Web API call, if it was Slack that said no. */
export function slackError(error: unknown): string | undefined {
  const e = error as { code?: string; data?: { error?: string } };
  return e.code === "slack_webapi_platform_error" ? e.data?.error : undefined;
}

/**
 * Makes sure coo can post in a channel before it promises to post there on
 * a schedule. A public channel it is not in, it joins (`channels:join`); a
 * private one it cannot join, so the person is told how to invite it. Slack
 * hides a private channel from a bot that is not in it (`channel_not_found`),
 * so that reads the same. `again` is the command to run once coo is in.
 * Resolves with whether coo joined just now.
 */
export async function ensureMember(
  client: webApi.WebClient,
  channelId: string,
  again: string,
): Promise<"member" | "joined"> {
  const invite = new CooError(
    "conflict",
    `I'm not in this channel, and it is private, so I can't join it myself. Invite me with \`/invite @coo\` here, then run ${again} again.`,
  );
  let channel: { is_member?: boolean; is_private?: boolean; is_archived?: boolean } | undefined;
  try {
    channel = (await client.conversations.info({ channel: channelId })).channel;
  } catch (error) {
    if (slackError(error) === "channel_not_found") throw invite;
    throw error;
  }
  if (channel?.is_archived)
    throw badInput("This channel is archived, so nothing can be posted in it. Run this in a channel in use.");
  if (channel?.is_member) return "member";
  if (channel?.is_private) throw invite;
  try {
    await client.conversations.join({ channel: channelId });
    return "joined";
  } catch (error) {
    const code = slackError(error);
    if (code === "method_not_supported_for_channel_type") throw invite;
    if (code === "missing_scope")
      throw new CooError(
        "unavailable",
        `I'm not in this channel and may not join channels on my own: my installation lacks the \`channels:join\` permission. Invite me with \`/invite @coo\` here, then run ${again} again (or have an admin reinstall me from the current manifest).`,
      );
    throw error;
  }
}

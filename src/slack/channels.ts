import type { webApi } from "@slack/bolt";
import { badInput, CooError } from "../errors.js";
import { channelMembers } from "./members.js";

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

/**
 * The channels of a workspace as the use cases see them: Slack is behind
 * this port, as it is behind `People`, so a use case asks "who is in this
 * channel" or "may coo post here" without knowing Slack.
 */
export type Channels = {
  /**
   * coo can post in the channel when the time comes: a public channel it is
   * not in, it joins; otherwise it refuses with how to invite it (see
   * `ensureMember`). `again` is the command to run once coo is in.
   */
  join(workspaceId: string, channelId: string, again: string): Promise<"member" | "joined">;
  /** The people in a channel, coo itself left out. */
  members(workspaceId: string, channelId: string): Promise<string[]>;
  /** A link to a message, or undefined when Slack gives none. */
  permalink(workspaceId: string, channelId: string, ts: string): Promise<string | undefined>;
};

export function channelDirectory(deps: {
  slackFor: (workspaceId: string) => Promise<webApi.WebClient>;
}): Channels {
  return {
    join: async (workspaceId, channelId, again) =>
      ensureMember(await deps.slackFor(workspaceId), channelId, again),
    members: async (workspaceId, channelId) => {
      const client = await deps.slackFor(workspaceId);
      const members = await channelMembers(client, channelId);
      const self = await client.auth.test();
      return members.filter((m) => m !== self.user_id);
    },
    permalink: async (workspaceId, channelId, ts) => {
      try {
        const client = await deps.slackFor(workspaceId);
        return (await client.chat.getPermalink({ channel: channelId, message_ts: ts })).permalink;
      } catch {
        return undefined;
      }
    },
  };
}

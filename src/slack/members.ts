import type { webApi } from "@slack/bolt";

/** Every member of a channel, following Slack's pagination. */
export async function channelMembers(client: webApi.WebClient, channel: string): Promise<string[]> {
  const members: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.conversations.members({ channel, limit: 500, ...(cursor ? { cursor } : {}) });
    members.push(...(page.members ?? []));
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return members;
}

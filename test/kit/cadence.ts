import type { Harness } from "./harness.js";
import { replyTo } from "./harness.js";

/** Sets up a cadence with a command, as a person would, and returns its row. */
export async function scheduleCadence(h: Harness, text: string, channel: string, user = "U1") {
  const reply = await replyTo(h, await h.bot.slack.command(text, { user, channel }));
  if (!reply.startsWith("Scheduled")) throw new Error(`could not schedule: ${reply}`);
  return h.bot.coo.deps.db.cadence.findFirstOrThrow({
    where: { channelId: channel },
    orderBy: { id: "desc" },
  });
}

/** A reply in a thread, as Slack delivers it. */
export function threadReply(
  h: Harness,
  input: { channel: string; threadTs: string; user: string; text: string; ts: string },
  eventId?: string,
) {
  return h.bot.slack.event(
    {
      type: "message",
      channel: input.channel,
      channel_type: "channel",
      user: input.user,
      text: input.text,
      ts: input.ts,
      thread_ts: input.threadTs,
    },
    eventId ? { eventId } : {},
  );
}

/** Resolves once the bot has finished handling events (answers are handled after the ack). */
export async function settle(ms = 300): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** A `message` event as Slack sends it, with the fields coo reads. */
export type MessageLike = {
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
  /** message_changed: the message as it is now */
  message?: {
    user?: string;
    user_team?: string;
    bot_id?: string;
    text?: string;
    ts: string;
    thread_ts?: string;
  };
  /** message_deleted: the message that was deleted, when Slack includes it */
  previous_message?: { user?: string };
  deleted_ts?: string;
};

/**
 * A message a person wrote, to read: plain, with a file attached, or a thread
 * reply also sent to the channel. Edits, deletions, joins and every bot's
 * messages are not (edits and deletions of standup answers have their own path).
 */
export function isPersonMessage(message: MessageLike): boolean {
  if (message.bot_id || !message.user) return false;
  return (
    message.subtype === undefined ||
    message.subtype === "file_share" ||
    message.subtype === "thread_broadcast"
  );
}

/*
 * A Slack status that means "away": read from the profile Slack sends in
 * users.profile.get and in user_change / user_status_changed events
 * (https://api.slack.com/methods/users.profile.get,
 * https://api.slack.com/events/user_status_changed). Pure.
 */

/** The fields of a Slack profile coo reads for leave. */
export type SlackStatus = {
  status_text?: string | undefined;
  status_emoji?: string | undefined;
  /** Unix seconds; 0 when the status does not expire. */
  status_expiration?: number | undefined;
};

/** Emoji people set when they are away for the day or longer. */
const awayEmoji = new Set([":palm_tree:", ":airplane:", ":beach_with_umbrella:", ":desert_island:"]);

/** Words of a status that mean leave, not a meeting or lunch. */
const awayWords =
  /\b(on vacation|vacationing|vacation|out of (the )?office|ooo|pto|on leave|annual leave|parental leave|sick leave|off sick|on holiday|holidays?)\b/i;

export type StatusLeave = { away: boolean; until: Date | undefined; text: string | undefined };

/** Whether a status reads as leave, and until when (its expiration). */
export function statusLeave(status: SlackStatus): StatusLeave {
  const text = status.status_text?.trim() || undefined;
  const emoji = status.status_emoji?.trim() || undefined;
  const away = (emoji !== undefined && awayEmoji.has(emoji)) || (text !== undefined && awayWords.test(text));
  const seconds = status.status_expiration ?? 0;
  const until = away && seconds > 0 ? new Date(seconds * 1000) : undefined;
  const shown = [emoji, text].filter(Boolean).join(" ") || undefined;
  return { away, until, text: shown?.slice(0, 200) };
}

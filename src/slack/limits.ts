/**
 * Slack's limits on what coo composes (docs.slack.dev, Block Kit reference;
 * chat.postMessage). Over any of them Slack refuses the whole message:
 * `fit.ts` packs, caps and splits what coo builds to stay within them.
 */
export const slackLimits = {
  messageBlocks: 50,
  /** A section's text, and any other text object without a tighter limit. */
  text: 3000,
  buttonValue: 2000,
  /** A message's top-level `text`. */
  messageText: 40_000,
} as const;

/** Where a cut may not fall: inside a mention, channel, link or date `<...>`, or an entity like `&amp;`. */
function safeCut(text: string, at: number): number {
  const open = text.lastIndexOf("<", at - 1);
  if (open >= 0 && text.indexOf(">", open) >= at) at = open;
  const amp = text.lastIndexOf("&", at - 1);
  if (amp >= 0 && at - amp < 8 && /^&[#a-z0-9]*$/i.test(text.slice(amp, at))) at = amp;
  // Never between the two halves of a surrogate pair (an emoji).
  const code = text.charCodeAt(at - 1);
  if (code >= 0xd800 && code <= 0xdbff) at -= 1;
  return at;
}

/**
 * `text` in at most `max` characters: whole if it fits, otherwise cut at a
 * word boundary (never inside a mention, link or entity) and ended with "…".
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = max - 1;
  let at = safeCut(text, room);
  const space = text.lastIndexOf(" ", at);
  // Prefer the last whole word, unless that throws away most of the room.
  if (space > room / 2) at = safeCut(text, space);
  return `${text.slice(0, at).trimEnd()}…`;
}

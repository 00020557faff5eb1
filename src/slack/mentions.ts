/** Slack sends mentions escaped: `<@U123>` or `<@U123|name>`; channels as `<#C123|name>`. */
export const userMentionPattern = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/;
const userMentionGlobal = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

export function userIdOf(mention: string): string | undefined {
  const match = new RegExp(`^${userMentionPattern.source}$`).exec(mention.trim());
  return match?.[1];
}

export function mentionedUsers(text: string): string[] {
  return [...text.matchAll(userMentionGlobal)].map((m) => m[1] as string);
}

export const mention = (userId: string) => `<@${userId}>`;

/**
 * Text a user typed (or that came from what they typed), safe to echo inside
 * mrkdwn. Slack sends text escaped, `&`, `<` and `>` as `&amp;`, `&lt;` and
 * `&gt;`, so every `<...>` left is one of its control sequences
 * (docs.slack.dev, "Formatting text for app surfaces"). Each is rewritten by
 * what it is: a person or a channel stays a mention or a link; a special
 * mention (`<!channel>`, `<!here>`, `<!everyone>`, a user group) becomes plain
 * text that pings nobody; a link shows where it goes, so its label cannot
 * pass for something else; a date shows its fallback. Anything else, and any
 * stray `<`, `>` or `&`, is escaped and shows as typed.
 */
export function quote(text: string): string {
  return text
    .split(/(<[^<>]*>)/)
    .map((part, i) => (i % 2 === 1 ? controlSequence(part.slice(1, -1)) : escapeText(part)))
    .join("");
}

/** What someone typed, in quotes, for a refusal: quoted as above and cut at `max` characters. */
export function echo(text: string, max = 80): string {
  const chars = [...text.trim()];
  return `"${quote(chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : chars.join(""))}"`;
}

/** `&`, `<` and `>` as Slack wants them, leaving the entities Slack already sent alone. */
export function escapeText(text: string): string {
  return text
    .replace(/&(?!(?:amp|lt|gt);)/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** "@channel" as text: a word joiner after the @ keeps it from ever being read as a mention. */
const noPing = (name: string) => `@\u2060${escapeText(name.replace(/^@/, ""))}`;

function controlSequence(inner: string): string {
  const bar = inner.indexOf("|");
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? "" : inner.slice(bar + 1);
  const user = /^@([UW][A-Z0-9]+)$/.exec(target);
  if (user) return mention(user[1] as string);
  if (/^#C[A-Z0-9]+$/.test(target)) return /^[\w-]+$/.test(label) ? `<${target}|${label}>` : `<${target}>`;
  const special = /^!(channel|here|everyone)$/.exec(target);
  if (special) return noPing(special[1] as string);
  if (target.startsWith("!subteam^")) return noPing(label || "group");
  if (target.startsWith("!date^")) return escapeText(label);
  if (/^[a-z][a-z0-9+.-]*:\S+$/i.test(target)) {
    const url = escapeText(target);
    if (label === "") return url;
    const bare = (s: string) => s.replace(/^[a-z][a-z0-9+.-]*:(\/\/)?/i, "").replace(/\/$/, "");
    return bare(label) === bare(target) ? escapeText(label) : `${escapeText(label)} (${url})`;
  }
  return escapeText(`<${inner}>`);
}

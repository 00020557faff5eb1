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

/** Text a user typed, safe to echo inside mrkdwn: no pings to everyone, no fake links. */
export function quote(text: string): string {
  return text
    .replace(/<!(channel|here|everyone)[^>]*>/g, "@$1")
    .replace(/[<>]/g, (c) => (c === "<" ? "‹" : "›"));
}

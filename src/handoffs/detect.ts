import * as chrono from "chrono-node";
import { z } from "zod";
import type { Llm } from "../llm/client.js";
import { mentionedUsers, userMentionPattern } from "../slack/mentions.js";
import { tooFarBack } from "../time/when.js";

/** Who owes what to whom, since when, as read from what someone said. */
export type HandoffDraft = {
  what: string;
  fromId?: string | undefined;
  fromText?: string | undefined;
  toId?: string | undefined;
  toText?: string | undefined;
  since: Date;
};

/** Phrases of a stalled handoff in a DM: someone owes someone else something. */
const stalled =
  /\b(still hasn'?t|still haven'?t|hasn'?t (sent|given|shared|delivered|handed)|haven'?t (got|gotten|received|heard)|never (sent|got|received)|waiting (on|for)\b|stuck waiting|hand-?off|handover|dropped the ball|no response from)\b/i;

export const looksLikeHandoff = (text: string) =>
  stalled.test(text) && !/^\s*(who|what|when|where|how|is|are)\b.*\?\s*$/i.test(text);

function sinceOf(text: string, now: Date): { since: Date; rest: string } {
  const match = /\s+(?:since|from)\s+(.+?)\s*[.!]*$/i.exec(text);
  if (match?.[1]) {
    const parsed = chrono.parseDate(match[1], { instant: now }, { forwardDate: false });
    if (parsed && parsed <= now && !tooFarBack(parsed, now))
      return { since: parsed, rest: text.slice(0, match.index) };
  }
  return { since: now, rest: text };
}

const who = (s: string) => {
  const user = new RegExp(`^${userMentionPattern.source}$`).exec(s.trim());
  return user?.[1] ? { id: user[1] } : { text: s.trim().replace(/^the\s+/i, "") };
};

/**
 * Reads "design still hasn't sent the specs to backend" or "waiting on @dana
 * for the API keys since Monday" into who owes what to whom, since when.
 */
/**
 * What is owed, as a short phrase: the rest of the sentence stays in the
 * reporter's DM. Punctuation inside Slack's `<...>` (a link, a mention) does
 * not end it.
 */
const phrase = (s: string) => (s.split(/(?:[,;.!?]|\s[-–—]\s)(?![^<>]*>)/)[0] ?? s).trim().slice(0, 300);

export function handoffByRules(text: string, reporterId: string, now: Date): HandoffDraft {
  const clean = text.trim().replace(/\s+/g, " ");
  const { since, rest } = sinceOf(clean, now);
  const owes =
    /^(.+?)\s+(?:still\s+)?(?:hasn'?t|haven'?t|has not|have not|never)\s+(?:yet\s+)?(?:sent|given|shared|delivered|handed over|finished|done)\s+(?:us\s+|me\s+)?(.+?)(?:\s+(?:to|for)\s+(.+?))?$/i.exec(
      rest,
    );
  if (owes?.[1] && owes[2]) {
    const from = who(owes[1]);
    const to = owes[3] ? who(owes[3]) : { id: reporterId };
    return {
      what: owes[2],
      fromId: from.id,
      fromText: from.text,
      toId: to.id,
      toText: "text" in to ? to.text : undefined,
      since,
    };
  }
  const waiting =
    /waiting (?:on|for) (<@[^>]+>|[\w .&-]+?) (?:for|to send|to give|to share|to deliver|to finish) (.+)$/i.exec(
      rest,
    );
  if (waiting?.[1] && waiting[2]) {
    const from = who(waiting[1]);
    return { what: phrase(waiting[2]), fromId: from.id, fromText: from.text, toId: reporterId, since };
  }
  const mentioned = mentionedUsers(rest).filter((u) => u !== reporterId);
  return { what: phrase(rest), fromId: mentioned[0], toId: reporterId, since };
}

const llmDraft = z.object({
  is_handoff: z.boolean(),
  what: z.string().min(1).max(300),
  from_user_id: z.string().nullable(),
  from_other: z.string().max(100).nullable(),
  to_user_id: z.string().nullable(),
  to_other: z.string().max(100).nullable(),
});

/** Claude reads the parties when a key is set; user ids must be ones the text mentions (or the reporter). */
export async function readHandoff(
  llm: Llm | undefined,
  text: string,
  reporterId: string,
  now: Date,
): Promise<HandoffDraft> {
  const rules = handoffByRules(text, reporterId, now);
  if (!llm) return rules;
  const result = await llm.structured({
    task: "handoff",
    schema: llmDraft,
    instruction:
      "This direct message may describe a stalled handoff: one person or team owes another something. Say who owes (from), who waits (to), and what. Use user ids only as written in the text (<@ID>); 'me' or 'I' is the author.",
    input: text,
    maxTokens: 300,
  });
  if (!result.ok || !result.value.is_handoff) return rules;
  const allowed = new Set([...mentionedUsers(text), reporterId]);
  const id = (value: string | null) => (value && allowed.has(value) ? value : undefined);
  const v = result.value;
  return {
    what: phrase(v.what),
    fromId: id(v.from_user_id),
    fromText: v.from_other ?? undefined,
    toId: id(v.to_user_id) ?? (v.to_other ? undefined : reporterId),
    toText: v.to_other ?? undefined,
    since: rules.since,
  };
}

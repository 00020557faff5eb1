import { z } from "zod";
import { formatId } from "../ledger/ids.js";
import { actions, type ButtonStyle, buttonSpec, section } from "../slack/blocks.js";
import type { Reply } from "../slack/commands.js";
import { linesWithin } from "../slack/fit.js";
import { slackLimits } from "../slack/limits.js";
import { mention, quote } from "../slack/mentions.js";
import { duration, plural } from "../words.js";
import type { ChaseStep, Handoff, HandoffDraft, OfferChoice } from "./use-cases.js";

/** Open handoffs `/coo handoffs` lists; the rest are counted. */
export const handoffsShown = 30;

export const side = (id: string | null | undefined, text: string | null | undefined) =>
  id ? mention(id) : text ? quote(text) : "someone";

export function handoffLine(h: Handoff, now: Date): string {
  const waited = duration(now.getTime() - h.since.getTime());
  return `*${formatId("handoff", h.number)}* ${quote(h.what)}: ${side(h.fromId, h.fromText)} → ${side(h.toId, h.toText)} · waiting for ${waited}${h.status === "open" ? "" : ` · ${h.status}`}`;
}

const userId = z.string().regex(/^[UW][A-Z0-9]+$/);

/** What rides in the offer's buttons: the draft read from the DM (and, for "quote", the DM itself). */
const draftValue = z.object({
  mode: z.enum(["record", "nudge", "quote", "dismiss"]),
  w: z.string().min(1).max(300),
  f: userId.optional(),
  ft: z.string().max(100).optional(),
  t: userId.optional(),
  tt: z.string().max(100).optional(),
  s: z.string().datetime(),
  q: z.string().max(600).optional(),
  r: userId,
});
type DraftValue = z.infer<typeof draftValue>;

/** The offer's choices: one button each, told apart by a suffix that matches the value's mode. */
export const handoffButtons = {
  offer: buttonSpec({ id: "handoff_choice", value: draftValue, variants: ["nudge", "quote", "dismiss"] }),
};

/** "Record it" is the plain `handoff_choice`; the others carry their mode as the variant. */
const choice = (label: string, value: DraftValue, style?: ButtonStyle) =>
  handoffButtons.offer.element(label, value, {
    style,
    variant: value.mode === "record" ? undefined : value.mode,
  });

/**
 * The "quote" choice carries the DM itself: as much of it as keeps the
 * button's value (JSON, where quotes and backslashes take two characters)
 * within Slack's 2,000.
 */
function withQuote(base: Omit<DraftValue, "mode">, dm: string): DraftValue {
  const value: DraftValue = { ...base, mode: "quote", q: "" };
  let room = slackLimits.buttonValue - JSON.stringify(value).length;
  let q = "";
  for (const char of dm) {
    room -= JSON.stringify(char).length - 2;
    if (room < 0) break;
    q += char;
  }
  return { ...value, q };
}

/** The reply to a DM that reads as a stuck handoff: what coo understood, and the reporter's choice. */
export function handoffOffer(draft: HandoffDraft, reporterId: string, original: string) {
  const base: Omit<DraftValue, "mode"> = {
    w: draft.what.slice(0, 300),
    ...(draft.fromId ? { f: draft.fromId } : draft.fromText ? { ft: draft.fromText.slice(0, 100) } : {}),
    ...(draft.toId ? { t: draft.toId } : draft.toText ? { tt: draft.toText.slice(0, 100) } : {}),
    s: draft.since.toISOString(),
    r: reporterId,
  };
  const text = `Sounds like a stuck handoff: *${quote(draft.what)}*, owed by ${side(draft.fromId, draft.fromText)} to ${side(draft.toId, draft.toText)}. Shall I track it? It stays between you and the people on it, and nobody is nudged unless you pick a nudge.`;
  const buttons = [
    choice("Record it", { ...base, mode: "record" }, "primary"),
    ...(draft.fromId
      ? [
          choice("Record and nudge them", { ...base, mode: "nudge" }),
          choice("Nudge with my words", withQuote(base, original.slice(0, 600))),
        ]
      : []),
    choice("Not now", { ...base, mode: "dismiss" }),
  ];
  return { text, blocks: [section(text), actions(...buttons)] };
}

/** The DM that opens a conversation with both sides; it quotes the reporter only when asked to. */
export function handoffNudge(
  draft: HandoffDraft & { fromId: string },
  reporterId: string,
  number: number,
  words: string | undefined,
): string {
  const id = formatId("handoff", number);
  return [
    `Hi ${mention(draft.fromId)}: ${side(draft.toId ?? reporterId, draft.toText)} is waiting on *${quote(draft.what)}* from you (tracked as ${id}). What is the plan, and by when?`,
    ...(words ? [`In ${mention(reporterId)}'s words:\n> ${quote(words).replace(/\n/g, "\n> ")}`] : []),
    `\`/coo handoff done ${id}\` when it has landed.`,
  ].join("\n");
}

export const offerDismissed = "OK, not tracking it. Tell me again any time.";

/** What the offer becomes once the reporter chose to track it. */
export function offerTakenReply(h: Handoff, choice: Exclude<OfferChoice, "dismiss">, now: Date): string {
  const done =
    choice === "record"
      ? ` Only you and the people on it can see it; I won't nudge anyone. \`/coo handoff share ${formatId("handoff", h.number)}\` makes it visible to the team.`
      : choice === "quote"
        ? " I nudged them with your words."
        : " I nudged them, without quoting you.";
  return `Tracking ${handoffLine(h, now)}.${done}`;
}

export function trackingReply(h: Handoff, now: Date): string {
  return `Tracking ${handoffLine(h, now)}, visible to the workspace. \`/coo handoffs\` lists them; I'll chase it if it goes stale.`;
}

export function closedReply(h: Handoff): string {
  return `Closed *${formatId("handoff", h.number)}* ${quote(h.what)}.`;
}

export function sharedReply(h: Handoff, changed: boolean): string {
  const id = formatId("handoff", h.number);
  return changed
    ? `*${id}* ${quote(h.what)} is now visible to the workspace, and I'll chase it if it goes stale.`
    : `*${id}* is already shared.`;
}

/** `/coo handoffs`: the open ones the viewer may see, the longest waiting first; private ones are marked. */
export function handoffList(page: { items: Handoff[]; total: number }, now: Date): Reply {
  const { items, total } = page;
  if (items.length === 0)
    return { text: "No open handoffs that you can see. `/coo handoff <what> from @a to @b` records one." };
  const lines = [
    `*Open handoffs* (${total}), the longest waiting first`,
    ...items.map((h) => `• ${handoffLine(h, now)}${h.shared ? "" : " · private"}`),
  ];
  return {
    text: plural(total, "open handoff"),
    blocks: linesWithin(lines, { more: (n) => `…and ${n} more.`, unlisted: total - items.length }),
  };
}

/** The DM of one step of the chase: to the side that owes it, or to the seated CEO. */
export function chaseNotice(step: ChaseStep, h: Handoff, now: Date): string {
  const id = formatId("handoff", h.number);
  const days = Math.floor((now.getTime() - h.since.getTime()) / (24 * 3600_000));
  if (step === "tell_ceo")
    return `Flagging to you as CEO: *${id}* ${quote(h.what)} has been stuck between ${side(h.fromId, h.fromText)} and ${side(h.toId, h.toText)} for ${plural(days, "day")}.`;
  return `${step === "remind_from" ? "Still open: " : ""}${side(h.toId, h.toText)} has been waiting ${days >= 1 ? plural(days, "day") : "a while"} on *${quote(h.what)}* from you (${id}). When can it land? \`/coo handoff done ${id}\` once it has.`;
}

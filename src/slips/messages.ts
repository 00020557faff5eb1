import { z } from "zod";
import { commitmentButtons, commitmentLine } from "../commitments/messages.js";
import type { CommitmentRow } from "../commitments/use-cases.js";
import { formatId } from "../ledger/ids.js";
import { actions, buttonSpec, context, modalSpec, section } from "../slack/blocks.js";
import type { Block, Reply } from "../slack/commands.js";
import { linesWithin } from "../slack/fit.js";
import { shorten, slackLimits } from "../slack/limits.js";
import { mention, quote } from "../slack/mentions.js";
import { describeDay, describeInstant, slackDate } from "../time/when.js";
import { agree, plural } from "../words.js";
import { ladder, maxSnoozeDays, type Risk, type Step } from "./classify.js";

/*
 * What the slips feature shows: the nudges the sweep sends, `/coo risks`,
 * `/coo escalation`, the Need help form and the notes around them. Pure:
 * Block Kit and text within Slack's limits, no I/O.
 */

/** Need help: the commitment it is about. */
const helpValue = z.object({ n: z.number().int().positive() });
/** Snooze: the commitment and for how many days. */
const snoozeValue = z.object({
  n: z.number().int().positive(),
  d: z.number().int().min(1).max(maxSnoozeDays),
});

/** The owner's nudge's own buttons (next to the commitment's Done and Slip to…). */
export const nudgeButtons = {
  help: buttonSpec({ id: "nudge_help", value: helpValue }),
  snooze: buttonSpec({ id: "nudge_snooze", value: snoozeValue }),
};

/** The Need help form carries the commitment it is about. */
export const nudgeForms = {
  help: modalSpec({ callbackId: "nudge_help_modal", metadata: helpValue }),
};

/** Up to three blocks an item plus a heading and a footer stays within Slack's 50. */
export const maxItemsPerMessage = 15;
/** Commitments shown under each heading of `/coo risks`; the rest are counted. */
const risksShown = 15;

const riskWords: Record<Risk, string> = {
  overdue: ":red_circle: overdue",
  at_risk: ":large_orange_circle: due soon, no update yet",
  drifting: ":hourglass: on today's list three standups running",
  in_review: ":memo: held up in review",
};

export type NudgeItem = {
  commitment: CommitmentRow;
  risk: Risk;
  step: Step;
  /** Steps already taken about this due date: a message past the owner says what was tried. */
  tried?: Partial<Record<Step, Date>>;
};

const triedWords: Record<Step, string> = {
  dm_owner: "a DM to the owner",
  remind_owner: "a reminder with an offer to record a blocker",
  tell_lead: "the lead or channel told",
  tell_ceo: "the CEO told",
};

/** "Already tried: a DM to the owner (Mon 8 Mar), a reminder … (Tue 9 Mar)." */
export function triedLine(tried: Partial<Record<Step, Date>>, zone: string, now: Date): string | undefined {
  const done = ladder.flatMap((step) => {
    const at = tried[step];
    return at ? [`${triedWords[step]} (${describeDay(at, zone, now)})`] : [];
  });
  return done.length ? `Already tried: ${done.join(", ")}.` : undefined;
}

/**
 * One message about a recipient's items at one step of the ladder: the owner's
 * DM (with Done, Slip to…, Need help and Snooze), a channel post, or the
 * lead's or CEO's DM. The most overdue first; past fifteen, the rest counted.
 */
export function nudgeMessage(
  group: NudgeItem[],
  to: "user" | "channel",
  zone: string,
  now: Date,
): { text: string; blocks: Block[] } {
  const first = group[0] as NudgeItem;
  const blocks: Block[] = [];
  const toOwner = first.step === "dm_owner" || first.step === "remind_owner";
  // One digest can hold items at different steps (yours to look at, others' you lead):
  // then each item says its own step under a plain heading.
  const mixed = new Set(group.map((i) => headingFor(i, to, 1))).size > 1;
  blocks.push(
    section(
      mixed
        ? `*${plural(group.length, "commitment")} ${agree(group.length, "needs", "need")} a look:*`
        : headingFor(first, to, group.length),
    ),
  );
  // Slack takes at most 50 blocks in a message: the most overdue first, the rest counted.
  const shown = [...group].sort((a, b) => a.commitment.dueAt.getTime() - b.commitment.dueAt.getTime());
  for (const item of shown.slice(0, maxItemsPerMessage)) {
    const c = item.commitment;
    const value = { t: "mine", p: 0, n: c.number };
    const mine = item.step === "dm_owner" || item.step === "remind_owner";
    const note = mixed ? `_${headingFor(item, to, 1).replace(/\*/g, "")}_\n` : "";
    blocks.push(section(`${note}${riskWords[item.risk]}\n${commitmentLine(c, now, zone)}`));
    const tried = mine ? undefined : triedLine(item.tried ?? {}, zone, now);
    if (tried) blocks.push(context(tried));
    if (mine) {
      blocks.push(
        actions(
          commitmentButtons.done.element("Done", value, { style: "primary" }),
          commitmentButtons.slip.element("Slip to…", value),
          nudgeButtons.help.element(item.step === "remind_owner" ? "Record a blocker" : "Need help", {
            n: c.number,
          }),
          nudgeButtons.snooze.element("Snooze 1 day", { n: c.number, d: 1 }),
        ),
      );
    }
  }
  if (shown.length > maxItemsPerMessage) {
    const more = shown.length - maxItemsPerMessage;
    blocks.push(
      context(
        `…and ${more} more. \`/coo risks\` lists every commitment at risk${toOwner ? "" : " in the workspace"}.`,
      ),
    );
  }
  const text = `${plural(group.length, "commitment")} ${toOwner ? `of yours ${agree(group.length, "needs", "need")} a look` : `${agree(group.length, "needs", "need")} attention (${[...new Set(group.map((i) => mention(i.commitment.ownerId)))].join(", ")})`}`;
  return { text, blocks };
}

/** The heading of a message whose items are all at this item's step (`count` of them). */
function headingFor(item: NudgeItem, to: "user" | "channel", count: number): string {
  const one = count === 1;
  if (item.step === "dm_owner")
    return one ? "*One of your commitments needs a look:*" : `*${count} of your commitments need a look:*`;
  if (item.step === "remind_owner")
    return one
      ? "*Following up on this one; can I help unblock it?*"
      : "*Following up on these; can I help unblock them?*";
  if (item.risk !== "overdue")
    return to === "channel"
      ? "*Due while its owner is out of office; someone here may pick it up or re-date it:*"
      : "*Due while its owner is out of office; flagging to you as lead:*";
  if (to === "channel")
    return one
      ? "*A commitment in this channel is overdue and still open:*"
      : `*${count} commitments in this channel are overdue and still open:*`;
  return item.step === "tell_ceo"
    ? "*Overdue well past the threshold; flagging to you as CEO:*"
    : "*Overdue work you lead that has not moved after two reminders:*";
}

/** `/coo risks`: overdue, at risk and drifting, each list in the reader's zone. */
export function risksReply(lists: Record<Risk, CommitmentRow[]>, timeZone: string, now: Date): Reply {
  const line = (c: CommitmentRow) => `• ${commitmentLine(c, now, timeZone).replace("\n", " · ")}`;
  const part = (title: string, list: CommitmentRow[]) => [
    `*${title}* (${list.length})`,
    ...(list.length ? list.slice(0, risksShown).map(line) : ["• none"]),
    ...(list.length > risksShown ? [`…and ${list.length - risksShown} more`] : []),
  ];
  const lines = [
    ...part("Overdue", lists.overdue),
    ...part("At risk: due by the end of the next working day, no update since made", lists.at_risk),
    ...part("Drifting: on today's list three standups running", lists.drifting),
    ...part("Held up in review: changes requested, or a review waiting too long", lists.in_review),
  ];
  return {
    text: `${lists.overdue.length} overdue, ${lists.at_risk.length} at risk, ${lists.drifting.length} drifting, ${lists.in_review.length} held up in review`,
    blocks: linesWithin(lines, { more: (n) => `…and ${n} more lines` }),
  };
}

/** `/coo escalation`: how slipping work is chased here. */
export function escalationReply(w: {
  escalationGraceHours: number;
  escalateToCeoAfterDays: number;
  escalateTo: string;
  workdayStartHour: number;
  workdayEndHour: number;
}): string {
  return [
    "*How slipping work is chased here*",
    "1. A DM to the owner (Done, Slip to…, Need help, Snooze).",
    `2. After ${w.escalationGraceHours}h with no change, a reminder and an offer to record a blocker.`,
    `3. If overdue ${w.escalationGraceHours}h after that: ${w.escalateTo === "lead" ? "the workstream lead" : "the channel it was made in"} hears of it.`,
    `4. Overdue more than ${plural(w.escalateToCeoAfterDays, "day")}: the seated CEO hears of it.`,
    `Never outside ${w.workdayStartHour}:00–${w.workdayEndHour}:00 on weekdays in each person's own time zone, never while someone is out of office, at most one digest DM per person a day (each person can choose: \`/coo pings digest|overdue|all\`). A step past the owner says what was already tried.`,
  ].join("\n");
}

/** What a change to the ladder that does not fit is told. */
export const escalationChoices =
  "Say what to change: `/coo escalation grace 24`, `/coo escalation ceo 3`, `/coo escalation to lead` or `/coo escalation hours 9-18` (grace 1 to 168 hours, ceo 1 to 60 days).";

/** The reply to `/coo snooze`. */
export function snoozedReply(c: CommitmentRow, until: Date, timeZone: string, now: Date): string {
  return `No chasing on *${formatId("commitment", c.number)}* until ${describeInstant(until, timeZone, now)}.`;
}

/** The reply to a nudge's Snooze button. */
export function snoozePressedReply(c: CommitmentRow, until: Date, timeZone: string, now: Date): string {
  return `Snoozed *${formatId("commitment", c.number)}* until ${describeInstant(until, timeZone, now)}.`;
}

/** The form behind a nudge's Need help: what is in the way, and who can unblock it. */
export function helpModal(c: CommitmentRow) {
  return {
    ...nudgeForms.help.view({ n: c.number }),
    title: { type: "plain_text" as const, text: "Record a blocker" },
    submit: { type: "plain_text" as const, text: "Record" },
    blocks: [
      section(`*${formatId("commitment", c.number)}* ${quote(c.title)}`),
      {
        type: "input",
        block_id: "what",
        label: { type: "plain_text", text: "What is in the way?" },
        element: { type: "plain_text_input", action_id: "value", max_length: 400 },
      },
      {
        type: "input",
        block_id: "who",
        optional: true,
        label: { type: "plain_text", text: "Who can unblock it?" },
        element: { type: "users_select", action_id: "value" },
      },
    ] as Block[],
  };
}

/** The DM to whoever the owner says can unblock their work. */
export function helpRequestNotice(
  reporterId: string,
  c: { number: number; title: string },
  what: string,
  blockerNumber: number,
): string {
  return `${mention(reporterId)} is blocked on *${formatId("commitment", c.number)}* ${quote(c.title)} and says you can help: ${quote(what)} (${formatId("blocker", blockerNumber)}).`;
}

/** What of someone's depends on a commitment that moved. */
export const dependantLine = {
  commitment: (c: { number: number; title: string }) =>
    `your *${formatId("commitment", c.number)}* ${quote(c.title)}`,
  blocker: (b: { number: number; text: string }) =>
    `your blocker *${formatId("blocker", b.number)}* ${quote(b.text)}`,
};

/** The DM to someone whose work depends on a commitment that moved. */
export function slipNotice(
  moved: { number: number; title: string; ownerId: string },
  slipped: { from: Date; to: Date; reason: string | null },
  affected: string[],
  timeZone: string,
  now: Date,
): string {
  return `Heads up: *${formatId("commitment", moved.number)}* ${quote(moved.title)} (${mention(moved.ownerId)}) moved from ${slackDate(slipped.from, timeZone, now)} to ${slackDate(slipped.to, timeZone, now)}${slipped.reason ? ` because ${quote(slipped.reason)}` : ""}. It affects ${affected.join(" and ")}.`;
}

/** What each choice of `/coo pings` means, as the reply says it. */
export const pingModeWords = {
  digest:
    "one digest a day at most: everything of yours that needs a look, in one DM with Done, Slip to… and Need help",
  overdue: "only when something of yours is overdue, in one digest a day at most",
  all: "every step as it happens (several DMs a day are possible)",
} as const;

/** The reply to `/coo pings`. */
export function pingsReply(mode: keyof typeof pingModeWords): string {
  return `Done: coo now chases your own work with ${pingModeWords[mode]}. Never outside your working hours or while you are away. Change it any time: \`/coo pings digest\`, \`/coo pings overdue\` or \`/coo pings all\`.`;
}

/** What `/coo pings` without a choice is told. */
export const pingChoices =
  "Say how coo should chase your own work: `/coo pings digest` (one digest a day, the default), `/coo pings overdue` (only overdue work) or `/coo pings all` (every step).";

/**
 * Held notices sent with a digest: one section each after its items, within
 * Slack's 50 blocks; `shown` says how many fitted (the rest stay held).
 */
export function withNotices(message: { text: string; blocks: Block[] }, notices: string[]) {
  const room = Math.max(0, slackLimits.messageBlocks - message.blocks.length);
  const added = notices.slice(0, room).map((n) => section(shorten(n, slackLimits.text)));
  return { message: { text: message.text, blocks: [...message.blocks, ...added] }, shown: added.length };
}

/** Held notices sent alone: one DM, a paragraph each. */
export function noticesMessage(notices: string[]): { text: string } {
  return { text: notices.join("\n\n") };
}

/** What the owner is told when their Need help waits for the helper's working hours. */
export function helpHeldNote(helperId: string, at: Date, zone: string, now: Date): string {
  return `${mention(helperId)} is not at work now: your request reaches them ${describeInstant(at, zone, now)}, when they are back. It is recorded as a blocker already.`;
}

/** The Need help form, once submitted, when the request waits for the helper's hours. */
export function helpHeldView(note: string) {
  return {
    type: "modal" as const,
    title: { type: "plain_text" as const, text: "Blocker recorded" },
    close: { type: "plain_text" as const, text: "Close" },
    blocks: [section(note)] as Block[],
  };
}

import { formatId } from "../ledger/ids.js";
import { section } from "../slack/blocks.js";
import type { Block, Reply } from "../slack/commands.js";
import { linesWithin, sections } from "../slack/fit.js";
import { slackLimits } from "../slack/limits.js";
import { mention, quote } from "../slack/mentions.js";
import { describeDay, slackDate } from "../time/when.js";
import { plural } from "../words.js";
import { draftPlanButtons } from "./plan-messages.js";
import { daysAfter, type Rollup } from "./rollup.js";
import type { Bet, BetSummary, TrackedCommitment } from "./use-cases.js";

/*
 * What the bets feature shows: a bet, its rollup and its likely date, in the
 * reader's own words and dates, within Slack's limits.
 */

const idOf = (bet: Pick<Bet, "number">) => formatId("bet", bet.number);

/** "*G3* win the EU market". */
export const betName = (bet: Pick<Bet, "number" | "title">) => `*${idOf(bet)}* ${quote(bet.title)}`;

/** "1 done · 2 on track · 1 at risk · 0 slipped". */
export const rollupCounts = (r: Rollup) =>
  `${r.done} done · ${r.on_track} on track · ${r.at_risk} at risk · ${r.slipped} slipped`;

const target = (bet: Pick<Bet, "targetDate">, timeZone: string, now: Date) =>
  bet.targetDate ? `target ${describeDay(bet.targetDate, timeZone, now)}` : "no target date";

/**
 * "Wed 23 Dec, 5 days after the target (Fri 18 Dec)": when the last open
 * work is due, against the target; undefined when nothing is open.
 */
function likelyDay(bet: Pick<Bet, "targetDate">, rollup: Rollup, timeZone: string, now: Date) {
  if (!rollup.likely) return undefined;
  const likely = `${describeDay(rollup.likely, timeZone, now)}${rollup.likely < now ? " (overdue)" : ""}`;
  if (!bet.targetDate) return likely;
  const days = daysAfter(rollup.likely, bet.targetDate, timeZone);
  if (days === 0) return `${likely}, on the target day`;
  const day = describeDay(bet.targetDate, timeZone, now);
  return `${likely}, ${plural(Math.abs(days), "day")} ${days > 0 ? "after" : "before"} the target (${day})`;
}

/** "likely Wed 23 Dec, 5 days after the target (Fri 18 Dec)", or "no open work yet". */
export function likelyDate(
  bet: Pick<Bet, "targetDate">,
  rollup: Rollup,
  timeZone: string,
  now: Date,
): string {
  const day = likelyDay(bet, rollup, timeZone, now);
  return day ? `likely ${day}` : "no open work yet";
}

/** One line per bet: what the review and the Home show. */
export function betRollupLine(s: BetSummary, timeZone: string, now: Date): string {
  return `• ${betName(s.bet)}: ${rollupCounts(s.rollup)} · ${likelyDate(s.bet, s.rollup, timeZone, now)}`;
}

export function recordedBetReply(bet: Bet, timeZone: string, now: Date): Reply {
  const id = idOf(bet);
  const text = `Recorded ${betName(bet)}, ${target(bet, timeZone, now)}. Next, tie workstreams to it: \`/coo workstream <name> owner @user for ${id}\`; \`/coo plan ${id}\` then shows how it is going.`;
  return { text, blocks: [section(text), ...draftPlanButtons([bet.number])] };
}

/** `/coo bet achieved G3` or `drop G3`: what changed, and that the work under it stays. */
export function closedBetReply(result: { bet: Bet; changed: boolean; open: number }): string {
  const { bet, changed, open } = result;
  if (!changed) return `${betName(bet)} is ${bet.status} already; nothing changed.`;
  const work =
    open === 0
      ? "Nothing under it is still open."
      : `${plural(open, "open commitment")} under it ${open === 1 ? "stays" : "stay"} on the ledger: \`/coo plan ${idOf(bet)}\` lists them, \`/coo done\` or \`/coo drop\` closes each.`;
  return `${betName(bet)} is now ${bet.status}. ${work}`;
}

const howToTie = (bet: Pick<Bet, "number">) =>
  `\`/coo workstream <name> owner @user for ${idOf(bet)}\` ties one to it.`;

/** `/coo bets`: each bet with its state, target, workstreams, rollup and likely date. */
export function betsReply(page: { items: BetSummary[]; total: number }, timeZone: string, now: Date): Reply {
  if (page.total === 0)
    return {
      text: "No bets yet. The CEO records one with `/coo bet <what> by <when>`, e.g. `/coo bet launch in Europe by 2027-03-31`.",
      response_type: "ephemeral",
    };
  const lines = page.items.map((s) => {
    const state = s.bet.status === "open" ? "" : ` · ${s.bet.status}`;
    return `• ${betName(s.bet)}${state} · ${target(s.bet, timeZone, now)} · ${plural(s.workstreams.length, "workstream")} · ${rollupCounts(s.rollup)} · ${likelyDate(s.bet, s.rollup, timeZone, now)}`;
  });
  const unplanned = page.items.filter((s) => s.bet.status === "open" && s.workstreams.length === 0);
  const drafts = draftPlanButtons(unplanned.map((s) => s.bet.number));
  return {
    text: plural(page.total, "bet"),
    blocks: [
      ...linesWithin([`*Bets* (${page.total})`, ...lines], {
        more: (n) => `…and ${plural(n, "more bet")}.`,
        unlisted: page.total - page.items.length,
        maxBlocks: slackLimits.messageBlocks - drafts.length,
      }),
      ...drafts,
    ],
    response_type: "ephemeral",
  };
}

const stateWords: Record<TrackedCommitment["state"], string> = {
  on_track: "on track",
  at_risk: ":warning: at risk",
  slipped: ":warning: slipped",
};

/** The most open commitments `/coo plan` lists; the rest are counted. */
export const planShown = 25;

/** `/coo plan G3`: the bet, its rollup and likely date, its workstreams and owners, its open work soonest first. */
export function planReply(s: BetSummary, timeZone: string, now: Date): Reply {
  const { bet, rollup, workstreams, open } = s;
  const head = [
    `${betName(bet)} · ${bet.status} · ${target(bet, timeZone, now)} · recorded by ${mention(bet.createdById)}`,
    `*Rollup*: ${rollupCounts(rollup)}`,
    `*Likely date*: ${likelyDay(bet, rollup, timeZone, now) ?? "none yet: no open work under it"}`,
  ];
  if (workstreams.length === 0)
    return {
      text: `${idOf(bet)} has no workstreams yet`,
      blocks: sections([...head, `No workstreams under it yet. ${howToTie(bet)}`]),
      response_type: "ephemeral",
    };
  const streams = workstreams.map(
    (w) => `• #${w.name}, owned by ${mention(w.ownerId)}: ${w.open} open, ${w.done} done`,
  );
  const work = open
    .slice(0, planShown)
    .map(
      (c) =>
        `• *${formatId("commitment", c.number)}* ${quote(c.title)} (${mention(c.ownerId)}) · #${c.workstream?.name ?? ""} · due ${slackDate(c.dueAt, timeZone, now)} · ${stateWords[c.state]}`,
    );
  const first = workstreams[0]?.name ?? "name";
  const body = [
    ...head,
    `*Workstreams* (${workstreams.length})`,
    ...streams,
    ...(open.length
      ? [`*Open work*, soonest first (${open.length})`, ...work]
      : [`Nothing open under it. \`/coo commit <what> by <when> #${first}\` adds work.`]),
  ];
  const blocks: Block[] = linesWithin(body, {
    more: (n) => `…and ${n} more open. \`/coo commitments #${first}\` lists a workstream's work.`,
    unlisted: open.length - work.length,
  });
  return {
    text: `${idOf(bet)}: ${rollupCounts(rollup)}`,
    blocks,
    response_type: "ephemeral",
  };
}

/** The DM to a workstream's owner when work under a bet moves: what it moves, and where the bet now lands. */
export function betSlipNotice(
  moved: {
    commitment: { number: number; title: string; ownerId: string };
    stream: string;
    actorId: string;
    summary: BetSummary;
  },
  slipped: { from: Date; to: Date; reason: string | null },
  timeZone: string,
  now: Date,
): string {
  const { commitment: c, summary } = moved;
  const who =
    moved.actorId === c.ownerId
      ? mention(c.ownerId)
      : `${mention(moved.actorId)} (for ${mention(c.ownerId)})`;
  const why = slipped.reason ? ` because ${quote(slipped.reason)}` : "";
  return `${who} moved *${formatId("commitment", c.number)}* ${quote(c.title)} in #${moved.stream} from ${slackDate(slipped.from, timeZone, now)} to ${slackDate(slipped.to, timeZone, now)}${why}. It is under ${betName(summary.bet)}: ${rollupCounts(summary.rollup)}; the bet is now ${likelyDate(summary.bet, summary.rollup, timeZone, now)}.`;
}

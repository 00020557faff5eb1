import { betRollupLine } from "../bets/messages.js";
import type { BetSummary } from "../bets/use-cases.js";
import type { Blocker } from "../blockers/use-cases.js";
import type { Cadence } from "../cadence/use-cases.js";
import { commitmentButtons, commitmentLine, percent } from "../commitments/messages.js";
import type { CommitmentRow } from "../commitments/use-cases.js";
import { reviewNote } from "../github/messages.js";
import type { ReviewSignal } from "../github/use-cases.js";
import { groupBy } from "../group.js";
import { handoffLine } from "../handoffs/messages.js";
import { formatId } from "../ledger/ids.js";
import { actions, context, section } from "../slack/blocks.js";
import type { Block } from "../slack/commands.js";
import { intoMessages, itemsWithin, sections, someOf } from "../slack/fit.js";
import { shorten } from "../slack/limits.js";
import { mention, quote } from "../slack/mentions.js";
import { describeDay, slackDate } from "../time/when.js";
import { count, duration, plural } from "../words.js";
import type { CadenceRun, Commitment, Handoff, StandupAnswer } from "./use-cases.js";

/*
 * What standups, weekly reviews and plannings say: the standup's root
 * message, its DM questions and reminders, the summary, the review and the
 * planning DMs, each within Slack's limits. Pure: no I/O.
 */

/** A message's words; the use case addresses it. */
export type Composed = { text: string; blocks?: Block[] };

export const defaultQuestions = [
  "What did you finish since the last standup?",
  "What will you get done today, and by when?",
  "Anything blocking you? (who or what are you waiting on)",
];

/** What each person is doing, shortened to this many characters. */
const doingLength = 160;
/** The standup root names everyone up to this many people; a larger channel is counted. */
const maxRootMentions = 25;
/** "No answer" names this many people, then counts the rest. */
const maxMissingNamed = 30;

type Prompt = { title: string; questions: string };

function promptOf(cadence: Cadence, slot: Date, now: Date): Prompt {
  return {
    title: `Standup for ${describeDay(slot, cadence.timezone, now)}`,
    questions: (cadence.questions.length ? cadence.questions : defaultQuestions)
      .map((q, i) => `${i + 1}. ${q}`)
      .join("\n"),
  };
}

/** The root of a standup's thread in its channel, naming who is asked while the names fit a line. */
export function standupRoot(cadence: Cadence, slot: Date, participants: string[], now: Date): Composed {
  const { title, questions } = promptOf(cadence, slot, now);
  const people =
    participants.length <= maxRootMentions
      ? participants.map(mention).join(" ")
      : `Everyone here (${count(participants.length)} people)`;
  return {
    text: `${title}\n${questions}`,
    blocks: [
      section(`*${title}*\n${questions}`),
      context(
        `${people || "Everyone here"}: reply in this thread. Dated promises become commitments, blockers go to the queue.`,
      ),
    ],
  };
}

/** The questions by DM, for someone who answers there. */
export function standupByDm(cadence: Cadence, slot: Date, now: Date): Composed {
  const { title, questions } = promptOf(cadence, slot, now);
  return {
    text: `*${title}* in <#${cadence.channelId}>\n${questions}\nReply here; I'll post your answer's summary in the thread.`,
  };
}

export const standupReminder = (channelId: string, link: string | undefined): Composed => ({
  text: `Reminder: today's standup in <#${channelId}> is still open.${link ? ` Reply in the thread: ${link}` : ""}`,
});

/** A DM answer was taken for the standup in that channel. */
export const dmAnswerRecorded = (channelId: string): Composed => ({
  text: `Got it: recorded for the standup in <#${channelId}>.`,
});

export const dmPreferenceReply = (on: boolean) =>
  on
    ? "I'll send you standup questions by DM; reply there."
    : "You'll answer standups in the channel thread.";

/** The first line that says what someone is doing today, or their first line. */
function doingLine(text: string): string {
  const lines = text
    .split(/\n+/)
    .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, "").trim())
    .filter(Boolean);
  const today = lines.find((l) => /^(today|plan|next)\s*[:\-–]/i.test(l));
  const line = (today ?? lines.find((l) => !/^(yesterday|done)\s*[:\-–]/i.test(l)) ?? lines[0] ?? "").replace(
    /^[a-z]+\s*[:\-–]\s*/i,
    "",
  );
  return line;
}

export type Made = {
  commitments: Commitment[];
  blockers: Blocker[];
  named?: Commitment[];
  timeZone: string;
  now: Date;
};

/**
 * The summary as lines (packed into sections by the caller): who answered
 * and what each is on, the blockers raised and commitments made, by title,
 * and who did not answer (named up to a point, then counted).
 */
export function summaryLines(
  run: Pick<CadenceRun, "participants">,
  answers: StandupAnswer[],
  made: Made,
): string[] {
  const byUser = groupBy(answers, (a) => a.userId);
  const doing = [...byUser.entries()].map(
    ([user, list]) =>
      `• ${mention(user)}: ${shorten(quote(doingLine(list.map((a) => a.text).join("\n"))), doingLength)}`,
  );
  const blockers = made.blockers.map(
    (b) => `• *${formatId("blocker", b.number)}* ${quote(b.text)} (${mention(b.reporterId)})`,
  );
  const line = (c: Commitment) =>
    `• *${formatId("commitment", c.number)}* ${quote(c.title)} (${mention(c.ownerId)}), due ${slackDate(c.dueAt, made.timeZone, made.now)}`;
  const commitments = made.commitments.map(line);
  const named = (made.named ?? []).map(line);
  const missing = run.participants.filter((p) => !byUser.has(p));
  return [
    `*Standup summary*: ${count(byUser.size)} of ${count(run.participants.length)} answered.`,
    ...(doing.length ? doing : ["Nobody answered."]),
    blockers.length ? `*Blockers raised* (${count(blockers.length)})` : "*Blockers raised*: none",
    ...blockers,
    commitments.length ? `*Commitments made* (${count(commitments.length)})` : "*Commitments made*: none",
    ...commitments,
    ...(named.length ? [`*Already on the ledger, named today* (${count(named.length)})`, ...named] : []),
    missing.length
      ? `*No answer* (${count(missing.length)}): ${someOf(missing.map(mention), maxMissingNamed)}`
      : "*No answer*: nobody, thank you all",
  ];
}

/** The summary in the standup's thread: as many messages as it takes, the first with the headline. */
export function standupSummary(
  run: Pick<CadenceRun, "participants">,
  answers: StandupAnswer[],
  made: Made,
): Composed[] {
  const headline = `Standup summary: ${count(new Set(answers.map((a) => a.userId)).size)} of ${count(run.participants.length)} answered.`;
  const pages = intoMessages(sections(summaryLines(run, answers, made)), (i, n) =>
    context(`*Standup summary*, continued (${i} of ${n})`),
  );
  return pages.map((blocks, i) => ({
    text: i === 0 ? headline : `Standup summary, continued (${i + 1} of ${pages.length})`,
    blocks,
  }));
}

// ---------------------------------------------------------------- the weekly review

export type Tally = { planned: number; done: number; onTime: number; slipped: number };

export type Risk = { kind: "overdue"; commitment: Commitment } | { kind: "blocked"; blocker: Blocker };

export type WeeklyReview = {
  /** The open bets, each with its rollup, and how many are open. */
  bets: { items: BetSummary[]; total: number };
  slot: Date;
  timeZone: string;
  total: Tally;
  byOwner: Map<string, Tally>;
  byStream: Map<string, Tally>;
  blockerAges: Record<string, number>;
  handoffs: { open: number; oldest: Handoff | undefined };
  risks: Risk[];
  /** Commitments whose pull request has changes requested or waits on a review past the threshold. */
  reviews: ReviewSignal[][];
};

const tallyLine = (t: Tally) =>
  `planned ${t.planned} · done ${t.done} · slipped ${t.slipped} · on time ${percent(t.onTime, t.planned)}`;

function riskLine(risk: Risk, timeZone: string, now: Date): string {
  if (risk.kind === "overdue") {
    const c = risk.commitment;
    return `*${formatId("commitment", c.number)}* ${quote(c.title)} (${mention(c.ownerId)}) is overdue since ${slackDate(c.dueAt, timeZone, now)}`;
  }
  const b = risk.blocker;
  return `*${formatId("blocker", b.number)}* ${quote(b.text)} has blocked ${mention(b.reporterId)} for ${duration(now.getTime() - b.openedAt.getTime())}`;
}

/**
 * The weekly review: planned against done and slipped, by owner and by
 * workstream; open blockers by age; handoffs; the top risks, named. One
 * line each, packed into sections; a long review goes on in further messages.
 */
export function weeklyReview(review: WeeklyReview, now: Date): Composed[] {
  const { timeZone, handoffs } = review;
  const lines = [
    `*Weekly review* for the week to ${slackDate(review.slot, timeZone, now)}`,
    ...(review.bets.items.length
      ? [
          `*Bets* (${review.bets.total} open)`,
          ...review.bets.items.map((s) => betRollupLine(s, timeZone, now)),
          ...(review.bets.total > review.bets.items.length
            ? [`…and ${review.bets.total - review.bets.items.length} more: \`/coo bets\``]
            : []),
        ]
      : []),
    `*Overall*: ${tallyLine(review.total)}`,
    "*By owner*",
    ...[...review.byOwner.entries()].map(([o, t]) => `• ${mention(o)}: ${tallyLine(t)}`),
    ...(review.byOwner.size ? [] : ["• nothing was due this week"]),
    ...(review.byStream.size
      ? ["*By workstream*", ...[...review.byStream.entries()].map(([s, t]) => `• #${s}: ${tallyLine(t)}`)]
      : []),
    `*Open blockers by age*: ${Object.entries(review.blockerAges)
      .map(([k, v]) => `${k}: ${v}`)
      .join(" · ")}`,
    `*Handoffs open*: ${handoffs.open}${handoffs.oldest ? `; the longest waiting: ${handoffLine(handoffs.oldest, now)}` : ""}`,
    "*Top risks*",
    ...(review.risks.length
      ? review.risks.map((r, i) => `${i + 1}. ${riskLine(r, timeZone, now)}`)
      : ["None: nothing overdue, nothing blocked. :tada:"]),
    ...(review.reviews.length
      ? [
          `*Held up in review* (${review.reviews.length})`,
          ...review.reviews.map((list) => {
            const c = list[0]?.commitment;
            return c
              ? `• *${formatId("commitment", c.number)}* ${quote(c.title)} (${mention(c.ownerId)}): ${reviewNote(list)}`
              : "";
          }),
        ]
      : []),
  ];
  const pages = intoMessages(sections(lines), (i, n) => context(`*Weekly review*, continued (${i} of ${n})`));
  return pages.map((blocks, i) => ({
    text:
      i === 0
        ? `Weekly review: ${tallyLine(review.total)}`
        : `Weekly review, continued (${i + 1} of ${pages.length})`,
    blocks,
  }));
}

// ---------------------------------------------------------------- planning

/**
 * An owner's commitments due next week, soonest first, each to confirm or
 * re-date; `flag` says (one line, under the heading) when their week is over
 * what they land.
 */
export function planningAsk(
  channelId: string,
  mine: CommitmentRow[],
  timeZone: string,
  now: Date,
  flag?: string,
): Composed {
  // The soonest first, as many as one message holds; the rest are counted.
  const blocks = itemsWithin(
    [
      section(`*Planning for the week ahead* (<#${channelId}>): do these dates still hold?`),
      ...(flag ? [section(flag)] : []),
    ],
    mine.map((c): Block[] => [
      section(commitmentLine(c, now, timeZone)),
      actions(
        commitmentButtons.confirm.element("Confirm", { t: "mine", p: 0, n: c.number }, { style: "primary" }),
        commitmentButtons.slip.element("Re-date…", { t: "mine", p: 0, n: c.number }),
      ),
    ]),
    { more: (n) => `…and ${n} more due next week: \`/coo commitments\` lists them all.` },
  );
  return { text: `Planning: ${plural(mine.length, "commitment")} due next week`, blocks };
}

export const planningNote = (owners: number, due: number): Composed => ({
  text: `Planning: I asked ${plural(owners, "owner")} by DM to confirm or re-date ${plural(due, "commitment")} due in the next 7 days.`,
});

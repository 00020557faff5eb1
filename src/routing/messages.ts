import { z } from "zod";
import { blockerLine } from "../blockers/messages.js";
import { commitmentLine } from "../commitments/messages.js";
import { mentionReply } from "../help/messages.js";
import { formatId } from "../ledger/ids.js";
import type { Persona, SeatName as Seat } from "../persona/load.js";
import { actions, buttonSpec, section } from "../slack/blocks.js";
import { slackLimits } from "../slack/limits.js";
import { mention, quote } from "../slack/mentions.js";
import type { AskLane } from "./rules.js";
import type { LedgerAnswer, SeatLane } from "./use-cases.js";

/*
 * What routing says: answers from the ledger, redirects to the seated
 * humans, and `/coo seat` and `/coo seats`. Pure text, no I/O.
 */

const laneWhy: Record<SeatLane, string> = {
  mission: "where we are going and which bets we make are the CEO's call",
  budget: "money (spend, pricing, headcount, runway) is the CFO's",
  architecture: "technical design and the stack are the CTO's call",
};

/** What coo says to a mention or DM with nothing in it to read. */
export function helloReply(persona: Persona): string {
  return `${mentionReply(persona)}\nAsk me things like "what's blocking payments?" or "who owns the launch?".`;
}

/** What coo says to small talk, thanks, or anything that tries to instruct it. */
export const otherReply = mentionReply;

/** What coo says to a file sent without words. */
export const attachmentNote =
  'I can\'t see images or files, only the words of a message. Tell me in words what you need, for example "who owns the launch?" or "waiting on @dana for the API keys".';

/** A seat's question with nobody in the seat: whose it is, and how to seat someone. */
export function unseatedReply(lane: SeatLane, seat: Seat): string {
  return `That one isn't mine: ${laneWhy[lane]}. Nobody holds the ${seat.toUpperCase()} seat here yet, so I have no one to send it to. An admin can set it with \`/coo seat ${seat} @name\`.`;
}

/** The reply where the question was asked: who it is for, and that it was passed on. */
export function redirectedReply(lane: SeatLane, seat: Seat, holder: string): string {
  return `This one is for the ${seat.toUpperCase()}, ${mention(holder)}: ${laneWhy[lane]}. I've passed it on.`;
}

/** The seat holder's DM: the question (a short excerpt of a long one), who asked, where, and a link. */
export function seatQuestionNotice(q: {
  lane: SeatLane;
  seat: Seat;
  askerId: string;
  where: "channel" | "dm";
  channelId: string;
  question: string;
  link: string | undefined;
}): string {
  const from = q.where === "channel" ? `in <#${q.channelId}>` : "by DM";
  const excerpt = quote(q.question.length > 500 ? `${q.question.slice(0, 497)}...` : q.question);
  return `${q.lane === "architecture" ? "An" : "A"} ${q.lane} question for you as ${q.seat.toUpperCase()}, from ${mention(q.askerId)} ${from}:\n> ${excerpt}${q.link ? `\n${q.link}` : ""}`;
}

/** An operations question, answered from the ledger in the asker's zone. */
export function ledgerAnswerText(answer: LedgerAnswer, now: Date, timeZone: string): string {
  const { words } = answer;
  const about = words.length ? ` about "${words.join(" ")}"` : "";
  const line = (c: Parameters<typeof commitmentLine>[0]) =>
    `• ${commitmentLine(c, now, timeZone).replace("\n", " · ")}`;
  switch (answer.kind) {
    case "blockers":
      if (answer.blockers.length === 0)
        return `Nothing open is blocked${about}. \`/coo blockers\` shows the whole queue.`;
      return `*Open blockers${about}* (oldest first)\n${answer.blockers.map((b) => `• ${blockerLine(b, now).replace("\n", " · ")}`).join("\n")}`;
    case "handoffs":
      if (answer.handoffs.length === 0)
        return "No open handoffs to show here. `/coo handoff <what> from @a to @b` records one.";
      return `*Open handoffs*\n${answer.handoffs.map((h) => `• *${formatId("handoff", h.number)}* ${quote(h.what)}`).join("\n")}`;
    case "owners":
      if (answer.streams.length === 0 && (words.length === 0 || answer.commitments.length === 0))
        return `I have no owner on record${about}. Record one with \`/coo commit <what> by <when> for @owner\` or \`/coo workstream <name> owner @user\`.`;
      return [
        ...answer.streams.map((s) => `• #${s.name} is owned by ${mention(s.ownerId)}`),
        ...answer.commitments.map(line),
      ].join("\n");
    case "overdue":
      if (answer.commitments.length === 0) return `Nothing is overdue${about}. :tada:`;
      return `*Overdue${about}*\n${answer.commitments.map(line).join("\n")}`;
    case "open": {
      const week = answer.heading === "this_week";
      if (answer.commitments.length === 0)
        return `I have nothing open on the ledger${week ? " due this week" : about}. \`/coo commitments all\` lists everything open.`;
      const title = week
        ? "*Due in the next 7 days*"
        : answer.heading === "when"
          ? `*When it is due${about}*`
          : `*Where things stand${about}*`;
      return `${title}\n${answer.commitments.map(line).join("\n")}`;
    }
  }
}

/** `/coo seat`: who holds it now. */
export function seatedReply(
  seat: Seat,
  holder: string,
  result: { outcome: "unchanged" | "seated"; previous: string | undefined },
  persona: Persona,
): string {
  const title = seat.toUpperCase();
  if (result.outcome === "unchanged") return `${mention(holder)} already holds the ${title} seat.`;
  return `${mention(holder)} now holds the ${title} seat${result.previous ? ` (was ${mention(result.previous)})` : ""}: ${persona[seat].summary}`;
}

/** `/coo seat <seat> none`. */
export function vacatedReply(seat: Seat, previous: string | undefined): string {
  const title = seat.toUpperCase();
  if (!previous) return `Nobody holds the ${title} seat.`;
  return `The ${title} seat is free: ${mention(previous)} no longer holds it. Questions in its lane wait for the next holder.`;
}

/** `/coo seats`: each seat, its holder, and what it decides. */
export function seatsReply(
  holders: Array<{ seat: Seat; holder: string | undefined }>,
  persona: Persona,
): string {
  return holders
    .map(
      ({ seat, holder }) =>
        `• *${seat.toUpperCase()}*: ${holder ? mention(holder) : `nobody yet (an admin seats one: \`/coo seat ${seat} @name\`)`}. ${persona[seat].summary}`,
    )
    .join("\n");
}

const askLanes = ["mission", "budget", "architecture", "operations"] as const;
const userId = z.string().regex(/^[UW][A-Z0-9]+$/);

/**
 * What rides in a question back's buttons: the chosen lane, who asked, where,
 * and the question itself (to answer or pass on once chosen; coo keeps none of it).
 */
const choiceValue = z.object({
  l: z.enum(askLanes),
  a: userId,
  c: z.string().regex(/^[CDG][A-Z0-9]+$/),
  t: z.string().regex(/^\d+\.\d+$/),
  th: z
    .string()
    .regex(/^\d+\.\d+$/)
    .optional(),
  w: z.enum(["channel", "dm"]),
  b: z.enum(["llm", "rules"]),
  q: z.string().min(1).max(1800),
});
export type ChoiceValue = z.infer<typeof choiceValue>;

export const routingButtons = {
  choose: buttonSpec({ id: "route_choice", value: choiceValue, variants: askLanes }),
};

const laneLabel: Record<AskLane, string> = {
  mission: "the CEO (mission)",
  budget: "the CFO (money)",
  architecture: "the CTO (architecture)",
  operations: "me (delivery)",
};

/** The question as much as keeps the button's value (JSON, escapes included) within Slack's limit. */
function fitted(base: Omit<ChoiceValue, "q">, question: string): ChoiceValue {
  let room = slackLimits.buttonValue - JSON.stringify({ ...base, q: "" }).length;
  let q = "";
  for (const char of question.slice(0, 1800)) {
    room -= JSON.stringify(char).length - 2;
    if (room < 0) break;
    q += char;
  }
  return { ...base, q: q || "?" };
}

/** The question back when the lanes are close: one short line, a button per close lane. */
export function askBackReply(
  lanes: readonly AskLane[],
  carried: Omit<ChoiceValue, "l" | "q">,
  question: string,
): { text: string; blocks: ReturnType<typeof section>[] } {
  const text = `Who should take this one: ${lanes.map((l) => laneLabel[l]).join(" or ")}?`;
  return {
    text,
    blocks: [
      section(text),
      actions(
        ...lanes.map((l) =>
          routingButtons.choose.element(laneLabel[l], fitted({ ...carried, l }, question), { variant: l }),
        ),
      ),
    ],
  };
}

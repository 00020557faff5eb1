import { type Blocker, openBlockersAbout } from "../blockers/use-cases.js";
import { type CommitmentRow, openCommitmentsAbout, workstreamsAbout } from "../commitments/use-cases.js";
import type { Deps } from "../deps.js";
import { badInput, CooError } from "../errors.js";
import type { Seat, SeatLane } from "../generated/prisma/client.js";
import { type Handoff, visibleOpenHandoffs } from "../handoffs/use-cases.js";
import { type Actor, authorize } from "../policy.js";
import { mention } from "../slack/mentions.js";
import { classifyQuestion } from "./classify.js";
import { seatQuestionNotice } from "./messages.js";
import { freeSeat, giveSeat, recordRoutedQuestion, seatHolder } from "./queries.js";
import { type AskLane, type Category, plainText } from "./rules.js";

/*
 * The routing feature's operations: every @mention and DM put to coo goes to
 * a fixed lane, and is answered from the ledger, passed to the seated human,
 * or told what coo does; and who holds the CEO, CFO and CTO seats
 * (docs/decisions/0020-use-cases-and-grammar.md).
 */

type UseCaseDeps = Pick<Deps, "db" | "clock" | "llm" | "log" | "people" | "outbox">;

/** The lanes that belong to a seated human, and whose seat each is. */
export type { SeatLane };
export const laneSeat: Record<SeatLane, Seat> = { mission: "ceo", budget: "cfo", architecture: "cto" };

const stop = new Set(
  "what whats what's who whos who's when where why how is are was were the a an of for on in to by this that these those it its our we us me my i you your do does did any anything anyone blocking blocked block blocker blockers owns own owner owning due late overdue status eta week next today tomorrow now right still yet there about please pls can could would should will with from and or but at be been being has have had get got going".split(
    " ",
  ),
);

/** The words that name what the question is about ("payments", "launch"). */
export function topicWords(text: string): string[] {
  return plainText(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, " ")
    .split(/\s+/)
    .filter((w) => w.length >= 3 && !stop.has(w));
}

const limit = 8;

/** What the ledger says to an operations question (messages.ts puts it in words). */
export type LedgerAnswer = { words: string[] } & (
  | { kind: "blockers"; blockers: Blocker[] }
  | { kind: "handoffs"; handoffs: Handoff[] }
  | { kind: "owners"; streams: Array<{ name: string; ownerId: string }>; commitments: CommitmentRow[] }
  | { kind: "overdue"; commitments: CommitmentRow[] }
  | { kind: "open"; heading: "this_week" | "when" | "where"; commitments: CommitmentRow[] }
);

/**
 * Answers an operations question from the ledger, through the features that
 * keep it: what is blocking X, which handoffs are open, who owns X, what is
 * late, what is due (this week), or the state of anything matching X.
 */
export async function answerFromLedger(
  deps: Pick<Deps, "db" | "clock">,
  input: {
    workspaceId: string;
    text: string;
    /** Who reads the answer, when only they do (a DM): they also see their private handoffs. */
    privateReader?: string | undefined;
  },
): Promise<LedgerAnswer> {
  const { workspaceId } = input;
  const now = deps.clock.now();
  const lower = plainText(input.text).toLowerCase();
  const words = topicWords(input.text);

  if (/\b(block|blocking|blocked|blocker|stuck|waiting)/.test(lower))
    return {
      kind: "blockers",
      words,
      blockers: await openBlockersAbout(deps, { workspaceId, words, limit }),
    };
  if (/\bhand ?offs?\b|\bhandover\b/.test(lower)) {
    const { items: handoffs } = await visibleOpenHandoffs(deps, {
      workspaceId,
      viewerId: input.privateReader,
      limit,
    });
    return { kind: "handoffs", words, handoffs };
  }
  if (/\b(who|dri|owner|owns|on point)\b/.test(lower)) {
    const [streams, commitments] = await Promise.all([
      workstreamsAbout(deps, { workspaceId, words }),
      openCommitmentsAbout(deps, { workspaceId, words, limit }),
    ]);
    return { kind: "owners", words, streams, commitments };
  }
  if (/\b(late|overdue|slipping|slipped|behind)\b/.test(lower)) {
    const commitments = await openCommitmentsAbout(deps, { workspaceId, words, overdueAt: now, limit });
    return { kind: "overdue", words, commitments };
  }
  const thisWeek = /\bthis week\b/.test(lower);
  const commitments = thisWeek
    ? await openCommitmentsAbout(deps, {
        workspaceId,
        words: [],
        dueBy: new Date(now.getTime() + 7 * 24 * 3600_000),
        limit,
      })
    : await openCommitmentsAbout(deps, { workspaceId, words, limit });
  const when = /\b(this week|due|deadline|eta|when)\b/.test(lower);
  return { kind: "open", words, heading: thisWeek ? "this_week" : when ? "when" : "where", commitments };
}

/** What became of a message put to coo. */
export type Routed =
  /** Nothing to read (an empty mention, emoji, a link): what coo does. */
  | { kind: "hello" }
  /** Not an operations question nor a seat's: small talk, thanks, instructions. */
  | { kind: "other" }
  | { kind: "answer"; answer: LedgerAnswer; timeZone: string }
  /** A seat's question, and nobody holds the seat. */
  | { kind: "unseated"; lane: SeatLane; seat: Seat }
  /** Passed to the seat holder by DM (unless they asked it themselves). */
  | { kind: "redirected"; lane: SeatLane; seat: Seat; holder: string }
  /** Already routed (a redelivered event, a second replica, a second press): nothing more to say. */
  | { kind: "seen" }
  /** The lanes were close: coo asks the asker which one it is (they choose with `routeChosen`). */
  | { kind: "ask"; lanes: AskLane[]; by: "llm" | "rules" };

/** A message put to coo, as routing reads it. */
export type Question = {
  workspaceId: string;
  askerId: string;
  text: string;
  where: "channel" | "dm";
  channelId: string;
  ts: string;
  /** A link to the message, for the seat holder (asked only when the question goes to one). */
  link?: (() => Promise<string | undefined>) | undefined;
};

/**
 * One path for every @mention and every DM: classify into a fixed lane, then
 * answer from the ledger, or pass the question to the seated human (once,
 * recorded with the DM to them in one transaction), or say what coo does.
 * When a human's lane leads by too little, coo asks instead of guessing.
 */
export async function routeMessage(deps: UseCaseDeps, input: Question): Promise<Routed> {
  const question = plainText(input.text);
  if (question.length < 2 || !/[\p{L}\p{N}]/u.test(question)) return { kind: "hello" };
  const decision = await classifyQuestion(deps.llm, input.text);
  deps.log.info("routed", {
    category: decision.category,
    by: decision.by,
    where: input.where,
    asked: Boolean(decision.unsure),
  });
  if (decision.unsure) return { kind: "ask", lanes: decision.unsure, by: decision.by };
  return routeTo(deps, input, decision.category, decision.by);
}

/**
 * The asker's answer to a question back: route as chosen, through the same
 * path. Only the asker may choose; nothing of the message is kept to learn
 * from. A second press finds the question routed (a seat's lane) or gives
 * the same answer again in place of the first (coo's own lane).
 */
export async function routeChosen(
  deps: UseCaseDeps,
  actor: Actor,
  input: Question & { lane: AskLane; by: "llm" | "rules" },
): Promise<Routed> {
  if (actor.slackUserId !== input.askerId)
    throw badInput("Only the person who asked can choose where their question goes.");
  deps.log.info("routed", { category: input.lane, by: "asker", where: input.where });
  return routeTo(deps, input, input.lane, input.by);
}

async function routeTo(
  deps: UseCaseDeps,
  input: Question,
  category: Category,
  by: "llm" | "rules",
): Promise<Routed> {
  const { workspaceId, askerId, where } = input;
  const question = plainText(input.text);
  if (category === "operations") {
    const asker = await deps.people.profile(workspaceId, askerId);
    const answer = await answerFromLedger(deps, {
      workspaceId,
      text: input.text,
      privateReader: where === "dm" ? askerId : undefined,
    });
    return { kind: "answer", answer, timeZone: asker.timeZone };
  }
  if (category === "other") return { kind: "other" };
  const lane: SeatLane = category;
  const seat = laneSeat[lane];
  const holder = await seatHolder(deps, workspaceId, seat);
  if (!holder) return { kind: "unseated", lane, seat };
  const link = where === "channel" ? await input.link?.() : undefined;
  const ids = await recordRoutedQuestion(
    deps,
    {
      workspaceId,
      channelId: input.channelId,
      messageTs: input.ts,
      askerId,
      category: lane,
      decidedBy: by,
      seatHolderId: holder,
    },
    holder === askerId
      ? undefined
      : {
          workspaceId,
          userId: holder,
          text: seatQuestionNotice({
            lane,
            seat,
            askerId,
            where,
            channelId: input.channelId,
            question,
            link,
          }),
        },
  );
  if (!ids) return { kind: "seen" };
  await deps.outbox.deliver(ids);
  return { kind: "redirected", lane, seat, holder };
}

/** Who holds each seat. */
export async function seatHolders(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; seats: readonly Seat[] },
): Promise<Array<{ seat: Seat; holder: string | undefined }>> {
  return Promise.all(
    input.seats.map(async (seat) => ({ seat, holder: await seatHolder(deps, input.workspaceId, seat) })),
  );
}

/**
 * Seats someone (an admin may): a real, full member of the workspace, and
 * one seat per person, so moving someone never empties a seat behind
 * everyone's back.
 */
export async function assignSeat(
  deps: Pick<Deps, "db" | "people">,
  actor: Actor,
  input: { workspaceId: string; seat: Seat; userId: string },
): Promise<{ outcome: "unchanged" | "seated"; previous: string | undefined }> {
  const { workspaceId, seat, userId } = input;
  const previous = await seatHolder(deps, workspaceId, seat);
  await authorize(actor, { kind: "assign_seat", seat });
  if (previous === userId) return { outcome: "unchanged", previous };
  const holder = await deps.people.member(workspaceId, userId, "seat");
  if (holder.seat && holder.seat !== seat) {
    throw new CooError(
      "conflict",
      `${mention(userId)} already holds the ${holder.seat.toUpperCase()} seat, and one person holds one seat. Free it first with \`/coo seat ${holder.seat} none\`.`,
    );
  }
  await giveSeat(deps, workspaceId, seat, userId);
  return { outcome: "seated", previous };
}

/** Frees a seat (its holder or an admin may); who held it, or undefined when nobody did. */
export async function vacateSeat(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string; seat: Seat },
): Promise<string | undefined> {
  const { workspaceId, seat } = input;
  const current = await seatHolder(deps, workspaceId, seat);
  if (!current) return undefined;
  await authorize(actor, { kind: "vacate_seat", seat, holderId: current });
  await freeSeat(deps, workspaceId, seat);
  return current;
}

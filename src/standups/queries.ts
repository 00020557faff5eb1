import type { CommitmentRow } from "../commitments/use-cases.js";
import type { Deps } from "../deps.js";
import type {
  AnswerVia,
  Blocker,
  CadenceRun,
  Commitment,
  StandupAnswer,
} from "../generated/prisma/client.js";

/*
 * The standups feature's reads and writes. Only its use cases
 * (use-cases.ts) call these; no rule, permission or message lives here.
 * Summaries and reviews read the ledger's rows as they stand; what an
 * answer makes (commitments, blockers) goes through those features' use cases.
 */

type Reads = Pick<Deps, "db">;

// ---------------------------------------------------------------- people

/** Of `userIds`, those out of office at `at`. */
export async function awayAmong(
  deps: Reads,
  workspaceId: string,
  userIds: string[],
  at: Date,
): Promise<Set<string>> {
  const rows = await deps.db.person.findMany({
    where: { workspaceId, slackUserId: { in: userIds }, oooUntil: { gt: at } },
    select: { slackUserId: true },
  });
  return new Set(rows.map((p) => p.slackUserId));
}

/** Of `userIds`, those who answer standups by DM. */
export async function answeringByDm(deps: Reads, workspaceId: string, userIds: string[]): Promise<string[]> {
  const rows = await deps.db.person.findMany({
    where: { workspaceId, slackUserId: { in: userIds }, standupViaDm: true },
    select: { slackUserId: true },
  });
  return rows.map((p) => p.slackUserId);
}

export async function answersByDm(deps: Reads, workspaceId: string, userId: string): Promise<boolean> {
  const person = await deps.db.person.findUnique({
    where: { workspaceId_slackUserId: { workspaceId, slackUserId: userId } },
    select: { standupViaDm: true },
  });
  return person?.standupViaDm ?? false;
}

export async function setAnswersByDm(
  deps: Reads,
  workspaceId: string,
  userId: string,
  on: boolean,
): Promise<void> {
  await deps.db.person.update({
    where: { workspaceId_slackUserId: { workspaceId, slackUserId: userId } },
    data: { standupViaDm: on },
  });
}

// ---------------------------------------------------------------- runs

/** The open run whose root message is `rootTs` in a channel. */
export async function openRunByRoot(
  deps: Reads,
  workspaceId: string,
  channelId: string,
  rootTs: string,
): Promise<CadenceRun | undefined> {
  const run = await deps.db.cadenceRun.findFirst({
    where: { workspaceId, channelId, rootTs, status: "open" },
  });
  return run ?? undefined;
}

/** The latest open standup a person was asked to answer. */
export async function openStandupFor(
  deps: Reads,
  workspaceId: string,
  userId: string,
): Promise<CadenceRun | undefined> {
  const run = await deps.db.cadenceRun.findFirst({
    where: { workspaceId, status: "open", participants: { has: userId }, cadence: { kind: "standup" } },
    orderBy: { slot: "desc" },
  });
  return run ?? undefined;
}

// ---------------------------------------------------------------- answers

/** Records an answer; false when this message was recorded already (a redelivery). */
export async function insertAnswer(
  deps: Reads,
  data: {
    workspaceId: string;
    runId: number;
    userId: string;
    text: string;
    messageTs: string;
    via: AnswerVia;
  },
): Promise<boolean> {
  const { count } = await deps.db.standupAnswer.createMany({ data: [data], skipDuplicates: true });
  return count > 0;
}

/** What an answer made, once read. */
export function completeAnswer(
  deps: Reads,
  runId: number,
  messageTs: string,
  data: { permalink: string | null; commitmentNumbers: number[]; blockerNumbers: number[] },
): Promise<StandupAnswer> {
  return deps.db.standupAnswer.update({ where: { runId_messageTs: { runId, messageTs } }, data });
}

export async function updateAnswer(
  deps: Reads,
  id: number,
  data: { text: string; commitmentNumbers: number[]; blockerNumbers: number[] },
): Promise<void> {
  await deps.db.standupAnswer.update({ where: { id }, data });
}

export async function deleteAnswer(deps: Reads, id: number): Promise<void> {
  await deps.db.standupAnswer.delete({ where: { id } });
}

/** The answer behind a message (by its author, when known), with its run. */
export async function answerByMessage(
  deps: Reads,
  workspaceId: string,
  messageTs: string,
  userId: string | undefined,
) {
  const answer = await deps.db.standupAnswer.findFirst({
    where: { workspaceId, messageTs, ...(userId ? { userId } : {}) },
    include: { run: true },
  });
  return answer ?? undefined;
}

export function answersOf(deps: Reads, runId: number): Promise<StandupAnswer[]> {
  return deps.db.standupAnswer.findMany({ where: { runId }, orderBy: { createdAt: "asc" } });
}

export async function answeredBy(deps: Reads, runId: number): Promise<Set<string>> {
  const rows = await deps.db.standupAnswer.findMany({
    where: { runId },
    select: { userId: true },
    distinct: ["userId"],
  });
  return new Set(rows.map((r) => r.userId));
}

// ---------------------------------------------------------------- the ledger as answers see it

export function commitmentsNumbered(
  deps: Reads,
  workspaceId: string,
  numbers: number[],
  status?: "open",
): Promise<Commitment[]> {
  return deps.db.commitment.findMany({
    where: { workspaceId, number: { in: numbers }, ...(status ? { status } : {}) },
    orderBy: { number: "asc" },
  });
}

export function blockersNumbered(
  deps: Reads,
  workspaceId: string,
  numbers: number[],
  status?: "open",
): Promise<Blocker[]> {
  return deps.db.blocker.findMany({
    where: { workspaceId, number: { in: numbers }, ...(status ? { status } : {}) },
    orderBy: { number: "asc" },
  });
}

/** Work already on the ledger that a run's answers named, other than `except`. */
export function commitmentsNamedIn(
  deps: Reads,
  workspaceId: string,
  runId: number,
  except: number[],
): Promise<Commitment[]> {
  return deps.db.commitment.findMany({
    where: { workspaceId, mentions: { some: { runId } }, number: { notIn: except } },
    orderBy: { number: "asc" },
  });
}

/** A person's open commitments, other than `except`. */
export function openCommitmentsOf(
  deps: Reads,
  workspaceId: string,
  ownerId: string,
  except: number[] = [],
): Promise<Array<Pick<Commitment, "id" | "number" | "title" | "dueAt">>> {
  return deps.db.commitment.findMany({
    where: { workspaceId, ownerId, status: "open", ...(except.length ? { number: { notIn: except } } : {}) },
    select: { id: true, number: true, title: true, dueAt: true },
  });
}

export async function commitmentIdsNumbered(
  deps: Reads,
  workspaceId: string,
  numbers: number[],
): Promise<number[]> {
  const rows = await deps.db.commitment.findMany({
    where: { workspaceId, number: { in: numbers } },
    select: { id: true },
  });
  return rows.map((c) => c.id);
}

/** Commitments named in a run: a mention each (for drift) and a sign of life. */
export async function mentionCommitments(
  deps: Reads,
  run: Pick<CadenceRun, "id" | "workspaceId" | "cadenceId">,
  commitmentIds: number[],
  at: Date,
): Promise<void> {
  if (commitmentIds.length === 0) return;
  await deps.db.commitmentMention.createMany({
    data: commitmentIds.map((commitmentId) => ({
      workspaceId: run.workspaceId,
      commitmentId,
      runId: run.id,
      cadenceId: run.cadenceId,
      at,
    })),
    skipDuplicates: true,
  });
  await deps.db.commitment.updateMany({ where: { id: { in: commitmentIds } }, data: { lastTouchedAt: at } });
}

// ---------------------------------------------------------------- reviews and planning

/** Commitments of `owners` first due in (from, to]: what was planned for a week. */
export function plannedBetween(
  deps: Reads,
  workspaceId: string,
  owners: string[],
  from: Date,
  to: Date,
): Promise<CommitmentRow[]> {
  return deps.db.commitment.findMany({
    where: { workspaceId, ownerId: { in: owners }, originalDueAt: { gt: from, lte: to } },
    include: { workstream: { select: { name: true } } },
  });
}

/** The open commitments of `owners` longest overdue, at most `limit`. */
export function overdueOf(
  deps: Reads,
  workspaceId: string,
  owners: string[],
  now: Date,
  limit: number,
): Promise<Commitment[]> {
  return deps.db.commitment.findMany({
    where: { workspaceId, ownerId: { in: owners }, status: "open", dueAt: { lt: now } },
    orderBy: { dueAt: "asc" },
    take: limit,
  });
}

/** The open commitments of `owners` due in (from, to], soonest first. */
export function openDueBetween(
  deps: Reads,
  workspaceId: string,
  owners: string[],
  from: Date,
  to: Date,
): Promise<CommitmentRow[]> {
  return deps.db.commitment.findMany({
    where: { workspaceId, ownerId: { in: owners }, status: "open", dueAt: { gt: from, lte: to } },
    include: { workstream: { select: { name: true } } },
    orderBy: { dueAt: "asc" },
  });
}

/** The open blockers `reporters` raised, oldest first. */
export function openBlockersRaisedBy(
  deps: Reads,
  workspaceId: string,
  reporters: string[],
): Promise<Blocker[]> {
  return deps.db.blocker.findMany({
    where: { workspaceId, status: "open", reporterId: { in: reporters } },
    orderBy: { openedAt: "asc" },
  });
}

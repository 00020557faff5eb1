import { z } from "zod";
import { query, statement } from "../db/sql.js";
import type { Deps } from "../deps.js";
import type {
  Commitment,
  NoticeKind,
  PingMode,
  Prisma,
  SlipRisk,
  Workspace,
} from "../generated/prisma/client.js";
import { enqueue, type Outgoing } from "../jobs/outbox.js";
import { formatId } from "../ledger/ids.js";
import type { Signs, Step } from "./classify.js";

/*
 * The slips feature's reads and writes: what is at risk, the escalation
 * steps already taken and the workspace's ladder. Only its
 * use cases and the sweep call these; no rule or message lives here.
 */

type Tx = Prisma.TransactionClient;

/**
 * For commitments named as today's work in at least three standups: how many
 * of their cadence's latest runs in a row named them.
 */
export async function driftStreaks(deps: Pick<Deps, "db">): Promise<Map<number, number>> {
  const counted = await deps.db.commitmentMention.groupBy({
    by: ["commitmentId"],
    _count: { _all: true },
    having: { commitmentId: { _count: { gte: 3 } } },
  });
  const streaks = new Map<number, number>();
  if (counted.length === 0) return streaks;
  const mentions = await deps.db.commitmentMention.findMany({
    where: { commitmentId: { in: counted.map((c) => c.commitmentId) }, commitment: { status: "open" } },
    select: { commitmentId: true, runId: true, cadenceId: true },
  });
  const cadenceIds = [...new Set(mentions.map((m) => m.cadenceId))];
  const recentRuns = new Map<number, number[]>();
  for (const cadenceId of cadenceIds) {
    const runs = await deps.db.cadenceRun.findMany({
      where: { cadenceId, status: { in: ["open", "closed"] } },
      orderBy: { slot: "desc" },
      take: 10,
      select: { id: true },
    });
    recentRuns.set(
      cadenceId,
      runs.map((r) => r.id),
    );
  }
  const byCommitment = new Map<number, { cadenceId: number; runs: Set<number> }>();
  for (const m of mentions) {
    const entry = byCommitment.get(m.commitmentId) ?? { cadenceId: m.cadenceId, runs: new Set<number>() };
    entry.runs.add(m.runId);
    byCommitment.set(m.commitmentId, entry);
  }
  for (const [commitmentId, { cadenceId, runs }] of byCommitment) {
    let streak = 0;
    for (const runId of recentRuns.get(cadenceId) ?? []) {
      if (!runs.has(runId)) break;
      streak++;
    }
    streaks.set(commitmentId, streak);
  }
  return streaks;
}

/**
 * The signs of a slip the sweep reads besides silence, per commitment:
 * confirmations of its current date, an open blocker its owner raised about
 * it (Need help names it first), the work it comes after.
 */
export async function slipSigns(
  deps: Pick<Deps, "db">,
  now: Date,
  candidates: Array<Pick<Commitment, "id" | "workspaceId" | "number" | "ownerId" | "dueAt" | "dependsOnId">>,
): Promise<Map<number, Signs>> {
  const ids = candidates.map((c) => c.id);
  const signs = new Map<number, Signs>(
    ids.map((id) => [id, { confirmations: 0, blocked: false, dependencyLate: false }]),
  );
  if (ids.length === 0) return signs;
  const dependencyIds = [...new Set(candidates.flatMap((c) => (c.dependsOnId ? [c.dependsOnId] : [])))];
  const [confirmed, blockers, dependencies] = await Promise.all([
    deps.db.commitmentChange.findMany({
      where: { commitmentId: { in: ids }, kind: "confirmed" },
      select: { commitmentId: true, toDueAt: true },
    }),
    deps.db.blocker.findMany({
      where: {
        status: "open",
        workspaceId: { in: [...new Set(candidates.map((c) => c.workspaceId))] },
        reporterId: { in: [...new Set(candidates.map((c) => c.ownerId))] },
      },
      select: { workspaceId: true, reporterId: true, text: true },
    }),
    dependencyIds.length
      ? deps.db.commitment.findMany({
          where: { id: { in: dependencyIds } },
          select: { id: true, status: true, dueAt: true },
        })
      : [],
  ]);
  const byId = new Map(candidates.map((c) => [c.id, c]));
  for (const row of confirmed) {
    const c = byId.get(row.commitmentId);
    const sign = signs.get(row.commitmentId);
    if (c && sign && row.toDueAt?.getTime() === c.dueAt.getTime()) sign.confirmations++;
  }
  const dependency = new Map(dependencies.map((d) => [d.id, d]));
  for (const c of candidates) {
    const sign = signs.get(c.id) as Signs;
    const prefix = `${formatId("commitment", c.number)} `;
    sign.blocked = blockers.some(
      (b) => b.workspaceId === c.workspaceId && b.reporterId === c.ownerId && b.text.startsWith(prefix),
    );
    const d = c.dependsOnId ? dependency.get(c.dependsOnId) : undefined;
    sign.dependencyLate = d !== undefined && d.status === "open" && (d.dueAt <= now || d.dueAt >= c.dueAt);
  }
  return signs;
}

/** What an at-risk list shows of a commitment, with its workstream's lead for the ladder. */
export type AtRisk = Commitment & { workstream: { name: string; ownerId: string } | null };

const withWorkstream = {
  workstream: { select: { name: true, ownerId: true } },
} satisfies Prisma.CommitmentInclude;

/** Not snoozed now. */
const awake = (now: Date): Prisma.CommitmentWhereInput => ({
  OR: [{ snoozedUntil: null }, { snoozedUntil: { lte: now } }],
});

/**
 * Open commitments of every workspace that are due by `until` or drifting
 * (`drifting` ids), leaving out the snoozed ones: what a sweep considers.
 */
export async function sweepCandidates(
  deps: Pick<Deps, "db">,
  now: Date,
  until: Date,
  drifting: number[],
): Promise<AtRisk[]> {
  const soon = await deps.db.commitment.findMany({
    where: { status: "open", dueAt: { lte: until }, ...awake(now) },
    include: withWorkstream,
  });
  const more = drifting.filter((id) => !soon.some((c) => c.id === id));
  if (more.length === 0) return soon;
  const rest = await deps.db.commitment.findMany({
    where: { id: { in: more }, status: "open", ...awake(now) },
    include: withWorkstream,
  });
  return [...soon, ...rest];
}

/**
 * Open commitments of one workspace due by `until` or drifting, soonest first,
 * snoozed or not (`/coo risks` shows them all), of `owners` when given.
 */
export function openSoonOrDrifting(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  input: { until: Date; drifting: number[]; owners: string[] | undefined },
): Promise<AtRisk[]> {
  return deps.db.commitment.findMany({
    where: {
      workspaceId,
      status: "open",
      ...(input.owners ? { ownerId: { in: input.owners } } : {}),
      OR: [{ dueAt: { lte: input.until } }, { id: { in: input.drifting } }],
    },
    include: withWorkstream,
    orderBy: { dueAt: "asc" },
  });
}

/** What the ladder needs to know of people: their zone, whether they are away, their seat. */
export function peopleOf(deps: Pick<Deps, "db">, workspaceIds: string[], userIds?: string[]) {
  return deps.db.person.findMany({
    where: { workspaceId: { in: workspaceIds }, ...(userIds ? { slackUserId: { in: userIds } } : {}) },
    select: {
      workspaceId: true,
      slackUserId: true,
      timezone: true,
      oooUntil: true,
      seat: true,
      pings: true,
    },
  });
}

export function workspacesByIds(deps: Pick<Deps, "db">, ids: string[]): Promise<Workspace[]> {
  return deps.db.workspace.findMany({ where: { id: { in: ids } } });
}

export async function workspaceById(deps: Pick<Deps, "db">, id: string): Promise<Workspace | undefined> {
  return (await deps.db.workspace.findUnique({ where: { id } })) ?? undefined;
}

/** How the ladder climbs in a workspace (its settings). */
export type LadderSettings = Pick<
  Workspace,
  "escalationGraceHours" | "escalateToCeoAfterDays" | "escalateTo" | "workdayStartHour" | "workdayEndHour"
>;

export function ladderOf(deps: Pick<Deps, "db">, workspaceId: string): Promise<Workspace> {
  return deps.db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
}

export async function setLadder(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  data: Partial<LadderSettings>,
): Promise<void> {
  await deps.db.workspace.update({ where: { id: workspaceId }, data });
}

/** The steps already taken about these commitments, each with the due date it was about. */
export function stepsTaken(deps: Pick<Deps, "db">, commitmentIds: number[]) {
  return deps.db.escalation.findMany({
    where: { commitmentId: { in: commitmentIds } },
    select: { commitmentId: true, step: true, dueAt: true, sentAt: true },
  });
}

/** When each of these people last had a step DM'd to them (since `since`): the daily digest's budget. */
export async function lastStepDmTo(
  deps: Pick<Deps, "db">,
  recipients: string[],
  since: Date,
): Promise<Map<string, Date>> {
  if (recipients.length === 0) return new Map();
  const rows = await deps.db.escalation.groupBy({
    by: ["workspaceId", "recipientId"],
    where: { recipientId: { in: recipients }, sentAt: { gte: since } },
    _max: { sentAt: true },
  });
  return new Map(
    rows.flatMap((r) => (r._max.sentAt ? [[`${r.workspaceId}:${r.recipientId}`, r._max.sentAt]] : [])),
  );
}

/** How someone wants to be chased about their own work (`/coo pings`). */
export async function setPingMode(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  userId: string,
  pings: PingMode,
): Promise<void> {
  await deps.db.person.update({
    where: { workspaceId_slackUserId: { workspaceId, slackUserId: userId } },
    data: { pings },
  });
}

export type StepToTake = {
  workspaceId: string;
  commitmentId: number;
  /** A rung of the ladder, or the early warning about work due during leave. */
  step: Step | "warn_leave";
  dueAt: Date;
  reason: SlipRisk;
  recipientId: string;
};

/**
 * Records the steps and queues their messages in one transaction: a crash
 * after it loses nothing (the outbox sends), and before it sends nothing.
 * One statement for every step; the unique (commitment, step, due date) drops
 * any another sweep already recorded. `compose` gets the steps that are ours
 * and returns their messages; the outbox ids come back.
 */
/** Any constant: the same in every coo process. */
const sweepLockKey = 7_322_612;

const sweepLock = statement({
  name: "coo_sweep_lock",
  text: "SELECT pg_advisory_xact_lock($1::bigint)::text AS locked",
  row: z.object({ locked: z.string() }),
});

const insertSteps = statement({
  name: "coo_insert_escalations",
  text: `
    INSERT INTO "Escalation" ("workspaceId", "commitmentId", "step", "dueAt", "reason", "recipientId", "sweepId", "sentAt")
    SELECT e.workspace, e.commitment, e.step::"EscalationStep", e.due::timestamptz, e.reason::"SlipRisk", e.recipient, $7, $8::timestamptz
    FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
      AS e(workspace, commitment, step, due, reason, recipient)
    ON CONFLICT ("commitmentId", "step", "dueAt") DO NOTHING
    RETURNING "commitmentId", "step"`,
  row: z.object({
    commitmentId: z.number().int(),
    step: z.enum(["dm_owner", "remind_owner", "tell_lead", "tell_ceo", "warn_leave"]),
  }),
});

export function recordSteps(
  deps: Pick<Deps, "db">,
  steps: StepToTake[],
  taken: { sweepId: string; at: Date },
  compose: (ours: Set<string>) => Outgoing[],
  /** Writes in the same transaction, after `compose` ran (the held notices it sent). */
  also?: (tx: Tx) => Promise<void>,
): Promise<number[]> {
  const column = <T>(pick: (s: StepToTake) => T) => steps.map(pick);
  return deps.db.$transaction(async (tx: Tx) => {
    // Sweeps write one at a time: a second one finds every step the first took, so a
    // person's items never split across two DMs. (The lock ends with the transaction.)
    await query(tx, sweepLock, [sweepLockKey]);
    const inserted = await query(tx, insertSteps, [
      column((s) => s.workspaceId),
      column((s) => s.commitmentId),
      column((s) => s.step),
      column((s) => s.dueAt.toISOString()),
      column((s) => s.reason),
      column((s) => s.recipientId),
      taken.sweepId,
      taken.at,
    ]);
    const ids = await enqueue(tx, compose(new Set(inserted.map((r) => `${r.commitmentId}:${r.step}`))));
    await also?.(tx);
    return ids;
  });
}

/** The open commitments that wait on this one (`after C12`). */
export function openCommitmentsAfter(deps: Pick<Deps, "db">, commitmentId: number) {
  return deps.db.commitment.findMany({ where: { dependsOnId: commitmentId, status: "open" } });
}

export async function commitmentById(deps: Pick<Deps, "db">, id: number) {
  return (await deps.db.commitment.findUnique({ where: { id } })) ?? undefined;
}

/** A DM to hold (or, with `sentAt`, one sent at once that counts in the day's budget). */
export type NoticeToHold = {
  workspaceId: string;
  userId: string;
  kind: NoticeKind;
  text: string;
  createdAt: Date;
  sentAt?: Date | undefined;
};

export async function holdNotices(tx: Tx, notices: NoticeToHold[]): Promise<void> {
  if (notices.length === 0) return;
  await tx.heldNotice.createMany({ data: notices.map((n) => ({ ...n, sentAt: n.sentAt ?? null })) });
}

/** Every notice still held, oldest first. */
export function heldNotices(deps: Pick<Deps, "db">) {
  return deps.db.heldNotice.findMany({ where: { sentAt: null }, orderBy: { id: "asc" } });
}

export async function markNoticesSent(tx: Tx, ids: number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.heldNotice.updateMany({ where: { id: { in: ids }, sentAt: null }, data: { sentAt: at } });
}

/** The last heads-up each person was sent since `since` (they count in the one-a-day budget). */
export async function lastNoticeTo(
  deps: Pick<Deps, "db">,
  recipients: string[],
  since: Date,
): Promise<Map<string, Date>> {
  if (recipients.length === 0) return new Map();
  const rows = await deps.db.heldNotice.groupBy({
    by: ["workspaceId", "userId"],
    where: { userId: { in: recipients }, kind: "heads_up", sentAt: { gte: since } },
    _max: { sentAt: true },
  });
  return new Map(
    rows.flatMap((r) => (r._max.sentAt ? [[`${r.workspaceId}:${r.userId}`, r._max.sentAt]] : [])),
  );
}

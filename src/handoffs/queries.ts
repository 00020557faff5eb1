import type { Deps } from "../deps.js";
import type { ChaseStep, Handoff, Prisma } from "../generated/prisma/client.js";
import { enqueue, type Outgoing } from "../jobs/outbox.js";
import { nextNumber } from "../ledger/ids.js";

/*
 * The handoffs feature's reads and writes. Only its use cases
 * (use-cases.ts) call these; no rule, permission or message lives here.
 */

/**
 * The next handoff number, taken in its own statement: the counter row stays
 * locked for microseconds, not for the whole insert (a failed insert leaves a
 * gap, no harm). Known before the insert, it can be named in what is queued with it.
 */
export function reserveHandoffNumber(deps: Pick<Deps, "db">, workspaceId: string): Promise<number> {
  return nextNumber(deps.db, workspaceId, "handoff");
}

/** Inserts a handoff and queues `notices` in the same transaction: they are sent once, and only if it was recorded. */
export function insertHandoff(
  deps: Pick<Deps, "db">,
  data: Omit<Prisma.HandoffUncheckedCreateInput, "id">,
  notices: Outgoing[],
): Promise<{ handoff: Handoff; queued: number[] }> {
  return deps.db.$transaction(async (tx) => {
    const handoff = await tx.handoff.create({ data });
    return { handoff, queued: await enqueue(tx, notices) };
  });
}

export function handoffNumbered(deps: Pick<Deps, "db">, workspaceId: string, number: number) {
  return deps.db.handoff.findUnique({ where: { workspaceId_number: { workspaceId, number } } });
}

/** Closes a handoff that is still open; false when it no longer was. */
export async function closeOpenHandoff(
  deps: Pick<Deps, "db">,
  id: number,
  change: { at: Date; by: string },
): Promise<boolean> {
  const { count } = await deps.db.handoff.updateMany({
    where: { id, status: "open" },
    data: { status: "done", resolvedAt: change.at, resolvedById: change.by },
  });
  return count === 1;
}

/** Visible to the workspace, and chased when it goes stale. */
export function markShared(deps: Pick<Deps, "db">, id: number): Promise<Handoff> {
  return deps.db.handoff.update({ where: { id }, data: { shared: true, chase: true } });
}

/**
 * Open handoffs someone may see: the shared ones and, for `viewerId`, the
 * private ones they are on. Without a viewer (a channel, a review), shared only.
 */
function visibleTo(viewerId: string | undefined): Prisma.HandoffWhereInput {
  const shared: Prisma.HandoffWhereInput = { shared: true };
  if (!viewerId) return shared;
  return {
    OR: [shared, { reporterId: viewerId }, { fromId: viewerId }, { toId: viewerId }],
  };
}

/** The open handoffs `viewerId` may see, the longest waiting first, and how many there are. */
export async function openVisibleHandoffs(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  viewerId: string | undefined,
  limit: number,
): Promise<{ items: Handoff[]; total: number }> {
  const where = { workspaceId, status: "open" as const, ...visibleTo(viewerId) };
  const [items, total] = await Promise.all([
    deps.db.handoff.findMany({ where, orderBy: { since: "asc" }, take: limit }),
    deps.db.handoff.count({ where }),
  ]);
  return { items, total };
}

/** Open shared handoffs any of `people` is on (as reporter or either side), the longest waiting first. */
export function openSharedHandoffsOf(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  people: string[],
): Promise<Handoff[]> {
  return deps.db.handoff.findMany({
    where: {
      workspaceId,
      status: "open",
      shared: true,
      OR: [{ fromId: { in: people } }, { toId: { in: people } }, { reporterId: { in: people } }],
    },
    orderBy: { since: "asc" },
  });
}

/** Every open handoff the reporter agreed to have chased and that names who owes it, with the steps already taken. */
export function chasedHandoffs(deps: Pick<Deps, "db">) {
  return deps.db.handoff.findMany({
    where: { status: "open", chase: true, fromId: { not: null } },
    include: { nudges: true },
  });
}

export async function ceoOf(deps: Pick<Deps, "db">, workspaceId: string): Promise<string | undefined> {
  const person = await deps.db.person.findFirst({
    where: { workspaceId, seat: "ceo" },
    select: { slackUserId: true },
  });
  return person?.slackUserId;
}

/** What the sweep needs to know of a recipient, as stored (no call to Slack). */
export function storedPerson(deps: Pick<Deps, "db">, workspaceId: string, slackUserId: string) {
  return deps.db.person.findUnique({
    where: { workspaceId_slackUserId: { workspaceId, slackUserId } },
    select: { timezone: true, oooUntil: true },
  });
}

/**
 * Claims one step of the ladder for a handoff and queues its message in the
 * same transaction: a step already claimed (by another sweep or replica)
 * queues nothing. The queued ids, empty when the claim was lost.
 */
export function claimStep(
  deps: Pick<Deps, "db">,
  claim: {
    workspaceId: string;
    handoffId: number;
    step: ChaseStep;
    recipientId: string;
    sweepId: string;
    at: Date;
  },
  notice: Outgoing,
): Promise<number[]> {
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.handoffNudge.createMany({
      data: [
        {
          workspaceId: claim.workspaceId,
          handoffId: claim.handoffId,
          step: claim.step,
          recipientId: claim.recipientId,
          sweepId: claim.sweepId,
          sentAt: claim.at,
        },
      ],
      skipDuplicates: true,
    });
    return count === 1 ? enqueue(tx, [notice]) : [];
  });
}

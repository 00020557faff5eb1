import type { Deps } from "../deps.js";
import type { Prisma } from "../generated/prisma/client.js";

/*
 * The reads behind exports and the read-only API, and the API tokens' rows.
 * Only this feature's use cases call these; no rule, permission or text lives
 * here. Every read names its workspace.
 */

type Db = Pick<Deps, "db">;

export type Range = {
  workspaceId: string;
  from?: Date | undefined;
  to?: Date | undefined;
  person?: string | undefined;
  workstream?: string | undefined;
  /** Rows with an id above this one (the API's cursor). */
  after?: number | undefined;
  /** At most this many rows (none: all of them). */
  limit?: number | undefined;
};

const within = (r: Range) =>
  r.from || r.to ? { ...(r.from ? { gte: r.from } : {}), ...(r.to ? { lt: r.to } : {}) } : undefined;
const page = (r: Range) => ({
  orderBy: { id: "asc" as const },
  ...(r.limit !== undefined ? { take: r.limit } : {}),
});
const afterId = (r: Range) => (r.after !== undefined ? { id: { gt: r.after } } : {});

export function commitmentRows(deps: Db, r: Range) {
  const where: Prisma.CommitmentWhereInput = {
    workspaceId: r.workspaceId,
    ...afterId(r),
    ...(within(r) ? { createdAt: within(r) } : {}),
    ...(r.person ? { ownerId: r.person } : {}),
    ...(r.workstream ? { workstream: { name: r.workstream } } : {}),
  };
  return deps.db.commitment.findMany({
    where,
    include: { workstream: { select: { name: true } }, history: { orderBy: { id: "asc" } } },
    ...page(r),
  });
}

export function blockerRows(deps: Db, r: Range) {
  const where: Prisma.BlockerWhereInput = {
    workspaceId: r.workspaceId,
    ...afterId(r),
    ...(within(r) ? { openedAt: within(r) } : {}),
    ...(r.person ? { OR: [{ reporterId: r.person }, { waitingOnId: r.person }] } : {}),
    ...(r.workstream ? { waitingOnCommitment: { workstream: { name: r.workstream } } } : {}),
  };
  return deps.db.blocker.findMany({
    where,
    include: { waitingOnCommitment: { select: { number: true } } },
    ...page(r),
  });
}

export function standupRows(deps: Db, r: Range) {
  const where: Prisma.StandupAnswerWhereInput = {
    workspaceId: r.workspaceId,
    ...afterId(r),
    ...(within(r) ? { createdAt: within(r) } : {}),
    ...(r.person ? { userId: r.person } : {}),
  };
  return deps.db.standupAnswer.findMany({
    where,
    include: { run: { select: { slot: true, channelId: true } } },
    ...page(r),
  });
}

/** Shared handoffs, and private ones only when `viewer` is on them. */
export function handoffRows(deps: Db, r: Range, viewer: string | undefined) {
  const on = (id: string) => [{ reporterId: id }, { fromId: id }, { toId: id }];
  const where: Prisma.HandoffWhereInput = {
    workspaceId: r.workspaceId,
    ...afterId(r),
    ...(within(r) ? { createdAt: within(r) } : {}),
    AND: [
      viewer ? { OR: [{ shared: true }, ...on(viewer)] } : { shared: true },
      ...(r.person ? [{ OR: on(r.person) }] : []),
    ],
  };
  return deps.db.handoff.findMany({ where, ...page(r) });
}

export function peopleRows(deps: Db, r: Range) {
  return deps.db.person.findMany({
    where: {
      workspaceId: r.workspaceId,
      ...afterId(r),
      ...(r.person ? { slackUserId: r.person } : {}),
    },
    ...page(r),
  });
}

export async function workstreamExists(deps: Db, workspaceId: string, name: string): Promise<boolean> {
  return (
    (await deps.db.workstream.findUnique({ where: { workspaceId_name: { workspaceId, name } } })) !== null
  );
}

// API tokens

export async function addToken(
  deps: Db,
  input: { workspaceId: string; label: string; prefix: string; hash: string; createdById: string },
) {
  return deps.db.$transaction(async (tx) => {
    const last = await tx.apiToken.aggregate({
      where: { workspaceId: input.workspaceId },
      _max: { number: true },
    });
    return tx.apiToken.create({ data: { ...input, number: (last._max.number ?? 0) + 1 } });
  });
}

export function tokensOf(deps: Db, workspaceId: string) {
  return deps.db.apiToken.findMany({ where: { workspaceId }, orderBy: { number: "asc" } });
}

export function tokenByNumber(deps: Db, workspaceId: string, number: number) {
  return deps.db.apiToken.findUnique({ where: { workspaceId_number: { workspaceId, number } } });
}

export function tokenByPrefix(deps: Db, prefix: string) {
  return deps.db.apiToken.findUnique({ where: { prefix } });
}

export async function markRevoked(deps: Db, id: number, at: Date, by: string): Promise<boolean> {
  const { count } = await deps.db.apiToken.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: at, revokedById: by },
  });
  return count === 1;
}

export async function markUsed(deps: Db, id: number, at: Date): Promise<void> {
  await deps.db.apiToken.update({ where: { id }, data: { lastUsedAt: at } });
}

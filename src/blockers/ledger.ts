import type { Deps } from "../deps.js";
import { CooError, notFound } from "../errors.js";
import type { Blocker, Prisma } from "../generated/prisma/client.js";
import { formatId, nextNumber } from "../ledger/ids.js";
import { type Actor, authorize } from "../policy.js";
import { mention, quote } from "../slack/mentions.js";
import { enqueue } from "../slack/outbox.js";
import { duration } from "../words.js";

type LedgerDeps = Pick<Deps, "db" | "clock" | "changes">;

export const recentlyResolvedDays = 7;

export async function findBlocker(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  number: number,
): Promise<Blocker> {
  const found = await deps.db.blocker.findUnique({ where: { workspaceId_number: { workspaceId, number } } });
  if (!found)
    throw notFound(
      `There is no blocker ${formatId("blocker", number)} here. \`/coo blockers\` lists the open ones.`,
    );
  return found;
}

export async function createBlocker(
  deps: LedgerDeps,
  input: {
    workspaceId: string;
    reporterId: string;
    text: string;
    waitingOnId?: string | undefined;
    waitingOnText?: string | undefined;
    waitingOnCommitmentId?: number | undefined;
    channelId?: string | undefined;
    sourcePermalink?: string | undefined;
  },
): Promise<Blocker> {
  // The number is taken in its own statement: the counter row stays locked for
  // microseconds, not for the whole insert (a failed insert leaves a gap, no harm).
  const number = await nextNumber(deps.db, input.workspaceId, "blocker");
  const blocker = await deps.db.$transaction(async (tx) => {
    return tx.blocker.create({
      data: {
        workspaceId: input.workspaceId,
        number,
        text: input.text,
        reporterId: input.reporterId,
        waitingOnId: input.waitingOnId ?? null,
        waitingOnText: input.waitingOnText ?? null,
        waitingOnCommitmentId: input.waitingOnCommitmentId ?? null,
        channelId: input.channelId ?? null,
        sourcePermalink: input.sourcePermalink ?? null,
        openedAt: deps.clock.now(),
      },
    });
  });
  deps.changes.publish({
    workspaceId: input.workspaceId,
    userIds: [input.reporterId, input.waitingOnId ?? ""],
  });
  return blocker;
}

/** The reporter, the person it waits on, a seated human or an admin may resolve a blocker. */
export async function resolveBlocker(
  deps: LedgerDeps & Pick<Deps, "outbox">,
  input: { workspaceId: string; number: number; actor: Actor },
): Promise<Blocker> {
  const blocker = await findBlocker(deps, input.workspaceId, input.number);
  const id = formatId("blocker", blocker.number);
  const actorId = (await authorize(input.actor, { kind: "resolve_blocker", blocker })).slackUserId;
  const now = deps.clock.now();
  // Whoever raised it hears when someone else clears it: queued with the
  // change itself, so it is said once, and only if the change happened.
  const told = await deps.db.$transaction(async (tx) => {
    const { count } = await tx.blocker.updateMany({
      where: { id: blocker.id, status: "open" },
      data: { status: "resolved", resolvedAt: now, resolvedById: actorId },
    });
    if (count === 0) return undefined;
    if (blocker.reporterId === actorId) return [];
    return enqueue(tx, [
      {
        workspaceId: input.workspaceId,
        userId: blocker.reporterId,
        text: `${mention(actorId)} resolved your blocker *${id}* ${quote(blocker.text)} after ${duration(now.getTime() - blocker.openedAt.getTime())}. If it is not cleared for you, raise it again with \`/coo blocker\`.`,
      },
    ]);
  });
  if (!told) throw new CooError("conflict", `${id} is already resolved.`);
  await deps.outbox.deliver(told);
  deps.changes.publish({
    workspaceId: input.workspaceId,
    userIds: [blocker.reporterId, blocker.waitingOnId ?? "", actorId],
  });
  return { ...blocker, status: "resolved", resolvedAt: now, resolvedById: actorId };
}

/**
 * The queue, oldest first. With `includeRecent`, blockers resolved in the
 * last seven days follow the open ones.
 */
export async function listBlockers(
  deps: Pick<Deps, "db" | "sql">,
  workspaceId: string,
  options: { includeRecent: boolean; now: Date; offset: number; limit: number; userId?: string },
): Promise<{ items: Blocker[]; total: number; open: number }> {
  if (!options.includeRecent && !options.userId) return openQueue(deps, workspaceId, options);
  const recent = new Date(options.now.getTime() - recentlyResolvedDays * 24 * 3600 * 1000);
  const person: Prisma.BlockerWhereInput = options.userId
    ? { OR: [{ reporterId: options.userId }, { waitingOnId: options.userId }] }
    : {};
  const state: Prisma.BlockerWhereInput = options.includeRecent
    ? { OR: [{ status: "open" }, { status: "resolved", resolvedAt: { gte: recent } }] }
    : { status: "open" };
  const where: Prisma.BlockerWhereInput = { AND: [{ workspaceId }, person, state] };
  const openOnly: Prisma.BlockerWhereInput = { workspaceId, ...person, status: "open" };
  const [items, total, open] = await Promise.all([
    deps.db.blocker.findMany({
      where,
      orderBy: [{ status: "asc" }, { openedAt: "asc" }, { number: "asc" }],
      skip: options.offset,
      take: options.limit,
    }),
    deps.db.blocker.count({ where }),
    // The open count is the total when only open blockers are listed.
    options.includeRecent ? deps.db.blocker.count({ where: openOnly }) : undefined,
  ]);
  return { items, total, open: open ?? total };
}

const openQueuePage = {
  name: "coo_open_blockers_page",
  text: `
    SELECT *, count(*) OVER () AS "total" FROM "Blocker"
    WHERE "workspaceId" = $1 AND "status" = 'open'
    ORDER BY "openedAt" ASC, "number" ASC
    OFFSET $2 LIMIT $3`,
};

const openQueueCount = {
  name: "coo_open_blockers_count",
  text: `SELECT count(*) AS "total" FROM "Blocker" WHERE "workspaceId" = $1 AND "status" = 'open'`,
};

/**
 * The hot path (`/coo blockers`): one indexed query that returns the page and
 * the total together, in plain SQL (see db/sql.ts). A page past the end has
 * no rows to carry the total, so it is counted apart.
 */
async function openQueue(
  deps: Pick<Deps, "sql">,
  workspaceId: string,
  options: { offset: number; limit: number },
): Promise<{ items: Blocker[]; total: number; open: number }> {
  const rows = await deps.sql<Blocker & { total: number }>(openQueuePage, [
    workspaceId,
    options.offset,
    options.limit,
  ]);
  const total =
    rows[0]?.total ?? (await deps.sql<{ total: number }>(openQueueCount, [workspaceId]))[0]?.total ?? 0;
  const items = rows.map(({ total: _total, ...blocker }) => blocker);
  return { items, total, open: total };
}

/** Open blockers whose text names any of `words` (every open one without words), oldest first. */
export function openBlockersNaming(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  words: string[],
  limit: number,
): Promise<Blocker[]> {
  return deps.db.blocker.findMany({
    where: {
      workspaceId,
      status: "open",
      ...(words.length
        ? { OR: words.map((w) => ({ text: { contains: w, mode: "insensitive" as const } })) }
        : {}),
    },
    orderBy: { openedAt: "asc" },
    take: limit,
  });
}

/** Open blockers of one side of a person, oldest first: those they raised, or those waiting on them. */
export function openBlockersBy(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  who: { reporterId: string } | { waitingOnId: string },
  limit: number,
): Promise<Blocker[]> {
  return deps.db.blocker.findMany({
    where: { workspaceId, status: "open", ...who },
    orderBy: { openedAt: "asc" },
    take: limit,
  });
}

/** Open blockers that wait on a commitment (`waiting on C12`). */
export function openBlockersWaitingOn(deps: Pick<Deps, "db">, commitmentId: number): Promise<Blocker[]> {
  return deps.db.blocker.findMany({ where: { waitingOnCommitmentId: commitmentId, status: "open" } });
}

import { z } from "zod";
import { blockerRow, count } from "../db/rows.js";
import { query, statement } from "../db/sql.js";
import type { Deps } from "../deps.js";
import { notFound } from "../errors.js";
import type { Blocker, Prisma } from "../generated/prisma/client.js";
import { enqueue, type Outgoing } from "../jobs/outbox.js";
import { formatId, nextNumber } from "../ledger/ids.js";

/*
 * The blockers feature's reads and writes. Only its use cases
 * (use-cases.ts) call these; no rule, permission or message lives here.
 */

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

/** A blocker to record: who raised it, what it is, and what (or who) it waits on. */
export type NewBlocker = {
  workspaceId: string;
  reporterId: string;
  text: string;
  waitingOnId?: string | undefined;
  waitingOnText?: string | undefined;
  waitingOnCommitmentId?: number | undefined;
  channelId?: string | undefined;
  sourcePermalink?: string | undefined;
};

export async function insertBlocker(
  deps: Pick<Deps, "db">,
  input: NewBlocker & { openedAt: Date },
): Promise<Blocker> {
  // The number is taken in its own statement: the counter row stays locked for
  // microseconds, not for the whole insert (a failed insert leaves a gap, no harm).
  const number = await nextNumber(deps.db, input.workspaceId, "blocker");
  return deps.db.blocker.create({
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
      openedAt: input.openedAt,
    },
  });
}

/**
 * Marks an open blocker resolved and queues `notices` in the same
 * transaction, so they are sent once and only if the change happened.
 * Undefined when the blocker was no longer open; otherwise the queued ids.
 */
export function markResolved(
  deps: Pick<Deps, "db">,
  blocker: Blocker,
  change: { actorId: string; at: Date },
  notices: Outgoing[],
): Promise<number[] | undefined> {
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.blocker.updateMany({
      where: { id: blocker.id, status: "open" },
      data: { status: "resolved", resolvedAt: change.at, resolvedById: change.actorId },
    });
    if (count === 0) return undefined;
    return enqueue(tx, notices);
  });
}

/**
 * The queue, oldest first. With `resolvedSince`, blockers resolved since
 * then follow the open ones; with `userId`, only those they raised or that
 * wait on them.
 */
export async function listBlockers(
  deps: Pick<Deps, "db" | "sql">,
  workspaceId: string,
  options: { resolvedSince?: Date | undefined; offset: number; limit: number; userId?: string | undefined },
): Promise<{ items: Blocker[]; total: number; open: number }> {
  const { resolvedSince, userId } = options;
  if (!resolvedSince && !userId) return openQueue(deps, workspaceId, options);
  const person: Prisma.BlockerWhereInput = userId
    ? { OR: [{ reporterId: userId }, { waitingOnId: userId }] }
    : {};
  const state: Prisma.BlockerWhereInput = resolvedSince
    ? { OR: [{ status: "open" }, { status: "resolved", resolvedAt: { gte: resolvedSince } }] }
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
    resolvedSince ? deps.db.blocker.count({ where: openOnly }) : undefined,
  ]);
  return { items, total, open: open ?? total };
}

const openQueuePage = statement({
  name: "coo_open_blockers_page",
  text: `
    SELECT *,
      (SELECT count(*) FROM "Blocker" WHERE "workspaceId" = $1 AND "status" = 'open') AS "total"
    FROM "Blocker"
    WHERE "workspaceId" = $1 AND "status" = 'open'
    ORDER BY "openedAt" ASC, "number" ASC
    OFFSET $2 LIMIT $3`,
  row: blockerRow.extend({ total: count }),
});

const openQueueCount = statement({
  name: "coo_open_blockers_count",
  text: `SELECT count(*) AS "total" FROM "Blocker" WHERE "workspaceId" = $1 AND "status" = 'open'`,
  row: z.object({ total: count }),
});

/**
 * The hot path (`/coo blockers`): one indexed query that returns the page and
 * the total together, in plain SQL (see db/sql.ts); the total is counted once
 * (a window over every open row read them all). A page past the end has no
 * rows to carry the total, so it is counted apart.
 */
async function openQueue(
  deps: Pick<Deps, "sql">,
  workspaceId: string,
  options: { offset: number; limit: number },
): Promise<{ items: Blocker[]; total: number; open: number }> {
  const rows = await query(deps.sql, openQueuePage, [workspaceId, options.offset, options.limit]);
  const total = rows[0]?.total ?? (await query(deps.sql, openQueueCount, [workspaceId]))[0]?.total ?? 0;
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

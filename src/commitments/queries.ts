import { z } from "zod";
import { commitmentRow } from "../db/rows.js";
import { query, statement } from "../db/sql.js";
import type { Deps } from "../deps.js";
import { notFound } from "../errors.js";
import type { Commitment, CommitmentChange, Prisma } from "../generated/prisma/client.js";
import { formatId } from "../ledger/ids.js";

/*
 * The commitments feature's reads and writes. Only its use cases
 * (use-cases.ts) call these; no rule, permission or message lives here.
 */

export type CommitmentRow = Commitment & { workstream: { name: string } | null };

const withWorkstream = { workstream: { select: { name: true } } } satisfies Prisma.CommitmentInclude;

export const isOverdue = (c: Pick<Commitment, "status" | "dueAt">, now: Date) =>
  c.status === "open" && c.dueAt < now;

export async function findCommitment(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  number: number,
): Promise<CommitmentRow> {
  const found = await deps.db.commitment.findUnique({
    where: { workspaceId_number: { workspaceId, number } },
    include: withWorkstream,
  });
  if (!found) {
    throw notFound(
      `There is no commitment ${formatId("commitment", number)} here. \`/coo commitments all\` lists the open ones.`,
    );
  }
  return found;
}

export async function findWorkstream(deps: Pick<Deps, "db">, workspaceId: string, name: string) {
  const found = await deps.db.workstream.findUnique({
    where: { workspaceId_name: { workspaceId, name: name.toLowerCase() } },
  });
  if (!found) {
    const known = await deps.db.workstream.findMany({
      where: { workspaceId },
      select: { name: true },
      orderBy: { name: "asc" },
      take: 10,
    });
    const list = known.length
      ? `Workstreams: ${known.map((w) => `#${w.name}`).join(", ")}.`
      : "There are no workstreams yet.";
    throw notFound(`There is no workstream #${name}. ${list} Create one with \`/coo workstream ${name}\`.`);
  }
  return found;
}

/**
 * The whole of `/coo commit` in the database, as one statement: take the next
 * short number, insert the commitment and its "created" history row, and read
 * it back with its workstream's name. One round trip and one commit; the
 * counter row is locked only for this statement.
 */
const insertCommitment = statement({
  name: "coo_insert_commitment",
  text: `
    WITH created AS (
      INSERT INTO "Commitment" ("workspaceId", "number", "title", "ownerId", "creatorId", "dueAt",
        "originalDueAt", "workstreamId", "channelId", "sourcePermalink", "dependsOnId",
        "createdAt", "lastTouchedAt", "updatedAt")
      VALUES ($1, coo_next_number($1, 'commitment'), $2::text, $3::text, $4::text, $5::timestamptz, $5::timestamptz,
        $6::int, $7::text, $8::text, $9::int, $10::timestamptz, $10::timestamptz, $10::timestamptz)
      RETURNING *
    ), history AS (
      INSERT INTO "CommitmentChange" ("workspaceId", "commitmentId", "actorId", "kind", "toDueAt", "toOwnerId", "at")
      SELECT $1, created."id", $4::text, 'created', $5::timestamptz, $3::text, $10::timestamptz FROM created
    )
    SELECT created.*, workstream."name" AS "workstreamName"
    FROM created LEFT JOIN "Workstream" workstream ON workstream."id" = created."workstreamId"`,
  row: commitmentRow.extend({ workstreamName: z.string().nullable() }),
});

export async function createCommitment(
  deps: Pick<Deps, "sql" | "clock" | "changes">,
  input: {
    workspaceId: string;
    actorId: string;
    ownerId: string;
    title: string;
    dueAt: Date;
    workstreamId?: number | undefined;
    channelId?: string | undefined;
    sourcePermalink?: string | undefined;
    dependsOnId?: number | undefined;
  },
): Promise<CommitmentRow> {
  // The ledger's clock, not the database's: tests and the demo move it.
  const now = deps.clock.now();
  const [row] = await query(deps.sql, insertCommitment, [
    input.workspaceId,
    input.title,
    input.ownerId,
    input.actorId,
    input.dueAt,
    input.workstreamId ?? null,
    input.channelId ?? null,
    input.sourcePermalink ?? null,
    input.dependsOnId ?? null,
    now,
  ]);
  if (!row) throw new Error("the commitment insert returned no row");
  const { workstreamName, ...commitment } = row;
  deps.changes.publish({ workspaceId: input.workspaceId, userIds: [input.ownerId, input.actorId] });
  return { ...commitment, workstream: workstreamName === null ? null : { name: workstreamName } };
}

/**
 * One change to an open commitment and its history row, in one transaction.
 * The update holds only while the row is still open, so two people pressing
 * Done at once make one change: undefined for the one that lost.
 */
export async function applyChange(
  deps: Pick<Deps, "db">,
  current: CommitmentRow,
  change: {
    actorId: string;
    reason: string | undefined;
    data: Prisma.CommitmentUpdateManyMutationInput;
    history: Omit<Prisma.CommitmentChangeUncheckedCreateInput, "workspaceId" | "commitmentId" | "actorId">;
  },
  /** More writes that stand or fall with the change (the jobs it causes). */
  also?: (tx: Prisma.TransactionClient) => Promise<unknown>,
): Promise<CommitmentRow | undefined> {
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.commitment.updateMany({
      where: { id: current.id, status: "open" },
      data: change.data,
    });
    if (count === 0) return undefined;
    await tx.commitmentChange.create({
      data: {
        workspaceId: current.workspaceId,
        commitmentId: current.id,
        actorId: change.actorId,
        reason: change.reason ?? null,
        ...change.history,
      },
    });
    await also?.(tx);
    return tx.commitment.findUniqueOrThrow({ where: { id: current.id }, include: withWorkstream });
  });
}

/**
 * An open commitment marked done, with its history row, inside the caller's
 * transaction (work finished elsewhere). False when it was no longer open.
 */
export async function closeOpen(
  tx: Prisma.TransactionClient,
  input: { commitmentId: number; actorId: string; reason: string; at: Date },
): Promise<boolean> {
  const { count } = await tx.commitment.updateMany({
    where: { id: input.commitmentId, status: "open" },
    data: { status: "done", doneAt: input.at },
  });
  if (count === 0) return false;
  const { workspaceId } = await tx.commitment.findUniqueOrThrow({
    where: { id: input.commitmentId },
    select: { workspaceId: true },
  });
  await tx.commitmentChange.create({
    data: {
      workspaceId,
      commitmentId: input.commitmentId,
      actorId: input.actorId,
      kind: "done",
      reason: input.reason,
      at: input.at,
    },
  });
  return true;
}

/** A commitment by its row id, with its workstream's owner and bet; null when it is gone. */
export function commitmentAndStream(deps: Pick<Deps, "db">, id: number) {
  return deps.db.commitment.findUnique({
    where: { id },
    include: { workstream: { select: { name: true, ownerId: true, betId: true } } },
  });
}

/** A sign of life on a commitment, with no change to record. */
export async function touch(deps: Pick<Deps, "db">, id: number, now: Date): Promise<void> {
  await deps.db.commitment.update({ where: { id }, data: { lastTouchedAt: now } });
}

export type CommitmentFilter =
  | { kind: "owner"; userId: string }
  | { kind: "workstream"; workstreamId: number; name: string }
  | { kind: "all" };

export async function listOpenCommitments(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  filter: CommitmentFilter,
  page: { offset: number; limit: number },
): Promise<{ items: CommitmentRow[]; total: number }> {
  const where: Prisma.CommitmentWhereInput = {
    workspaceId,
    status: "open",
    ...(filter.kind === "owner" ? { ownerId: filter.userId } : {}),
    ...(filter.kind === "workstream" ? { workstreamId: filter.workstreamId } : {}),
  };
  const [items, total] = await Promise.all([
    deps.db.commitment.findMany({
      where,
      include: withWorkstream,
      orderBy: [{ dueAt: "asc" }, { number: "asc" }],
      skip: page.offset,
      take: page.limit,
    }),
    deps.db.commitment.count({ where }),
  ]);
  return { items, total };
}

export type DeliveryRecord = {
  open: number;
  overdue: number;
  done: number;
  doneOnTime: number;
  slipped: number;
};

/**
 * A person's record over the last 90 days. On time means done by the first
 * date promised: a commitment that slipped and then landed is not on time.
 */
export async function deliveryRecord(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  userId: string,
  now: Date,
): Promise<DeliveryRecord> {
  const since = new Date(now.getTime() - 90 * 24 * 3600 * 1000);
  const [open, overdue, doneRows, slipped] = await Promise.all([
    deps.db.commitment.count({ where: { workspaceId, ownerId: userId, status: "open" } }),
    deps.db.commitment.count({ where: { workspaceId, ownerId: userId, status: "open", dueAt: { lt: now } } }),
    deps.db.commitment.findMany({
      where: { workspaceId, ownerId: userId, status: "done", doneAt: { gte: since } },
      select: { doneAt: true, originalDueAt: true },
    }),
    deps.db.commitment.count({
      where: {
        workspaceId,
        ownerId: userId,
        createdAt: { gte: since },
        history: { some: { kind: "redated" } },
      },
    }),
  ]);
  const doneOnTime = doneRows.filter((r) => r.doneAt && r.doneAt <= r.originalDueAt).length;
  return { open, overdue, done: doneRows.length, doneOnTime, slipped };
}

/** A commitment and its latest `limit` changes, oldest first, with how many there are in all. */
export async function commitmentHistory(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  number: number,
  limit: number,
): Promise<{ commitment: CommitmentRow; changes: CommitmentChange[]; total: number }> {
  const commitment = await findCommitment(deps, workspaceId, number);
  const where = { commitmentId: commitment.id };
  const [latest, total] = await Promise.all([
    deps.db.commitmentChange.findMany({ where, orderBy: [{ at: "desc" }, { id: "desc" }], take: limit }),
    deps.db.commitmentChange.count({ where }),
  ]);
  return { commitment, changes: latest.reverse(), total };
}

/** A workstream by its name, with the bet it is under, or undefined. */
export function workstreamNamed(deps: Pick<Deps, "db">, workspaceId: string, name: string) {
  return deps.db.workstream.findUnique({
    where: { workspaceId_name: { workspaceId, name } },
    include: { bet: { select: { number: true, title: true } } },
  });
}

export function createWorkstream(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; name: string; ownerId: string; betId?: number | undefined },
) {
  return deps.db.workstream.create({ data: { ...input, betId: input.betId ?? null } });
}

/**
 * A new owner, a bet, or both. A bet is set only while the stream is under
 * none, so two people tying it at once make one tie: false for the other.
 */
export async function changeWorkstream(
  deps: Pick<Deps, "db">,
  id: number,
  data: { ownerId?: string | undefined; betId?: number | undefined },
): Promise<boolean> {
  const { count } = await deps.db.workstream.updateMany({
    where: { id, ...(data.betId === undefined ? {} : { betId: null }) },
    data: {
      ...(data.ownerId === undefined ? {} : { ownerId: data.ownerId }),
      ...(data.betId === undefined ? {} : { betId: data.betId }),
    },
  });
  return count > 0;
}

/** The workstreams under any of these bets, by name. */
export function workstreamsUnder(deps: Pick<Deps, "db">, workspaceId: string, betIds: number[]) {
  return deps.db.workstream.findMany({
    where: { workspaceId, betId: { in: betIds } },
    select: { id: true, name: true, ownerId: true, betId: true },
    orderBy: { name: "asc" },
  });
}

/** Open commitments in any of these workstreams, soonest first. */
export function openInStreams(deps: Pick<Deps, "db">, workspaceId: string, workstreamIds: number[]) {
  return deps.db.commitment.findMany({
    where: { workspaceId, status: "open", workstreamId: { in: workstreamIds } },
    include: withWorkstream,
    orderBy: [{ dueAt: "asc" }, { number: "asc" }],
  });
}

/** How many commitments each of these workstreams has done, ever. */
export async function doneInStreams(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  workstreamIds: number[],
): Promise<Map<number, number>> {
  const groups = await deps.db.commitment.groupBy({
    by: ["workstreamId"],
    where: { workspaceId, status: "done", workstreamId: { in: workstreamIds } },
    _count: { _all: true },
  });
  return new Map(groups.flatMap((g) => (g.workstreamId === null ? [] : [[g.workstreamId, g._count._all]])));
}

/** Every workstream of a workspace with its count of open commitments, by name. */
export async function workstreamsWithOpenWork(deps: Pick<Deps, "db">, workspaceId: string) {
  const streams = await deps.db.workstream.findMany({
    where: { workspaceId },
    orderBy: { name: "asc" },
    include: { _count: { select: { commitments: { where: { status: "open" } } } } },
  });
  return streams.map((s) => ({ name: s.name, ownerId: s.ownerId, open: s._count.commitments }));
}

/** Commitments of one owner, open, with their titles (to tell the same work said twice). */
export function openTitlesOf(deps: Pick<Deps, "db">, workspaceId: string, ownerId: string) {
  return deps.db.commitment.findMany({
    where: { workspaceId, ownerId, status: "open" },
    include: { workstream: { select: { name: true } } },
  });
}

/**
 * Open commitments whose title names any of `words` (all, without words),
 * due before `overdueAt` or by `dueBy` when given, soonest first.
 */
export function openCommitmentsNaming(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  filter: { words: string[]; overdueAt?: Date | undefined; dueBy?: Date | undefined },
  limit: number,
): Promise<CommitmentRow[]> {
  const { words, overdueAt, dueBy } = filter;
  return deps.db.commitment.findMany({
    where: {
      workspaceId,
      status: "open",
      ...(overdueAt ? { dueAt: { lt: overdueAt } } : dueBy ? { dueAt: { lte: dueBy } } : {}),
      ...(words.length
        ? { OR: words.map((w) => ({ title: { contains: w, mode: "insensitive" as const } })) }
        : {}),
    },
    orderBy: { dueAt: "asc" },
    take: limit,
    include: withWorkstream,
  });
}

/** Workstreams whose name holds any of `words`. */
export function workstreamsNaming(deps: Pick<Deps, "db">, workspaceId: string, words: string[]) {
  if (words.length === 0) return Promise.resolve([]);
  return deps.db.workstream.findMany({
    where: { workspaceId, OR: words.map((w) => ({ name: { contains: w } })) },
  });
}

// ---------------------------------------------------------------- capacity

/**
 * What capacity is read from, in one round trip (it runs on every `/coo
 * commit`): per owner, how many they landed since `since`; how many open
 * commitments they have due in [from, to), counted per quarter hour and per
 * place they were made (every zone's midnight falls on a quarter hour, so a
 * count never straddles a week; and an owner with hundreds due in one week
 * costs a handful of rows, not hundreds); and the workspace's team default.
 */
const capacityRows = statement({
  name: "coo_capacity_rows",
  text: `
    SELECT 'landed' AS "kind", "ownerId", NULL::timestamptz AS "dueAt", NULL::int AS "workstreamId",
      NULL::text AS "channelId", count(*)::int AS "n"
    FROM "Commitment"
    WHERE "workspaceId" = $1 AND "ownerId" = ANY($2::text[]) AND "status" = 'done'
      AND "doneAt" >= $3::timestamptz
    GROUP BY "ownerId"
    UNION ALL
    SELECT 'due', "ownerId", date_bin('15 minutes', "dueAt", timestamptz '2000-01-01 00:00Z'),
      "workstreamId", "channelId", count(*)::int
    FROM "Commitment"
    WHERE "workspaceId" = $1 AND "ownerId" = ANY($2::text[]) AND "status" = 'open'
      AND "dueAt" >= $4::timestamptz AND "dueAt" < $5::timestamptz
    GROUP BY 2, 3, 4, 5
    UNION ALL
    SELECT 'default', NULL, NULL, NULL, NULL, "weeklyCapacity" FROM "Workspace" WHERE "id" = $1`,
  row: z.object({
    kind: z.enum(["landed", "due", "default"]),
    ownerId: z.string().nullable(),
    dueAt: z.date().nullable(),
    workstreamId: z.number().int().nullable(),
    channelId: z.string().nullable(),
    n: z.number().int(),
  }),
});

/** `n` open commitments of `ownerId` due in the quarter hour from `dueAt`, made in one place. */
export type DueRow = {
  ownerId: string;
  dueAt: Date;
  n: number;
  workstreamId: number | null;
  channelId: string | null;
};
export type CapacityTally = { teamDefault: number; landed: Map<string, number>; due: DueRow[] };

/** The workspace's team default until an admin sets one. */
export const defaultWeeklyCapacity = 5;

export async function capacityTally(
  deps: Pick<Deps, "sql">,
  input: { workspaceId: string; ownerIds: string[]; since: Date; from: Date; to: Date },
): Promise<CapacityTally> {
  const rows = await query(deps.sql, capacityRows, [
    input.workspaceId,
    input.ownerIds,
    input.since,
    input.from,
    input.to,
  ]);
  const tally: CapacityTally = { teamDefault: defaultWeeklyCapacity, landed: new Map(), due: [] };
  for (const r of rows) {
    if (r.kind === "default") tally.teamDefault = r.n;
    else if (r.kind === "landed" && r.ownerId) tally.landed.set(r.ownerId, r.n);
    else if (r.kind === "due" && r.ownerId && r.dueAt)
      tally.due.push({
        ownerId: r.ownerId,
        dueAt: r.dueAt,
        n: r.n,
        workstreamId: r.workstreamId,
        channelId: r.channelId,
      });
  }
  return tally;
}

export async function teamCapacityOf(deps: Pick<Deps, "db">, workspaceId: string): Promise<number> {
  const found = await deps.db.workspace.findUnique({
    where: { id: workspaceId },
    select: { weeklyCapacity: true },
  });
  return found?.weeklyCapacity ?? defaultWeeklyCapacity;
}

export async function setTeamCapacity(deps: Pick<Deps, "db">, workspaceId: string, perWeek: number) {
  await deps.db.workspace.update({ where: { id: workspaceId }, data: { weeklyCapacity: perWeek } });
}

/**
 * Who could take work off people over their capacity, in one round trip (it
 * runs on every `/coo commit` that tips a week over): the people who work in
 * these workstreams or channels (owners of their open work or of work landed
 * since `since`, and the streams' owners; at most a few hundred pairs, enough
 * to name two people), and up to `limit` people coo knows here, in office at
 * `at` and not in `exclude`: those sharing the work first (members or
 * guests), then any other member; each with the time zone last read from
 * Slack.
 */
const roomRows = statement({
  name: "coo_people_with_room",
  text: `
    WITH "sharing" AS (
      (SELECT DISTINCT "ownerId" AS "userId", "workstreamId", "channelId"
      FROM "Commitment"
      WHERE "workspaceId" = $1 AND ("workstreamId" = ANY($2::int[]) OR "channelId" = ANY($3::text[]))
        AND ("status" = 'open' OR "doneAt" >= $4::timestamptz) AND NOT ("ownerId" = ANY($5::text[]))
      LIMIT 300)
      UNION
      SELECT "ownerId", "id", NULL FROM "Workstream"
      WHERE "workspaceId" = $1 AND "id" = ANY($2::int[]) AND NOT ("ownerId" = ANY($5::text[]))
    ),
    "free" AS (
      SELECT "slackUserId", "timezone",
        "slackUserId" IN (SELECT "userId" FROM "sharing") AS "close", "kind"::text AS "kind"
      FROM "Person"
      WHERE "workspaceId" = $1 AND "kind" IN ('member', 'guest') AND NOT ("slackUserId" = ANY($5::text[]))
        AND ("oooUntil" IS NULL OR "oooUntil" <= $6::timestamptz)
    ),
    "chosen" AS (
      SELECT "slackUserId", "timezone", "close" FROM "free" WHERE "close" OR "kind" = 'member'
      ORDER BY "close" DESC, "slackUserId" LIMIT $7::int
    )
    SELECT 'sharing' AS "kind", "userId", "workstreamId", "channelId", NULL::text AS "timezone" FROM "sharing"
    UNION ALL
    SELECT 'candidate', "slackUserId", NULL, NULL, "timezone" FROM "chosen"`,
  row: z.object({
    kind: z.enum(["sharing", "candidate"]),
    userId: z.string(),
    workstreamId: z.number().int().nullable(),
    channelId: z.string().nullable(),
    timezone: z.string().nullable(),
  }),
});

export type SharedWork = { userId: string; workstreamId: number | null; channelId: string | null };

export async function peopleWithRoom(
  deps: Pick<Deps, "sql">,
  workspaceId: string,
  scope: { workstreamIds: number[]; channelIds: string[]; since: Date; exclude: string[]; at: Date },
  limit: number,
): Promise<{ sharing: SharedWork[]; candidates: Array<{ userId: string; timeZone: string | null }> }> {
  const rows = await query(deps.sql, roomRows, [
    workspaceId,
    scope.workstreamIds,
    scope.channelIds,
    scope.since,
    scope.exclude,
    scope.at,
    limit,
  ]);
  return {
    sharing: rows
      .filter((r) => r.kind === "sharing")
      .map((r) => ({ userId: r.userId, workstreamId: r.workstreamId, channelId: r.channelId })),
    candidates: rows
      .filter((r) => r.kind === "candidate")
      .map((r) => ({ userId: r.userId, timeZone: r.timezone })),
  };
}

// ---------------------------------------------------------------- planned work (bets)

/** How many open commitments each of these people has due by `until`. */
export async function openDueBy(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  ownerIds: string[],
  until: Date,
): Promise<Map<string, number>> {
  const groups = await deps.db.commitment.groupBy({
    by: ["ownerId"],
    where: { workspaceId, status: "open", ownerId: { in: ownerIds }, dueAt: { lte: until } },
    _count: { _all: true },
  });
  return new Map(groups.map((g) => [g.ownerId, g._count._all]));
}

/** A workstream by name inside the caller's transaction, with the bet it carries. */
export function workstreamNamedIn(tx: Prisma.TransactionClient, workspaceId: string, name: string) {
  return tx.workstream.findUnique({
    where: { workspaceId_name: { workspaceId, name } },
    include: { bet: { select: { number: true } } },
  });
}

/** Ties a stream under no bet to one; false when it was tied meanwhile. */
export async function tieWorkstreamIn(tx: Prisma.TransactionClient, id: number, betId: number) {
  const { count } = await tx.workstream.updateMany({ where: { id, betId: null }, data: { betId } });
  return count > 0;
}

export function createWorkstreamIn(
  tx: Prisma.TransactionClient,
  input: { workspaceId: string; name: string; ownerId: string; betId: number },
) {
  return tx.workstream.create({ data: input });
}

/** `/coo commit`'s statement, inside the caller's transaction: the row and its "created" history. */
export async function createCommitmentIn(
  tx: Prisma.TransactionClient,
  input: {
    workspaceId: string;
    actorId: string;
    ownerId: string;
    title: string;
    dueAt: Date;
    workstreamId: number;
  },
  now: Date,
): Promise<CommitmentRow> {
  const [row] = await query(tx, insertCommitment, [
    input.workspaceId,
    input.title,
    input.ownerId,
    input.actorId,
    input.dueAt,
    input.workstreamId,
    null,
    null,
    null,
    now,
  ]);
  if (!row) throw new Error("the commitment insert returned no row");
  const { workstreamName, ...commitment } = row;
  return { ...commitment, workstream: workstreamName === null ? null : { name: workstreamName } };
}

/**
 * Commitments of any status whose title names any of `words` (of `ownerId`,
 * when given): open ones first, then the most recently changed.
 */
export function commitmentsNaming(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  filter: { words: string[]; ownerId?: string | undefined },
  limit: number,
): Promise<CommitmentRow[]> {
  const { words, ownerId } = filter;
  return deps.db.commitment.findMany({
    where: {
      workspaceId,
      ...(ownerId ? { ownerId } : {}),
      ...(words.length
        ? { OR: words.map((w) => ({ title: { contains: w, mode: "insensitive" as const } })) }
        : {}),
    },
    orderBy: [{ status: "asc" }, { updatedAt: "desc" }],
    take: limit,
    include: withWorkstream,
  });
}

/** Open commitments handed from `userId` to someone else since `since`, the latest first. */
export function reassignedFrom(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  userId: string,
  since: Date,
  limit: number,
) {
  return deps.db.commitmentChange.findMany({
    where: {
      workspaceId,
      kind: "reassigned",
      fromOwnerId: userId,
      at: { gte: since },
      commitment: { status: "open" },
    },
    orderBy: { at: "desc" },
    take: limit,
    select: { toOwnerId: true, at: true, commitment: { include: withWorkstream } },
  });
}

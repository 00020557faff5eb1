import { z } from "zod";
import { query, statement } from "../db/sql.js";
import type { Deps } from "../deps.js";

type Reads = Pick<Deps, "db" | "sql">;

/**
 * The dashboard's figures. Each aggregate is one statement on the plain
 * driver (a team of 100 with 50,000 commitments renders in well under 300 ms,
 * `npm run bench`). `owners` null: everyone in the workspace.
 */

const count = z.coerce.number().int();

const outcomeRow = z.object({
  week: z.string(),
  ownerId: z.string(),
  stream: z.string().nullable(),
  planned: count,
  onTime: count,
  late: count,
  slipped: count,
  dropped: count,
});
export type OutcomeRow = z.infer<typeof outcomeRow>;

/**
 * Commitments first due in [from, to), by the week (Monday, in `timeZone`)
 * they were first due, owner and workstream: on time (done by the first
 * date), late (done after it), slipped (still open past it, or re-dated),
 * dropped. What is open and not yet due is the rest of `planned`.
 */
const outcomes = statement({
  name: "coo_dashboard_outcomes",
  text: `SELECT to_char(date_trunc('week', c."originalDueAt" AT TIME ZONE $4), 'YYYY-MM-DD') AS "week",
      c."ownerId", w."name" AS "stream",
      count(*) AS "planned",
      count(*) FILTER (WHERE c."status" = 'done' AND c."doneAt" <= c."originalDueAt") AS "onTime",
      count(*) FILTER (WHERE c."status" = 'done' AND (c."doneAt" IS NULL OR c."doneAt" > c."originalDueAt")) AS "late",
      count(*) FILTER (WHERE c."status" = 'open' AND (c."dueAt" > c."originalDueAt" OR c."dueAt" < $5)) AS "slipped",
      count(*) FILTER (WHERE c."status" = 'dropped') AS "dropped"
    FROM "Commitment" c
    LEFT JOIN "Workstream" w ON w."workspaceId" = c."workspaceId" AND w."id" = c."workstreamId"
    WHERE c."workspaceId" = $1 AND c."originalDueAt" >= $2 AND c."originalDueAt" < $3
      AND ($6::text[] IS NULL OR c."ownerId" = ANY($6::text[]))
      AND ($7::text IS NULL OR w."name" = $7::text)
    GROUP BY 1, 2, 3`,
  row: outcomeRow,
});

export function outcomesBetween(
  deps: Reads,
  input: {
    workspaceId: string;
    from: Date;
    to: Date;
    timeZone: string;
    now: Date;
    owners: string[] | null;
    stream?: string;
  },
): Promise<OutcomeRow[]> {
  return query(deps.sql, outcomes, [
    input.workspaceId,
    input.from,
    input.to,
    input.timeZone,
    input.now,
    input.owners,
    input.stream ?? null,
  ]);
}

const participationRow = z.object({ userId: z.string(), asked: count, answered: count });
export type ParticipationRow = z.infer<typeof participationRow>;

/** Standups each person was asked in (runs that opened) in [from, to), and how many they answered. */
const participation = statement({
  name: "coo_dashboard_participation",
  text: `WITH asked AS (
      SELECT r."id", unnest(r."participants") AS "userId"
      FROM "CadenceRun" r JOIN "Cadence" k ON k."id" = r."cadenceId"
      WHERE r."workspaceId" = $1 AND k."kind" = 'standup' AND r."slot" >= $2 AND r."slot" < $3
        AND r."status" IN ('open', 'closed')
    )
    SELECT a."userId", count(*) AS "asked",
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "StandupAnswer" s
        WHERE s."runId" = a."id" AND s."userId" = a."userId")) AS "answered"
    FROM asked a
    WHERE ($4::text[] IS NULL OR a."userId" = ANY($4::text[]))
    GROUP BY 1`,
  row: participationRow,
});

export function participationBetween(
  deps: Reads,
  input: { workspaceId: string; from: Date; to: Date; owners: string[] | null },
): Promise<ParticipationRow[]> {
  return query(deps.sql, participation, [input.workspaceId, input.from, input.to, input.owners]);
}

const blockerRow = z.object({
  number: z.number(),
  text: z.string(),
  reporterId: z.string(),
  waitingOnId: z.string().nullable(),
  waitingOnText: z.string().nullable(),
  openedAt: z.date(),
});
export type OpenBlocker = z.infer<typeof blockerRow>;

const openBlockers = statement({
  name: "coo_dashboard_open_blockers",
  text: `SELECT "number", "text", "reporterId", "waitingOnId", "waitingOnText", "openedAt"
    FROM "Blocker" WHERE "workspaceId" = $1 AND "status" = 'open'
      AND ($2::text[] IS NULL OR "reporterId" = ANY($2::text[]) OR "waitingOnId" = ANY($2::text[]))
    ORDER BY "openedAt" ASC LIMIT $3`,
  row: blockerRow,
});

/** Open blockers raised by or waiting on `owners`, oldest first. */
export function openBlockersOf(
  deps: Reads,
  input: { workspaceId: string; owners: string[] | null; limit: number },
): Promise<OpenBlocker[]> {
  return query(deps.sql, openBlockers, [input.workspaceId, input.owners, input.limit]);
}

const ladderRow = z.object({
  number: z.number(),
  title: z.string(),
  ownerId: z.string(),
  dueAt: z.date(),
  step: z.enum(["dm_owner", "remind_owner", "tell_lead", "tell_ceo"]),
  sentAt: z.date(),
});
export type LadderRow = z.infer<typeof ladderRow>;

/** Each open commitment's latest escalation step for its current due date. */
const ladder = statement({
  name: "coo_dashboard_ladder",
  text: `SELECT DISTINCT ON (e."commitmentId") c."number", c."title", c."ownerId", c."dueAt", e."step", e."sentAt"
    FROM "Escalation" e
    JOIN "Commitment" c ON c."workspaceId" = e."workspaceId" AND c."id" = e."commitmentId" AND c."dueAt" = e."dueAt"
    WHERE e."workspaceId" = $1 AND c."status" = 'open'
      AND ($2::text[] IS NULL OR c."ownerId" = ANY($2::text[]))
    ORDER BY e."commitmentId", e."sentAt" DESC`,
  row: ladderRow,
});

export function ladderSteps(
  deps: Reads,
  input: { workspaceId: string; owners: string[] | null },
): Promise<LadderRow[]> {
  return query(deps.sql, ladder, [input.workspaceId, input.owners]);
}

export function peopleOf(deps: Reads, workspaceId: string) {
  return deps.db.person.findMany({
    where: { workspaceId, kind: { not: "bot" } },
    select: { slackUserId: true, displayName: true, seat: true, isAdmin: true, kind: true },
  });
}

export function workspaceOf(deps: Reads, workspaceId: string) {
  return deps.db.workspace.findUnique({
    where: { id: workspaceId },
    select: { id: true, name: true, timezone: true },
  });
}

export function workstreamsOf(deps: Reads, workspaceId: string) {
  return deps.db.workstream.findMany({
    where: { workspaceId },
    select: { name: true, ownerId: true },
    orderBy: { name: "asc" },
  });
}

export function workstreamNamed(deps: Reads, workspaceId: string, name: string) {
  return deps.db.workstream.findUnique({
    where: { workspaceId_name: { workspaceId, name } },
    select: { id: true, name: true, ownerId: true },
  });
}

/** The channels coo runs a cadence in: where the teams are. */
export async function cadenceChannels(deps: Reads, workspaceId: string): Promise<string[]> {
  const rows = await deps.db.cadence.findMany({
    where: { workspaceId },
    select: { channelId: true },
    distinct: ["channelId"],
  });
  return rows.map((r) => r.channelId);
}

/** A person's commitments: every open one, and those first due since `since`. */
export function commitmentsOf(deps: Reads, input: { workspaceId: string; ownerId: string; since: Date }) {
  return deps.db.commitment.findMany({
    where: {
      workspaceId: input.workspaceId,
      ownerId: input.ownerId,
      OR: [{ status: "open" }, { originalDueAt: { gte: input.since } }],
    },
    select: {
      number: true,
      title: true,
      status: true,
      dueAt: true,
      originalDueAt: true,
      doneAt: true,
      workstream: { select: { name: true } },
    },
    orderBy: [{ dueAt: "desc" }],
    take: 200,
  });
}

/** Open commitments in a workstream, soonest due first. */
export function openInStream(
  deps: Reads,
  input: { workspaceId: string; workstreamId: number; owners: string[] | null },
) {
  return deps.db.commitment.findMany({
    where: {
      workspaceId: input.workspaceId,
      workstreamId: input.workstreamId,
      status: "open",
      ...(input.owners ? { ownerId: { in: input.owners } } : {}),
    },
    select: { number: true, title: true, ownerId: true, dueAt: true, originalDueAt: true },
    orderBy: { dueAt: "asc" },
    take: 100,
  });
}

/** What happened to a person's commitments (or what they did to others'), newest first. */
export function historyOf(deps: Reads, input: { workspaceId: string; userId: string; limit: number }) {
  return deps.db.commitmentChange.findMany({
    where: {
      workspaceId: input.workspaceId,
      OR: [{ actorId: input.userId }, { commitment: { ownerId: input.userId } }],
    },
    select: {
      kind: true,
      actorId: true,
      at: true,
      fromDueAt: true,
      toDueAt: true,
      fromOwnerId: true,
      toOwnerId: true,
      reason: true,
      commitment: { select: { number: true, title: true } },
    },
    orderBy: { at: "desc" },
    take: input.limit,
  });
}

// ---------------------------------------------------------------- sessions

export function createSignIn(
  deps: Reads,
  row: { state: string; nonce: string; codeVerifier: string; returnTo: string; createdAt: Date },
) {
  return deps.db.webSignIn.create({ data: row });
}

/** Takes a sign-in once: a second callback with the same state finds nothing. */
export async function takeSignIn(deps: Reads, state: string) {
  const rows = await deps.db.webSignIn.findMany({ where: { state }, take: 1 });
  const row = rows[0];
  if (!row) return undefined;
  const { count: taken } = await deps.db.webSignIn.deleteMany({ where: { state } });
  return taken === 1 ? row : undefined;
}

export function forgetSignInsBefore(deps: Reads, before: Date) {
  return deps.db.webSignIn.deleteMany({ where: { createdAt: { lt: before } } });
}

export function workspaceExists(deps: Reads, workspaceId: string) {
  return deps.db.workspace.count({ where: { id: workspaceId } });
}

export function createSession(
  deps: Reads,
  row: {
    id: string;
    workspaceId: string;
    slackUserId: string;
    csrfToken: string;
    createdAt: Date;
    expiresAt: Date;
  },
) {
  return deps.db.webSession.create({ data: row });
}

export function sessionById(deps: Reads, id: string) {
  return deps.db.webSession.findUnique({ where: { id } });
}

export function deleteSession(deps: Reads, id: string) {
  return deps.db.webSession.deleteMany({ where: { id } });
}

export function forgetSessionsBefore(deps: Reads, before: Date) {
  return deps.db.webSession.deleteMany({ where: { expiresAt: { lt: before } } });
}

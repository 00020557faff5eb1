import { idRow } from "../db/rows.js";
import { query, statement } from "../db/sql.js";
import type { Deps } from "../deps.js";
import { notFound } from "../errors.js";
import type { Cadence, CadenceKind, CadencePauseReason, Prisma } from "../generated/prisma/client.js";
import { formatId, nextNumber } from "../ledger/ids.js";

/*
 * The cadence feature's reads and writes. Only its use cases (use-cases.ts)
 * call these; no rule, permission or message lives here. The scheduler
 * (engine.ts) keeps its own claims on runs.
 */

type Tx = Prisma.TransactionClient;
type Reads = Pick<Deps, "db">;

export async function findCadence(deps: Reads, workspaceId: string, number: number): Promise<Cadence> {
  const found = await deps.db.cadence.findUnique({ where: { workspaceId_number: { workspaceId, number } } });
  if (!found)
    throw notFound(`There is no cadence ${formatId("cadence", number)} here. \`/coo cadences\` lists them.`);
  return found;
}

export async function cadenceById(deps: Reads, id: number): Promise<Cadence | undefined> {
  return (await deps.db.cadence.findUnique({ where: { id } })) ?? undefined;
}

/** A channel has at most one cadence of each kind. */
export async function cadenceOfKind(
  deps: Reads,
  workspaceId: string,
  channelId: string,
  kind: CadenceKind,
): Promise<Cadence | undefined> {
  const found = await deps.db.cadence.findUnique({
    where: { workspaceId_channelId_kind: { workspaceId, channelId, kind } },
  });
  return found ?? undefined;
}

export function createCadence(
  deps: Reads,
  data: Omit<Prisma.CadenceUncheckedCreateInput, "number">,
): Promise<Cadence> {
  return deps.db.$transaction(async (tx) => {
    const number = await nextNumber(tx, data.workspaceId, "cadence");
    return tx.cadence.create({ data: { ...data, number } });
  });
}

export function cadencesOf(deps: Reads, workspaceId: string): Promise<Cadence[]> {
  return deps.db.cadence.findMany({ where: { workspaceId }, orderBy: { number: "asc" } });
}

export function cadencesIn(deps: Reads, workspaceId: string, channelId: string): Promise<Cadence[]> {
  return deps.db.cadence.findMany({ where: { workspaceId, channelId }, orderBy: { number: "asc" } });
}

/** The running cadences of a workspace, limited to `ids` when given. */
export function runningCadences(deps: Reads, workspaceId: string, ids?: number[]): Promise<Cadence[]> {
  return deps.db.cadence.findMany({
    where: { workspaceId, paused: false, ...(ids ? { id: { in: ids } } : {}) },
  });
}

/** The cadences whose runs a person was asked to take part in. */
export async function cadencesJoinedBy(deps: Reads, workspaceId: string, userId: string): Promise<number[]> {
  const rows = await deps.db.cadenceRun.findMany({
    where: { workspaceId, participants: { has: userId } },
    select: { cadenceId: true },
    distinct: ["cadenceId"],
  });
  return rows.map((r) => r.cadenceId);
}

export async function deleteCadence(deps: Reads, id: number): Promise<void> {
  await deps.db.cadence.delete({ where: { id } });
}

/** A person pauses one cadence. */
export function pauseCadence(deps: Reads, id: number, userId: string, now: Date): Promise<Cadence> {
  return deps.db.cadence.update({
    where: { id },
    data: { paused: true, pausedReason: "person", pausedById: userId, pausedAt: now },
  });
}

/** A person resumes one cadence: it runs from now, missed slots not caught up. */
export function resumeCadence(deps: Reads, id: number, now: Date): Promise<Cadence> {
  return deps.db.cadence.update({
    where: { id },
    data: { paused: false, pausedReason: null, pausedById: null, pausedAt: null, activeFrom: now },
  });
}

/** Why coo itself may pause a workspace's cadences: it was uninstalled, or its token revoked. */
export type LeftReason = Exclude<CadencePauseReason, "person">;
const left: LeftReason[] = ["app_uninstalled", "tokens_revoked"];

/**
 * coo left the workspace: every running cadence pauses with that reason.
 * Those a person paused keep their own reason (and stay paused on return).
 */
export async function pauseWorkspace(tx: Tx, workspaceId: string, reason: LeftReason, now: Date) {
  await tx.cadence.updateMany({
    where: { workspaceId, paused: false },
    data: { paused: true, pausedReason: reason, pausedById: null, pausedAt: now },
  });
}

/**
 * coo is back (a new installation, or a restart with a token that works): the
 * cadences its leaving paused run again from now, missed slots not caught up.
 * Returns how many resumed.
 */
export async function resumeWorkspace(
  deps: Pick<Deps, "sql">,
  workspaceId: string,
  now: Date,
): Promise<number> {
  return (await query(deps.sql, resumeLeft, [workspaceId, left, now])).length;
}

// Runs at every start with one bot token: on the plain driver, so an idle bot
// does not load the ORM's query compiler (decision 0034).
const resumeLeft = statement({
  name: "coo_resume_left_cadences",
  text: `
    UPDATE "Cadence"
    SET "paused" = false, "pausedReason" = NULL, "pausedById" = NULL, "pausedAt" = NULL,
      "activeFrom" = $3::timestamptz, "updatedAt" = now()
    WHERE "workspaceId" = $1 AND "paused" AND "pausedReason"::text = ANY($2::text[])
    RETURNING "id"`,
  row: idRow,
});

/** Adds a skip day; false when it was one already. */
export async function addSkipDay(
  deps: Reads,
  input: { workspaceId: string; channelId: string; date: string; createdById: string },
): Promise<boolean> {
  const { count } = await deps.db.skipDay.createMany({ data: [input], skipDuplicates: true });
  return count > 0;
}

/** Removes a skip day; false when there was none. */
export async function removeSkipDay(
  deps: Reads,
  input: { workspaceId: string; channelId: string; date: string },
): Promise<boolean> {
  const { count } = await deps.db.skipDay.deleteMany({ where: input });
  return count > 0;
}

/** Someone is out of office until then, from `from` or now (null: back). */
export async function setOutOfOffice(
  deps: Reads,
  workspaceId: string,
  userId: string,
  until: Date | null,
  from: Date | null = null,
): Promise<void> {
  await deps.db.person.update({
    where: { workspaceId_slackUserId: { workspaceId, slackUserId: userId } },
    data: { oooUntil: until, oooFrom: until ? from : null },
  });
}

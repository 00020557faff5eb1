import type { Db } from "../db/open.js";
import type { Cadence, CadencePauseReason, Prisma } from "../generated/prisma/client.js";
import { formatId } from "../ledger/ids.js";
import { mention } from "../slack/mentions.js";
import { describeDay } from "../time/when.js";

type Tx = Prisma.TransactionClient;

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
export async function resumeWorkspace(db: Db | Tx, workspaceId: string, now: Date): Promise<number> {
  const { count } = await db.cadence.updateMany({
    where: { workspaceId, paused: true, pausedReason: { in: left } },
    data: { paused: false, pausedReason: null, pausedById: null, pausedAt: null, activeFrom: now },
  });
  return count;
}

/** A person pauses or resumes one cadence; resuming starts from now, without catching up. */
export function pausedBy(userId: string, now: Date) {
  return { paused: true, pausedReason: "person", pausedById: userId, pausedAt: now } as const;
}
export function resumed(now: Date) {
  return { paused: false, pausedReason: null, pausedById: null, pausedAt: null, activeFrom: now } as const;
}

/** Why a cadence is paused and how it comes back, for `/coo cadences`. */
export function pauseNote(c: Cadence, now: Date): string {
  const resume = `\`/coo cadence resume ${formatId("cadence", c.number)}\``;
  const when = c.pausedAt ? ` on ${describeDay(c.pausedAt, c.timezone, now)}` : "";
  const onReturn = `it restarts by itself once coo is installed again, or ${resume} restarts it now`;
  switch (c.pausedReason) {
    case "person":
      return `paused${c.pausedById ? ` by ${mention(c.pausedById)}` : ""}${when} · ${resume} restarts it`;
    case "app_uninstalled":
      return `paused because coo was uninstalled from this workspace${when} · ${onReturn}`;
    case "tokens_revoked":
      return `paused because coo's Slack token was revoked${when} · ${onReturn}`;
    default:
      return `paused · ${resume} restarts it`;
  }
}

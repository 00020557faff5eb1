import { z } from "zod";
import type { Db } from "../db/open.js";
import { query, type Sql, statement } from "../db/sql.js";
import type { Prisma } from "../generated/prisma/client.js";

/*
 * The workspaces feature's reads and writes: the row that says coo has heard
 * from a workspace, the keys of the requests it already served, and what an
 * uninstall takes away. Only its use cases (use-cases.ts) call these.
 */

type Tx = Prisma.TransactionClient;

/** Makes sure the workspace row exists. */
export async function ensureWorkspaceRow(db: Db, workspaceId: string): Promise<void> {
  await db.workspace.upsert({ where: { id: workspaceId }, create: { id: workspaceId }, update: {} });
}

/**
 * Records a request key (a slash command's or an interaction's trigger_id);
 * true the first time, false for a replay. The primary key makes this safe
 * across restarts and replicas.
 */
export async function claimRequest(sql: Sql, workspaceId: string, key: string): Promise<boolean> {
  // One statement on the plain driver: it runs before every command and press (decision 0011).
  const rows = await query(sql, claimRequestKey, [key, workspaceId]);
  return rows.length === 1;
}

const claimRequestKey = statement({
  name: "coo_claim_request",
  text: `INSERT INTO "ProcessedEvent" ("eventId", "workspaceId", "receivedAt") VALUES ($1, $2, now())
    ON CONFLICT DO NOTHING RETURNING "eventId"`,
  row: z.object({ eventId: z.string() }),
});

/**
 * Slack refuses a request signed more than five minutes ago and stops
 * redelivering events after about five minutes; two days is ample.
 */
export async function forgetOldRequests(db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - 2 * 24 * 3600 * 1000);
  const { count } = await db.processedEvent.deleteMany({ where: { receivedAt: { lt: before } } });
  return count;
}

/** coo's tokens for the workspace are gone. */
export async function removeInstallation(tx: Tx, workspaceId: string): Promise<void> {
  await tx.installation.deleteMany({ where: { id: workspaceId } });
}

/** Nothing more is sent there: what was waiting to go is marked failed, with why. */
export async function failPendingMessages(tx: Tx, workspaceId: string, why: string): Promise<void> {
  await tx.outboxMessage.updateMany({
    where: { workspaceId, status: { in: ["pending", "sending"] } },
    data: { status: "failed", error: why },
  });
}

import type { Db } from "../db/open.js";

/**
 * Records an event id; true the first time, false for a redelivery. The
 * primary key makes this safe across restarts and replicas.
 */
export async function claimEvent(db: Db, workspaceId: string, eventId: string): Promise<boolean> {
  const { count } = await db.processedEvent.createMany({
    data: [{ eventId, workspaceId }],
    skipDuplicates: true,
  });
  return count === 1;
}

/** Slack stops redelivering after about five minutes; two days is ample. */
export async function forgetOldEvents(db: Db, now: Date): Promise<number> {
  const { count } = await db.processedEvent.deleteMany({
    where: { receivedAt: { lt: new Date(now.getTime() - 2 * 24 * 3600 * 1000) } },
  });
  return count;
}

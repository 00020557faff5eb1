import type { Db } from "../db/open.js";

/**
 * Records a request key (a slash command's or an interaction's trigger_id);
 * true the first time, false for a replay. The primary key makes this safe
 * across restarts and replicas.
 */
export async function claimRequest(db: Db, workspaceId: string, key: string): Promise<boolean> {
  const { count } = await db.processedEvent.createMany({
    data: [{ eventId: key, workspaceId }],
    skipDuplicates: true,
  });
  return count === 1;
}

/**
 * Slack refuses a request signed more than five minutes ago and stops
 * redelivering events after about five minutes; two days is ample.
 */
export async function forgetOldRequests(db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - 2 * 24 * 3600 * 1000);
  const [requests, events] = await db.$transaction([
    db.processedEvent.deleteMany({ where: { receivedAt: { lt: before } } }),
    db.inboundEvent.deleteMany({ where: { receivedAt: { lt: before }, status: { not: "received" } } }),
  ]);
  return requests.count + events.count;
}

import type { Deps } from "../deps.js";

/**
 * For commitments named as today's work in at least three standups: how many
 * of their cadence's latest runs in a row named them.
 */
export async function driftStreaks(deps: Pick<Deps, "db">): Promise<Map<number, number>> {
  const counted = await deps.db.commitmentMention.groupBy({
    by: ["commitmentId"],
    _count: { _all: true },
    having: { commitmentId: { _count: { gte: 3 } } },
  });
  const streaks = new Map<number, number>();
  if (counted.length === 0) return streaks;
  const mentions = await deps.db.commitmentMention.findMany({
    where: { commitmentId: { in: counted.map((c) => c.commitmentId) }, commitment: { status: "open" } },
    select: { commitmentId: true, runId: true, cadenceId: true },
  });
  const cadenceIds = [...new Set(mentions.map((m) => m.cadenceId))];
  const recentRuns = new Map<number, number[]>();
  for (const cadenceId of cadenceIds) {
    const runs = await deps.db.cadenceRun.findMany({
      where: { cadenceId, status: { in: ["open", "closed"] } },
      orderBy: { slot: "desc" },
      take: 10,
      select: { id: true },
    });
    recentRuns.set(
      cadenceId,
      runs.map((r) => r.id),
    );
  }
  const byCommitment = new Map<number, { cadenceId: number; runs: Set<number> }>();
  for (const m of mentions) {
    const entry = byCommitment.get(m.commitmentId) ?? { cadenceId: m.cadenceId, runs: new Set<number>() };
    entry.runs.add(m.runId);
    byCommitment.set(m.commitmentId, entry);
  }
  for (const [commitmentId, { cadenceId, runs }] of byCommitment) {
    let streak = 0;
    for (const runId of recentRuns.get(cadenceId) ?? []) {
      if (!runs.has(runId)) break;
      streak++;
    }
    streaks.set(commitmentId, streak);
  }
  return streaks;
}

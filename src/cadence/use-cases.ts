import type { Deps } from "../deps.js";
import { nextSlot } from "./slots.js";

/*
 * The cadence feature's operations, for other features
 * (docs/decisions/0020-use-cases-and-grammar.md).
 */

export { type LeftReason, pauseWorkspace, resumeWorkspace } from "./pauses.js";

/**
 * The soonest next run among the cadences a person took part in (or, when
 * they took part in none, any running in the workspace).
 */
export async function nextCadenceFor(
  deps: Pick<Deps, "db" | "clock">,
  input: { workspaceId: string; userId: string },
): Promise<{ kind: string; channelId: string; at: Date; timeZone: string } | undefined> {
  const { workspaceId, userId } = input;
  const now = deps.clock.now();
  const joined = await deps.db.cadenceRun.findMany({
    where: { workspaceId, participants: { has: userId } },
    select: { cadenceId: true },
    distinct: ["cadenceId"],
  });
  const running = await deps.db.cadence.findMany({
    where: {
      workspaceId,
      paused: false,
      ...(joined.length ? { id: { in: joined.map((r) => r.cadenceId) } } : {}),
    },
  });
  const next = running
    .map((c) => ({ c, at: nextSlot(c, now) }))
    .filter((x): x is { c: (typeof running)[number]; at: Date } => x.at !== undefined)
    .sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  return next && { kind: next.c.kind, channelId: next.c.channelId, at: next.at, timeZone: next.c.timezone };
}

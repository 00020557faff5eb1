import type { Deps } from "../deps.js";
import type { Blocker } from "../generated/prisma/client.js";
import {
  createBlocker,
  listBlockers,
  openBlockersBy,
  openBlockersNaming,
  openBlockersWaitingOn,
} from "./ledger.js";

/*
 * The blockers feature's operations, for every surface (slash commands,
 * buttons, standup answers, other features). Each owns its rules, its
 * permission checks and its writes (docs/decisions/0020-use-cases-and-grammar.md).
 */

export type { Blocker };

/** The open blockers a person raised or that wait on them, oldest first, and how many there are. */
export async function blockersOf(
  deps: Pick<Deps, "db" | "sql" | "clock">,
  input: { workspaceId: string; userId: string; limit: number },
): Promise<{ items: Blocker[]; open: number }> {
  const { items, open } = await listBlockers(deps, input.workspaceId, {
    includeRecent: false,
    now: deps.clock.now(),
    offset: 0,
    limit: input.limit,
    userId: input.userId,
  });
  return { items, open };
}

/** A blocker another feature records for someone (a nudge's Need help form). */
export function recordBlocker(
  deps: Pick<Deps, "db" | "clock" | "changes">,
  input: Parameters<typeof createBlocker>[1],
): Promise<Blocker> {
  return createBlocker(deps, input);
}

/** Open blockers whose text names any of `words` (every open one without words), oldest first. */
export function openBlockersAbout(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; words: string[]; limit: number },
): Promise<Blocker[]> {
  return openBlockersNaming(deps, input.workspaceId, input.words, input.limit);
}

/** A person's open blockers, oldest first: those they raised, and those waiting on them. */
export async function blockersAround(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; userId: string; limit: number },
): Promise<{ raised: Blocker[]; waiting: Blocker[] }> {
  const { workspaceId, userId, limit } = input;
  const [raised, waiting] = await Promise.all([
    openBlockersBy(deps, workspaceId, { reporterId: userId }, limit),
    openBlockersBy(deps, workspaceId, { waitingOnId: userId }, limit),
  ]);
  return { raised, waiting };
}

/** Open blockers that wait on a commitment (`waiting on C12`): their reporters hear when it moves. */
export function blockersWaitingOn(
  deps: Pick<Deps, "db">,
  input: { commitmentId: number },
): Promise<Blocker[]> {
  return openBlockersWaitingOn(deps, input.commitmentId);
}

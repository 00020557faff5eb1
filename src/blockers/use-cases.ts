import type { Deps } from "../deps.js";
import type { Blocker } from "../generated/prisma/client.js";
import { listBlockers } from "./ledger.js";

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

// What a standup answer raises and what its edit or deletion clears.
export { createBlocker, resolveBlocker } from "./ledger.js";

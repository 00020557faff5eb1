import { type LeftReason, pauseWorkspace, resumeWorkspace } from "../cadence/use-cases.js";
import type { Deps } from "../deps.js";
import type { Admission } from "../slack/app.js";
import {
  claimRequest,
  ensureWorkspaceRow,
  failPendingMessages,
  forgetOldRequests,
  removeInstallation,
} from "./queries.js";

/*
 * The workspaces feature's operations: a workspace coo hears from, one that
 * uninstalls it, one that comes back (docs/decisions/0020-use-cases-and-grammar.md).
 */

export type { LeftReason };

/** What reschedules the cadences once some were paused or resumed (the cadence engine). */
export type Schedules = { rebuild(): Promise<void> };

/**
 * The request middleware's questions (src/slack/app.ts): the workspace row
 * exists once coo has heard from it (remembered, so asked once per process),
 * and a replayed command or button press is recognised.
 */
export function admission(deps: Pick<Deps, "db" | "sql">): Admission {
  const known = new Set<string>();
  return {
    async workspace(workspaceId) {
      if (known.has(workspaceId)) return;
      await ensureWorkspaceRow(deps.db, workspaceId);
      known.add(workspaceId);
    },
    firstTime: (workspaceId, key) => claimRequest(deps.sql, workspaceId, key),
  };
}

/** Request and event ids older than Slack's redelivery window are forgotten. */
export function forgetOldRequestsBefore(deps: Pick<Deps, "db">, now: Date): Promise<number> {
  return forgetOldRequests(deps.db, now);
}

/**
 * A workspace uninstalled coo (or revoked its tokens): its schedules stop at
 * once, each marked with why, and nothing more is sent there. Its ledger
 * stays, in case it comes back.
 */
export async function stopWorkspace(
  deps: Pick<Deps, "db" | "clock" | "log">,
  schedules: Schedules,
  workspaceId: string,
  why: LeftReason,
): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    await removeInstallation(tx, workspaceId);
    await pauseWorkspace(tx, workspaceId, why, deps.clock.now());
    await failPendingMessages(tx, workspaceId, why);
  });
  await schedules.rebuild();
  deps.log.warn("workspace stopped", { workspace: workspaceId, why });
}

/**
 * coo is back in a workspace (installed again, or started with a token that
 * works): what its leaving paused runs again; what people paused stays paused.
 */
export async function resumeWorkspaceCadences(
  deps: Pick<Deps, "sql" | "clock" | "log">,
  schedules: Schedules,
  workspaceId: string,
  why: "coo was installed again" | "the bot token works again",
): Promise<void> {
  const count = await resumeWorkspace(deps, workspaceId, deps.clock.now());
  if (count === 0) return;
  await schedules.rebuild();
  deps.log.info(`cadences resumed: ${why}`, { workspace: workspaceId, cadences: count });
}

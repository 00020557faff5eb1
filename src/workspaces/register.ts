import type { webApi } from "@slack/bolt";
import {
  type CadenceEngine,
  type LeftReason,
  pauseWorkspace,
  resumeWorkspace,
} from "../cadence/use-cases.js";
import type { Deps } from "../deps.js";
import type { Slack } from "../slack/app.js";
import { scopeOf } from "../slack/context.js";

/**
 * When a workspace uninstalls coo (or revokes its tokens), its schedules stop
 * at once, each marked with why, and nothing more is sent there. Its ledger
 * stays, in case it comes back; when it does, those schedules resume.
 */
export function register({ listeners }: Slack, deps: Deps, engine: CadenceEngine): void {
  const stop = async (workspaceId: string, why: LeftReason) => {
    await deps.db.$transaction(async (tx) => {
      await tx.installation.deleteMany({ where: { id: workspaceId } });
      await pauseWorkspace(tx, workspaceId, why, deps.clock.now());
      await tx.outboxMessage.updateMany({
        where: { workspaceId, status: { in: ["pending", "sending"] } },
        data: { status: "failed", error: why },
      });
    });
    await engine.rebuild();
    deps.log.warn("workspace stopped", { workspace: workspaceId, why });
  };
  listeners.event("app_uninstalled", async ({ context }) => {
    await stop(scopeOf(context).workspaceId, "app_uninstalled");
  });
  listeners.event("tokens_revoked", async ({ event, context }) => {
    if ((event.tokens.bot?.length ?? 0) > 0) await stop(scopeOf(context).workspaceId, "tokens_revoked");
  });
}

/** coo is installed in a workspace again (OAuth): what its leaving paused runs again. */
export async function resumeOnInstall(
  deps: Pick<Deps, "db" | "clock" | "log">,
  engine: CadenceEngine,
  workspaceId: string,
): Promise<void> {
  const count = await resumeWorkspace(deps.db, workspaceId, deps.clock.now());
  if (count === 0) return;
  await engine.rebuild();
  deps.log.info("cadences resumed: coo was installed again", { workspace: workspaceId, cadences: count });
}

/**
 * Single-token mode: reinstalling the app sends no event, so the signal is
 * coo starting with a token Slack accepts. The cadences an uninstall or a
 * revoked token paused in that token's workspace resume; those people paused
 * stay paused. When Slack cannot be asked, nothing changes.
 */
export async function resumeWithWorkingToken(
  deps: Pick<Deps, "db" | "clock" | "log">,
  engine: CadenceEngine,
  client: webApi.WebClient,
): Promise<void> {
  let workspaceId: string | undefined;
  try {
    const auth = await client.auth.test();
    workspaceId = auth.is_enterprise_install ? auth.enterprise_id : auth.team_id;
  } catch (error) {
    deps.log.warn("could not check the bot token at start; paused cadences stay paused", {
      error: String(error),
    });
    return;
  }
  if (!workspaceId) return;
  const count = await resumeWorkspace(deps.db, workspaceId, deps.clock.now());
  if (count === 0) return;
  await engine.rebuild();
  deps.log.info("cadences resumed: the bot token works again", { workspace: workspaceId, cadences: count });
}

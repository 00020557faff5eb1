import type { CadenceEngine } from "../cadence/engine.js";
import type { Deps } from "../deps.js";
import type { Slack } from "../slack/app.js";
import { scopeOf } from "../slack/context.js";

/**
 * When a workspace uninstalls coo (or revokes its tokens), its schedules stop
 * at once and nothing more is sent there. Its ledger stays, in case it comes back.
 */
export function register({ listeners }: Slack, deps: Deps, engine: CadenceEngine): void {
  const stop = async (workspaceId: string, why: string) => {
    await deps.db.$transaction([
      deps.db.installation.deleteMany({ where: { id: workspaceId } }),
      deps.db.cadence.updateMany({ where: { workspaceId }, data: { paused: true } }),
      deps.db.outboxMessage.updateMany({
        where: { workspaceId, status: { in: ["pending", "sending"] } },
        data: { status: "failed", error: why },
      }),
    ]);
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

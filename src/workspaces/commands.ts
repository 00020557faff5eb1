import type { webApi } from "@slack/bolt";
import type { Deps } from "../deps.js";
import type { Slack } from "../slack/app.js";
import { scopeOf } from "../slack/context.js";
import { resumeWorkspaceCadences, type Schedules, stopWorkspace } from "./use-cases.js";

/**
 * When a workspace uninstalls coo (or revokes its tokens), its schedules stop
 * at once, each marked with why, and nothing more is sent there. Its ledger
 * stays, in case it comes back; when it does, those schedules resume.
 */
export function register({ listeners }: Slack, deps: Deps, schedules: Schedules): void {
  listeners.event("app_uninstalled", async ({ context }) => {
    await stopWorkspace(deps, schedules, scopeOf(context).workspaceId, "app_uninstalled");
  });
  listeners.event("tokens_revoked", async ({ event, context }) => {
    if ((event.tokens.bot?.length ?? 0) > 0)
      await stopWorkspace(deps, schedules, scopeOf(context).workspaceId, "tokens_revoked");
  });
}

/**
 * Single-token mode: reinstalling the app sends no event, so the signal is
 * coo starting with a token Slack accepts. The cadences an uninstall or a
 * revoked token paused in that token's workspace resume; those people paused
 * stay paused. When Slack cannot be asked, nothing changes.
 */
export async function resumeWithWorkingToken(
  deps: Pick<Deps, "sql" | "clock" | "log">,
  schedules: Schedules,
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
  await resumeWorkspaceCadences(deps, schedules, workspaceId, "the bot token works again");
}

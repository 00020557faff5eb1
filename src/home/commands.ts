import type { Deps } from "../deps.js";
import type { Slack } from "../slack/app.js";
import { scopeOf } from "../slack/context.js";
import { homeView } from "./messages.js";
import { homeOf } from "./use-cases.js";

export function register({ listeners }: Slack, deps: Deps): void {
  const publish = async (workspaceId: string, userId: string) => {
    const client = await deps.slackFor(workspaceId);
    const home = await homeOf(deps, { workspaceId, userId });
    await client.views.publish({
      user_id: userId,
      view: homeView(home, deps.persona.coo.summary, deps.clock.now()),
    });
  };

  listeners.event("app_home_opened", async ({ event, context }) => {
    if (event.tab !== "home") return;
    await publish(scopeOf(context).workspaceId, event.user);
  });

  // Anything that touches someone's commitments or blockers refreshes their
  // Home; a burst of changes to one person makes one refresh, half a second later.
  const pending = new Map<string, NodeJS.Timeout>();
  deps.changes.subscribe(({ workspaceId, userIds }) => {
    for (const userId of userIds) {
      const key = `${workspaceId}:${userId}`;
      clearTimeout(pending.get(key));
      const timer = setTimeout(() => {
        pending.delete(key);
        publish(workspaceId, userId).catch((error) =>
          deps.log.warn("could not refresh the App Home", { user: userId, error: String(error) }),
        );
      }, 500);
      timer.unref();
      pending.set(key, timer);
    }
  });
}

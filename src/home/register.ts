import type { Deps } from "../deps.js";
import { profileOf } from "../people/people.js";
import type { Slack } from "../slack/app.js";
import { homeView } from "./view.js";

export function register({ app }: Slack, deps: Deps): void {
  const publish = async (workspaceId: string, userId: string) => {
    const person = await profileOf(deps, app.client, workspaceId, userId);
    await app.client.views.publish({
      user_id: userId,
      view: await homeView(deps, workspaceId, userId, person.timeZone),
    });
  };

  app.event("app_home_opened", async ({ event, context }) => {
    if (event.tab !== "home") return;
    await publish(context.teamId ?? "", event.user);
  });

  // Anything that touches someone's commitments or blockers refreshes their Home.
  deps.changes.subscribe(async ({ workspaceId, userIds }) => {
    for (const userId of userIds) {
      await publish(workspaceId, userId).catch((error) =>
        deps.log.warn("could not refresh the App Home", { user: userId, error: String(error) }),
      );
    }
  });
}

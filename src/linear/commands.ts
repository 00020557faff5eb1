import { z } from "zod";
import type { Deps } from "../deps.js";
import type { Slack } from "../slack/app.js";
import { defineButton } from "../slack/buttons.js";
import { defineCommand } from "../slack/commands.js";
import { scopeOf } from "../slack/context.js";
import { connectedTeamReply, dueTakenReply, linearButtons, teamsReply } from "./messages.js";
import { connectTeam, followedTeams, useLinearDue } from "./use-cases.js";

/*
 * The Linear feature in Slack: `/coo linear [connect ENG]`, and the button
 * on a due date offer. `/coo link C12 ENG-123` is the GitHub feature's
 * command, which hands Linear identifiers to this feature's use case.
 */

export function register({ commands, listeners }: Slack, deps: Deps): void {
  commands.add(
    defineCommand({
      name: "linear",
      pattern: "[connect <team:text>]",
      summary: "the Linear teams followed here; admins and seats connect one by its key",
      example: "/coo linear connect ENG",
      args: z.object({ team: z.string().optional() }),
      async run({ workspaceId, actor }, { team }) {
        if (team === undefined) return { text: teamsReply(await followedTeams(deps, workspaceId)) };
        const done = await connectTeam(deps, await actor(), { workspaceId, team });
        return { text: connectedTeamReply(done.key, done.isNew) };
      },
    }),
  );

  defineButton(linearButtons.useDue, {
    outdated: "That button is out of date. Change the date with `/coo slip C12 <date>`.",
    async handle({ respond, context, value }) {
      const { workspaceId, actor } = scopeOf(context);
      const { commitment, words } = await useLinearDue(deps, await actor(), {
        workspaceId,
        number: value.n,
        date: value.d,
      });
      await respond({ replace_original: true, text: dueTakenReply(commitment, words) });
    },
  }).register(listeners);
}

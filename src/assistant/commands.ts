import type { Deps } from "../deps.js";
import type { Slack } from "../slack/app.js";
import { defineButton } from "../slack/buttons.js";
import { scopeOf } from "../slack/context.js";
import { assistantButtons, cancelledText, confirmedText } from "./messages.js";
import { cancelProposal, confirmProposal } from "./use-cases.js";

/*
 * The assistant in Slack: the Confirm and Cancel buttons of a proposal. The
 * proposals themselves are posted by routing, which hands messages about
 * operations to `assist`.
 */

/** The proposal's own words, as the message showed them (its text). */
const shown = (body: unknown) => (body as { message?: { text?: string } }).message?.text?.slice(0, 2500);

export function register({ listeners }: Slack, deps: Deps): void {
  defineButton(assistantButtons.confirm, {
    outdated: "That button is out of date. Ask me again.",
    async handle({ context, respond, value, body }) {
      const { workspaceId, actor } = scopeOf(context);
      const me = await actor();
      const { done } = await confirmProposal(deps, me, { workspaceId, id: value.p });
      await respond({ replace_original: true, text: confirmedText(done, me.slackUserId, shown(body)) });
    },
  }).register(listeners);
  defineButton(assistantButtons.cancel, {
    outdated: "That button is out of date. Ask me again.",
    async handle({ context, respond, value }) {
      const { workspaceId, actor } = scopeOf(context);
      const me = await actor();
      await cancelProposal(deps, me, { workspaceId, id: value.p });
      await respond({ replace_original: true, text: cancelledText(me.slackUserId) });
    },
  }).register(listeners);
}

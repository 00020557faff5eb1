import { z } from "zod";
import type { Deps } from "../deps.js";
import type { Slack } from "../slack/app.js";
import { defineButton } from "../slack/buttons.js";
import { defineCommand } from "../slack/commands.js";
import { scopeOf } from "../slack/context.js";
import {
  closedReply,
  handoffButtons,
  handoffList,
  handoffsShown,
  offerDismissed,
  offerTakenReply,
  sharedReply,
  trackingReply,
} from "./messages.js";
import {
  answerHandoffOffer,
  closeHandoff,
  maxWhat,
  recordHandoff,
  shareHandoff,
  visibleOpenHandoffs,
} from "./use-cases.js";

/*
 * The handoffs feature in Slack: each command and button parses what was
 * sent, calls a use case (use-cases.ts) and presents what it returns
 * (messages.ts). The offer a DM gets is posted by routing, which reads the
 * DM through `readHandoffDraft` and shows `handoffOffer`.
 */

export function register({ listeners, commands }: Slack, deps: Deps): void {
  const sayWhat = "Say what, who owes it and who waits:";
  commands.add(
    defineCommand({
      name: "handoff",
      pattern:
        "<what:text> from <from:user=@a> to <to:user=@b> [since <when:text>] || <verb:done|share> <id:handoff>",
      summary:
        "track work one person owes another (seen by the whole workspace), close it, or share one told to me in private",
      example: "/coo handoff the API keys from @dana to @lee since Monday",
      unknown: sayWhat,
      invalid: { from: sayWhat, to: sayWhat, verb: sayWhat },
      args: z.object({
        what: z.string().max(maxWhat, `Keep what is owed under ${maxWhat} characters`).optional(),
        from: z.string().optional(),
        to: z.string().optional(),
        when: z.string().optional(),
        verb: z.enum(["done", "share"]).optional(),
        id: z.number().optional(),
      }),
      async run({ workspaceId, actor }, args) {
        const me = await actor();
        if (args.verb === "share" && args.id) {
          const { handoff, changed } = await shareHandoff(deps, me, { workspaceId, number: args.id });
          return { text: sharedReply(handoff, changed) };
        }
        if (args.verb === "done" && args.id)
          return { text: closedReply(await closeHandoff(deps, me, { workspaceId, number: args.id })) };
        const h = await recordHandoff(deps, me, {
          workspaceId,
          what: args.what ?? "",
          fromId: args.from ?? "",
          toId: args.to ?? "",
          since: args.when,
        });
        return { text: trackingReply(h, deps.clock.now()) };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "handoffs",
      pattern: "",
      summary: "open handoffs you can see, the longest waiting first",
      example: "/coo handoffs",
      args: z.object({}),
      async run({ workspaceId, userId }) {
        const page = await visibleOpenHandoffs(deps, { workspaceId, viewerId: userId, limit: handoffsShown });
        return handoffList(page, deps.clock.now());
      },
    }),
  );

  offerAnswered(deps).register(listeners);
}

/** The reporter's answer to the offer a DM got: record it, record and nudge, nudge quoting them, or not now. */
function offerAnswered(deps: Deps) {
  return defineButton(handoffButtons.offer, {
    outdated: "That button is out of date. Tell me about the handoff again.",
    async handle({ respond, context, value }) {
      const { workspaceId, actor } = scopeOf(context);
      const h = await answerHandoffOffer(deps, await actor(), {
        workspaceId,
        reporterId: value.r,
        choice: value.mode,
        words: value.q,
        draft: {
          what: value.w,
          fromId: value.f,
          fromText: value.ft,
          toId: value.t,
          toText: value.tt,
          since: new Date(value.s),
        },
      });
      if (!h || value.mode === "dismiss") {
        await respond({ replace_original: true, text: offerDismissed });
        return;
      }
      await respond({ replace_original: true, text: offerTakenReply(h, value.mode, deps.clock.now()) });
    },
  });
}

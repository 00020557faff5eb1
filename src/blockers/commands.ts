import { z } from "zod";
import type { Deps } from "../deps.js";
import { badInput } from "../errors.js";
import type { Slack } from "../slack/app.js";
import { defineButton } from "../slack/buttons.js";
import { defineCommand, type Reply } from "../slack/commands.js";
import { scopeOf } from "../slack/context.js";
import { userMentionPattern } from "../slack/mentions.js";
import {
  blockerButtons,
  blockerPageSize,
  blockerQueue,
  type ListValue,
  raisedReply,
  resolvedReply,
} from "./messages.js";
import {
  blockerQueue as queue,
  raiseBlocker,
  recentlyResolvedDays,
  resolveBlocker,
  type WaitingOn,
} from "./use-cases.js";

/*
 * The blockers feature in Slack: each command and button parses what was
 * sent, calls a use case (use-cases.ts) and presents what it returns
 * (messages.ts).
 */

const raiseExample = "/coo blocker can't deploy payments waiting on @dana";

/** "waiting on @dana for the API keys", with nothing before it, is what is blocked and who it waits on. */
const leadingMention = new RegExp(
  `^${userMentionPattern.source}(?:\\s+(?:for|on|about)?\\s*([\\s\\S]*))?$`,
  "i",
);

/**
 * What is blocked and who or what it waits on, from the two halves the
 * grammar split at the last "waiting on" (or "waiting for"): a mention is a
 * person, `C12` a commitment, anything else a team named in words.
 */
function blockerOf(
  what: string | undefined,
  on: string | undefined,
): { text: string; waitingOn?: WaitingOn } {
  if (on === undefined) return { text: what ?? "" };
  const mentioned = leadingMention.exec(on);
  const text = what || mentioned?.[2]?.trim() || "";
  if (text === "") throw badInput(`Say what is blocked, then who it waits on: \`${raiseExample}\``);
  if (mentioned?.[1]) return { text, waitingOn: { userId: mentioned[1] } };
  const commitment = /^c(\d{1,9})$/i.exec(on);
  if (commitment) return { text, waitingOn: { commitment: Number(commitment[1]) } };
  return { text, waitingOn: { text: on } };
}

async function queueReply(deps: Deps, workspaceId: string, value: ListValue): Promise<Reply> {
  const page = await queue(deps, { workspaceId, all: value.all, offset: value.p, limit: blockerPageSize });
  return blockerQueue(page, value, deps.clock.now());
}

export function register({ listeners, commands }: Slack, deps: Deps): void {
  commands.add(
    defineCommand({
      name: "blocker",
      // The last "waiting on" splits: a text slot takes as many words as the rest allows,
      pattern: "[<what:text>] waiting on|for <on:text=@someone> || <what:text>",
      summary: "raise a blocker, and who or what it waits on",
      example: raiseExample,
      empty: "What is blocked?",
      args: z.object({ what: z.string().trim().optional(), on: z.string().trim().optional() }),
      async run({ workspaceId, channelId, actor }, args) {
        const { text, waitingOn } = blockerOf(args.what, args.on);
        const b = await raiseBlocker(deps, await actor(), { workspaceId, channelId, text, waitingOn });
        return { text: raisedReply(b) };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "unblock",
      pattern: "<id:blocker>",
      summary: "resolve a blocker",
      example: "/coo unblock B7",
      args: z.object({ id: z.number() }),
      async run({ workspaceId, actor }, { id }) {
        const b = await resolveBlocker(deps, await actor(), { workspaceId, number: id });
        return { text: resolvedReply(b, deps.clock.now()) };
      },
    }),
  );

  const nothingOrAll = `Say nothing, or \`all\` for those resolved in the last ${recentlyResolvedDays} days too:`;
  commands.add(
    defineCommand({
      name: "blockers",
      pattern: "[<all:all>]",
      summary: `the queue of open blockers, oldest first (all: with the last ${recentlyResolvedDays} days' resolved)`,
      example: "/coo blockers all",
      unknown: nothingOrAll,
      invalid: { all: nothingOrAll },
      args: z.object({ all: z.string().optional() }),
      async run({ workspaceId }, { all }) {
        return queueReply(deps, workspaceId, { all: all === "all", p: 0 });
      },
    }),
  );

  for (const control of [resolvePressed(deps), pagePressed(deps)]) control.register(listeners);
}

const outdated = "That button is out of date. Run `/coo blockers` again.";

function resolvePressed(deps: Deps) {
  return defineButton(blockerButtons.resolve, {
    outdated,
    async handle({ body, respond, context, value }) {
      const { workspaceId, actor } = scopeOf(context);
      await resolveBlocker(deps, await actor(), { workspaceId, number: value.n });
      // Pressed in the App Home there is no message to redraw; the Home refreshes itself.
      if ("response_url" in body && body.response_url)
        await respond({ replace_original: true, ...(await queueReply(deps, workspaceId, value)) });
    },
  });
}

function pagePressed(deps: Deps) {
  return defineButton(blockerButtons.page, {
    outdated,
    async handle({ respond, context, value }) {
      await respond({
        replace_original: true,
        ...(await queueReply(deps, scopeOf(context).workspaceId, value)),
      });
    },
  });
}

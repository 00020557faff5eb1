import { z } from "zod";
import { findCommitment } from "../commitments/queries.js";
import type { Deps } from "../deps.js";
import { badInput } from "../errors.js";
import type { Blocker } from "../generated/prisma/client.js";
import { formatId, parseId } from "../ledger/ids.js";
import { memberFor } from "../people/people.js";
import type { Slack } from "../slack/app.js";
import { age, button, context, pager, readValue, section } from "../slack/blocks.js";
import type { Block, Reply } from "../slack/commands.js";
import { scopeOf } from "../slack/context.js";
import { echo, mention, quote, userMentionPattern } from "../slack/mentions.js";
import { duration, plural } from "../words.js";
import { createBlocker, listBlockers, resolveBlocker } from "./queries.js";

export const blockerPageSize = 15;
const maxText = 500;
const usage = {
  blocker: "blocker <what> [waiting on @user | waiting on <team>]",
  unblock: "unblock <id>",
  blockers: "blockers [all]",
};
const example = (u: string) => `\`/coo ${u}\``;

const listValue = z.object({ all: z.boolean(), p: z.number().int().min(0).max(1_000_000) });
const itemValue = listValue.extend({ n: z.number().int().positive() });
const actionIds = { resolve: "blocker_resolve", page: "blockers_page" } as const;

/**
 * `<what> [waiting on @user | waiting on <team>]`. The last "waiting on/for"
 * splits; "waiting on @dana for the API keys" is read as the same thing.
 */
export function parseBlocker(text: string): {
  text: string;
  waitingOnId?: string;
  waitingOnText?: string;
  waitingOnCommitment?: number;
} {
  const trimmed = text.trim();
  const example = "`/coo blocker can't deploy payments waiting on @dana`";
  if (trimmed === "") throw badInput(`What is blocked? \`/coo ${usage.blocker}\`, e.g. ${example}.`);
  const split = /^([\s\S]*)(?:^|\s+)waiting\s+(?:on|for)\s+([\s\S]+)$/i.exec(trimmed);
  let what = (split ? split[1] : trimmed)?.trim() ?? "";
  const on = split?.[2]?.trim() ?? "";
  const leadingMention = new RegExp(
    `^${userMentionPattern.source}(?:\\s+(?:for|on|about)?\\s*([\\s\\S]*))?$`,
    "i",
  ).exec(on);
  if (what === "" && leadingMention?.[2]) what = leadingMention[2].trim();
  if (what === "") throw badInput(`Say what is blocked, then who it waits on: ${example}.`);
  if (what.length > maxText) throw badInput(`Keep a blocker under ${maxText} characters.`);
  if (!split) return { text: what };
  if (leadingMention?.[1]) return { text: what, waitingOnId: leadingMention[1] };
  const commitment = /^c(\d{1,9})$/i.exec(on);
  if (commitment) return { text: what, waitingOnCommitment: Number(commitment[1]) };
  if (on.length > 100) throw badInput("Say who it waits on in under 100 characters, or mention them.");
  return { text: what, waitingOnText: on };
}

function waitingOn(b: Blocker): string {
  if (b.waitingOnId) return ` · waiting on ${mention(b.waitingOnId)}`;
  if (b.waitingOnText) return ` · waiting on ${quote(b.waitingOnText)}`;
  return "";
}

export function blockerLine(b: Blocker, now: Date): string {
  const state =
    b.status === "open"
      ? `open ${age(b.openedAt, now)}`
      : `resolved${b.resolvedById ? ` by ${mention(b.resolvedById)}` : ""} after ${duration((b.resolvedAt ?? now).getTime() - b.openedAt.getTime())}`;
  return `*${formatId("blocker", b.number)}* ${quote(b.text)}\nraised by ${mention(b.reporterId)} · ${state}${waitingOn(b)}`;
}

async function renderQueue(
  deps: Deps,
  workspaceId: string,
  value: z.infer<typeof listValue>,
): Promise<Reply> {
  const now = deps.clock.now();
  const { items, total, open } = await listBlockers(deps, workspaceId, {
    includeRecent: value.all,
    now,
    offset: value.p,
    limit: blockerPageSize,
  });
  const blocks: Block[] = [
    section(
      value.all
        ? `*Blockers: ${open} open, and those resolved in the last 7 days*`
        : `*Open blockers* (${open}), oldest first`,
    ),
  ];
  if (items.length === 0)
    blocks.push(
      context("Nothing is blocked. :tada: Raise one with `/coo blocker <what> [waiting on @user]`."),
    );
  for (const b of items) {
    const line = section(blockerLine(b, now));
    if (b.status === "open") {
      (line as { accessory?: unknown }).accessory = button(
        "Resolve",
        actionIds.resolve,
        { ...value, n: b.number },
        "primary",
      );
    }
    blocks.push(line);
  }
  blocks.push(
    ...pager({ offset: value.p, limit: blockerPageSize, total }, actionIds.page, (p) => ({ ...value, p })),
  );
  return { text: plural(open, "open blocker"), blocks, response_type: "ephemeral" };
}

export function register({ listeners, commands }: Slack, deps: Deps): void {
  commands.add({
    name: "blocker",
    usage: usage.blocker,
    summary: "raise a blocker, and who or what it waits on",
    async run({ workspaceId, userId, channelId, args, client }) {
      const { waitingOnCommitment, ...parsed } = parseBlocker(args);
      if (parsed.waitingOnId) await memberFor(deps, client, workspaceId, parsed.waitingOnId);
      const on = waitingOnCommitment
        ? await findCommitment(deps, workspaceId, waitingOnCommitment)
        : undefined;
      const b = await createBlocker(deps, {
        workspaceId,
        reporterId: userId,
        channelId,
        ...parsed,
        ...(on
          ? {
              waitingOnText: `${formatId("commitment", on.number)} ${on.title}`.slice(0, 100),
              waitingOnCommitmentId: on.id,
            }
          : {}),
      });
      const id = formatId("blocker", b.number);
      return {
        text: `Raised *${id}* ${quote(b.text)}${waitingOn(b)}. \`/coo unblock ${id}\` when it clears.`,
      };
    },
  });

  commands.add({
    name: "unblock",
    usage: usage.unblock,
    summary: "resolve a blocker",
    async run({ workspaceId, args, actor }) {
      const word = args.trim();
      const number = parseId("blocker", word);
      if (number === undefined) {
        throw badInput(
          `${word ? `${echo(word)} is not a blocker id.` : "Which blocker?"} Ids look like \`B7\`; \`/coo blockers\` shows them. ${example(usage.unblock)}`,
        );
      }
      const b = await resolveBlocker(deps, { workspaceId, number, actor: await actor() });
      return {
        text: `Resolved *${formatId("blocker", b.number)}* ${quote(b.text)} after ${duration((b.resolvedAt ?? deps.clock.now()).getTime() - b.openedAt.getTime())}.`,
      };
    },
  });

  commands.add({
    name: "blockers",
    usage: usage.blockers,
    summary: "the queue of open blockers, oldest first (all: with the last 7 days' resolved)",
    async run({ workspaceId, args }) {
      const word = args.trim().toLowerCase();
      if (word !== "" && word !== "all") throw badInput(`${example(usage.blockers)}: nothing, or \`all\`.`);
      return renderQueue(deps, workspaceId, { all: word === "all", p: 0 });
    },
  });

  const refused = () => badInput("That button is out of date. Run `/coo blockers` again.");

  listeners.action(actionIds.resolve, async ({ ack, body, action, respond, context }) => {
    await ack();
    const value = readValue(itemValue, "value" in action ? (action.value as string) : undefined);
    if (!value) throw refused();
    const { workspaceId, actor } = scopeOf(context);
    await resolveBlocker(deps, { workspaceId, number: value.n, actor: await actor() });
    // Pressed in the App Home there is no message to redraw; the Home refreshes itself.
    if ("response_url" in body && body.response_url) {
      await respond({ replace_original: true, ...(await renderQueue(deps, workspaceId, value)) });
    }
  });

  listeners.action(
    new RegExp(`^${actionIds.page}:(prev|next)$`),
    async ({ ack, action, respond, context }) => {
      await ack();
      const value = readValue(listValue, "value" in action ? (action.value as string) : undefined);
      if (!value) throw refused();
      await respond({
        replace_original: true,
        ...(await renderQueue(deps, scopeOf(context).workspaceId, value)),
      });
    },
  );
}

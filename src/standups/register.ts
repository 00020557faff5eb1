import type { webApi } from "@slack/bolt";
import type { CadenceEngine } from "../cadence/engine.js";
import type { Deps } from "../deps.js";
import type { CadenceRun } from "../generated/prisma/client.js";
import type { Slack } from "../slack/app.js";
import { scopeOf } from "../slack/context.js";
import { planningHandler } from "./planning.js";
import { reviewHandler } from "./review.js";
import { recordAnswer, standupHandler } from "./standup.js";

export type MessageLike = {
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
};

/**
 * A message a person wrote, to read: plain, with a file attached, or a thread
 * reply also sent to the channel. Edits, deletions, joins and every bot's
 * messages are not (edits and deletions of standup answers have their own path).
 */
export function isPersonMessage(message: MessageLike): boolean {
  if (message.bot_id || !message.user) return false;
  return (
    message.subtype === undefined ||
    message.subtype === "file_share" ||
    message.subtype === "thread_broadcast"
  );
}

export function register({ listeners }: Slack, deps: Deps, engine: CadenceEngine): void {
  engine.handle("standup", standupHandler(deps));
  engine.handle("review", reviewHandler(deps));
  engine.handle("planning", planningHandler(deps));

  listeners.event("message", async ({ event, client, context }) => {
    const message = event as MessageLike;
    if (!isPersonMessage(message) || !message.text) return;
    const scope = scopeOf(context);
    // Someone of another organisation in a shared channel does not answer this team's standup.
    if (scope.external) return;
    const { workspaceId } = scope;

    // A reply in a standup thread.
    if (message.thread_ts && message.thread_ts !== message.ts) {
      const run = await deps.db.cadenceRun.findFirst({
        where: { workspaceId, channelId: message.channel, rootTs: message.thread_ts, status: "open" },
      });
      if (run) {
        await recordAnswer(deps, client, answerOf(run, message, "thread"));
      }
    }
  });
}

function answerOf(run: CadenceRun, message: MessageLike, via: "thread" | "dm") {
  return {
    run,
    userId: message.user ?? "",
    text: message.text ?? "",
    ts: message.ts,
    channel: message.channel,
    via,
  };
}

/**
 * A DM from someone who answers standups by DM, while their standup is open,
 * is their answer. True when it was taken as one (routing handles the rest).
 */
export async function tryRecordDmAnswer(
  deps: Deps,
  client: webApi.WebClient,
  workspaceId: string,
  message: MessageLike,
): Promise<boolean> {
  if (!message.user || !message.text) return false;
  const person = await deps.db.person.findUnique({
    where: { workspaceId_slackUserId: { workspaceId, slackUserId: message.user } },
    select: { standupViaDm: true },
  });
  if (!person?.standupViaDm) return false;
  const run = await deps.db.cadenceRun.findFirst({
    where: { workspaceId, status: "open", participants: { has: message.user }, cadence: { kind: "standup" } },
    orderBy: { slot: "desc" },
  });
  if (!run) return false;
  await recordAnswer(deps, client, answerOf(run, message, "dm"));
  await client.chat.postMessage({
    channel: message.channel,
    ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    text: `Got it: recorded for the standup in <#${run.channelId}>.`,
  });
  return true;
}

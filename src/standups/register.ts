import type { webApi } from "@slack/bolt";
import type { CadenceEngine } from "../cadence/engine.js";
import type { Deps } from "../deps.js";
import type { CadenceRun } from "../generated/prisma/client.js";
import type { Slack } from "../slack/app.js";
import { scopeOf } from "../slack/context.js";
import { extractByRules } from "./extract.js";
import { reviewHandler } from "./messages.js";
import { planningHandler } from "./planning.js";
import { recordAnswer, retractAnswer, reviseAnswer, standupHandler } from "./use-cases.js";

export type MessageLike = {
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
  /** message_changed: the message as it is now */
  message?: {
    user?: string;
    user_team?: string;
    bot_id?: string;
    text?: string;
    ts: string;
    thread_ts?: string;
  };
  /** message_deleted: the message that was deleted, when Slack includes it */
  previous_message?: { user?: string };
  deleted_ts?: string;
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
    const scope = scopeOf(context);
    // Someone of another organisation in a shared channel does not answer this team's standup.
    if (scope.external) return;
    const { workspaceId } = scope;
    if (message.subtype === "message_changed") {
      // The edit's author is inside `message`: someone of another organisation edits nothing here.
      const team = message.message?.user_team;
      if (team && team !== context.teamId && !context.isEnterpriseInstall) return;
      await answerEdited(deps, client, workspaceId, message, context.botUserId);
      return;
    }
    if (message.subtype === "message_deleted") {
      const previous = message.previous_message;
      await retractAnswer(deps, client, {
        workspaceId,
        userId: previous?.user,
        ts: message.deleted_ts ?? "",
      });
      return;
    }
    if (!isPersonMessage(message) || !message.text) return;
    const run = await standupThread(deps, workspaceId, message);
    // A question put to coo in the thread is answered there (routing), not recorded.
    if (run && !asksCoo(message.text, context.botUserId, deps.clock.now()))
      await recordAnswer(deps, client, answerOf(run, message, "thread"));
  });
}

/** The open standup whose thread this reply is in. */
export async function standupThread(
  deps: Deps,
  workspaceId: string,
  message: { channel: string; ts: string; thread_ts?: string | undefined },
): Promise<CadenceRun | undefined> {
  if (!message.thread_ts || message.thread_ts === message.ts) return undefined;
  const run = await deps.db.cadenceRun.findFirst({
    where: { workspaceId, channelId: message.channel, rootTs: message.thread_ts, status: "open" },
  });
  return run ?? undefined;
}

/**
 * A reply in a standup thread that @mentions coo arrives twice (a message and
 * an app_mention) and is handled once: it is a question for coo when it
 * mentions coo, ends with a question mark and holds no dated promise and no
 * blocker; anything else is a standup answer. Both listeners ask this, on
 * the same text, so they agree (docs/decisions/0018).
 */
export function asksCoo(text: string, botUserId: string | undefined, now: Date): boolean {
  if (!botUserId || !new RegExp(`<@${botUserId}(\\|[^>]*)?>`).test(text)) return false;
  const words = text.replace(userMentionAnywhere, "").trim();
  if (!words.endsWith("?")) return false;
  const read = extractByRules(words, now);
  return read.commitments.length === 0 && read.blockers.length === 0;
}

const userMentionAnywhere = /<@[A-Z0-9]+(\|[^>]*)?>/g;

/** An edit: a standup answer follows it; a message that was no answer but is in an open thread becomes one. */
async function answerEdited(
  deps: Deps,
  client: webApi.WebClient,
  workspaceId: string,
  event: MessageLike,
  botUserId: string | undefined,
) {
  const message = event.message;
  if (!message?.user || message.bot_id || typeof message.text !== "string") return;
  if (
    await reviseAnswer(deps, client, {
      workspaceId,
      userId: message.user,
      ts: message.ts,
      text: message.text,
    })
  )
    return;
  const edited = { ...message, channel: event.channel, user: message.user };
  const run = await standupThread(deps, workspaceId, edited);
  if (run && message.text && !asksCoo(message.text, botUserId, deps.clock.now()))
    await recordAnswer(deps, client, answerOf(run, edited, "thread"));
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

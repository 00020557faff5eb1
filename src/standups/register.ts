import type { CadenceEngine } from "../cadence/use-cases.js";
import type { Deps } from "../deps.js";
import type { Slack } from "../slack/app.js";
import { scopeOf } from "../slack/context.js";
import { isPersonMessage, type MessageLike } from "../slack/message-events.js";
import {
  answerInThread,
  editAnswer,
  planningHandler,
  retractAnswer,
  reviewHandler,
  standupHandler,
} from "./use-cases.js";

/*
 * Standups in Slack: the scheduler runs the standup, the review and planning
 * through their handlers; replies in a standup's thread, and their edits
 * and deletions, are read here and handed to the use cases.
 */
export function register({ listeners }: Slack, deps: Deps, engine: CadenceEngine): void {
  engine.handle("standup", standupHandler(deps));
  engine.handle("review", reviewHandler(deps));
  engine.handle("planning", planningHandler(deps));

  listeners.event("message", async ({ event, context }) => {
    const message = event as MessageLike;
    const scope = scopeOf(context);
    // Someone of another organisation in a shared channel does not answer this team's standup.
    if (scope.external) return;
    const { workspaceId } = scope;
    if (message.subtype === "message_changed") {
      // The edit's author is inside `message`: someone of another organisation edits nothing here.
      const edited = message.message;
      const team = edited?.user_team;
      if (team && team !== context.teamId && !context.isEnterpriseInstall) return;
      if (!edited?.user || edited.bot_id || typeof edited.text !== "string") return;
      await editAnswer(deps, {
        workspaceId,
        userId: edited.user,
        text: edited.text,
        ts: edited.ts,
        channel: message.channel,
        threadTs: edited.thread_ts,
        cooUserId: context.botUserId,
      });
      return;
    }
    if (message.subtype === "message_deleted") {
      await retractAnswer(deps, {
        workspaceId,
        userId: message.previous_message?.user,
        ts: message.deleted_ts ?? "",
      });
      return;
    }
    if (!isPersonMessage(message) || !message.text) return;
    await answerInThread(deps, {
      workspaceId,
      userId: message.user ?? "",
      text: message.text,
      ts: message.ts,
      channel: message.channel,
      threadTs: message.thread_ts,
      cooUserId: context.botUserId,
    });
  });
}

import type { CadenceEngine } from "../cadence/engine.js";
import type { Deps } from "../deps.js";
import { mentionReply } from "../help/text.js";
import type { Slack } from "../slack/app.js";
import { planningHandler } from "./planning.js";
import { reviewHandler } from "./review.js";
import { recordAnswer, standupHandler } from "./standup.js";

type MessageLike = {
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
};

export function register({ app }: Slack, deps: Deps, engine: CadenceEngine): void {
  engine.handle("standup", standupHandler(deps));
  engine.handle("review", reviewHandler(deps));
  engine.handle("planning", planningHandler(deps));

  app.event("message", async ({ event, client, context }) => {
    const message = event as MessageLike;
    if (message.bot_id || !message.user || !message.text) return;
    if (message.subtype && message.subtype !== "thread_broadcast" && message.subtype !== "file_share") return;
    const workspaceId = context.teamId ?? "";

    // A reply in a standup thread.
    if (message.thread_ts && message.thread_ts !== message.ts) {
      const run = await deps.db.cadenceRun.findFirst({
        where: { workspaceId, channelId: message.channel, rootTs: message.thread_ts, status: "open" },
      });
      if (run) {
        await recordAnswer(deps, client, {
          run,
          userId: message.user,
          text: message.text,
          ts: message.ts,
          channel: message.channel,
          via: "thread",
        });
      }
      return;
    }

    if (message.channel_type !== "im") return;
    // A DM from someone who answers standups by DM, while their standup is open.
    const person = await deps.db.person.findUnique({
      where: { workspaceId_slackUserId: { workspaceId, slackUserId: message.user } },
      select: { standupViaDm: true },
    });
    if (person?.standupViaDm) {
      const run = await deps.db.cadenceRun.findFirst({
        where: {
          workspaceId,
          status: "open",
          participants: { has: message.user },
          cadence: { kind: "standup" },
        },
        orderBy: { slot: "desc" },
      });
      if (run) {
        await recordAnswer(deps, client, {
          run,
          userId: message.user,
          text: message.text,
          ts: message.ts,
          channel: message.channel,
          via: "dm",
        });
        await client.chat.postMessage({
          channel: message.channel,
          text: `Got it: recorded for the standup in <#${run.channelId}>.`,
        });
        return;
      }
    }
    await client.chat.postMessage({ channel: message.channel, text: mentionReply(deps.persona) });
  });
}

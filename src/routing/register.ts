import type { webApi } from "@slack/bolt";
import type { Deps } from "../deps.js";
import type { Seat } from "../generated/prisma/client.js";
import { looksLikeHandoff, readHandoff } from "../handoffs/detect.js";
import { proposal } from "../handoffs/register.js";
import { mentionReply } from "../help/messages.js";
import { profileOf } from "../people/people.js";
import type { Slack } from "../slack/app.js";
import { externalNote, scopeOf } from "../slack/context.js";
import { mention, quote } from "../slack/mentions.js";
import { enqueue } from "../slack/outbox.js";
import {
  asksCoo,
  isPersonMessage,
  type MessageLike,
  standupThread,
  tryRecordDmAnswer,
} from "../standups/register.js";
import { answerFromLedger } from "./answer.js";
import { classifyQuestion } from "./classify.js";
import { plainText } from "./rules.js";
import { registerSeats, seatHolder } from "./seats.js";

const laneSeat: Record<"mission" | "budget" | "architecture", Seat> = {
  mission: "ceo",
  budget: "cfo",
  architecture: "cto",
};
const laneWhy: Record<"mission" | "budget" | "architecture", string> = {
  mission: "where we are going and which bets we make are the CEO's call",
  budget: "money (spend, pricing, headcount, runway) is the CFO's",
  architecture: "technical design and the stack are the CTO's call",
};

type Incoming = {
  workspaceId: string;
  userId: string;
  channel: string;
  ts: string;
  text: string;
  where: "channel" | "dm";
  threadTs?: string;
};

/**
 * One path for every @mention and every DM: classify into a fixed lane, then
 * redirect to the seated human, answer from the ledger, or say what coo does.
 */
async function route(deps: Deps, client: webApi.WebClient, m: Incoming): Promise<void> {
  const reply = (text: string) =>
    client.chat.postMessage({
      channel: m.channel,
      text,
      // In a channel always in a thread; in a DM only when the question was asked in one.
      ...(m.where === "channel"
        ? { thread_ts: m.threadTs ?? m.ts }
        : m.threadTs
          ? { thread_ts: m.threadTs }
          : {}),
    });
  const question = plainText(m.text);
  if (question.length < 2 || !/[\p{L}\p{N}]/u.test(question)) {
    await reply(
      `${mentionReply(deps.persona)}\nAsk me things like "what's blocking payments?" or "who owns the launch?".`,
    );
    return;
  }
  const decision = await classifyQuestion(deps.llm, m.text);
  deps.log.info("routed", { category: decision.category, by: decision.by, where: m.where });
  if (decision.category === "operations") {
    const asker = await profileOf(deps, client, m.workspaceId, m.userId);
    const reader = m.where === "dm" ? m.userId : undefined;
    await reply(await answerFromLedger(deps, m.workspaceId, m.text, asker.timeZone, reader));
    return;
  }
  if (decision.category === "other") {
    await reply(mentionReply(deps.persona));
    return;
  }
  const seat = laneSeat[decision.category];
  const holder = await seatHolder(deps, m.workspaceId, seat);
  const title = seat.toUpperCase();
  if (!holder) {
    await reply(
      `That one isn't mine: ${laneWhy[decision.category]}. Nobody holds the ${title} seat here yet, so I have no one to send it to. An admin can set it with \`/coo seat ${seat} @name\`.`,
    );
    return;
  }
  const link =
    m.where === "channel"
      ? await client.chat.getPermalink({ channel: m.channel, message_ts: m.ts }).then(
          (r) => r.permalink,
          () => undefined,
        )
      : undefined;
  const from = m.where === "channel" ? `in <#${m.channel}>` : "by DM";
  const excerpt = quote(question.length > 500 ? `${question.slice(0, 497)}...` : question);
  // Once per question: the record and the DM to the seat holder are written
  // together; a redelivered event or a second replica finds the record and stops.
  const ids = await deps.db.$transaction(async (tx) => {
    const { count } = await tx.routedQuestion.createMany({
      data: [
        {
          workspaceId: m.workspaceId,
          channelId: m.channel,
          messageTs: m.ts,
          askerId: m.userId,
          category: decision.category,
          decidedBy: decision.by,
          seatHolderId: holder,
        },
      ],
      skipDuplicates: true,
    });
    if (count === 0) return undefined;
    if (holder === m.userId) return [];
    return enqueue(tx, [
      {
        workspaceId: m.workspaceId,
        userId: holder,
        text: `A ${decision.category} question for you as ${title}, from ${mention(m.userId)} ${from}:\n> ${excerpt}${link ? `\n${link}` : ""}`,
      },
    ]);
  });
  if (!ids) return;
  await reply(
    `This one is for the ${title}, ${mention(holder)}: ${laneWhy[decision.category]}. I've passed it on.`,
  );
  await deps.outbox.deliver(ids);
}

export function register(slack: Slack, deps: Deps): void {
  const { listeners } = slack;
  registerSeats(slack, deps);

  /** Someone of another organisation (Slack Connect) is answered with a note, never the ledger. */
  const fromOutside = async (context: Parameters<typeof scopeOf>[0]) => {
    const scope = scopeOf(context);
    return scope.external || (await scope.actor()).kind === "external";
  };

  listeners.event("app_mention", async ({ event, client, context }) => {
    if (!event.user) return;
    if (await fromOutside(context)) {
      await client.chat.postMessage({
        channel: event.channel,
        thread_ts: event.thread_ts ?? event.ts,
        text: externalNote,
      });
      return;
    }
    const { workspaceId } = scopeOf(context);
    // In an open standup thread, an @mention that is no question to coo is an
    // answer, which the standup listener records from its message event.
    if (
      (await standupThread(deps, workspaceId, event)) &&
      !asksCoo(event.text, context.botUserId, deps.clock.now())
    )
      return;
    await route(deps, client, {
      workspaceId,
      userId: event.user ?? "",
      channel: event.channel,
      ts: event.ts,
      text: event.text,
      where: "channel",
      ...(event.thread_ts ? { threadTs: event.thread_ts } : {}),
    });
  });

  listeners.event("message", async ({ event, client, context }) => {
    const message = event as MessageLike;
    if (message.channel_type !== "im" || !isPersonMessage(message) || message.subtype === "thread_broadcast")
      return;
    const { workspaceId } = scopeOf(context);
    const inThread = message.thread_ts ? { thread_ts: message.thread_ts } : {};
    if (await fromOutside(context)) {
      await client.chat.postMessage({ channel: message.channel, ...inThread, text: externalNote });
      return;
    }
    const text = message.text ?? "";
    if (!text.trim()) {
      // A file with no words: coo reads text only.
      if (message.subtype === "file_share")
        await client.chat.postMessage({ channel: message.channel, ...inThread, text: attachmentNote });
      return;
    }
    if (await tryRecordDmAnswer(deps, client, workspaceId, message)) return;
    if (looksLikeHandoff(text)) {
      const draft = await readHandoff(deps.llm, text, message.user ?? "", deps.clock.now());
      await client.chat.postMessage({
        channel: message.channel,
        ...inThread,
        ...proposal(draft, message.user ?? "", text),
      });
      return;
    }
    await route(deps, client, {
      workspaceId,
      userId: message.user ?? "",
      channel: message.channel,
      ts: message.ts,
      text,
      where: "dm",
      ...(message.thread_ts ? { threadTs: message.thread_ts } : {}),
    });
  });
}

/** What coo says to a file sent without words. */
export const attachmentNote =
  'I can\'t see images or files, only the words of a message. Tell me in words what you need, for example "who owns the launch?" or "waiting on @dana for the API keys".';

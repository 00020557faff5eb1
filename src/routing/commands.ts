import type { Context, webApi } from "@slack/bolt";
import { z } from "zod";
import type { Deps } from "../deps.js";
import { handoffOffer } from "../handoffs/messages.js";
import { readHandoffDraft } from "../handoffs/use-cases.js";
import { seats } from "../persona/load.js";
import type { Slack } from "../slack/app.js";
import { defineButton } from "../slack/buttons.js";
import { defineCommand } from "../slack/commands.js";
import { externalNote, scopeOf } from "../slack/context.js";
import { isStandupAnswer, tryRecordDmAnswer } from "../standups/use-cases.js";
import {
  askBackReply,
  attachmentNote,
  helloReply,
  ledgerAnswerText,
  otherReply,
  redirectedReply,
  routingButtons,
  seatedReply,
  seatsReply,
  unseatedReply,
  vacatedReply,
} from "./messages.js";
import { plainText } from "./rules.js";
import { assignSeat, type Routed, routeChosen, routeMessage, seatHolders, vacateSeat } from "./use-cases.js";

/*
 * Routing in Slack: every @mention and DM put to coo, and `/coo seat` and
 * `/coo seats`. Each parses what came, calls a use case (use-cases.ts) and
 * presents what it returns (messages.ts).
 */

type Incoming = {
  workspaceId: string;
  userId: string;
  channel: string;
  ts: string;
  text: string;
  where: "channel" | "dm";
  threadTs?: string | undefined;
};

/** A direct message as Slack sends it, as far as routing reads it. */
type DirectMessage = {
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
};

/** A person's own words (or a file they shared): not a bot's, an edit, a deletion or a join. */
const fromPerson = (m: DirectMessage) =>
  !m.bot_id && Boolean(m.user) && (m.subtype === undefined || m.subtype === "file_share");

/** What coo says where the question was asked, once it is routed (nothing when it was already). */
function routedText(deps: Deps, routed: Exclude<Routed, { kind: "ask" }>): string | undefined {
  switch (routed.kind) {
    case "hello":
      return helloReply(deps.persona);
    case "other":
      return otherReply(deps.persona);
    case "answer":
      return ledgerAnswerText(routed.answer, deps.clock.now(), routed.timeZone);
    case "unseated":
      return unseatedReply(routed.lane, routed.seat);
    case "redirected":
      return redirectedReply(routed.lane, routed.seat, routed.holder);
    case "seen":
      return undefined;
  }
}

const permalink = (client: webApi.WebClient, channel: string, ts: string) => () =>
  client.chat.getPermalink({ channel, message_ts: ts }).then(
    (r) => r.permalink,
    () => undefined,
  );

/** Classifies and routes one message, and answers where it was asked (or asks back, with buttons). */
async function route(deps: Deps, client: webApi.WebClient, m: Incoming): Promise<void> {
  // In a channel always in a thread; in a DM only when the question was asked in one.
  const thread =
    m.where === "channel" ? { thread_ts: m.threadTs ?? m.ts } : m.threadTs ? { thread_ts: m.threadTs } : {};
  const routed = await routeMessage(deps, {
    workspaceId: m.workspaceId,
    askerId: m.userId,
    text: m.text,
    where: m.where,
    channelId: m.channel,
    ts: m.ts,
    link: permalink(client, m.channel, m.ts),
  });
  if (routed.kind === "ask") {
    const carried = {
      a: m.userId,
      c: m.channel,
      t: m.ts,
      w: m.where,
      b: routed.by,
    };
    await client.chat.postMessage({
      channel: m.channel,
      ...thread,
      ...askBackReply(routed.lanes, carried, plainText(m.text)),
    });
    return;
  }
  const text = routedText(deps, routed);
  if (text) await client.chat.postMessage({ channel: m.channel, text, ...thread });
}

/** The asker's choice after a question back: routed as chosen, the answer in place of the question. */
function laneChosen(deps: Deps) {
  return defineButton(routingButtons.choose, {
    outdated: "That button is out of date. Ask me again.",
    async handle({ respond, context, client, value }) {
      const { workspaceId, actor } = scopeOf(context);
      const routed = await routeChosen(deps, await actor(), {
        workspaceId,
        askerId: value.a,
        text: value.q,
        where: value.w,
        channelId: value.c,
        ts: value.t,
        link: permalink(client, value.c, value.t),
        lane: value.l,
        by: value.b,
      });
      if (routed.kind === "ask") return;
      const text = routedText(deps, routed);
      if (text) await respond({ replace_original: true, text });
    },
  });
}

/** Someone of another organisation (Slack Connect) is answered with a note, never the ledger. */
async function fromOutside(context: Context): Promise<boolean> {
  const scope = scopeOf(context);
  return scope.external || (await scope.actor()).kind === "external";
}

export function register({ listeners, commands }: Slack, deps: Deps): void {
  const nameTheSeat = "Name the seat and the person (seats: ceo, cfo, cto), or free it with `none`:";
  commands.add(
    defineCommand({
      name: "seat",
      pattern: "<seat:ceo|cfo|cto> <holder:user=@user> || <seat:ceo|cfo|cto> <none:none|nobody|vacant=none>",
      summary: "who holds the CEO, CFO and CTO seats (admins seat them; questions in their lane go to them)",
      example: "/coo seat cfo @dana",
      empty: nameTheSeat,
      unknown: nameTheSeat,
      invalid: { seat: nameTheSeat, holder: nameTheSeat, none: nameTheSeat },
      args: z.object({
        seat: z.enum(seats),
        holder: z.string().optional(),
        none: z.string().optional(),
      }),
      async run({ workspaceId, actor }, { seat, holder }) {
        if (!holder)
          return { text: vacatedReply(seat, await vacateSeat(deps, await actor(), { workspaceId, seat })) };
        const result = await assignSeat(deps, await actor(), { workspaceId, seat, userId: holder });
        return { text: seatedReply(seat, holder, result, deps.persona) };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "seats",
      pattern: "",
      summary: "who holds which seat",
      example: "/coo seats",
      args: z.object({}),
      async run({ workspaceId }) {
        return { text: seatsReply(await seatHolders(deps, { workspaceId, seats }), deps.persona) };
      },
    }),
  );

  laneChosen(deps).register(listeners);

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
    const answer = { workspaceId, channel: event.channel, ts: event.ts, text: event.text };
    if (await isStandupAnswer(deps, { ...answer, threadTs: event.thread_ts, botUserId: context.botUserId }))
      return;
    await route(deps, client, { ...answer, userId: event.user, where: "channel", threadTs: event.thread_ts });
  });

  listeners.event("message", async ({ event, client, context }) => {
    const message = event as DirectMessage;
    if (message.channel_type !== "im" || !fromPerson(message)) return;
    const { workspaceId } = scopeOf(context);
    const userId = message.user ?? "";
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
    const dm = { workspaceId, channel: message.channel, ts: message.ts, text, threadTs: message.thread_ts };
    if (await tryRecordDmAnswer(deps, { ...dm, userId })) return;
    const draft = await readHandoffDraft(deps, { text, reporterId: userId });
    if (draft) {
      await client.chat.postMessage({
        channel: message.channel,
        ...inThread,
        ...handoffOffer(draft, userId, text),
      });
      return;
    }
    await route(deps, client, { ...dm, userId, where: "dm" });
  });
}

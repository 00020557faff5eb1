import { z } from "zod";
import { betToTie } from "../bets/use-cases.js";
import { blockersOf } from "../blockers/use-cases.js";
import type { Deps } from "../deps.js";
import { badInput, CooError } from "../errors.js";
import { personHistoryReply } from "../export/messages.js";
import { personHistory } from "../export/use-cases.js";
import type { SentMessage } from "../jobs/sent.js";
import { formatId } from "../ledger/ids.js";
import type { Actor } from "../policy.js";
import type { Slack } from "../slack/app.js";
import { defineButton, defineModal } from "../slack/buttons.js";
import { type Block, defineCommand, type Reply } from "../slack/commands.js";
import { scopeOf } from "../slack/context.js";
import { respondTo } from "../slack/respond.js";
import { describeInstant } from "../time/when.js";
import { addDays, isoDate, wallClock, zonedToUtc } from "../time/zoned.js";
import {
  commitmentButtons,
  commitmentForms,
  commitmentList,
  confirmedReply,
  doneReply,
  droppedReply,
  historyReply,
  type ListValue,
  markItem,
  overloadNote,
  pageSize,
  reassignedReply,
  recordedReply,
  redatedConfirmation,
  slipModal,
  slippedReply,
  statusReply,
  teamCapacityAsk,
  teamCapacityReply,
  workstreamReply,
  workstreamsReply,
} from "./messages.js";
import {
  completeCommitment,
  confirmCommitment,
  dropCommitment,
  historyOf,
  markSentItem,
  maxTitle,
  openCommitments,
  reassignCommitment,
  recordCommitment,
  setWorkstream,
  slipCommitment,
  slipForm,
  statusOf,
  teamCapacity,
  workstreams,
} from "./use-cases.js";

/*
 * The commitments feature in Slack: each command and button parses what was
 * sent, calls a use case (use-cases.ts) and presents what it returns
 * (messages.ts). Rules, permissions and writes live in the use cases.
 */

/** The most changes `/coo history` shows (one section each, well inside Slack's 50 blocks). */
const historyLimit = 20;

const reason = z.string().trim().max(500, "Keep the reason under 500 characters").optional();

async function listReply(deps: Deps, workspaceId: string, viewer: Actor, value: ListValue): Promise<Reply> {
  const page = await openCommitments(deps, {
    workspaceId,
    viewerId: viewer.slackUserId,
    target: value.t,
    offset: value.p,
    limit: pageSize,
  });
  return commitmentList(
    page.items,
    { offset: value.p, total: page.total },
    { target: value.t, now: deps.clock.now(), timeZone: viewer.timeZone },
  );
}

export function register({ listeners, commands }: Slack, deps: Deps): void {
  commands.add(
    defineCommand({
      name: "commit",
      pattern:
        "<what:text> by <when:date> {for <owner:user>} {<workstream:workstream>} {after <after:commitment=C12>}",
      summary: "record who will deliver what, by when",
      example: "/coo commit ship the pricing page by Friday for @dana",
      empty: "Say what, and by when:",
      asks: { what: "Say what will be delivered:", by: "When is it due? Add `by <when>`." },
      args: z.object({
        what: z
          .string()
          .trim()
          .min(1, "Say what will be delivered")
          .max(maxTitle, `Keep what will be delivered under ${maxTitle} characters`),
        when: z.string(),
        owner: z.string().optional(),
        workstream: z.string().optional(),
        after: z.number().optional(),
      }),
      async run({ workspaceId, channelId, actor }, args) {
        const me = await actor();
        const { commitment, owner, overload } = await recordCommitment(deps, me, {
          workspaceId,
          channelId,
          title: args.what,
          when: args.when,
          ownerId: args.owner,
          workstream: args.workstream,
          after: args.after,
        });
        const now = deps.clock.now();
        const recorded = recordedReply(commitment, me.slackUserId, owner.timeZone, now);
        if (!overload) return { text: recorded };
        const flag = overloadNote({
          week: overload,
          ownerId: commitment.ownerId,
          viewerId: me.slackUserId,
          timeZone: owner.timeZone,
          now,
          move: commitment,
        });
        return { text: `${recorded}\n${flag}` };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "capacity",
      pattern: "[<n:int>]",
      summary:
        "the team default of commitments a person lands a week, used to flag an overloaded week (admins and seats change it, 1 to 50)",
      example: "/coo capacity 7",
      unknown: teamCapacityAsk,
      invalid: { n: teamCapacityAsk },
      args: z.object({ n: z.number().optional() }),
      async run({ workspaceId, actor }, { n }) {
        return {
          text: teamCapacityReply(await teamCapacity(deps, await actor(), { workspaceId, perWeek: n })),
        };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "done",
      pattern: "<id:commitment>",
      summary: "mark a commitment delivered",
      example: "/coo done C12",
      args: z.object({ id: z.number() }),
      async run({ workspaceId, actor }, { id }) {
        return {
          text: doneReply(await completeCommitment(deps, await actor(), { workspaceId, number: id })),
        };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "drop",
      pattern: "<id:commitment> [[because] <reason:text>]",
      summary: "drop a commitment that is no longer wanted",
      example: "/coo drop C12 because the customer cancelled",
      args: z.object({ id: z.number(), reason }),
      async run({ workspaceId, actor }, args) {
        const c = await dropCommitment(deps, await actor(), {
          workspaceId,
          number: args.id,
          reason: args.reason || undefined,
        });
        return { text: droppedReply(c, args.reason || undefined) };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "slip",
      pattern: "<id:commitment> [to] <when:date> [because <reason:text>]",
      summary: "move a commitment to a new date; the history keeps the old one and why",
      example: "/coo slip C12 to Friday because the vendor is late",
      asks: { when: "Which commitment, and to when?" },
      args: z.object({ id: z.number(), when: z.string(), reason }),
      async run({ workspaceId, actor }, args) {
        const moved = await slipCommitment(deps, await actor(), {
          workspaceId,
          number: args.id,
          to: args.when,
          reason: args.reason || undefined,
        });
        return {
          text: slippedReply(
            moved.before,
            moved.after,
            args.reason || undefined,
            moved.owner.timeZone,
            deps.clock.now(),
          ),
        };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "reassign",
      pattern: "<id:commitment> [to] <to:user> [[because] <reason:text>]",
      summary: "hand a commitment to someone else",
      example: "/coo reassign C12 to @dana because I am on leave",
      asks: { to: "Which commitment, and to whom?" },
      args: z.object({ id: z.number(), to: z.string(), reason }),
      async run({ workspaceId, actor }, args) {
        const { commitment } = await reassignCommitment(deps, await actor(), {
          workspaceId,
          number: args.id,
          to: args.to,
          reason: args.reason || undefined,
        });
        return { text: reassignedReply(commitment) };
      },
    }),
  );

  const listUnknown = "I can list commitments for a person, a workstream or everyone:";
  commands.add(
    defineCommand({
      name: "commitments",
      pattern: "[<who:user> | <stream:workstream> | <all:all>]",
      summary: "open commitments, soonest due first, overdue marked",
      example: "/coo commitments #payments",
      unknown: listUnknown,
      invalid: { who: listUnknown, stream: listUnknown },
      args: z.object({
        who: z.string().optional(),
        stream: z.string().optional(),
        all: z.string().optional(),
      }),
      async run({ workspaceId, actor }, { who, stream, all }) {
        const t = who ? `u:${who}` : stream ? `w:${stream}` : all ? "all" : "mine";
        return listReply(deps, workspaceId, await actor(), { t, p: 0 });
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "history",
      pattern: "<id:commitment> || <person:user> [since <when:date>]",
      summary:
        "every change to a commitment (who, when, what and why), or a person's commitments and what happened to them",
      example: "/coo history C12",
      args: z.object({
        id: z.number().optional(),
        person: z.string().optional(),
        when: z.string().optional(),
      }),
      async run({ workspaceId, actor }, { id, person, when }) {
        const viewer = await actor();
        if (id === undefined && person !== undefined) {
          const story = await personHistory(deps, viewer, { workspaceId, person, since: when });
          return personHistoryReply(story, { now: deps.clock.now(), timeZone: viewer.timeZone });
        }
        if (id === undefined)
          throw badInput("Whose history? `/coo history C12` or `/coo history @dana since Monday`.");
        const { commitment, changes, total } = await historyOf(deps, {
          workspaceId,
          number: id,
          limit: historyLimit,
        });
        return historyReply(commitment, changes, total, { now: deps.clock.now(), timeZone: viewer.timeZone });
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "status",
      pattern: "[<who:user>]",
      summary: "a person's open commitments, on-time rate and open blockers",
      example: "/coo status @dana",
      unknown: "Whose status?",
      invalid: { who: "Whose status?" },
      args: z.object({ who: z.string().optional() }),
      async run({ workspaceId, userId, actor }, args) {
        const who = args.who ?? userId;
        const viewer = await actor();
        const now = deps.clock.now();
        const [status, blockers] = await Promise.all([
          statusOf(deps, { workspaceId, userId: who, limit: 5 }),
          blockersOf(deps, { workspaceId, userId: who, limit: 5 }),
        ]);
        return statusReply(who, status, blockers, { now, timeZone: viewer.timeZone });
      },
    }),
  );

  const oneWord = "Name it in one word (letters, digits, - or _), then its owner if not you:";
  commands.add(
    defineCommand({
      name: "workstream",
      pattern: "<name:word> [[owner] <owner:user>] {for <bet:bet=G3>}",
      summary: "create a workstream with an owner (or change its owner), or tie it to a bet",
      example: "/coo workstream payments owner @dana",
      unknown: oneWord,
      invalid: { owner: oneWord },
      args: z.object({
        name: z
          .string()
          .regex(/^#?[a-z][\w-]{0,39}$/i, "Name it in one word (letters, digits, - or _)")
          .transform((n) => n.replace(/^#/, "").toLowerCase()),
        owner: z.string().optional(),
        bet: z.number().optional(),
      }),
      async run({ workspaceId, actor }, args) {
        // The bet is found first: an unknown one writes nothing.
        const bet =
          args.bet === undefined ? undefined : await betToTie(deps, { workspaceId, number: args.bet });
        const result = await setWorkstream(deps, await actor(), {
          workspaceId,
          name: args.name,
          ownerId: args.owner,
          bet,
        });
        return { text: workstreamReply(args.name, result) };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "workstreams",
      pattern: "",
      summary: "every workstream, its owner and open commitments",
      example: "/coo workstreams",
      args: z.object({}),
      async run({ workspaceId }) {
        return workstreamsReply(await workstreams(deps, workspaceId));
      },
    }),
  );

  for (const control of [
    donePressed(deps),
    pagePressed(deps),
    confirmPressed(deps),
    slipPressed(deps),
    slipSubmitted(deps),
  ])
    control.register(listeners);
}

const hasResponseUrl = (body: object) => "response_url" in body && Boolean(body.response_url);

/**
 * The message a button was pressed in, when it is one coo posted (a DM:
 * nudge, planning) rather than an ephemeral list or the App Home.
 */
function postedMessageOf(body: object, workspaceId: string): SentMessage | undefined {
  const container = (
    body as {
      container?: { type?: string; is_ephemeral?: boolean; message_ts?: string; channel_id?: string };
    }
  ).container;
  if (container?.type !== "message" || container.is_ephemeral === true) return undefined;
  if (!container.message_ts || !container.channel_id) return undefined;
  return { workspaceId, channel: container.channel_id, ts: container.message_ts };
}

function donePressed(deps: Deps) {
  return defineButton(commitmentButtons.done, {
    async handle({ body, respond, context, value }) {
      const { workspaceId, actor } = scopeOf(context);
      const me = await actor();
      await completeCommitment(deps, me, { workspaceId, number: value.n });
      // In a DM coo sent (a nudge, planning): that item is marked, the rest stays.
      const posted = postedMessageOf(body, workspaceId);
      if (posted) {
        const mark = (blocks: Block[]) => markItem(blocks, value.n, "done :white_check_mark:");
        const message = (body as { message?: { text?: string; blocks?: Block[] } }).message;
        const edited = (await markSentItem(deps, posted, mark)) ?? {
          text: message?.text ?? "",
          blocks: mark(message?.blocks ?? []),
        };
        await respond(
          edited.blocks.length > 0
            ? { replace_original: true, ...edited }
            : {
                replace_original: false,
                text: `*${formatId("commitment", value.n)}* is done. :white_check_mark:`,
              },
        );
        return;
      }
      // From a list message: redraw it in place. From the App Home there is
      // nothing to redraw here; the change feed republishes the Home.
      if (hasResponseUrl(body))
        await respond({ replace_original: true, ...(await listReply(deps, workspaceId, me, value)) });
    },
  });
}

function pagePressed(deps: Deps) {
  return defineButton(commitmentButtons.page, {
    async handle({ respond, context, value }) {
      const { workspaceId, actor } = scopeOf(context);
      await respond({
        replace_original: true,
        ...(await listReply(deps, workspaceId, await actor(), value)),
      });
    },
  });
}

function confirmPressed(deps: Deps) {
  return defineButton(commitmentButtons.confirm, {
    async handle({ body, respond, context, value }) {
      const { workspaceId, actor } = scopeOf(context);
      const me = await actor();
      const c = await confirmCommitment(deps, me, { workspaceId, number: value.n });
      if (hasResponseUrl(body))
        await respond({ replace_original: false, text: confirmedReply(c, me.timeZone, deps.clock.now()) });
    },
  });
}

function slipPressed(deps: Deps) {
  return defineButton(commitmentButtons.slip, {
    async handle({ body, client, context, value }) {
      if (!("trigger_id" in body))
        throw new CooError("bad_input", "That button is out of date. Run the command again.");
      const { workspaceId } = scopeOf(context);
      const { commitment, owner } = await slipForm(deps, workspaceId, value.n);
      const now = deps.clock.now();
      const from = new Date(Math.max(commitment.dueAt.getTime(), now.getTime()));
      const initial = isoDate(
        zonedToUtc(addDays(wallClock(from, owner.timeZone), 1), owner.timeZone),
        owner.timeZone,
      );
      const responseUrl = "response_url" in body ? (body.response_url as string) : undefined;
      const posted = postedMessageOf(body, workspaceId);
      const metadata = {
        ...value,
        ...(responseUrl ? { r: responseUrl } : {}),
        ...(posted ? { c: posted.channel, ts: posted.ts } : {}),
      };
      await client.views.open({
        trigger_id: body.trigger_id as string,
        view: slipModal(commitment, metadata, owner.timeZone, initial, now),
      });
    },
  });
}

function slipSubmitted(deps: Deps) {
  return defineModal(commitmentForms.slip, {
    firstBlock: "date",
    outdated: "This form is out of date; close it and press Slip again.",
    async submit({ ack, view, context, metadata: meta }) {
      const { workspaceId, actor } = scopeOf(context);
      const state = view.state.values;
      const date = state.date?.value?.selected_date ?? "";
      const time = state.time?.value?.selected_time ?? "17:00";
      const why = state.reason?.value?.value?.trim() || undefined;
      let moved: Awaited<ReturnType<typeof slipCommitment>>;
      try {
        const { owner } = await slipForm(deps, workspaceId, meta.n);
        const [y, m, d] = date.split("-").map(Number);
        const [hh, mm] = time.split(":").map(Number);
        if (!y || !m || !d || hh === undefined || mm === undefined)
          throw new CooError("bad_input", "Pick a date.");
        const to = zonedToUtc({ year: y, month: m, day: d, hour: hh, minute: mm }, owner.timeZone);
        moved = await slipCommitment(deps, await actor(), { workspaceId, number: meta.n, reason: why, to });
      } catch (error) {
        if (error instanceof CooError) {
          await ack({ response_action: "errors", errors: { date: error.userMessage.slice(0, 150) } });
          return;
        }
        throw error;
      }
      await ack();
      if (!meta.r) return;
      const now = deps.clock.now();
      const zone = moved.owner.timeZone;
      if (meta.c && meta.ts) {
        // A DM coo sent (a nudge, planning): that item shows its new date, the rest stays as it was.
        const due = describeInstant(moved.after.dueAt, zone, now);
        const edited = await markSentItem(deps, { workspaceId, channel: meta.c, ts: meta.ts }, (blocks) =>
          markItem(blocks, meta.n, `re-dated: now due ${due}`),
        );
        if (edited) await respondTo(meta.r, { replace_original: true, ...edited });
      } else {
        const list = await listReply(deps, workspaceId, await actor(), { t: meta.t, p: meta.p });
        await respondTo(meta.r, { replace_original: true, ...list });
      }
      await respondTo(meta.r, {
        replace_original: false,
        response_type: "ephemeral",
        text: redatedConfirmation(moved.after, zone, now),
      });
    },
  });
}

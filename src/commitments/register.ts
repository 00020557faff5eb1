import type { webApi } from "@slack/bolt";
import { z } from "zod";
import { listBlockers } from "../blockers/ledger.js";
import type { Deps } from "../deps.js";
import { badInput, CooError } from "../errors.js";
import { formatId } from "../ledger/ids.js";
import { memberFor, profileOf } from "../people/people.js";
import { authorize } from "../policy.js";
import type { Slack } from "../slack/app.js";
import { readValue } from "../slack/blocks.js";
import type { Block, Reply } from "../slack/commands.js";
import { scopeOf } from "../slack/context.js";
import { linesWithin, sections } from "../slack/fit.js";
import { mention, quote, userMentionPattern } from "../slack/mentions.js";
import { enqueue } from "../slack/outbox.js";
import { respondTo } from "../slack/respond.js";
import { rewriteSent, type SentMessage } from "../slack/sent.js";
import { describeInstant, maxYearsAhead, slackDate, tooFarAhead } from "../time/when.js";
import { addDays, isoDate, wallClock, zonedToUtc } from "../time/zoned.js";
import { plural } from "../words.js";
import {
  actionIds,
  commitmentList,
  deliverySummary,
  historyReply,
  itemValue,
  type ListValue,
  listValue,
  markItem,
  pageSize,
  slipModal,
} from "./blocks.js";
import {
  type CommitmentFilter,
  commitmentHistory,
  completeCommitment,
  confirmCommitment,
  createCommitment,
  deliveryRecord,
  dropCommitment,
  findCommitment,
  findWorkstream,
  listOpenCommitments,
  reassignCommitment,
  slipCommitment,
} from "./ledger.js";
import {
  offDayNote,
  parseCommit,
  parseCommitmentId,
  parseDate,
  parseIdAndReason,
  parseListTarget,
  parseReassign,
  parseSlip,
  readCommitDue,
} from "./parse.js";

const usage = {
  commit: "commit <what> by <when> [for @owner] [#workstream] [after C12]",
  done: "done <id>",
  drop: "drop <id> [because ...]",
  slip: "slip <id> to <when> [because ...]",
  reassign: "reassign <id> to @owner [because ...]",
  commitments: "commitments [@user | #workstream | all]",
  status: "status [@user]",
  workstream: "workstream <name> [owner @user]",
  history: "history <id>",
};
/** The most changes `/coo history` shows (one section each, well inside Slack's 50 blocks). */
const historyLimit = 20;
const example = (u: string) => `\`/coo ${u}\``;

/** Resolves a list target as carried in buttons ("mine", "u:U1", "w:name", "all") to a query filter. */
async function filterFor(
  deps: Deps,
  workspaceId: string,
  viewerId: string,
  target: string,
): Promise<CommitmentFilter> {
  if (target === "all") return { kind: "all" };
  if (target === "mine") return { kind: "owner", userId: viewerId };
  if (target.startsWith("u:")) return { kind: "owner", userId: target.slice(2) };
  const stream = await findWorkstream(deps, workspaceId, target.slice(2));
  return { kind: "workstream", workstreamId: stream.id, name: stream.name };
}

async function renderList(
  deps: Deps,
  client: webApi.WebClient,
  workspaceId: string,
  viewerId: string,
  value: ListValue,
): Promise<Reply> {
  const viewer = await profileOf(deps, client, workspaceId, viewerId);
  const filter = await filterFor(deps, workspaceId, viewerId, value.t);
  const { items, total } = await listOpenCommitments(deps, workspaceId, filter, {
    offset: value.p,
    limit: pageSize,
  });
  return commitmentList(
    items,
    { offset: value.p, total },
    { target: value.t, now: deps.clock.now(), timeZone: viewer.timeZone },
  );
}

export function register({ listeners, commands }: Slack, deps: Deps): void {
  commands.add({
    name: "commit",
    usage: usage.commit,
    summary: "record who will deliver what, by when",
    async run({ workspaceId, userId, channelId, args, client, actor }) {
      const draft = parseCommit(args);
      const ownerId = draft.ownerId ?? userId;
      // Work goes to a real person of this workspace, checked with Slack before anything is written.
      const owner = ownerId === userId ? await actor() : await memberFor(deps, client, workspaceId, ownerId);
      const now = deps.clock.now();
      const { title, due } = readCommitDue(draft, { now, timeZone: owner.timeZone });
      const stream = draft.workstream ? await findWorkstream(deps, workspaceId, draft.workstream) : undefined;
      const dependsOn = draft.after ? await findCommitment(deps, workspaceId, draft.after) : undefined;
      const c = await createCommitment(deps, {
        workspaceId,
        actorId: userId,
        ownerId,
        title,
        dueAt: due.at,
        workstreamId: stream?.id,
        channelId,
        dependsOnId: dependsOn?.id,
      });
      const id = formatId("commitment", c.number);
      if (ownerId !== userId) {
        await notifyOwner(
          workspaceId,
          ownerId,
          `${mention(userId)} recorded *${id}* for you: ${quote(title)}, due ${slackDate(due.at, owner.timeZone, now)}. If the date does not work, \`/coo slip ${id} to <when> because ...\`.`,
          deps,
        );
      }
      return {
        text: `Recorded *${id}* ${quote(title)} for ${ownerId === userId ? "you" : mention(ownerId)}, due ${describeInstant(due.at, owner.timeZone, now)}${stream ? ` in #${stream.name}` : ""}.${offDayNote(c.number, due.at, owner.timeZone, now)} \`/coo done ${id}\` when it lands.`,
      };
    },
  });

  commands.add({
    name: "done",
    usage: usage.done,
    summary: "mark a commitment delivered",
    async run({ workspaceId, args, actor }) {
      const number = parseCommitmentId(args, example(usage.done));
      const c = await completeCommitment(deps, { workspaceId, number, actor: await actor() });
      const onTime = c.doneAt && c.doneAt <= c.originalDueAt;
      return {
        text: `*${formatId("commitment", c.number)}* ${quote(c.title)} is done${onTime ? ", on time" : ""}. :white_check_mark:`,
      };
    },
  });

  commands.add({
    name: "drop",
    usage: usage.drop,
    summary: "drop a commitment that is no longer wanted",
    async run({ workspaceId, args, actor }) {
      const { number, reason } = parseIdAndReason(args, example(usage.drop));
      const c = await dropCommitment(deps, { workspaceId, number, actor: await actor(), reason });
      return {
        text: `Dropped *${formatId("commitment", c.number)}* ${quote(c.title)}${reason ? ` because ${quote(reason)}` : ""}.`,
      };
    },
  });

  commands.add({
    name: "slip",
    usage: usage.slip,
    summary: "move a commitment to a new date; the history keeps the old one and why",
    async run({ workspaceId, args, client, actor }) {
      const parsed = parseSlip(args, example(usage.slip));
      const current = await findCommitment(deps, workspaceId, parsed.number);
      const owner = await profileOf(deps, client, workspaceId, current.ownerId);
      const now = deps.clock.now();
      const to = parseDate(parsed.when, { now, timeZone: owner.timeZone }, example(usage.slip));
      const c = await slipCommitment(deps, {
        workspaceId,
        number: parsed.number,
        actor: await actor(),
        reason: parsed.reason,
        to: to.at,
      });
      return {
        text: `*${formatId("commitment", c.number)}* moved from ${describeInstant(current.dueAt, owner.timeZone, now)} to ${describeInstant(c.dueAt, owner.timeZone, now)}${parsed.reason ? ` because ${quote(parsed.reason)}` : ""}.${offDayNote(c.number, c.dueAt, owner.timeZone, now)}`,
      };
    },
  });

  commands.add({
    name: "reassign",
    usage: usage.reassign,
    summary: "hand a commitment to someone else",
    async run({ workspaceId, userId, args, client, actor }) {
      const parsed = parseReassign(args, example(usage.reassign));
      const next = await memberFor(deps, client, workspaceId, parsed.to);
      const c = await reassignCommitment(deps, {
        workspaceId,
        number: parsed.number,
        actor: await actor(),
        reason: parsed.reason,
        to: parsed.to,
      });
      const id = formatId("commitment", c.number);
      await notifyOwner(
        workspaceId,
        parsed.to,
        `${mention(userId)} handed you *${id}* ${quote(c.title)}, due ${slackDate(c.dueAt, next.timeZone, deps.clock.now())}.`,
        deps,
      );
      return { text: `*${id}* now belongs to ${mention(parsed.to)}.` };
    },
  });

  commands.add({
    name: "commitments",
    usage: usage.commitments,
    summary: "open commitments, soonest due first, overdue marked",
    async run({ workspaceId, userId, args, client }) {
      const target = parseListTarget(args, example(usage.commitments));
      const t =
        target.kind === "user"
          ? `u:${target.userId}`
          : target.kind === "workstream"
            ? `w:${target.name}`
            : target.kind;
      return renderList(deps, client, workspaceId, userId, { t, p: 0 });
    },
  });

  commands.add({
    name: "history",
    usage: usage.history,
    summary: "every change to a commitment: who, when, what and why",
    async run({ workspaceId, userId, args, client }) {
      const number = parseCommitmentId(args, example(usage.history));
      const viewer = await profileOf(deps, client, workspaceId, userId);
      const { commitment, changes, total } = await commitmentHistory(deps, workspaceId, number, historyLimit);
      return historyReply(commitment, changes, total, { now: deps.clock.now(), timeZone: viewer.timeZone });
    },
  });

  commands.add({
    name: "status",
    usage: usage.status,
    summary: "a person's open commitments, on-time rate and open blockers",
    async run({ workspaceId, userId, args, client }) {
      const word = args.trim();
      const who = word === "" ? userId : new RegExp(`^${userMentionPattern.source}$`).exec(word)?.[1];
      if (!who) throw badInput(`Whose status? ${example(usage.status)}, e.g. \`/coo status @dana\`.`);
      const now = deps.clock.now();
      const viewer = await profileOf(deps, client, workspaceId, userId);
      const [record, open, blockers] = await Promise.all([
        deliveryRecord(deps, workspaceId, who, now),
        listOpenCommitments(deps, workspaceId, { kind: "owner", userId: who }, { offset: 0, limit: 5 }),
        listBlockers(deps, workspaceId, { includeRecent: false, now, offset: 0, limit: 5, userId: who }),
      ]);
      const lines = open.items.map(
        (c) =>
          `• *${formatId("commitment", c.number)}* ${quote(c.title)}, due ${slackDate(c.dueAt, viewer.timeZone, now)}${c.dueAt < now ? " :warning:" : ""}`,
      );
      const blockerLines = blockers.items.map(
        (b) =>
          `• *${formatId("blocker", b.number)}* ${quote(b.text)}${b.reporterId === who ? "" : ` (raised by ${mention(b.reporterId)}, waiting on them)`}`,
      );
      const text = [
        deliverySummary(who, record),
        ...(lines.length
          ? [
              `*Open commitments*${open.total > lines.length ? ` (first ${lines.length} of ${open.total})` : ""}`,
              ...lines,
            ]
          : ["No open commitments."]),
        ...(blockerLines.length
          ? [`*Open blockers* (${blockers.open})`, ...blockerLines]
          : ["No open blockers."]),
      ];
      return {
        text: `${mention(who)}: ${plural(open.total, "open commitment")}, ${plural(blockers.open, "open blocker")}`,
        blocks: sections(text),
      };
    },
  });

  commands.add({
    name: "workstream",
    usage: usage.workstream,
    summary: "create a workstream with an owner (or change its owner)",
    async run({ workspaceId, userId, args, client, actor }) {
      const match = new RegExp(
        `^#?([a-z][\\w-]{0,39})(?:\\s+(?:owner\\s+)?${userMentionPattern.source})?$`,
        "i",
      ).exec(args.trim());
      if (!match)
        throw badInput(
          `Name it in one word (letters, digits, - or _): ${example(usage.workstream)}, e.g. \`/coo workstream payments owner @dana\`.`,
        );
      const name = (match[1] ?? "").toLowerCase();
      const ownerId = match[2] ?? userId;
      if (ownerId !== userId) await memberFor(deps, client, workspaceId, ownerId);
      const existing = await deps.db.workstream.findUnique({
        where: { workspaceId_name: { workspaceId, name } },
      });
      if (!existing) {
        await deps.db.workstream.create({ data: { workspaceId, name, ownerId } });
        return {
          text: `Created #${name}, owned by ${mention(ownerId)}. Add work to it with \`/coo commit <what> by <when> #${name}\`.`,
        };
      }
      await authorize(await actor(), { kind: "change_workstream", workstream: existing });
      if (existing.ownerId === ownerId) return { text: `#${name} is already owned by ${mention(ownerId)}.` };
      await deps.db.workstream.update({ where: { id: existing.id }, data: { ownerId } });
      return { text: `#${name} is now owned by ${mention(ownerId)} (was ${mention(existing.ownerId)}).` };
    },
  });

  commands.add({
    name: "workstreams",
    usage: "workstreams",
    summary: "every workstream, its owner and open commitments",
    async run({ workspaceId }) {
      const streams = await deps.db.workstream.findMany({
        where: { workspaceId },
        orderBy: { name: "asc" },
        include: { _count: { select: { commitments: { where: { status: "open" } } } } },
      });
      if (streams.length === 0)
        return { text: `No workstreams yet. ${example("workstream payments owner @dana")} creates one.` };
      const lines = streams.map(
        (s) => `• *#${s.name}* owned by ${mention(s.ownerId)}: ${s._count.commitments} open`,
      );
      return {
        text: plural(streams.length, "workstream"),
        blocks: linesWithin(lines, {
          more: (n) => `…and ${n} more workstreams.`,
        }),
      };
    },
  });

  registerButtons({ listeners, deps });
}

/** A DM to the owner when someone else records or hands them work: through the outbox, paced and retried. */
async function notifyOwner(workspaceId: string, userId: string, text: string, deps: Deps): Promise<void> {
  const ids = await deps.db.$transaction((tx) => enqueue(tx, [{ workspaceId, userId, text }]));
  await deps.outbox.deliver(ids);
}

const slipMetadata = z.object({
  n: z.number().int().positive(),
  t: z.string(),
  p: z.number().int().min(0),
  r: z.string().url().optional(),
  /** Pressed in a DM coo sent: that message, to mark the item in place. */
  c: z
    .string()
    .regex(/^[CDG][A-Z0-9]+$/)
    .optional(),
  ts: z
    .string()
    .regex(/^\d+\.\d+$/)
    .optional(),
});

const hasResponseUrl = (body: object) => "response_url" in body && Boolean(body.response_url);

function registerButtons({ listeners, deps }: { listeners: Slack["listeners"]; deps: Deps }): void {
  const refused = () => badInput("That button is out of date. Run the command again.");

  listeners.action(actionIds.done, async ({ ack, body, action, respond, client, context }) => {
    await ack();
    const value = readValue(itemValue, "value" in action ? (action.value as string) : undefined);
    if (!value) throw refused();
    const { workspaceId, actor } = scopeOf(context);
    await completeCommitment(deps, { workspaceId, number: value.n, actor: await actor() });
    // In a DM coo sent (a nudge, planning): that item is marked, the rest stays.
    const posted = postedMessageOf(body, workspaceId);
    if (posted) {
      const mark = (blocks: Block[]) => markItem(blocks, value.n, "done :white_check_mark:");
      const message = (body as { message?: { text?: string; blocks?: Block[] } }).message;
      const edited = (await rewriteSent(deps.db, posted, mark)) ?? {
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
    if (hasResponseUrl(body)) {
      await respond({
        replace_original: true,
        ...(await renderList(deps, client, workspaceId, body.user.id, value)),
      });
    }
  });

  listeners.action(
    new RegExp(`^${actionIds.page}:(prev|next)$`),
    async ({ ack, body, action, respond, client, context }) => {
      await ack();
      const value = readValue(listValue, "value" in action ? (action.value as string) : undefined);
      if (!value) throw refused();
      await respond({
        replace_original: true,
        ...(await renderList(deps, client, scopeOf(context).workspaceId, body.user.id, value)),
      });
    },
  );

  listeners.action("commitment_confirm", async ({ ack, body, action, respond, context }) => {
    await ack();
    const value = readValue(itemValue, "value" in action ? (action.value as string) : undefined);
    if (!value) throw refused();
    const { workspaceId } = scopeOf(context);
    const actor = await scopeOf(context).actor();
    const c = await confirmCommitment(deps, { workspaceId, number: value.n, actor });
    if (hasResponseUrl(body)) {
      await respond({
        replace_original: false,
        text: `Confirmed *${formatId("commitment", c.number)}* ${quote(c.title)} for ${slackDate(c.dueAt, actor.timeZone, deps.clock.now())}.`,
      });
    }
  });

  listeners.action(actionIds.slip, async ({ ack, body, action, client, context }) => {
    await ack();
    const value = readValue(itemValue, "value" in action ? (action.value as string) : undefined);
    if (!value || !("trigger_id" in body)) throw refused();
    const { workspaceId } = scopeOf(context);
    const c = await findCommitment(deps, workspaceId, value.n);
    const owner = await profileOf(deps, client, workspaceId, c.ownerId);
    const now = deps.clock.now();
    const from = new Date(Math.max(c.dueAt.getTime(), now.getTime()));
    const initial = isoDate(
      zonedToUtc(addDays(wallClock(from, owner.timeZone), 1), owner.timeZone),
      owner.timeZone,
    );
    const responseUrl = "response_url" in body ? (body.response_url as string) : undefined;
    const posted = postedMessageOf(body, workspaceId);
    const metadata = JSON.stringify({
      ...value,
      ...(responseUrl ? { r: responseUrl } : {}),
      ...(posted ? { c: posted.channel, ts: posted.ts } : {}),
    });
    await client.views.open({
      trigger_id: body.trigger_id as string,
      view: slipModal(c, metadata, owner.timeZone, initial, now),
    });
  });

  listeners.view(actionIds.slipModal, async ({ ack, body, view, client, context }) => {
    const meta = readValue(slipMetadata, view.private_metadata);
    const { workspaceId, actor } = scopeOf(context);
    const state = view.state.values;
    const date = state.date?.value?.selected_date ?? "";
    const time = state.time?.value?.selected_time ?? "17:00";
    const reason = state.reason?.value?.value?.trim() || undefined;
    if (!meta) {
      await ack({
        response_action: "errors",
        errors: { date: "This form is out of date; close it and press Slip again." },
      });
      return;
    }
    let slipped: { to: Date; timeZone: string };
    try {
      const c = await findCommitment(deps, workspaceId, meta.n);
      const owner = await profileOf(deps, client, workspaceId, c.ownerId);
      const [y, m, d] = date.split("-").map(Number);
      const [hh, mm] = time.split(":").map(Number);
      if (!y || !m || !d || hh === undefined || mm === undefined) throw badInput("Pick a date.");
      const to = zonedToUtc({ year: y, month: m, day: d, hour: hh, minute: mm }, owner.timeZone);
      const now = deps.clock.now();
      if (Number.isNaN(to.getTime())) throw badInput("Pick a date.");
      if (to <= now) throw badInput("That is in the past. Pick a date ahead.");
      if (tooFarAhead(to, now))
        throw badInput(
          `That is more than ${maxYearsAhead} years ahead. Pick a date within ${maxYearsAhead} years.`,
        );
      await slipCommitment(deps, { workspaceId, number: meta.n, actor: await actor(), reason, to });
      slipped = { to, timeZone: owner.timeZone };
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
    const due = describeInstant(slipped.to, slipped.timeZone, now);
    if (meta.c && meta.ts) {
      // A DM coo sent (a nudge, planning): that item shows its new date, the rest stays as it was.
      const edited = await rewriteSent(deps.db, { workspaceId, channel: meta.c, ts: meta.ts }, (blocks) =>
        markItem(blocks, meta.n, `re-dated: now due ${due}`),
      );
      if (edited) await respondTo(meta.r, { replace_original: true, ...edited });
    } else {
      const list = await renderList(deps, client, workspaceId, body.user.id, { t: meta.t, p: meta.p });
      await respondTo(meta.r, { replace_original: true, ...list });
    }
    await respondTo(meta.r, {
      replace_original: false,
      response_type: "ephemeral",
      text: `*${formatId("commitment", meta.n)}* now due ${due}.${offDayNote(meta.n, slipped.to, slipped.timeZone, now)}`,
    });
  });
}

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

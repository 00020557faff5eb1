import type { webApi } from "@slack/bolt";
import { z } from "zod";
import { createBlocker } from "../blockers/ledger.js";
import { commitmentLine } from "../commitments/messages.js";
import { type CommitmentRow, findCommitment } from "../commitments/queries.js";
import type { Deps } from "../deps.js";
import { badInput, CooError } from "../errors.js";
import { formatId, parseId } from "../ledger/ids.js";
import { memberFor, type Profile, profileOf } from "../people/people.js";
import { type Actor, authorize } from "../policy.js";
import type { Slack } from "../slack/app.js";
import { readValue, section } from "../slack/blocks.js";
import type { Block } from "../slack/commands.js";
import { scopeOf } from "../slack/context.js";
import { linesWithin } from "../slack/fit.js";
import { channelMembers } from "../slack/members.js";
import { echo, mention, quote } from "../slack/mentions.js";
import { enqueue, type Outgoing } from "../slack/outbox.js";
import { describeInstant, parseWhen, slackDate } from "../time/when.js";
import { plural } from "../words.js";
import { classify, type Risk } from "./classify.js";
import { driftStreaks } from "./drift.js";

const maxSnoozeDays = 30;
/** Commitments shown under each heading of `/coo risks`; the rest are counted. */
const risksShown = 15;
const day = 24 * 3600_000;

const helpValue = z.object({ n: z.number().int().positive() });
const snoozeValue = z.object({
  n: z.number().int().positive(),
  d: z.number().int().min(1).max(maxSnoozeDays),
});

/** Nudge buttons (snooze, ask for help) are the owner's alone. */
async function ownersCommitment(deps: Deps, workspaceId: string, actor: Actor, number: number) {
  const c = await findCommitment(deps, workspaceId, number);
  const owner = await authorize(actor, { kind: "own_commitment", commitment: c });
  if (c.status !== "open")
    throw new CooError("conflict", `${formatId("commitment", number)} is already ${c.status}.`);
  return { c, owner };
}

async function snooze(deps: Deps, c: CommitmentRow, until: Date): Promise<void> {
  await deps.db.commitment.update({ where: { id: c.id }, data: { snoozedUntil: until } });
}

export function register({ listeners, commands }: Slack, deps: Deps): void {
  commands.add({
    name: "snooze",
    usage: "snooze <id> for <n> days | snooze <id> until <when>",
    summary: "stop chasing one of your commitments for a while (up to 30 days)",
    async run({ workspaceId, args, actor }) {
      const example = "`/coo snooze C12 for 2 days` or `/coo snooze C12 until Monday`";
      const match = /^(\S+)\s+(for|until)\s+(.+)$/i.exec(args.trim());
      const number = match ? parseId("commitment", match[1] ?? "") : undefined;
      if (!match || number === undefined) throw badInput(`Which commitment, and for how long? ${example}.`);
      const { c, owner } = await ownersCommitment(deps, workspaceId, await actor(), number);
      const now = deps.clock.now();
      let until: Date | undefined;
      if (match[2]?.toLowerCase() === "for") {
        const days = /^(\d+)\s*(d|day|days)$/i.exec(match[3]?.trim() ?? "");
        if (days) until = new Date(now.getTime() + Number(days[1]) * day);
      } else {
        until = parseWhen(match[3] ?? "", { now, timeZone: owner.timeZone })?.at;
      }
      if (!until || until <= now)
        throw badInput(`I can't read ${echo(match[3] ?? "")} as a time ahead. ${example}.`);
      if (until.getTime() - now.getTime() > maxSnoozeDays * day) {
        throw badInput(
          `A snooze can last at most ${maxSnoozeDays} days. If the date is wrong, \`/coo slip ${formatId("commitment", number)} to <when>\` instead.`,
        );
      }
      await snooze(deps, c, until);
      return {
        text: `No chasing on *${formatId("commitment", c.number)}* until ${describeInstant(until, owner.timeZone, now)}.`,
      };
    },
  });

  commands.add({
    name: "risks",
    usage: "risks",
    summary: "what is overdue, at risk or drifting for this channel's people",
    async run({ workspaceId, channelId, client, actor }) {
      const viewer = await actor();
      const members = channelId.startsWith("D") ? undefined : await channelMembers(client, channelId);
      return risksReply(deps, workspaceId, members, viewer);
    },
  });

  commands.add({
    name: "escalation",
    usage: "escalation [grace <hours> | ceo <days> | to channel|lead | hours <start>-<end>]",
    summary: "how slipping work is chased in this workspace, and changing it (admins and seats)",
    async run({ workspaceId, args, actor }) {
      const words = args.trim().toLowerCase().split(/\s+/).filter(Boolean);
      const example =
        "`/coo escalation grace 24`, `/coo escalation ceo 3`, `/coo escalation to lead` or `/coo escalation hours 9-18`";
      if (words.length > 0) {
        await authorize(await actor(), { kind: "change_settings" });
        const [key, value = ""] = words;
        const n = Number(value);
        const hours = /^(\d{1,2})-(\d{1,2})$/.exec(value);
        const data =
          key === "grace" && Number.isInteger(n) && n >= 1 && n <= 168
            ? { escalationGraceHours: n }
            : key === "ceo" && Number.isInteger(n) && n >= 1 && n <= 60
              ? { escalateToCeoAfterDays: n }
              : key === "to" && (value === "channel" || value === "lead")
                ? { escalateTo: value }
                : key === "hours" && hours && Number(hours[1]) < Number(hours[2]) && Number(hours[2]) <= 24
                  ? { workdayStartHour: Number(hours[1]), workdayEndHour: Number(hours[2]) }
                  : undefined;
        if (!data || words.length !== 2)
          throw badInput(`Say what to change: ${example} (grace 1 to 168 hours, ceo 1 to 60 days).`);
        await deps.db.workspace.update({ where: { id: workspaceId }, data });
      }
      const w = await deps.db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
      return {
        text: [
          "*How slipping work is chased here*",
          "1. A DM to the owner (Done, Slip to…, Need help, Snooze).",
          `2. After ${w.escalationGraceHours}h with no change, a reminder and an offer to record a blocker.`,
          `3. If overdue ${w.escalationGraceHours}h after that: ${w.escalateTo === "lead" ? "the workstream lead" : "the channel it was made in"} hears of it.`,
          `4. Overdue more than ${plural(w.escalateToCeoAfterDays, "day")}: the seated CEO hears of it.`,
          `Never outside ${w.workdayStartHour}:00–${w.workdayEndHour}:00 on weekdays in each person's own time zone, never while someone is out of office, at most one DM per person per sweep.`,
        ].join("\n"),
      };
    },
  });

  listeners.action("nudge_snooze", async ({ ack, action, respond, context }) => {
    await ack();
    const value = readValue(snoozeValue, "value" in action ? (action.value as string) : undefined);
    if (!value) throw badInput("That button is out of date.");
    const { workspaceId, actor } = scopeOf(context);
    const { c, owner } = await ownersCommitment(deps, workspaceId, await actor(), value.n);
    const now = deps.clock.now();
    const until = new Date(now.getTime() + value.d * day);
    await snooze(deps, c, until);
    await respond({
      replace_original: false,
      text: `Snoozed *${formatId("commitment", c.number)}* until ${describeInstant(until, owner.timeZone, now)}.`,
    });
  });

  listeners.action("nudge_help", async ({ ack, body, action, client, context }) => {
    await ack();
    const value = readValue(helpValue, "value" in action ? (action.value as string) : undefined);
    if (!value || !("trigger_id" in body)) throw badInput("That button is out of date.");
    const { workspaceId, actor } = scopeOf(context);
    const { c } = await ownersCommitment(deps, workspaceId, await actor(), value.n);
    await client.views.open({
      trigger_id: body.trigger_id as string,
      view: {
        type: "modal",
        callback_id: "nudge_help_modal",
        private_metadata: JSON.stringify({ n: c.number }),
        title: { type: "plain_text", text: "Record a blocker" },
        submit: { type: "plain_text", text: "Record" },
        blocks: [
          section(`*${formatId("commitment", c.number)}* ${quote(c.title)}`),
          {
            type: "input",
            block_id: "what",
            label: { type: "plain_text", text: "What is in the way?" },
            element: { type: "plain_text_input", action_id: "value", max_length: 400 },
          },
          {
            type: "input",
            block_id: "who",
            optional: true,
            label: { type: "plain_text", text: "Who can unblock it?" },
            element: { type: "users_select", action_id: "value" },
          },
        ] as Block[],
      },
    });
  });

  listeners.view("nudge_help_modal", async ({ ack, body, view, client, context }) => {
    const meta = readValue(helpValue, view.private_metadata);
    const what = view.state.values.what?.value?.value?.trim() ?? "";
    const who = view.state.values.who?.value?.selected_user ?? undefined;
    if (!meta) {
      await ack({ response_action: "errors", errors: { what: "This form is out of date; close it." } });
      return;
    }
    if (!what) {
      await ack({ response_action: "errors", errors: { what: "Say what is in the way." } });
      return;
    }
    const { workspaceId, actor } = scopeOf(context);
    try {
      const { c } = await ownersCommitment(deps, workspaceId, await actor(), meta.n);
      if (who) await memberFor(deps, client, workspaceId, who);
      await ack();
      const b = await createBlocker(deps, {
        workspaceId,
        reporterId: body.user.id,
        text: `${formatId("commitment", c.number)} ${c.title}: ${what}`.slice(0, 500),
        waitingOnId: who,
        channelId: c.channelId ?? undefined,
      });
      await deps.db.commitment.update({ where: { id: c.id }, data: { lastTouchedAt: deps.clock.now() } });
      if (who) {
        const dm = await client.conversations.open({ users: who });
        if (dm.channel?.id) {
          await client.chat.postMessage({
            channel: dm.channel.id,
            text: `${mention(body.user.id)} is blocked on *${formatId("commitment", c.number)}* ${quote(c.title)} and says you can help: ${quote(what)} (${formatId("blocker", b.number)}).`,
          });
        }
      }
    } catch (error) {
      if (error instanceof CooError) {
        await ack({ response_action: "errors", errors: { what: error.userMessage.slice(0, 150) } });
        return;
      }
      throw error;
    }
  });

  // Re-sequencing: when a commitment moves, whoever depends on it hears.
  deps.changes.subscribe(async ({ workspaceId, slipped }) => {
    if (!slipped) return;
    try {
      await tellDependants(deps, await deps.slackFor(workspaceId), workspaceId, slipped);
    } catch (error) {
      deps.log.warn("could not tell dependants about a slip", { error: String(error) });
    }
  });
}

export async function risksReply(
  deps: Deps,
  workspaceId: string,
  members: string[] | undefined,
  viewer: Profile,
) {
  const now = deps.clock.now();
  const streaks = await driftStreaks(deps);
  const open = await deps.db.commitment.findMany({
    where: {
      workspaceId,
      status: "open",
      ...(members ? { ownerId: { in: members } } : {}),
      OR: [{ dueAt: { lte: new Date(now.getTime() + 5 * day) } }, { id: { in: [...streaks.keys()] } }],
    },
    include: { workstream: { select: { name: true } } },
    orderBy: { dueAt: "asc" },
  });
  const people = await deps.db.person.findMany({
    where: { workspaceId, slackUserId: { in: [...new Set(open.map((c) => c.ownerId))] } },
  });
  const zone = new Map(people.map((p) => [p.slackUserId, p.timezone ?? deps.config.defaultTimeZone]));
  const lists: Record<Risk, string[]> = { overdue: [], at_risk: [], drifting: [] };
  for (const c of open) {
    const risk = classify(
      { ...c, todayStreak: streaks.get(c.id) ?? 0 },
      now,
      zone.get(c.ownerId) ?? deps.config.defaultTimeZone,
    );
    if (risk) lists[risk].push(`• ${commitmentLine(c, now, viewer.timeZone).replace("\n", " · ")}`);
  }
  const part = (title: string, list: string[]) => [
    `*${title}* (${list.length})`,
    ...(list.length ? list.slice(0, risksShown) : ["• none"]),
    ...(list.length > risksShown ? [`…and ${list.length - risksShown} more`] : []),
  ];
  const lines = [
    ...part("Overdue", lists.overdue),
    ...part("At risk: due by the end of the next working day, no update since made", lists.at_risk),
    ...part("Drifting: on today's list three standups running", lists.drifting),
  ];
  return {
    text: `${lists.overdue.length} overdue, ${lists.at_risk.length} at risk, ${lists.drifting.length} drifting`,
    blocks: linesWithin(lines, { more: (n) => `…and ${n} more lines` }),
  };
}

async function tellDependants(
  deps: Deps,
  client: webApi.WebClient,
  workspaceId: string,
  slipped: { commitmentId: number; from: Date; to: Date; reason: string | null; actorId: string },
): Promise<void> {
  const moved = await deps.db.commitment.findUnique({ where: { id: slipped.commitmentId } });
  if (!moved) return;
  const now = deps.clock.now();
  const [commitments, blockers] = await Promise.all([
    deps.db.commitment.findMany({ where: { dependsOnId: moved.id, status: "open" } }),
    deps.db.blocker.findMany({ where: { waitingOnCommitmentId: moved.id, status: "open" } }),
  ]);
  const byPerson = new Map<string, string[]>();
  for (const c of commitments)
    byPerson.set(c.ownerId, [
      ...(byPerson.get(c.ownerId) ?? []),
      `your *${formatId("commitment", c.number)}* ${quote(c.title)}`,
    ]);
  for (const b of blockers)
    byPerson.set(b.reporterId, [
      ...(byPerson.get(b.reporterId) ?? []),
      `your blocker *${formatId("blocker", b.number)}* ${quote(b.text)}`,
    ]);
  const messages: Outgoing[] = [];
  for (const [userId, lines] of byPerson) {
    if (userId === slipped.actorId) continue;
    const person = await profileOf(deps, client, workspaceId, userId);
    messages.push({
      workspaceId,
      userId,
      text: `Heads up: *${formatId("commitment", moved.number)}* ${quote(moved.title)} (${mention(moved.ownerId)}) moved from ${slackDate(slipped.from, person.timeZone, now)} to ${slackDate(slipped.to, person.timeZone, now)}${slipped.reason ? ` because ${quote(slipped.reason)}` : ""}. It affects ${lines.join(" and ")}.`,
    });
  }
  const ids = await deps.db.$transaction((tx) => enqueue(tx, messages));
  await deps.outbox.deliver(ids);
}

import { z } from "zod";
import type { Blocker } from "../blockers/use-cases.js";
import { formatId } from "../ledger/ids.js";
import { actions, buttonSpec, context, modalSpec, pager, section } from "../slack/blocks.js";
import type { Block, Reply } from "../slack/commands.js";
import { linesWithin, sections } from "../slack/fit.js";
import { mention, quote } from "../slack/mentions.js";
import { describeDay, describeInstant, describeWallTime, offDay, slackDate } from "../time/when.js";
import { addDays, wallClock, zonedToUtc } from "../time/zoned.js";
import { count, plural } from "../words.js";
import { historyWeeks, minLanded, teamDefaultRange } from "./capacity.js";
import type {
  CommitmentRow,
  DeliveryRecord,
  HistoryEntry,
  WeekCapacity,
  WorkstreamResult,
} from "./use-cases.js";
import { isOverdue, systemActors } from "./use-cases.js";

export const pageSize = 10;

/** What a list shows, as carried in its buttons: mine, u:<user>, w:<workstream>, all. */
const listTarget = z.string().regex(/^(mine|all|u:[UW][A-Z0-9]+|w:[a-z0-9][\w-]*)$/);
const listValue = z.object({ t: listTarget, p: z.number().int().min(0).max(1_000_000) });
const itemValue = listValue.extend({ n: z.number().int().positive() });
export type ListValue = z.infer<typeof listValue>;

/** The buttons a commitment carries wherever it is shown: lists, nudges, planning DMs, the App Home. */
export const commitmentButtons = {
  done: buttonSpec({ id: "commitment_done", value: itemValue }),
  slip: buttonSpec({ id: "commitment_slip", value: itemValue }),
  confirm: buttonSpec({ id: "commitment_confirm", value: itemValue }),
  page: buttonSpec({ id: "commitments_page", value: listValue, variants: ["prev", "next"] }),
};

/** What the Slip form carries: the item and list it came from, and where to answer. */
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
export type SlipMetadata = z.input<typeof slipMetadata>;

export const commitmentForms = {
  slip: modalSpec({ callbackId: "commitment_slip_modal", metadata: slipMetadata }),
};

/** A commitment in a list; `note` (a pull request's review, say) goes on a line of its own. */
export function commitmentLine(c: CommitmentRow, now: Date, timeZone: string, note = ""): string {
  const due = isOverdue(c, now)
    ? `:warning: *overdue*, was due ${slackDate(c.dueAt, timeZone, now)}`
    : `due ${slackDate(c.dueAt, timeZone, now)}`;
  const stream = c.workstream ? ` · #${c.workstream.name}` : "";
  return `*${formatId("commitment", c.number)}* ${quote(c.title)}\n${mention(c.ownerId)} · ${due}${stream}${note ? `\n${note}` : ""}`;
}

function heading(target: string, total: number): string {
  if (target === "mine") return `*Your open commitments* (${total})`;
  if (target === "all") return `*All open commitments* (${total})`;
  if (target.startsWith("u:")) return `*Open commitments of ${mention(target.slice(2))}* (${total})`;
  return `*Open commitments in #${target.slice(2)}* (${total})`;
}

export function commitmentList(
  items: CommitmentRow[],
  page: { offset: number; total: number },
  value: { target: string; now: Date; timeZone: string },
): Reply {
  const { target, now, timeZone } = value;
  const blocks: Block[] = [section(heading(target, page.total))];
  if (items.length === 0) {
    blocks.push(context("Nothing open. Record one with `/coo commit <what> by <when> [for @owner]`."));
  }
  for (const c of items) {
    const v = { t: target, p: page.offset, n: c.number };
    blocks.push(section(commitmentLine(c, now, timeZone)));
    blocks.push(
      actions(
        commitmentButtons.done.element("Done", v, { style: "primary" }),
        commitmentButtons.slip.element("Slip…", v),
      ),
    );
  }
  blocks.push(...pager({ ...page, limit: pageSize }, commitmentButtons.page, { t: target }));
  const overdue = items.filter((c) => isOverdue(c, now)).length;
  const text = `${plural(page.total, "open commitment")}${overdue ? `, ${overdue} overdue on this page` : ""}`;
  return { text, blocks, response_type: "ephemeral" };
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? "n/a" : `${Math.round((100 * part) / whole)}%`;
}

export function deliverySummary(userId: string, record: DeliveryRecord): string {
  return [
    `*${mention(userId)}*: ${record.open} open${record.overdue ? ` (:warning: ${record.overdue} overdue)` : ""}`,
    `on time ${percent(record.doneOnTime, record.done)} (${record.doneOnTime} of ${record.done} done in the last 90 days by the first date promised)`,
    `${record.slipped} slipped`,
  ].join(" · ");
}

/** The modal behind "Slip…": a new date and time, and a reason for the history. */
export function slipModal(
  c: CommitmentRow,
  metadata: SlipMetadata,
  timeZone: string,
  initialDate: string,
  now: Date,
) {
  return {
    ...commitmentForms.slip.view(metadata),
    title: { type: "plain_text" as const, text: `Slip ${formatId("commitment", c.number)}` },
    submit: { type: "plain_text" as const, text: "Re-date" },
    close: { type: "plain_text" as const, text: "Cancel" },
    blocks: [
      section(
        `*${formatId("commitment", c.number)}* ${quote(c.title)}\nNow due ${slackDate(c.dueAt, timeZone, now)}`,
      ),
      {
        type: "input",
        block_id: "date",
        label: { type: "plain_text", text: "New date" },
        element: { type: "datepicker", action_id: "value", initial_date: initialDate },
      },
      {
        type: "input",
        block_id: "time",
        label: { type: "plain_text", text: `Time (${timeZone})` },
        element: { type: "timepicker", action_id: "value", initial_time: "17:00" },
      },
      {
        type: "input",
        block_id: "reason",
        optional: true,
        label: { type: "plain_text", text: "Why is it moving?" },
        element: { type: "plain_text_input", action_id: "value", max_length: 500 },
      },
    ] as Block[],
  };
}

/** One change, as a line: "Thu 3 Dec 15:30 · @alice re-dated it from ... to ... because ...". */
function changeLine(change: HistoryEntry, timeZone: string, now: Date): string {
  const when = (at: Date | null) => (at ? describeWallTime(at, timeZone, now) : "no date");
  const why = change.reason ? ` because ${quote(`"${change.reason}"`)}` : "";
  const who =
    change.actorId === systemActors.github
      ? "GitHub"
      : change.actorId === systemActors.linear
        ? "Linear"
        : mention(change.actorId);
  const what = (() => {
    switch (change.kind) {
      case "created":
        return `recorded it${change.toOwnerId && change.toOwnerId !== change.actorId ? ` for ${mention(change.toOwnerId)}` : ""}, due ${when(change.toDueAt)}`;
      case "redated":
        return `re-dated it from ${when(change.fromDueAt)} to ${when(change.toDueAt)}`;
      case "reassigned":
        return `handed it from ${change.fromOwnerId ? mention(change.fromOwnerId) : "its owner"} to ${change.toOwnerId ? mention(change.toOwnerId) : "someone else"}`;
      case "done":
        return "marked it done";
      case "dropped":
        return "dropped it";
      case "confirmed":
        return `confirmed the date, ${when(change.toDueAt)}`;
      case "snoozed":
        return `snoozed the chasing until ${when(change.snoozedUntil)}`;
      default:
        return `changed it (${String(change.kind).replace(/_/g, " ")})`;
    }
  })();
  return `${when(change.at)} · ${who} ${what}${why}`;
}

/** `/coo history C4`: what happened to a commitment, newest last, in the reader's zone. */
export function historyReply(
  c: CommitmentRow,
  changes: HistoryEntry[],
  total: number,
  value: { now: Date; timeZone: string },
): Reply {
  const { now, timeZone } = value;
  const state =
    c.status === "open"
      ? `${isOverdue(c, now) ? "overdue, was due" : "due"} ${describeWallTime(c.dueAt, timeZone, now)}`
      : c.status;
  const heading = `*${formatId("commitment", c.number)}* ${quote(c.title)} (${mention(c.ownerId)}) · ${state}`;
  const earlier = total - changes.length;
  const blocks: Block[] = [
    section(heading),
    context(
      `Times in ${timeZone}${earlier > 0 ? ` · the latest ${changes.length} of ${total} changes` : ""}`,
    ),
    ...changes.map((change) => section(changeLine(change, timeZone, now))),
  ];
  const text = `History of ${formatId("commitment", c.number)}: ${plural(total, "change")}`;
  return { text, blocks, response_type: "ephemeral" };
}

/**
 * A DM's item, marked in place: the section of commitment `n` keeps its
 * "*C4* title" line with `note` under it, and its buttons go; every other block is kept as it
 * was. Items are found by their buttons' values (nudge and planning DMs).
 */
export function markItem(blocks: Block[], n: number, note: string): Block[] {
  const carries = (block: Block) =>
    block.type === "actions" &&
    block.elements.some((e) => "value" in e && typeof e.value === "string" && valueNumber(e.value) === n);
  const at = blocks.findIndex(carries);
  const item = blocks[at - 1];
  if (at < 1 || item?.type !== "section" || !item.text) return blocks;
  // The "*C4* title" line stays; what it said about the date and the risk no longer holds.
  const lines = item.text.text.split("\n");
  const title = lines.find((l) => l.startsWith(`*${formatId("commitment", n)}*`)) ?? lines[0] ?? "";
  return [
    ...blocks.slice(0, at - 1),
    { ...item, text: { type: "mrkdwn", text: `${title}\n${note}` } },
    ...blocks.slice(at + 1),
  ];
}

function valueNumber(raw: string): number | undefined {
  try {
    const parsed = JSON.parse(raw) as { n?: unknown };
    return typeof parsed.n === "number" ? parsed.n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A due date on the owner's day off is kept (people do plan weekend work),
 * but said out loud, with the command that moves it to the next working day:
 * "That's a Saturday. If you meant the next working day: `/coo slip C4 to Mon
 * 7 Dec 17:00`". Empty on a working day.
 */
export function offDayNote(number: number, due: Date, timeZone: string, now: Date): string {
  const off = offDay(due, timeZone);
  if (!off) return "";
  const next = describeWallTime(off.nextWorkingDay, timeZone, now);
  return ` That's a ${off.dayName}. If you meant the next working day: \`/coo slip ${formatId("commitment", number)} to ${next}\`.`;
}

const idOf = (c: { number: number }) => formatId("commitment", c.number);

/** After the reply to `/coo commit`: the issues and pull requests its text named, now linked. */
export const linkedNote = (links: string[]) =>
  `Linked to ${links.join(", ")}: when ${links.length === 1 ? "it is" : "one of them is"} done, so is this.`;

/** The reply to `/coo commit`. */
export function recordedReply(c: CommitmentRow, actorId: string, ownerZone: string, now: Date): string {
  const id = idOf(c);
  const forWhom = c.ownerId === actorId ? "you" : mention(c.ownerId);
  const stream = c.workstream ? ` in #${c.workstream.name}` : "";
  return `Recorded *${id}* ${quote(c.title)} for ${forWhom}, due ${describeInstant(c.dueAt, ownerZone, now)}${stream}.${offDayNote(c.number, c.dueAt, ownerZone, now)} \`/coo done ${id}\` when it lands.`;
}

/** The owner's DM when someone else records work for them. */
export function recordedNotice(c: CommitmentRow, actorId: string, ownerZone: string, now: Date): string {
  const id = idOf(c);
  return `${mention(actorId)} recorded *${id}* for you: ${quote(c.title)}, due ${slackDate(c.dueAt, ownerZone, now)}. If the date does not work, \`/coo slip ${id} to <when> because ...\`.`;
}

/** The new owner's DM when work is handed to them. */
export function handedNotice(c: CommitmentRow, actorId: string, ownerZone: string, now: Date): string {
  return `${mention(actorId)} handed you *${idOf(c)}* ${quote(c.title)}, due ${slackDate(c.dueAt, ownerZone, now)}.`;
}

export function doneReply(c: CommitmentRow): string {
  const onTime = c.doneAt && c.doneAt <= c.originalDueAt;
  return `*${idOf(c)}* ${quote(c.title)} is done${onTime ? ", on time" : ""}. :white_check_mark:`;
}

export function droppedReply(c: CommitmentRow, reason: string | undefined): string {
  return `Dropped *${idOf(c)}* ${quote(c.title)}${reason ? ` because ${quote(reason)}` : ""}.`;
}

export function slippedReply(
  before: CommitmentRow,
  after: CommitmentRow,
  reason: string | undefined,
  ownerZone: string,
  now: Date,
): string {
  return `*${idOf(after)}* moved from ${describeInstant(before.dueAt, ownerZone, now)} to ${describeInstant(after.dueAt, ownerZone, now)}${reason ? ` because ${quote(reason)}` : ""}.${offDayNote(after.number, after.dueAt, ownerZone, now)}`;
}

/** After a date picked in the Slip form: the new date, said once. */
export function redatedConfirmation(c: CommitmentRow, ownerZone: string, now: Date): string {
  return `*${idOf(c)}* now due ${describeInstant(c.dueAt, ownerZone, now)}.${offDayNote(c.number, c.dueAt, ownerZone, now)}`;
}

export function confirmedReply(c: CommitmentRow, timeZone: string, now: Date): string {
  return `Confirmed *${idOf(c)}* ${quote(c.title)} for ${slackDate(c.dueAt, timeZone, now)}.`;
}

export function reassignedReply(c: CommitmentRow): string {
  return `*${idOf(c)}* now belongs to ${mention(c.ownerId)}.`;
}

/** `/coo status`: a person's record, their open commitments and the blockers that touch them. */
export function statusReply(
  who: string,
  status: { record: DeliveryRecord; open: { items: CommitmentRow[]; total: number } },
  touching: { items: Blocker[]; open: number },
  value: { now: Date; timeZone: string; notes?: Map<number, string> },
): Reply {
  const { record, open } = status;
  const blockers = {
    open: touching.open,
    lines: touching.items.map(
      (b) =>
        `• *${formatId("blocker", b.number)}* ${quote(b.text)}${b.reporterId === who ? "" : ` (raised by ${mention(b.reporterId)}, waiting on them)`}`,
    ),
  };
  const lines = open.items.map(
    (c) =>
      `• *${idOf(c)}* ${quote(c.title)}, due ${slackDate(c.dueAt, value.timeZone, value.now)}${c.dueAt < value.now ? " :warning:" : ""}${value.notes?.get(c.id) ? ` · ${value.notes.get(c.id)}` : ""}`,
  );
  const text = [
    deliverySummary(who, record),
    ...(lines.length
      ? [
          `*Open commitments*${open.total > lines.length ? ` (first ${lines.length} of ${open.total})` : ""}`,
          ...lines,
        ]
      : ["No open commitments."]),
    ...(blockers.lines.length
      ? [`*Open blockers* (${blockers.open})`, ...blockers.lines]
      : ["No open blockers."]),
  ];
  return {
    text: `${mention(who)}: ${plural(open.total, "open commitment")}, ${plural(blockers.open, "open blocker")}`,
    blocks: sections(text),
  };
}

export function workstreamReply(name: string, result: WorkstreamResult): string {
  const { ownerId, tiedTo } = result;
  const under = tiedTo ? `*${formatId("bet", tiedTo.number)}* ${quote(tiedTo.title)}` : "";
  if (result.outcome === "created")
    return `Created #${name}, owned by ${mention(ownerId)}${tiedTo ? `, under ${under}` : ""}. Add work to it with \`/coo commit <what> by <when> #${name}\`.`;
  if (result.outcome === "changed")
    return `#${name} is now owned by ${mention(ownerId)} (was ${mention(result.previousOwner ?? "")})${tiedTo ? `, and under ${under}` : ""}.`;
  if (tiedTo)
    return `#${name} (owned by ${mention(ownerId)}) is now under ${under}. \`/coo plan ${formatId("bet", tiedTo.number)}\` shows how the bet is going.`;
  return `#${name} is already owned by ${mention(ownerId)}.`;
}

export function workstreamsReply(streams: Array<{ name: string; ownerId: string; open: number }>): Reply {
  if (streams.length === 0)
    return { text: "No workstreams yet. `/coo workstream payments owner @dana` creates one." };
  const lines = streams.map((s) => `• *#${s.name}* owned by ${mention(s.ownerId)}: ${s.open} open`);
  return {
    text: plural(streams.length, "workstream"),
    blocks: linesWithin(lines, { more: (n) => `…and ${n} more workstreams.` }),
  };
}

// ---------------------------------------------------------------- capacity

const weekMs = 7 * 24 * 3600_000;

/** "<@U3>", "<@U3> and <@U4>" */
const names = (ids: string[]) => ids.map(mention).join(" and ");

/**
 * One line when an owner's week is over what they land (`/coo commit`,
 * planning): the week in words, the two numbers, and where the work could go
 * instead. `move` is the commitment just recorded: the later week is then
 * offered as a `/coo slip` that works (the same weekday and time, that week).
 */
export function overloadNote(input: {
  week: WeekCapacity;
  ownerId: string;
  viewerId: string;
  timeZone: string;
  now: Date;
  move?: { number: number; dueAt: Date };
}): string {
  const { week, timeZone, now, move } = input;
  const own = input.ownerId === input.viewerId;
  const who = own ? "You have" : `${mention(input.ownerId)} has`;
  const pace =
    week.basis === "history"
      ? `and ${own ? "you land" : "lands"} about ${count(week.capacity)} a week over the last ${historyWeeks} weeks`
      : `against a team default of ${count(week.capacity)} a week`;
  const said = `:warning: ${who} ${count(week.load)} due the week of ${describeDay(week.start, timeZone, now)}, ${pace}.`;
  const later = week.suggestion?.laterWeek;
  const others = week.suggestion?.others ?? [];
  // Who has room that week first ("that week" then reads as the week just named), then a later week.
  const options: string[] = [];
  if (others.length > 0)
    options.push(`${names(others)} ${others.length === 1 ? "has" : "have"} room that week`);
  if (later) {
    const slip = move
      ? ` (\`/coo slip ${formatId("commitment", move.number)} to ${describeWallTime(shifted(move.dueAt, later, week.start, timeZone), timeZone, now)}\`)`
      : "";
    options.push(`the week of ${describeDay(later, timeZone, now)} has room${slip}`);
  }
  const instead = options.join(", and ");
  return instead ? `${said} ${instead.charAt(0).toUpperCase()}${instead.slice(1)}.` : said;
}

/** `dueAt` moved to the week starting `later`: the same weekday and wall time. */
function shifted(dueAt: Date, later: Date, from: Date, timeZone: string): Date {
  const weeks = Math.round((later.getTime() - from.getTime()) / weekMs);
  const wall = wallClock(dueAt, timeZone);
  return zonedToUtc(addDays(wall, 7 * weeks), timeZone);
}

/** What a team default that does not fit is told (ends in a colon: the example follows). */
export const teamCapacityAsk = `Give the team default as a whole number of commitments a week, from ${teamDefaultRange.min} to ${teamDefaultRange.max}:`;
export const teamCapacityChoices = `${teamCapacityAsk} \`/coo capacity 7\``;

/** `/coo capacity`: the team default and how it is used; after a change, what it was. */
export function teamCapacityReply(result: { perWeek: number; was: number | undefined }): string {
  const { perWeek, was } = result;
  if (was === perWeek) return `The team default is already *${count(perWeek)} a week*.`;
  if (was !== undefined)
    return `The team default is now *${count(perWeek)} a week* (was ${count(was)}). It stands for anyone with fewer than ${minLanded} commitments landed in the last ${historyWeeks} weeks.`;
  return [
    `The team default is *${count(perWeek)} a week*.`,
    `I compare what each person has due in a week (Monday to Sunday, in their own time zone) with what they landed over the last ${historyWeeks} weeks; anyone with fewer than ${minLanded} landed in that time is held to this default.`,
    "When a week is over, I say so as work is recorded and in weekly planning, with a later week or a person who has room.",
    "An admin or the CEO, CFO or CTO can change it: `/coo capacity 7`.",
  ].join(" ");
}

import { z } from "zod";
import type { CommitmentChange } from "../generated/prisma/client.js";
import { formatId } from "../ledger/ids.js";
import { actions, button, context, pager, section } from "../slack/blocks.js";
import type { Block, Reply } from "../slack/commands.js";
import { mention, quote } from "../slack/mentions.js";
import { describeWallTime, slackDate } from "../time/when.js";
import { plural } from "../words.js";
import type { DeliveryRecord } from "./ledger.js";
import { type CommitmentRow, isOverdue } from "./ledger.js";

export const pageSize = 10;

/** What a list shows, as carried in its buttons: mine, u:<user>, w:<workstream>, all. */
export const listTarget = z.string().regex(/^(mine|all|u:[UW][A-Z0-9]+|w:[a-z0-9][\w-]*)$/);
export const listValue = z.object({ t: listTarget, p: z.number().int().min(0).max(1_000_000) });
export const itemValue = listValue.extend({ n: z.number().int().positive() });
export type ListValue = z.infer<typeof listValue>;

export const actionIds = {
  done: "commitment_done",
  slip: "commitment_slip",
  page: "commitments_page",
  slipModal: "commitment_slip_modal",
} as const;

export function commitmentLine(c: CommitmentRow, now: Date, timeZone: string): string {
  const due = isOverdue(c, now)
    ? `:warning: *overdue*, was due ${slackDate(c.dueAt, timeZone, now)}`
    : `due ${slackDate(c.dueAt, timeZone, now)}`;
  const stream = c.workstream ? ` · #${c.workstream.name}` : "";
  return `*${formatId("commitment", c.number)}* ${quote(c.title)}\n${mention(c.ownerId)} · ${due}${stream}`;
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
    blocks.push(actions(button("Done", actionIds.done, v, "primary"), button("Slip…", actionIds.slip, v)));
  }
  blocks.push(...pager({ ...page, limit: pageSize }, actionIds.page, (offset) => ({ t: target, p: offset })));
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
  privateMetadata: string,
  timeZone: string,
  initialDate: string,
  now: Date,
) {
  return {
    type: "modal" as const,
    callback_id: actionIds.slipModal,
    private_metadata: privateMetadata,
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
function changeLine(change: CommitmentChange, timeZone: string, now: Date): string {
  const when = (at: Date | null) => (at ? describeWallTime(at, timeZone, now) : "no date");
  const why = change.reason ? ` because ${quote(`"${change.reason}"`)}` : "";
  const who = mention(change.actorId);
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
      default:
        return `changed it (${String(change.kind).replace(/_/g, " ")})`;
    }
  })();
  return `${when(change.at)} · ${who} ${what}${why}`;
}

/** `/coo history C4`: what happened to a commitment, newest last, in the reader's zone. */
export function historyReply(
  c: CommitmentRow,
  changes: CommitmentChange[],
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

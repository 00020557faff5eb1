import { z } from "zod";
import { formatId } from "../ledger/ids.js";
import { age, buttonSpec, context, pager, section } from "../slack/blocks.js";
import type { Block, Reply } from "../slack/commands.js";
import { mention, quote } from "../slack/mentions.js";
import { duration, plural } from "../words.js";
import { type Blocker, recentlyResolvedDays } from "./use-cases.js";

/** Blockers on one page of `/coo blockers`. */
export const blockerPageSize = 15;

/** What a queue shows, as carried in its buttons: with the recently resolved or not, and from where. */
const listValue = z.object({ all: z.boolean(), p: z.number().int().min(0).max(1_000_000) });
const itemValue = listValue.extend({ n: z.number().int().positive() });
export type ListValue = z.infer<typeof listValue>;

/** The queue's buttons (Resolve is on the App Home too). */
export const blockerButtons = {
  resolve: buttonSpec({ id: "blocker_resolve", value: itemValue }),
  page: buttonSpec({ id: "blockers_page", value: listValue, variants: ["prev", "next"] }),
};

function waitingOn(b: Blocker): string {
  if (b.waitingOnId) return ` · waiting on ${mention(b.waitingOnId)}`;
  if (b.waitingOnText) return ` · waiting on ${quote(b.waitingOnText)}`;
  return "";
}

const openFor = (b: Blocker, now: Date) => duration((b.resolvedAt ?? now).getTime() - b.openedAt.getTime());

export function blockerLine(b: Blocker, now: Date): string {
  const state =
    b.status === "open"
      ? `open ${age(b.openedAt, now)}`
      : `resolved${b.resolvedById ? ` by ${mention(b.resolvedById)}` : ""} after ${openFor(b, now)}`;
  return `*${formatId("blocker", b.number)}* ${quote(b.text)}\nraised by ${mention(b.reporterId)} · ${state}${waitingOn(b)}`;
}

/** `/coo blockers`: the queue, oldest first, each open one with a Resolve button, and a pager. */
export function blockerQueue(
  page: { items: Blocker[]; total: number; open: number },
  value: ListValue,
  now: Date,
): Reply {
  const { items, total, open } = page;
  const blocks: Block[] = [
    section(
      value.all
        ? `*Blockers: ${open} open, and those resolved in the last ${recentlyResolvedDays} days*`
        : `*Open blockers* (${open}), oldest first`,
    ),
  ];
  if (items.length === 0)
    blocks.push(
      context("Nothing is blocked. :tada: Raise one with `/coo blocker <what> [waiting on @user]`."),
    );
  for (const b of items) {
    const line = section(blockerLine(b, now));
    if (b.status === "open") {
      (line as { accessory?: unknown }).accessory = blockerButtons.resolve.element(
        "Resolve",
        { ...value, n: b.number },
        { style: "primary" },
      );
    }
    blocks.push(line);
  }
  blocks.push(...pager({ offset: value.p, limit: blockerPageSize, total }, blockerButtons.page, value));
  return { text: plural(open, "open blocker"), blocks, response_type: "ephemeral" };
}

export function raisedReply(b: Blocker): string {
  const id = formatId("blocker", b.number);
  return `Raised *${id}* ${quote(b.text)}${waitingOn(b)}. \`/coo unblock ${id}\` when it clears.`;
}

export function resolvedReply(b: Blocker, now: Date): string {
  return `Resolved *${formatId("blocker", b.number)}* ${quote(b.text)} after ${openFor(b, now)}.`;
}

/** The DM to whoever raised a blocker that someone else resolved. */
export function resolvedNotice(b: Blocker, by: string, now: Date): string {
  return `${mention(by)} resolved your blocker *${formatId("blocker", b.number)}* ${quote(b.text)} after ${openFor(b, now)}. If it is not cleared for you, raise it again with \`/coo blocker\`.`;
}

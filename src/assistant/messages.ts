import { z } from "zod";
import { blockerLine } from "../blockers/messages.js";
import { commitmentLine } from "../commitments/messages.js";
import { handoffLine } from "../handoffs/messages.js";
import { formatId } from "../ledger/ids.js";
import { actions, buttonSpec, context, section } from "../slack/blocks.js";
import type { Reply } from "../slack/commands.js";
import { mention, quote } from "../slack/mentions.js";
import { describeDay, describeInstant, slackDate } from "../time/when.js";
import { plural } from "../words.js";
import type { CommitmentRow, Outcome, Proposed } from "./use-cases.js";

/*
 * What the assistant says: answers from the ledger, proposals with Confirm
 * and Cancel, and what became of them. Pure text and blocks, no I/O.
 */

const proposalValue = z.object({ p: z.number().int().positive() });

export const assistantButtons = {
  confirm: buttonSpec({ id: "proposal_confirm", value: proposalValue }),
  cancel: buttonSpec({ id: "proposal_cancel", value: proposalValue }),
};

const line = (c: CommitmentRow, now: Date, timeZone: string) =>
  `• ${commitmentLine(c, now, timeZone).replace("\n", " · ")}`;
const about = (words: string[]) => (words.length ? ` about "${words.join(" ")}"` : "");
const more = (shown: number, total: number) => (total > shown ? `\n…and ${total - shown} more` : "");

/** An answer from the ledger, in the reader's zone. */
export function outcomeReply(o: Outcome, now: Date, timeZone: string): Reply {
  switch (o.kind) {
    case "plate": {
      const when = { today: "today", tomorrow: "tomorrow", week: "this week", all: "" }[o.span];
      if (o.items.length === 0)
        return {
          text: `Nothing on your plate${when ? ` due ${when}` : ""}. \`/coo commitments\` lists all your open work.`,
        };
      const title = `*On your plate${when ? ` ${when}` : ""}* (${plural(o.total, "item")})`;
      return {
        text: `${title}\n${o.items.map((c) => line(c, now, timeZone)).join("\n")}${more(o.items.length, o.total)}`,
      };
    }
    case "person":
      if (o.items.length === 0) return { text: `${mention(o.userId)} has nothing open on the ledger.` };
      return {
        text: `*${mention(o.userId)} is working on* (${plural(o.total, "open item")})\n${o.items.map((c) => line(c, now, timeZone)).join("\n")}${more(o.items.length, o.total)}`,
      };
    case "did": {
      const whose = o.ownerId ? ` of ${mention(o.ownerId)}` : "";
      const [c] = o.found;
      if (!c)
        return { text: `I have nothing on the ledger${whose}${about(o.words)}, so I can't say it happened.` };
      const id = `*${formatId("commitment", c.number)}* ${quote(c.title)} (${mention(c.ownerId)})`;
      if (c.status === "done")
        return {
          text: `Yes: ${id} was marked done ${c.doneAt ? describeDay(c.doneAt, timeZone, now) : ""}.`.replace(
            " .",
            ".",
          ),
        };
      if (c.status === "dropped") return { text: `No: ${id} was dropped.` };
      const late =
        c.dueAt < now
          ? `, and it is overdue (was due ${slackDate(c.dueAt, timeZone, now)})`
          : `, due ${slackDate(c.dueAt, timeZone, now)}`;
      return { text: `Not yet: ${id} is still open${late}.` };
    }
    case "owners":
      if (o.streams.length === 0 && o.items.length === 0)
        return {
          text: `I have no owner on record${about(o.words)}. Record one with \`/coo commit <what> by <when> for @owner\`.`,
        };
      return {
        text: [
          ...o.streams.map((s) => `• #${s.name} is owned by ${mention(s.ownerId)}`),
          ...o.items.map((c) => line(c, now, timeZone)),
        ].join("\n"),
      };
    case "covers": {
      const away = o.awayUntil
        ? `${mention(o.userId)} is away until ${describeDay(o.awayUntil, timeZone, now)}.`
        : o.awayUntil === null
          ? `${mention(o.userId)} is away, with no return date.`
          : `${mention(o.userId)} is not marked away.`;
      const handed = o.handed.map(
        (h) =>
          `• ${h.toOwnerId ? mention(h.toOwnerId) : "someone"} took *${formatId("commitment", h.commitment.number)}* ${quote(h.commitment.title)}`,
      );
      const handoffs = o.handoffs.map((h) => `• ${handoffLine(h, now)}`);
      if (handed.length === 0 && handoffs.length === 0)
        return {
          text: `${away} Nobody has picked up their work on the ledger. \`/coo reassign C<number> to @name\` hands an item on.`,
        };
      return { text: [away, ...handed, ...handoffs].join("\n") };
    }
    case "blocking":
      if (o.blockers.length === 0)
        return { text: `Nothing open is blocked${about(o.words)}. \`/coo blockers\` shows the whole queue.` };
      return {
        text: `*Open blockers${about(o.words)}* (oldest first)\n${o.blockers.map((b) => `• ${blockerLine(b, now).replace("\n", " · ")}`).join("\n")}`,
      };
    case "slipped":
      if (o.items.length === 0)
        return { text: `Nothing has slipped${about(o.words)}: nothing open is past its date. :tada:` };
      return {
        text: `*Overdue${about(o.words)}*\n${o.items.map((c) => line(c, now, timeZone)).join("\n")}`,
      };
    case "risk": {
      const list = [...o.overdue, ...o.atRisk, ...o.drifting];
      if (list.length === 0)
        return {
          text: "Nothing is at risk right now: nothing overdue, due soon without an update, or drifting.",
        };
      const part = (title: string, items: CommitmentRow[]) =>
        items.length
          ? [`*${title}* (${items.length})`, ...items.slice(0, 5).map((c) => line(c, now, timeZone))]
          : [];
      return {
        text: [
          ...part("Overdue", o.overdue),
          ...part("At risk: due soon, no update since made", o.atRisk),
          ...part("Drifting: on the list three standups running", o.drifting),
        ].join("\n"),
      };
    }
    case "cadence": {
      const what = o.asked ?? "standup or review";
      if (!o.next)
        return { text: `No ${what} is scheduled. In a channel, \`/coo standup 9:30 weekdays\` sets one up.` };
      return {
        text: `The next ${o.next.kind} is ${describeInstant(o.next.at, timeZone, now)} in <#${o.next.channelId}>.`,
      };
    }
    case "which": {
      const verb = {
        redate: "move",
        reassign: "hand over",
        mark_done: "mark done",
        drop: "drop",
        raise_blocker: "",
        record_commitment: "",
        remind_me: "",
      }[o.intent];
      if (o.candidates.length === 0)
        return {
          text: `I can't find open work${about(o.words)} to ${verb}. Name it by its id, e.g. "${verb} C12".`,
        };
      if (o.candidates.length === 1 && o.candidates[0]?.status !== "open")
        return {
          text: `*${formatId("commitment", o.candidates[0]?.number ?? 0)}* is ${o.candidates[0]?.status} already; nothing to ${verb}.`,
        };
      return {
        text: `Which one should I ${verb}? Say it again with its id:\n${o.candidates.map((c) => line(c, now, timeZone)).join("\n")}`,
      };
    }
    case "proposal":
      return proposalMessage(o.proposal, now, timeZone);
  }
}

/** What a proposal would do, in words. */
export function proposalText(p: Proposed, now: Date, timeZone: string): string {
  const c = p.change;
  const id = (item: CommitmentRow) => `*${formatId("commitment", item.number)}* ${quote(item.title)}`;
  switch (c.kind) {
    case "redate":
      return `Move ${id(c.item)} (${mention(c.item.ownerId)}) from ${describeDay(c.item.dueAt, timeZone, now)} to ${describeInstant(c.to, timeZone, now)}${c.reason ? `, because ${quote(c.reason)}` : ""}?`;
    case "reassign":
      return `Hand ${id(c.item)} from ${mention(c.item.ownerId)} to ${mention(c.to)}?`;
    case "mark_done":
      return `Mark ${id(c.item)} (${mention(c.item.ownerId)}) done?`;
    case "drop":
      return `Drop ${id(c.item)} (${mention(c.item.ownerId)})? It stays in the history as dropped.`;
    case "raise_blocker":
      return `Raise a blocker for ${mention(p.askerId)}: ${quote(c.what)}${c.waitingOn ? `, waiting on ${mention(c.waitingOn)}` : ""}?`;
    case "record_commitment":
      return `Record that ${mention(c.ownerId)} will deliver ${quote(c.title)} by ${describeInstant(c.at, timeZone, now)}?`;
    case "remind_me":
      return `Remind ${mention(p.askerId)} ${describeInstant(c.at, timeZone, now)}: ${quote(c.what)}?`;
  }
}

/** A proposal: what it would do, who may confirm it, and the buttons. */
export function proposalMessage(p: Proposed, now: Date, timeZone: string): Reply {
  const text = proposalText(p, now, timeZone);
  const who =
    p.change.kind === "redate" ||
    p.change.kind === "reassign" ||
    p.change.kind === "mark_done" ||
    p.change.kind === "drop"
      ? `Nothing changes until ${mention(p.change.item.ownerId)} (the owner), whoever recorded it, an admin or an executive confirms.`
      : `Nothing happens until ${mention(p.askerId)} confirms.`;
  return {
    text,
    blocks: [
      section(text),
      context(who),
      actions(
        assistantButtons.confirm.element("Confirm", { p: p.id }, { style: "primary" }),
        assistantButtons.cancel.element("Cancel", { p: p.id }),
      ),
    ],
  };
}

const doneWords: Record<string, string> = {
  redate: "moved",
  reassign: "handed over",
  mark_done: "marked done",
  drop: "dropped",
  raise_blocker: "raised",
  record_commitment: "recorded",
  remind_me: "set",
};

/** Confirm pressed and the change made (what was proposed, when the message's text came with the press). */
export function confirmedText(kind: string, by: string, original: string | undefined): string {
  const done = kind === "remind_me" ? "reminder set" : (doneWords[kind] ?? "done");
  const outcome = `${done} (confirmed by ${mention(by)}).`;
  return original
    ? `${original.replace(/\?$/, "")}: ${outcome}`
    : `${done.charAt(0).toUpperCase()}${done.slice(1)} (confirmed by ${mention(by)}).`;
}

/** Cancel pressed. */
export function cancelledText(by: string): string {
  return `Cancelled by ${mention(by)}; nothing changed.`;
}

/** The DM a reminder sends at its time. */
export function reminderText(what: string): string {
  return `:alarm_clock: You asked me to remind you: ${quote(what)}`;
}

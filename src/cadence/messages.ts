import { formatId } from "../ledger/ids.js";
import type { Reply } from "../slack/commands.js";
import { linesWithin } from "../slack/fit.js";
import { mention } from "../slack/mentions.js";
import { describeDay, describeInstant } from "../time/when.js";
import { plural } from "../words.js";
import { dayNames, describeDays, nextSlot } from "./slots.js";
import type { Cadence } from "./use-cases.js";

/*
 * What the cadence feature says: its replies, its notices and the lines of
 * `/coo cadences`. Pure: no I/O.
 */

/** How a standup is set up, as told in refusals that point the way. */
export const standupUsage =
  "`/coo standup <HH:MM> [weekdays | daily | mon-fri | mon,wed,fri] [tz <Area/City>]`";

/** A cadence or a skip day asked for in a DM. */
export const channelOnly = (what: string) =>
  `A ${what} belongs to a channel. Run this in the channel where it should happen, e.g. ${standupUsage} in #team.`;

/** Why a cadence is paused and how it comes back, for `/coo cadences`. */
export function pauseNote(c: Cadence, now: Date): string {
  const resume = `\`/coo cadence resume ${formatId("cadence", c.number)}\``;
  const when = c.pausedAt ? ` on ${describeDay(c.pausedAt, c.timezone, now)}` : "";
  const onReturn = `it restarts by itself once coo is installed again, or ${resume} restarts it now`;
  switch (c.pausedReason) {
    case "person":
      return `paused${c.pausedById ? ` by ${mention(c.pausedById)}` : ""}${when} · ${resume} restarts it`;
    case "app_uninstalled":
      return `paused because coo was uninstalled from this workspace${when} · ${onReturn}`;
    case "tokens_revoked":
      return `paused because coo's Slack token was revoked${when} · ${onReturn}`;
    default:
      return `paused · ${resume} restarts it`;
  }
}

export function describeCadence(c: Cadence, now: Date): string {
  const when =
    c.kind === "standup" ? `${c.time} ${describeDays(c.days)}` : `${dayNames[c.days[0] ?? 1]} ${c.time}`;
  const next = c.paused
    ? pauseNote(c, now)
    : `next ${describeInstant(nextSlot(c, now) ?? now, c.timezone, now)}`;
  return `*${formatId("cadence", c.number)}* ${c.kind} in <#${c.channelId}> at ${when} (${c.timezone}) · ${next}`;
}

export const alreadyScheduled = (existing: Cadence, now: Date) =>
  `This channel already has a ${existing.kind}: ${describeCadence(existing, now)}. Change it with \`/coo cadence remove ${formatId("cadence", existing.number)}\` first, or pause it.`;

export const scheduledReply = (cadence: Cadence, joined: boolean, now: Date) =>
  `Scheduled ${describeCadence(cadence, now)}.${joined ? ` I joined <#${cadence.channelId}> to post it.` : ""} \`/coo cadences\` lists them all.`;

export function cadencesReply(list: Cadence[], now: Date): Reply {
  if (list.length === 0) return { text: `No cadences yet. In a channel: ${standupUsage}.` };
  return {
    text: plural(list.length, "cadence"),
    blocks: linesWithin(
      list.map((c) => `• ${describeCadence(c, now)}`),
      { more: (n) => `…and ${n} more cadences.` },
    ),
  };
}

export type CadenceChange =
  | { outcome: "removed"; cadence: Cadence }
  | { outcome: "paused" | "resumed"; cadence: Cadence }
  | { outcome: "unchanged"; cadence: Cadence };

export function cadenceChangedReply(change: CadenceChange, now: Date): string {
  const { cadence } = change;
  const id = formatId("cadence", cadence.number);
  switch (change.outcome) {
    case "removed":
      return `Removed ${id} (${cadence.kind} in <#${cadence.channelId}>).`;
    case "unchanged":
      return `${id} is already ${cadence.paused ? "paused" : "running"}.`;
    case "paused":
      return `Paused ${describeCadence(cadence, now)}.`;
    case "resumed":
      return `Resumed ${describeCadence(cadence, now)}.`;
  }
}

export type SkipChange = { date: string; off: boolean; changed: boolean };

export function skipReply({ date, off, changed }: SkipChange): string {
  if (off)
    return changed
      ? `${date} is a working day here again: cadences run as usual.`
      : `${date} was not a skip day here; nothing to restore.`;
  return changed
    ? `No cadence will run in this channel on ${date}. \`/coo skip off ${date}\` undoes it.`
    : `${date} is already a skip day here.`;
}

export const backReply = "Welcome back. Standups and reminders include you again.";

export const awayReply = (until: Date, timeZone: string, now: Date, from?: Date) =>
  from
    ? `You're out of office from ${describeInstant(from, timeZone, now)} until ${describeInstant(until, timeZone, now)}: no standup prompts or pings then. Work due while you're away gets one note from me before you go. \`/coo ooo off\` cancels it.`
    : `You're out of office until ${describeInstant(until, timeZone, now)}: no standup prompts or pings until then. \`/coo ooo off\` ends it early.`;

/** What a person can do about each way Slack refuses a cadence's message for good. */
function advice(error: string, cadence: Cadence): string {
  const channel = `<#${cadence.channelId}>`;
  const remove = `\`/coo cadence remove ${formatId("cadence", cadence.number)}\``;
  switch (error) {
    case "not_in_channel":
      return `I'm no longer a member of ${channel}, so I can't post there. Invite me back with \`/invite @coo\` in that channel, or ${remove}.`;
    case "channel_not_found":
      return `I can't find ${channel}: it was deleted, or it is private and I'm not in it. If it is still in use, invite me with \`/invite @coo\` there; otherwise ${remove}.`;
    case "is_archived":
      return `${channel} is archived, so nothing can be posted there. Unarchive it, or ${remove}.`;
    case "restricted_action":
    case "ekm_access_denied":
      return `This workspace's settings don't let me post in ${channel}. An admin can allow it, or ${remove}.`;
    case "invalid_blocks":
    case "invalid_arguments":
    case "msg_too_long":
    case "no_text":
      return "Slack found the message itself malformed or too long: a fault in coo, not in the channel. It is logged; the next run tries again.";
    default:
      return `I'll try again at the next run; if this keeps happening, ${remove} or tell your admin.`;
  }
}

/** Told to whoever set a cadence up when its message can never be posted. */
export function failureNotice(cadence: Cadence, summary: boolean, error: string): string {
  const what = summary
    ? `the ${cadence.kind} summary`
    : cadence.kind === "standup"
      ? "today's standup"
      : `this week's ${cadence.kind}`;
  return `I could not post ${what} (*${formatId("cadence", cadence.number)}*) in <#${cadence.channelId}>: Slack said \`${error}\`. ${advice(error, cadence)}`;
}

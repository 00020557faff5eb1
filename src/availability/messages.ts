import { formatId } from "../ledger/ids.js";
import { mention } from "../slack/mentions.js";
import { describeDay, describeInstant } from "../time/when.js";
import { plural } from "../words.js";
import { type Away, type Calendar, countryName } from "./calendar.js";
import type { PersonAvailability } from "./use-cases.js";

/*
 * What availability shows: the replies to `/coo workdays`, `/coo holidays`,
 * `/coo hours` and `/coo availability`, and the early warning about work due
 * during someone's leave. Pure.
 */

const names = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** "Monday to Friday", "Sunday to Thursday", "Monday, Tuesday and Thursday". */
export function daysInWords(days: number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length === 0) return "no day";
  if (sorted.length === 7) return "every day";
  // A run that may wrap past Saturday (Saturday to Wednesday).
  for (let start = 0; start < 7; start++) {
    const run = Array.from({ length: sorted.length }, (_, i) => (start + i) % 7);
    if (sorted.length >= 3 && run.every((d) => sorted.includes(d)))
      return `${names[start]} to ${names[run.at(-1) ?? start]}`;
  }
  const words = sorted.map((d) => names[d] ?? "");
  return words.length === 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

const clock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

export const hoursInWords = (start: number, end: number) => `${clock(start)}–${clock(end)}`;

const whoseWords = (userId: string | undefined) => (userId ? `${mention(userId)}'s` : "The team's");

export function workDaysReply(days: number[], userId: string | undefined): string {
  return `${whoseWords(userId)} working days are now ${daysInWords(days)}. No standup prompt, reminder or nudge goes out on the other days; they wait for the next working day.`;
}

export function holidaysReply(code: string | undefined, userId: string | undefined): string {
  if (!code)
    return `${whoseWords(userId)} public holidays: none. Days off are the ${userId ? "working days" : "team's working days"} alone.`;
  return `${whoseWords(userId)} public holidays are now ${countryName(code)}'s (\`${code}\`). Pings on those days wait for the next working day.`;
}

export function hoursReply(hours: { start: number; end: number }, userId: string, actorId: string): string {
  const whose = userId === actorId ? "Your" : `${mention(userId)}'s`;
  return `${whose} working hours are now ${hoursInWords(hours.start, hours.end)}, in ${userId === actorId ? "your" : "their"} own time zone. Nothing reaches ${userId === actorId ? "you" : "them"} outside them.`;
}

const awayWords: Record<Away, string> = {
  leave: "on leave",
  holiday: "on a public holiday",
  day_off: "on a day off",
  outside_hours: "outside working hours",
};

/** `/coo availability [@user]`: what coo believes, in words. */
export function availabilityReply(
  person: PersonAvailability,
  team: { workDays: number[]; holidayCountry: string | null } | undefined,
  now: Date,
): string {
  const c: Calendar = person.calendar;
  const who = mention(person.userId);
  const lines: string[] = [];
  if (person.away === undefined) lines.push(`*${who} is at work now.*`);
  else {
    const why =
      person.away === "holiday" && person.holiday
        ? `on a public holiday (${person.holiday})`
        : awayWords[person.away];
    const back = person.nextAvailableAt
      ? `back ${describeInstant(person.nextAvailableAt, c.timeZone, now)}`
      : "not back within the year as far as I know";
    lines.push(`*${who} is ${why}: ${back}.* Pings to them wait until then.`);
  }
  lines.push(
    `• Working days: ${daysInWords(c.workDays)}${person.own.days ? " (their own)" : team ? " (the team's)" : ""}`,
    `• Working hours: ${hoursInWords(c.startMinute, c.endMinute)} in ${c.timeZone}${person.own.hours ? " (their own)" : " (the workspace's)"}`,
    `• Public holidays: ${c.holidayCountry ? `${countryName(c.holidayCountry)} (\`${c.holidayCountry}\`)` : "none"}${person.own.holidays ? " (their own)" : " (the team's)"}`,
  );
  for (const l of c.leave) {
    const until = l.until ? `until ${describeInstant(l.until, c.timeZone, now)}` : "until the status changes";
    const from = l.from.getTime() > now.getTime() ? `from ${describeInstant(l.from, c.timeZone, now)} ` : "";
    lines.push(
      l.source === "ooo"
        ? `• Out of office ${from}${until} (\`/coo ooo\`)`
        : `• On leave by their Slack status${person.statusText ? ` “${person.statusText}”` : ""}, ${until}`,
    );
  }
  if (c.leave.length === 0 && person.statusText)
    lines.push(`• Slack status “${person.statusText}” (not read as leave)`);
  lines.push(
    "Change with `/coo workdays sun-thu`, `/coo holidays DE`, `/coo hours 09:00-17:30` (add @someone for one person) or `/coo ooo until <when>`.",
  );
  return lines.join("\n");
}

type Due = { number: number; title: string; dueAt: Date };

/** Work due during a leave, to settle before it starts: said once, when the leave is known. */
export function dueDuringLeaveNote(
  due: Due[],
  leave: { from: Date; until: Date | undefined },
  timeZone: string,
  now: Date,
): string | undefined {
  if (due.length === 0) return undefined;
  const shown = due
    .slice(0, 10)
    .map(
      (c) => `• *${formatId("commitment", c.number)}* ${c.title}, due ${describeDay(c.dueAt, timeZone, now)}`,
    );
  const more = due.length > shown.length ? [`…and ${due.length - shown.length} more`] : [];
  const span = leave.until
    ? `while you're away (until ${describeDay(leave.until, timeZone, now)})`
    : "while you're away";
  return [
    `:warning: ${due.length === 1 ? "One commitment of yours is" : `${plural(due.length, "commitment")} of yours are`} due ${span}. Before you go, mark ${due.length === 1 ? "it" : "them"} done, \`/coo slip\` ${due.length === 1 ? "it" : "them"} to after your return or \`/coo reassign\`:`,
    ...shown,
    ...more,
  ].join("\n");
}

import * as chrono from "chrono-node";
import { badInput } from "../errors.js";
import { echo } from "../slack/mentions.js";
import { addDays, formatterFor, isWeekend, wallClock, zonedToUtc } from "./zoned.js";

/** When a date is given without a time, work is due at the end of that working day. */
export const defaultDueHour = 17;

export type When = { at: Date; hadTime: boolean };

/**
 * Reads "Friday", "tomorrow 5pm", "2026-12-03", "in 3 days" as a wall-clock
 * time in `timeZone`. chrono-node does the language; it is handed "now" as a
 * wall clock in UTC clothing and its answer is put back into the zone, so DST
 * and zones chrono does not know by name both come out right. Undefined when
 * the text is not wholly a date.
 */
export function parseWhen(text: string, options: { now: Date; timeZone: string }): When | undefined {
  const cleaned = text
    .trim()
    .replace(/^(by|on|until|till|at)\s+/i, "")
    .replace(/[.!]+$/, "")
    .trim();
  if (cleaned === "") return undefined;
  const local = wallClock(options.now, options.timeZone);
  const reference = new Date(
    Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second),
  );
  const [result] = chrono.parse(cleaned, { instant: reference, timezone: 0 }, { forwardDate: true });
  if (result?.index !== 0 || result.text.length < cleaned.length) return undefined;
  const start = result.start;
  const hadTime = start.isCertain("hour");
  // A time with its own offset ("2026-12-09T15:00:00Z", "3pm GMT+2") is an
  // instant: it is read as written, not as a wall time in the owner's zone.
  // chrono also marks the offset certain for "in 3 hours" and "now", which it
  // counts from the reference (the owner's wall clock here), so those are not.
  const tags = start.tags();
  const counted = tags.has("result/relativeDate") || tags.has("casualReference/now");
  if (hadTime && start.isCertain("timezoneOffset") && !counted) {
    const instant = start.date();
    return Number.isNaN(instant.getTime()) ? undefined : { at: instant, hadTime };
  }
  let wall = {
    year: start.get("year") ?? local.year,
    month: start.get("month") ?? local.month,
    day: start.get("day") ?? local.day,
    hour: hadTime ? (start.get("hour") ?? 0) : defaultDueHour,
    minute: hadTime ? (start.get("minute") ?? 0) : 0,
  };
  // "by Friday" typed on a Friday afternoon: chrono's implied noon has
  // passed, so it moves to next week; a person means today. "next Friday"
  // and "Friday 10am" with ten o'clock gone still mean next week.
  const nextWeek = addDays({ ...local }, 7);
  if (
    !hadTime &&
    start.isCertain("weekday") &&
    !start.isCertain("day") &&
    !/\bnext\b/i.test(cleaned) &&
    wall.year === nextWeek.year &&
    wall.month === nextWeek.month &&
    wall.day === nextWeek.day
  ) {
    wall = { ...wall, year: local.year, month: local.month, day: local.day };
  }
  let at = zonedToUtc(wall, options.timeZone);
  // "today" (or today's weekday) after five: the end of today rather than a time already gone.
  if (
    !hadTime &&
    at <= options.now &&
    wall.year === local.year &&
    wall.month === local.month &&
    wall.day === local.day
  ) {
    at = zonedToUtc({ ...wall, hour: 23, minute: 59 }, options.timeZone);
  }
  // chrono reads years far beyond any calendar Postgres or Date keeps: no date at all.
  if (Number.isNaN(at.getTime())) return undefined;
  return { at, hadTime };
}

const dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/**
 * When `at` falls on a day off (a weekend day) in `timeZone`: that day's name,
 * and the same wall time on the next working day. Undefined on a working day.
 */
export function offDay(at: Date, timeZone: string): { dayName: string; nextWorkingDay: Date } | undefined {
  const local = wallClock(at, timeZone);
  if (!isWeekend(local.weekday)) return undefined;
  let day: ReturnType<typeof addDays> = local;
  do day = addDays(day, 1);
  while (isWeekend(new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay()));
  return { dayName: dayNames[local.weekday] ?? "", nextWorkingDay: zonedToUtc(day, timeZone) };
}

const warmUpTexts = [
  "Friday",
  "by tomorrow 5pm",
  "2026-12-03",
  "in 3 days",
  "Dec 24 9:30",
  "next week",
  "eod",
];

/**
 * Reads a few dates of each kind, three times over. V8 compiles a regular
 * expression to machine code only on its second use, and chrono-node has
 * hundreds: without this, the second date anyone types after a restart
 * takes 100 to 200 ms instead of one. Runs a second after the bot is serving,
 * one date per turn of the event loop, so a request that arrives meanwhile waits for
 * one date at most and /healthz is not held back by it (about 0.2 s of CPU;
 * decision 0034). Returns a function that stops it.
 */
export function warmUpDateParsingInBackground(afterMs = 1000): () => void {
  const now = new Date();
  let next = 0;
  let pending: NodeJS.Immediate | undefined;
  const step = () => {
    const text = warmUpTexts[next % warmUpTexts.length] as string;
    parseWhen(text, { now, timeZone: "UTC" });
    next++;
    pending = next < warmUpTexts.length * 3 ? setImmediate(step).unref() : undefined;
  };
  // Not at once: the first queries after a start keep the event loop busy for a moment already.
  const start = setTimeout(() => {
    pending = setImmediate(step).unref();
  }, afterMs).unref();
  return () => {
    clearTimeout(start);
    if (pending) clearImmediate(pending);
    pending = undefined;
  };
}

/**
 * For messages: "Fri 27 Nov 17:00 (America/New_York)", with the year when it
 * is not the reader's current one ("Mon 1 Mar 2027 17:00 (...)"). `now` is
 * the business clock, read in the same zone.
 */
export function describeInstant(at: Date, timeZone: string, now: Date): string {
  return `${describeWallTime(at, timeZone, now)} (${timeZone})`;
}

/** "Fri 27 Nov 17:00" in `timeZone`, without naming it: for lines under one heading that does. */
export function describeWallTime(at: Date, timeZone: string, now: Date): string {
  const style = sameYear(at, now, timeZone) ? "instant" : "instantWithYear";
  return formatterFor(style, timeZone).format(at).replace(/,/g, "");
}

/** "Thu 3 Dec", or "Mon 4 Jan 2027" when that is not this year in `timeZone`. */
export function describeDay(at: Date, timeZone: string, now: Date): string {
  const style = sameYear(at, now, timeZone) ? "day" : "dayWithYear";
  return formatterFor(style, timeZone).format(at).replace(/,/g, "");
}

const sameYear = (at: Date, now: Date, timeZone: string) =>
  wallClock(at, timeZone).year === wallClock(now, timeZone).year;

/** Slack renders this in each reader's own time zone; the fallback is for clients that cannot. */
export function slackDate(at: Date, fallbackZone: string, now: Date): string {
  const unix = Math.floor(at.getTime() / 1000);
  return `<!date^${unix}^{date_short_pretty} {time}|${describeInstant(at, fallbackZone, now)}>`;
}

/** How far ahead anyone may date anything: further is a slip of the keyboard, never a plan. */
export const maxYearsAhead = 5;

/** True when `at` is more than `maxYearsAhead` years after `now`. */
export function tooFarAhead(at: Date, now: Date): boolean {
  const limit = new Date(now.getTime());
  limit.setUTCFullYear(limit.getUTCFullYear() + maxYearsAhead);
  return at.getTime() > limit.getTime();
}

/** True when `at` is more than `maxYearsAhead` years before `now`. */
export function tooFarBack(at: Date, now: Date): boolean {
  const limit = new Date(now.getTime());
  limit.setUTCFullYear(limit.getUTCFullYear() - maxYearsAhead);
  return at.getTime() < limit.getTime();
}

/** Refuses a date people gave that lies beyond `maxYearsAhead` years; nothing is written after it. */
export function ensureWithinReach(at: Date, now: Date, typed: string, example: string): void {
  if (tooFarAhead(at, now)) {
    throw badInput(
      `${echo(typed)} is more than ${maxYearsAhead} years ahead. Give a date within ${maxYearsAhead} years, e.g. ${example}.`,
    );
  }
}

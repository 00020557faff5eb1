import { createRequire } from "node:module";
import type HolidaysLibrary from "date-holidays";
import { addDays, isoDate, type WallTime, wallClock, zonedToUtc } from "../time/zoned.js";

/*
 * One person's calendar, and the pure questions asked of it: are they at
 * work at this instant, when are they next, which days are working days.
 * Everything takes its instant; nothing reads a clock or a database
 * (docs/decisions/0032-availability.md).
 */

/** A stretch of leave: from `from` (inclusive) to `until` (exclusive); `until` undefined: open-ended. */
export type Leave = { from: Date; until: Date | undefined; source: "ooo" | "slack_status" };

export type Calendar = {
  timeZone: string;
  /** 0 Sunday to 6 Saturday. */
  workDays: number[];
  /** Minutes after local midnight. */
  startMinute: number;
  endMinute: number;
  /** A date-holidays code ("US", "DE-BY"), or undefined for none. */
  holidayCountry: string | undefined;
  leave: Leave[];
};

/** Why someone is not at work at an instant, when they are not. */
export type Away = "leave" | "holiday" | "day_off" | "outside_hours";

/** How far ahead "next available" looks before saying "not within a year". */
const lookAheadDays = 400;

// date-holidays (about 25 MB of every country's rules) is loaded when a
// holiday is first asked about, not at start (decision 0034); synchronously,
// as the calendar's questions are.
const require = createRequire(import.meta.url);
let library: typeof HolidaysLibrary | undefined;
const Holidays = (): typeof HolidaysLibrary => {
  library ??= require("date-holidays") as typeof HolidaysLibrary;
  return library;
};
let known: Record<string, string> | undefined;
const countries = () => {
  known ??= new (Holidays())().getCountries("en");
  return known;
};
const calendars = new Map<string, HolidaysLibrary>();
const publicDays = new Map<string, Map<string, string>>();

/** A country (or "CC-RR" region) code date-holidays knows, upper-cased; undefined otherwise. */
export function holidayCode(typed: string): string | undefined {
  const [country, region] = typed.trim().toUpperCase().split("-");
  if (!country || !(country in countries())) return undefined;
  if (region === undefined) return country;
  const regions = new (Holidays())().getStates(country) ?? {};
  return region in regions ? `${country}-${region}` : undefined;
}

/** "Germany" for "DE"; the code itself for a region. */
export const countryName = (code: string) => countries()[code] ?? code;

/** The public holidays of a country in a year, by local date ("2026-12-25" → "Christmas Day"). */
export function publicHolidays(code: string, year: number): Map<string, string> {
  const key = `${code} ${year}`;
  let days = publicDays.get(key);
  if (days) return days;
  let hd = calendars.get(code);
  if (!hd) {
    const [country, region] = code.split("-");
    const Library = Holidays();
    hd = region ? new Library(country ?? "", region) : new Library(country ?? "");
    calendars.set(code, hd);
  }
  days = new Map();
  for (const h of hd.getHolidays(year, "en")) if (h.type === "public") days.set(h.date.slice(0, 10), h.name);
  if (publicDays.size > 2000) publicDays.clear();
  publicDays.set(key, days);
  return days;
}

/** The public holiday on a local date, by name, if any. */
export function holidayOn(calendar: Calendar, date: string): string | undefined {
  if (!calendar.holidayCountry) return undefined;
  return publicHolidays(calendar.holidayCountry, Number(date.slice(0, 4))).get(date);
}

const dateOf = (w: Pick<WallTime, "year" | "month" | "day">) =>
  `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
const weekdayOf = (w: Pick<WallTime, "year" | "month" | "day">) =>
  new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();

/** A working day in their calendar: one of their days and no public holiday (leave aside). */
export function isWorkingDate(calendar: Calendar, wall: Pick<WallTime, "year" | "month" | "day">): boolean {
  return calendar.workDays.includes(weekdayOf(wall)) && !holidayOn(calendar, dateOf(wall));
}

/** The leave `at` falls in, if any. */
export function leaveAt(calendar: Calendar, at: Date): Leave | undefined {
  const t = at.getTime();
  return calendar.leave.find(
    (l) => l.from.getTime() <= t && (l.until === undefined || t < l.until.getTime()),
  );
}

/** Why the person is not at work at `at`, or undefined when they are. */
export function awayAt(calendar: Calendar, at: Date): Away | undefined {
  if (leaveAt(calendar, at)) return "leave";
  const local = wallClock(at, calendar.timeZone);
  if (!calendar.workDays.includes(local.weekday)) return "day_off";
  if (holidayOn(calendar, dateOf(local))) return "holiday";
  const minute = local.hour * 60 + local.minute;
  if (minute < calendar.startMinute || minute >= calendar.endMinute) return "outside_hours";
  return undefined;
}

export const isAvailableAt = (calendar: Calendar, at: Date) => awayAt(calendar, at) === undefined;

const atMinute = (day: WallTime, minute: number, timeZone: string) =>
  zonedToUtc({ ...day, hour: Math.floor(minute / 60), minute: minute % 60 }, timeZone);

/**
 * The first instant at or after `at` when the person is at work: `at` itself
 * when they are, else the start of their next working hours that no leave
 * covers. Undefined when nothing within about a year qualifies (open-ended
 * leave, no working days).
 */
export function nextAvailableAt(calendar: Calendar, at: Date): Date | undefined {
  if (isAvailableAt(calendar, at)) return at;
  const { timeZone } = calendar;
  const local = wallClock(at, timeZone);
  let day: WallTime = { year: local.year, month: local.month, day: local.day, hour: 0, minute: 0 };
  for (let i = 0; i < lookAheadDays; i++, day = addDays(day, 1)) {
    if (!isWorkingDate(calendar, day)) continue;
    const start = atMinute(day, calendar.startMinute, timeZone);
    const end = atMinute(day, calendar.endMinute, timeZone);
    let candidate = start.getTime() < at.getTime() ? at : start;
    // Leave may end inside the day's hours: start then.
    for (let guard = 0; guard < 20 && candidate < end; guard++) {
      const leave = leaveAt(calendar, candidate);
      if (!leave) return candidate;
      if (!leave.until) return undefined;
      candidate = leave.until;
    }
  }
  return undefined;
}

/**
 * The end (23:59 local) of the `count`th working day after the day of `now`,
 * in the person's calendar (their days, their holidays; leave is not a day
 * off here: work is still due while someone is away).
 */
export function endOfWorkingDays(calendar: Calendar, now: Date, count: number): Date {
  const today = wallClock(now, calendar.timeZone);
  let day: WallTime = { year: today.year, month: today.month, day: today.day, hour: 0, minute: 0 };
  for (let left = count, guard = 0; left > 0 && guard < lookAheadDays; guard++) {
    day = addDays(day, 1);
    if (isWorkingDate(calendar, day)) left--;
  }
  return zonedToUtc({ ...day, hour: 23, minute: 59 }, calendar.timeZone);
}

/**
 * Working days from the day after `from` to the day of `to`, both local to
 * the person: a Thursday to the next Monday is two for a Monday-to-Friday
 * week (Friday, Monday). Zero when `to` is not after `from`.
 */
export function workingDaysBetween(calendar: Calendar, from: Date, to: Date): number {
  if (to <= from) return 0;
  const last = isoDate(to, calendar.timeZone);
  const start = wallClock(from, calendar.timeZone);
  let day: WallTime = { year: start.year, month: start.month, day: start.day, hour: 0, minute: 0 };
  let count = 0;
  for (let guard = 0; guard < 3 * lookAheadDays; guard++) {
    day = addDays(day, 1);
    if (dateOf(day) > last) break;
    if (isWorkingDate(calendar, day)) count++;
  }
  return count;
}

/**
 * Time between two instants that an escalation clock counts: the whole span
 * less every local day the person was not at work (a day off, a holiday, a
 * day under leave). A clock started on Friday afternoon does not run over
 * the weekend, nor through a week of leave.
 */
export function countedMs(calendar: Calendar, from: Date, to: Date): number {
  const total = to.getTime() - from.getTime();
  if (total <= 0) return 0;
  let off = 0;
  const start = wallClock(from, calendar.timeZone);
  let day: WallTime = { year: start.year, month: start.month, day: start.day, hour: 0, minute: 0 };
  for (let guard = 0; guard < lookAheadDays; guard++, day = addDays(day, 1)) {
    const dayStart = zonedToUtc(day, calendar.timeZone).getTime();
    if (dayStart >= to.getTime()) break;
    const dayEnd = zonedToUtc(addDays(day, 1), calendar.timeZone).getTime();
    const middle = new Date(atMinute(day, calendar.startMinute, calendar.timeZone).getTime() + 1);
    const away = !isWorkingDate(calendar, day) || leaveAt(calendar, middle) !== undefined;
    if (away) off += Math.max(0, Math.min(dayEnd, to.getTime()) - Math.max(dayStart, from.getTime()));
  }
  return Math.max(0, total - off);
}

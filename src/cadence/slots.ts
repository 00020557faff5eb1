import { addDays, type WallTime, wallClock, zonedToUtc } from "../time/zoned.js";

/** What the slot maths needs of a cadence: a local time, days of the week, a zone. */
export type Schedule = { time: string; days: number[]; timezone: string };

export const dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

function hourMinute(time: string): { hour: number; minute: number } {
  const [hour = 0, minute = 0] = time.split(":").map(Number);
  return { hour, minute };
}

/** The node-cron expression for a schedule; node-cron applies the zone. */
export function cronExpression(schedule: Schedule): string {
  const { hour, minute } = hourMinute(schedule.time);
  return `${minute} ${hour} * * ${[...schedule.days].sort().join(",")}`;
}

/** The instant of the slot on a local date, or undefined when the schedule does not run that weekday. */
export function slotOn(date: Pick<WallTime, "year" | "month" | "day">, schedule: Schedule): Date | undefined {
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  if (!schedule.days.includes(weekday)) return undefined;
  return zonedToUtc({ ...date, ...hourMinute(schedule.time) }, schedule.timezone);
}

/**
 * Every slot in (from, to], oldest first. Works on local dates, so a
 * daylight-saving change neither skips a day nor counts one twice; a time
 * inside the spring-forward gap runs just after it.
 */
export function slotsBetween(schedule: Schedule, from: Date, to: Date): Date[] {
  const slots: Date[] = [];
  const start = wallClock(new Date(from.getTime() - 24 * 3600_000), schedule.timezone);
  let day: WallTime = { year: start.year, month: start.month, day: start.day, hour: 0, minute: 0 };
  for (let i = 0; i < 400; i++) {
    const slot = slotOn(day, schedule);
    if (slot && slot > from && slot <= to) slots.push(slot);
    if (slot && slot > to) break;
    if (Date.UTC(day.year, day.month - 1, day.day) > to.getTime() + 2 * 24 * 3600_000) break;
    day = addDays(day, 1);
  }
  return slots;
}

/** The most recent slot at or before `now` within the last eight days. */
export function latestSlot(schedule: Schedule, now: Date): Date | undefined {
  return slotsBetween(schedule, new Date(now.getTime() - 8 * 24 * 3600_000), now).at(-1);
}

/** The next slot after `now`. */
export function nextSlot(schedule: Schedule, now: Date): Date | undefined {
  return slotsBetween(schedule, now, new Date(now.getTime() + 8 * 24 * 3600_000))[0];
}

/** "weekdays", "daily", "mon,wed,fri" for people. */
export function describeDays(days: number[]): string {
  const sorted = [...days].sort();
  if (sorted.join() === "1,2,3,4,5") return "weekdays";
  if (sorted.length === 7) return "daily";
  return sorted.map((d) => dayNames[d]).join(",");
}

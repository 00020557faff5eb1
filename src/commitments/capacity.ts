import { addDays, wallClock, zonedToUtc } from "../time/zoned.js";

/*
 * Capacity, as pure maths (docs/decisions/0024-capacity.md): how much a
 * person lands in a week, how much they have due in each week, and which
 * weeks are over. Weeks run Monday 00:00 to Monday 00:00 on the owner's own
 * wall clock. The use case (capacityCheck in use-cases.ts) reads the rows;
 * everything here takes them, and the time zone, as given.
 */

/** Throughput is what a person landed over this many weeks, divided by it. */
export const historyWeeks = 8;
/** Fewer landed than this in those weeks is too little to read a pace from: the team default stands in. */
export const minLanded = 4;
/** What an admin may set the team default to. */
export const teamDefaultRange = { min: 1, max: 50 } as const;
/** How many weeks past the ones asked about are searched for a week with room. */
export const lookAheadWeeks = 8;

export type Basis = "history" | "team default";

const dayMs = 24 * 3600_000;
const weekMs = 7 * dayMs;

/** The start of the throughput window: `historyWeeks` weeks before now. */
export const landedSince = (now: Date) => new Date(now.getTime() - historyWeeks * weekMs);

/**
 * What a person can be expected to land in a week: what they landed over the
 * last eight weeks, per week, rounded to a whole commitment; with fewer than
 * four landed in that time, the team default. Four landed rounds to at least
 * one a week, so a week with one thing due is never over.
 */
export function capacityFrom(landed: number, teamDefault: number): { capacity: number; basis: Basis } {
  if (landed < minLanded) return { capacity: teamDefault, basis: "team default" };
  return { capacity: Math.max(1, Math.round(landed / historyWeeks)), basis: "history" };
}

/** Monday 00:00, on the wall clock of `timeZone`, of the week `at` falls in. */
export function weekStart(at: Date, timeZone: string): Date {
  const wall = wallClock(at, timeZone);
  const sinceMonday = (wall.weekday + 6) % 7;
  return zonedToUtc(addDays({ ...wall, hour: 0, minute: 0 }, -sinceMonday), timeZone);
}

/** The Monday `weeks` weeks after the Monday `start` (calendar weeks: a clock change makes one 167 or 169 hours). */
export function addWeeks(start: Date, weeks: number, timeZone: string): Date {
  const wall = wallClock(start, timeZone);
  return zonedToUtc(addDays({ ...wall, hour: 0, minute: 0 }, 7 * weeks), timeZone);
}

export type Week = { start: Date; end: Date };

/** `count` weeks in `timeZone`, the first holding `from`. */
export function weeksFrom(from: Date, count: number, timeZone: string): Week[] {
  const first = weekStart(from, timeZone);
  return Array.from({ length: count }, (_, i) => ({
    start: addWeeks(first, i, timeZone),
    end: addWeeks(first, i + 1, timeZone),
  }));
}

/** How many of `due` fall in the week. */
/** Open commitments due at `at`, `n` of them. */
export type Due = { at: Date; n: number };

export const loadIn = (due: Due[], week: Week) =>
  due.reduce((sum, d) => (d.at >= week.start && d.at < week.end ? sum + d.n : sum), 0);

/** Where someone in another zone stands "that week": their own week holding its Thursday. */
export const sameWeekFor = (week: Week, timeZone: string): Week =>
  weeksFrom(new Date(week.start.getTime() + 3.5 * dayMs), 1, timeZone)[0] as Week;

/** What one owner has due in a week against what they land. */
export type WeekCapacity = Week & {
  load: number;
  capacity: number;
  basis: Basis;
  /** More due than they land in a week. */
  over: boolean;
  /** Set when over: the nearest later week with room (its Monday), and up to two people with room that week. */
  suggestion: { laterWeek: Date | undefined; others: string[] } | undefined;
};

export type OwnerCapacity = {
  ownerId: string;
  timeZone: string;
  /** Commitments done in the last `historyWeeks` weeks. */
  landed: number;
  weeks: WeekCapacity[];
};

/**
 * One owner's weeks from the one holding `from`: load against capacity, and
 * for a week that is over, the nearest later week with room (searched
 * `lookAheadWeeks` past the last one asked about; `due` must cover them).
 * `others` is left empty for the use case to fill: it needs other people's rows.
 */
export function ownerWeeks(
  owner: { ownerId: string; timeZone: string },
  tally: { landed: number; due: Due[]; teamDefault: number },
  from: Date,
  count: number,
): OwnerCapacity {
  const { capacity, basis } = capacityFrom(tally.landed, tally.teamDefault);
  const all = weeksFrom(from, count + lookAheadWeeks, owner.timeZone).map((w) => ({
    ...w,
    load: loadIn(tally.due, w),
  }));
  const weeks = all.slice(0, count).map((w, i): WeekCapacity => {
    const over = w.load > capacity;
    const room = over ? all.slice(i + 1).find((later) => later.load < capacity) : undefined;
    return {
      ...w,
      capacity,
      basis,
      over,
      suggestion: over ? { laterWeek: room?.start, others: [] } : undefined,
    };
  });
  return { ...owner, landed: tally.landed, weeks };
}

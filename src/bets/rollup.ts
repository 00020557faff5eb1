import { wallClock } from "../time/zoned.js";

/*
 * Is a bet on track? Pure rules over the ledger (docs/decisions/0023-bets.md):
 * each commitment in a workstream under the bet is done, slipped, at risk or
 * on track, and the bet's likely date is when its last open work is due.
 */

export type WorkState = "done" | "on_track" | "at_risk" | "slipped";

/** How long without a sign of life (a slip, a confirmation, a standup mention) makes soon work at risk. */
export const quietMs = 2 * 24 * 3600_000;

/** How many working days ahead "due soon" reaches. */
export const soonWorkingDays = 2;

export type Tracked = {
  status: "open" | "done" | "dropped";
  dueAt: Date;
  originalDueAt: Date;
  lastTouchedAt: Date;
};

/**
 * Done: delivered. Slipped: open and overdue, or re-dated past the date first
 * promised. At risk: open, not slipped, due by `soonEnd` (the end of the
 * owner's second working day from now) and quiet for two days. On track: the
 * rest of the open work. Dropped work is none of these (undefined).
 */
export function stateOf(c: Tracked, now: Date, soonEnd: Date): WorkState | undefined {
  if (c.status === "done") return "done";
  if (c.status !== "open") return undefined;
  if (c.dueAt < now || c.dueAt > c.originalDueAt) return "slipped";
  if (c.dueAt <= soonEnd && now.getTime() - c.lastTouchedAt.getTime() >= quietMs) return "at_risk";
  return "on_track";
}

export type Rollup = Record<WorkState, number> & {
  /** The latest due date among the open work; undefined when none is open. */
  likely: Date | undefined;
};

export const emptyRollup = (): Rollup => ({
  done: 0,
  on_track: 0,
  at_risk: 0,
  slipped: 0,
  likely: undefined,
});

/** Adds open work of one state (and its due date) to a rollup. */
export function addOpen(rollup: Rollup, state: Exclude<WorkState, "done">, dueAt: Date): void {
  rollup[state] += 1;
  if (!rollup.likely || dueAt > rollup.likely) rollup.likely = dueAt;
}

/** Whole calendar days from `target` to `likely` as read in `timeZone`'s dates: negative when ahead. */
export function daysAfter(likely: Date, target: Date, timeZone: string): number {
  const dayOf = (at: Date) => {
    const { year, month, day } = wallClock(at, timeZone);
    return Date.UTC(year, month - 1, day) / (24 * 3600_000);
  };
  return dayOf(likely) - dayOf(target);
}

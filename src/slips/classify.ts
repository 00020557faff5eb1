import type { Workspace } from "../generated/prisma/client.js";
import { addDays, isWeekend, type WallTime, wallClock, zonedToUtc } from "../time/zoned.js";

export type Risk = "overdue" | "at_risk" | "drifting" | "in_review";
export const risks: Risk[] = ["overdue", "at_risk", "drifting", "in_review"];
/** The longest a snooze may last: longer, and the date is what is wrong. */
export const maxSnoozeDays = 30;
export type Step = "dm_owner" | "remind_owner" | "tell_lead" | "tell_ceo";
export const ladder: Step[] = ["dm_owner", "remind_owner", "tell_lead", "tell_ceo"];

export type Policy = {
  graceHours: number;
  ceoAfterDays: number;
  workdayStartHour: number;
  workdayEndHour: number;
};

/** A workspace's ladder, as the rules read it. */
export function policyOf(w: Workspace): Policy {
  return {
    graceHours: w.escalationGraceHours,
    ceoAfterDays: w.escalateToCeoAfterDays,
    workdayStartHour: w.workdayStartHour,
    workdayEndHour: w.workdayEndHour,
  };
}

/** The end (23:59 local) of the `count`th working day after today, in the owner's zone. */
export function endOfWorkingDays(now: Date, timeZone: string, count: number): Date {
  const today = wallClock(now, timeZone);
  let day: WallTime = { year: today.year, month: today.month, day: today.day, hour: 0, minute: 0 };
  for (let left = count; left > 0; left--) {
    day = addDays(day, 1);
    while (isWeekend(new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay())) day = addDays(day, 1);
  }
  return zonedToUtc({ ...day, hour: 23, minute: 59 }, timeZone);
}

/** The end (23:59 local) of the next working day after today, in the owner's zone. */
export const endOfNextWorkingDay = (now: Date, timeZone: string) => endOfWorkingDays(now, timeZone, 1);

/** True inside the person's working hours, Monday to Friday, in their own zone. */
export function isWorkingHours(
  now: Date,
  timeZone: string,
  policy: Pick<Policy, "workdayStartHour" | "workdayEndHour">,
): boolean {
  const local = wallClock(now, timeZone);
  return (
    !isWeekend(local.weekday) && local.hour >= policy.workdayStartHour && local.hour < policy.workdayEndHour
  );
}

export type CommitmentState = {
  dueAt: Date;
  createdAt: Date;
  lastTouchedAt: Date;
  /** Standups in a row (the latest ones) that named it as today's work. */
  todayStreak: number;
  /** Its pull request has changes requested, or a review waiting past the team's threshold. */
  inReview?: boolean;
  /** Signs of a slip besides silence (docs/decisions/0033-simulate-and-noise-budget.md). */
  signs?: Signs;
};

export type Signs = {
  /** Times the owner said the date still holds, for this date, without finishing. */
  confirmations: number;
  /** The owner asked for help with it and the blocker is still open. */
  blocked: boolean;
  /** The work it comes after is overdue, or now due no earlier than this one. */
  dependencyLate: boolean;
};

/** "Still on it" twice for the same date is a sign, not a reassurance. */
const confirmationsThatWorry = 2;

/**
 * Overdue: past due and open. At risk: due by the end of the next working day
 * with no sign of life since it was made (a slip, a confirmation or a standup
 * mention counts), or with a sign of a slip: "still on it" twice for the same
 * date, an open blocker its owner raised, or the work it comes after late.
 * Drifting: named as today's work in three standups in a row.
 * In review: its pull request has changes requested, or a review asked for
 * and waiting longer than the team's threshold.
 */
export function classify(
  c: CommitmentState,
  now: Date,
  timeZone: string,
  /** The end of the owner's next working day in their own calendar (availability); Monday to Friday when not given. */
  nextWorkingDayEnd: Date = endOfNextWorkingDay(now, timeZone),
): Risk | undefined {
  if (c.dueAt <= now) return "overdue";
  if (c.todayStreak >= 3) return "drifting";
  if (c.inReview) return "in_review";
  if (c.dueAt > nextWorkingDayEnd) return undefined;
  const silent = c.lastTouchedAt.getTime() <= c.createdAt.getTime();
  const signs = c.signs;
  const worrying =
    signs !== undefined &&
    (signs.confirmations >= confirmationsThatWorry || signs.blocked || signs.dependencyLate);
  return silent || worrying ? "at_risk" : undefined;
}

/**
 * The next rung to take, given what was already sent about this due date:
 * DM the owner; after the grace period remind them and offer to record a
 * blocker; after another, tell the channel or the lead (overdue only); then
 * the CEO, for work overdue beyond the threshold.
 */
export function nextStep(
  risk: Risk,
  sent: Partial<Record<Step, Date>>,
  dueAt: Date,
  now: Date,
  policy: Policy,
  /** How much of the clock ran since an instant: the owner's days away do not count (availability). */
  elapsed: (since: Date) => number = (since) => now.getTime() - since.getTime(),
): Step | undefined {
  const grace = policy.graceHours * 3600_000;
  const after = (step: Step) => {
    const at = sent[step];
    return at !== undefined && elapsed(at) >= grace;
  };
  if (!sent.dm_owner) return "dm_owner";
  if (!sent.remind_owner) return after("dm_owner") ? "remind_owner" : undefined;
  if (risk !== "overdue") return undefined;
  if (!sent.tell_lead) return after("remind_owner") ? "tell_lead" : undefined;
  if (!sent.tell_ceo) {
    const overdueFor = elapsed(dueAt);
    return after("tell_lead") && overdueFor >= policy.ceoAfterDays * 24 * 3600_000 ? "tell_ceo" : undefined;
  }
  return undefined;
}

import type { Deps } from "../deps.js";
import { badInput } from "../errors.js";
import { type Actor, authorize } from "../policy.js";
import { echo } from "../slack/mentions.js";
import {
  type Away,
  awayAt,
  type Calendar,
  countedMs,
  endOfWorkingDays,
  holidayCode,
  holidayOn,
  type Leave,
  leaveAt,
  nextAvailableAt,
  workingDaysBetween,
} from "./calendar.js";
import {
  type CalendarRow,
  calendarRows,
  leaveStartingBefore,
  openDueBetween,
  recordStatus,
  setPerson,
  setTeam,
  teamCalendar,
} from "./queries.js";
import { type SlackStatus, statusLeave } from "./status.js";

/*
 * The one question the rest of coo asks before it pings anyone: is this
 * person at work now, and if not, why and until when. Working days per team
 * and per person, public holidays by country (date-holidays), working hours
 * in their own zone, and leave from `/coo ooo` and from their Slack status
 * (docs/decisions/0032-availability.md). Batched: one query for any number
 * of people.
 */

export type { Away, Calendar, Leave } from "./calendar.js";
export {
  countedMs,
  endOfWorkingDays,
  isAvailableAt,
  nextAvailableAt,
  workingDaysBetween,
} from "./calendar.js";

type ReadDeps = Pick<Deps, "sql" | "config">;

/** Monday to Friday: a workspace that never said otherwise. */
export const mondayToFriday = [1, 2, 3, 4, 5];

/** What coo believes of one person at one instant. */
export type PersonAvailability = {
  userId: string;
  calendar: Calendar;
  /** Undefined: at work. */
  away: Away | undefined;
  /** `at` itself when at work; undefined when nothing within a year qualifies. */
  nextAvailableAt: Date | undefined;
  /** The holiday's name, when away for one. */
  holiday: string | undefined;
  leave: Leave | undefined;
  /** Where each setting came from, for `/coo availability`. */
  own: { days: boolean; hours: boolean; holidays: boolean };
  statusText: string | undefined;
  statusReadAt: Date | undefined;
};

function calendarOf(row: CalendarRow, defaultZone: string): Calendar {
  const leave: Leave[] = [];
  if (row.oooUntil) leave.push({ from: row.oooFrom ?? new Date(0), until: row.oooUntil, source: "ooo" });
  if (row.slackAway)
    leave.push({ from: new Date(0), until: row.slackAwayUntil ?? undefined, source: "slack_status" });
  const teamDays = row.teamDays.length > 0 ? row.teamDays : mondayToFriday;
  const holidays =
    row.holidayCountry === none ? undefined : (row.holidayCountry ?? row.teamHolidays ?? undefined);
  return {
    timeZone: row.timezone ?? row.workspaceZone ?? defaultZone,
    workDays: row.workDays.length > 0 ? row.workDays : teamDays,
    startMinute: row.workStartMinute ?? row.workdayStartHour * 60,
    endMinute: row.workEndMinute ?? row.workdayEndHour * 60,
    holidayCountry: holidays,
    leave,
  };
}

/** "none" as a person's holiday setting: no public holidays, whatever the team's. */
const none = "none";

/** The calendars of people of one workspace, in one query; people coo has never seen get the team's. */
export async function calendars(
  deps: ReadDeps,
  workspaceId: string,
  userIds: string[],
): Promise<Map<string, Calendar>> {
  if (userIds.length === 0) return new Map();
  const rows = await calendarRows(deps, workspaceId, userIds);
  return new Map(rows.map((r) => [r.userId, calendarOf(r, deps.config.defaultTimeZone)]));
}

/** Whether each person is at work at `at`, why not, and when they next are: one query. */
export async function availability(
  deps: ReadDeps,
  workspaceId: string,
  userIds: string[],
  at: Date,
): Promise<Map<string, PersonAvailability>> {
  if (userIds.length === 0) return new Map();
  const rows = await calendarRows(deps, workspaceId, userIds);
  const out = new Map<string, PersonAvailability>();
  for (const row of rows) {
    const calendar = calendarOf(row, deps.config.defaultTimeZone);
    out.set(row.userId, describe(row, calendar, at));
  }
  return out;
}

function describe(row: CalendarRow, calendar: Calendar, at: Date): PersonAvailability {
  const away = awayAt(calendar, at);
  const local = new Intl.DateTimeFormat("en-CA", { timeZone: calendar.timeZone }).format(at);
  return {
    userId: row.userId,
    calendar,
    away,
    nextAvailableAt: nextAvailableAt(calendar, at),
    holiday: away === "holiday" ? holidayOn(calendar, local) : undefined,
    leave: leaveAt(calendar, at),
    own: {
      days: row.workDays.length > 0,
      hours: row.workStartMinute !== null,
      holidays: row.holidayCountry !== null,
    },
    statusText: row.statusText ?? undefined,
    statusReadAt: row.statusReadAt ?? undefined,
  };
}

/** Of `userIds`, those at work at `at`. */
export async function availableAmong(
  deps: ReadDeps,
  workspaceId: string,
  userIds: string[],
  at: Date,
): Promise<Set<string>> {
  const all = await availability(deps, workspaceId, userIds, at);
  return new Set([...all.values()].filter((a) => a.away === undefined).map((a) => a.userId));
}

/** Of `userIds`, those away for the whole day of `at` in their calendar (leave, a holiday, a day off). */
export async function offForTheDay(
  deps: ReadDeps,
  workspaceId: string,
  userIds: string[],
  at: Date,
): Promise<Set<string>> {
  const all = await availability(deps, workspaceId, userIds, at);
  return new Set(
    [...all.values()].filter((a) => a.away !== undefined && a.away !== "outside_hours").map((a) => a.userId),
  );
}

/** The working days between two instants in a person's calendar (see calendar.ts). */
export function workingDaysFor(calendar: Calendar, from: Date, to: Date): number {
  return workingDaysBetween(calendar, from, to);
}

/** The end of their next working day after `now`: "at risk" is due by then. */
export const endOfNextWorkingDayFor = (calendar: Calendar, now: Date) => endOfWorkingDays(calendar, now, 1);

/** How long an escalation clock has run: it stops on the person's days away. */
export const clockMs = (calendar: Calendar, from: Date, to: Date) => countedMs(calendar, from, to);

// ---------------------------------------------------------------- settings

/** Whose settings a command changes: the team's, or one person's. */
export type Whose = { team: true } | { userId: string };

const dayWords = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const fullDays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const dayOf = (word: string) => {
  const i = dayWords.indexOf(word.slice(0, 3));
  return i >= 0 && (word.length === 3 || fullDays[i] === word) ? i : undefined;
};

/** "mon-fri", "sun-thu", "sat-wed" (wrapping), "mon,tue,thu", "weekdays"; undefined otherwise. */
export function readWorkDays(text: string): number[] | undefined {
  const word = text.trim().toLowerCase();
  if (word === "weekdays") return mondayToFriday;
  const range = /^([a-z]+)-([a-z]+)$/.exec(word);
  if (range) {
    const from = dayOf(range[1] ?? "");
    const to = dayOf(range[2] ?? "");
    if (from === undefined || to === undefined) return undefined;
    const days: number[] = [];
    for (let d = from; ; d = (d + 1) % 7) {
      days.push(d);
      if (d === to) break;
    }
    return days.sort((a, b) => a - b);
  }
  const list = word.split(",").map((d) => dayOf(d.trim()));
  if (list.length > 0 && list.every((d) => d !== undefined)) return [...new Set(list as number[])].sort();
  return undefined;
}

const workdaysExample =
  "`/coo workdays sun-thu`, `/coo workdays mon-fri @dana` or `/coo workdays mon,tue,thu`";

/** "09:00-17:30" as minutes after midnight; undefined when it is no span inside a day. */
export function readHours(text: string): { start: number; end: number } | undefined {
  const m = /^(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2] ?? 0);
  const end = Number(m[3]) * 60 + Number(m[4] ?? 0);
  if (Number(m[2] ?? 0) > 59 || Number(m[4] ?? 0) > 59 || end > 24 * 60 || start >= end) return undefined;
  return { start, end };
}

async function mayChange(deps: Pick<Deps, "people">, actor: Actor, workspaceId: string, whose: Whose) {
  if ("team" in whose) {
    await authorize(actor, {
      kind: "change_settings",
      setting: "the team's working days, hours and holidays",
    });
    return;
  }
  await authorize(actor, { kind: "change_availability", personId: whose.userId });
  if (whose.userId !== actor.slackUserId) await deps.people.member(workspaceId, whose.userId);
}

/** `/coo workdays sun-thu [@user]`: the team's working days, or one person's. */
export async function setWorkDays(
  deps: Pick<Deps, "db" | "people">,
  actor: Actor,
  input: { workspaceId: string; days: string; whose: Whose },
): Promise<number[]> {
  const days = readWorkDays(input.days);
  if (!days) throw badInput(`${echo(input.days)} is not a set of days. Try ${workdaysExample}.`);
  await mayChange(deps, actor, input.workspaceId, input.whose);
  if ("team" in input.whose) await setTeam(deps, input.workspaceId, { workDays: days });
  else await setPerson(deps, input.workspaceId, input.whose.userId, { workDays: days });
  return days;
}

/** `/coo holidays DE|none [@user]`: whose public holidays count; undefined for none. */
export async function setHolidays(
  deps: Pick<Deps, "db" | "people">,
  actor: Actor,
  input: { workspaceId: string; country: string; whose: Whose },
): Promise<string | undefined> {
  const off = input.country.trim().toLowerCase() === none;
  const code = off ? undefined : holidayCode(input.country);
  if (!off && !code)
    throw badInput(
      `${echo(input.country)} is not a country code I know. Use a two-letter code such as \`US\`, \`DE\`, \`IL\` or \`GB\` (a region too: \`DE-BY\`), or \`none\`, e.g. \`/coo holidays DE\`.`,
    );
  await mayChange(deps, actor, input.workspaceId, input.whose);
  if ("team" in input.whose) await setTeam(deps, input.workspaceId, { holidayCountry: code ?? null });
  else
    await setPerson(deps, input.workspaceId, input.whose.userId, {
      holidayCountry: off ? none : (code ?? null),
    });
  return code;
}

/** `/coo hours 09:00-17:30 [@user]`: one person's working hours, in their own zone. */
export async function setHours(
  deps: Pick<Deps, "db" | "people">,
  actor: Actor,
  input: { workspaceId: string; hours: string; userId: string },
): Promise<{ start: number; end: number }> {
  const hours = readHours(input.hours);
  if (!hours)
    throw badInput(
      `${echo(input.hours)} is not a span of working hours. Give a start and an end in 24-hour time, e.g. \`/coo hours 09:00-17:30\`.`,
    );
  await mayChange(deps, actor, input.workspaceId, { userId: input.userId });
  await setPerson(deps, input.workspaceId, input.userId, {
    workStartMinute: hours.start,
    workEndMinute: hours.end,
  });
  return hours;
}

/** A status read is fresh for an hour; events keep it current in between. */
const statusFreshMs = 3600_000;

/**
 * `/coo availability [@user]`: what coo believes of someone now. Their
 * Slack status is read again (users.profile.get) when the last read is over
 * an hour old; the team's settings come with it.
 */
export async function availabilityOf(
  deps: Pick<Deps, "db" | "sql" | "config" | "clock" | "people">,
  input: { workspaceId: string; userId: string },
) {
  const { workspaceId, userId } = input;
  await deps.people.profile(workspaceId, userId);
  const now = deps.clock.now();
  let person = (await availability(deps, workspaceId, [userId], now)).get(userId);
  if (!person?.statusReadAt || now.getTime() - person.statusReadAt.getTime() > statusFreshMs) {
    const status = await deps.people.status(workspaceId, userId);
    if (status) {
      await slackStatusChanged(deps, { workspaceId, userId, status, at: now });
      person = (await availability(deps, workspaceId, [userId], now)).get(userId);
    }
  }
  const team = await teamCalendar(deps, workspaceId);
  return { person, team, now };
}

/**
 * A status seen in Slack (a user_change or user_status_changed event, or a
 * read): leave when it reads as leave, until its expiration.
 */
export async function slackStatusChanged(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; userId: string; status: SlackStatus; at: Date },
): Promise<void> {
  const leave = statusLeave(input.status);
  await recordStatus(deps, input.workspaceId, input.userId, {
    slackAway: leave.away,
    slackAwayUntil: leave.until ?? null,
    statusText: leave.text ?? null,
    statusReadAt: input.at,
  });
}

/** Open work of someone due while they will be away: what to settle before the leave. */
export function dueDuringLeave(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; userId: string; from: Date; until: Date | undefined },
) {
  return openDueBetween(deps, input.workspaceId, input.userId, input.from, input.until);
}

/** How far ahead a leave's due work is warned about: two weeks before it starts. */
export const leaveWarningDays = 14;

/** Leave starting within two weeks of `now`, each with the open work due during it (every workspace). */
export function upcomingLeave(deps: Pick<Deps, "db">, now: Date) {
  return leaveStartingBefore(deps, now, new Date(now.getTime() + leaveWarningDays * 24 * 3600_000));
}

/**
 * When a DM to this person may go out, on the outbox's clock: undefined when
 * they are at work now (send at once); their next working hours otherwise;
 * `null` when they are not back before `expires` (or within the year), so the
 * message would be about something already over.
 */
export function heldUntil(
  deps: Pick<Deps, "clock">,
  person: PersonAvailability | undefined,
  expires?: Date,
): Date | undefined | null {
  if (!person || person.away === undefined) return undefined;
  const next = person.nextAvailableAt;
  if (!next || (expires && next >= expires)) return null;
  // The outbox keeps the real clock; the business clock may differ (tests, the demo): hold for the same span.
  return new Date(Date.now() + (next.getTime() - deps.clock.now().getTime()));
}

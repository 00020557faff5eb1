import { z } from "zod";
import { query, statement } from "../db/sql.js";
import type { Deps } from "../deps.js";

/*
 * What availability reads and writes: a workspace's working week and
 * holidays, and each person's own settings, leave and Slack status.
 */

const days = z
  .array(z.number().int())
  .nullable()
  .transform((d) => d ?? []);

const calendarRow = z.object({
  userId: z.string(),
  workspaceZone: z.string().nullable(),
  teamDays: days,
  teamHolidays: z.string().nullable(),
  workdayStartHour: z.number().int(),
  workdayEndHour: z.number().int(),
  timezone: z.string().nullable(),
  workDays: days,
  holidayCountry: z.string().nullable(),
  workStartMinute: z.number().int().nullable(),
  workEndMinute: z.number().int().nullable(),
  oooFrom: z.date().nullable(),
  oooUntil: z.date().nullable(),
  slackAway: z.boolean().nullable(),
  slackAwayUntil: z.date().nullable(),
  statusText: z.string().nullable(),
  statusReadAt: z.date().nullable(),
});
export type CalendarRow = z.output<typeof calendarRow>;

/** One row per asked person (known to coo or not), with their workspace's defaults: one round trip. */
const calendarsOf = statement({
  name: "coo_availability_calendars",
  text: `
    SELECT u.id AS "userId", w."timezone" AS "workspaceZone", w."workDays" AS "teamDays",
      w."holidayCountry" AS "teamHolidays", w."workdayStartHour", w."workdayEndHour",
      p."timezone", p."workDays", p."holidayCountry", p."workStartMinute", p."workEndMinute",
      p."oooFrom", p."oooUntil", p."slackAway", p."slackAwayUntil", p."statusText", p."statusReadAt"
    FROM "Workspace" w
    CROSS JOIN unnest($2::text[]) AS u(id)
    LEFT JOIN "Person" p ON p."workspaceId" = w."id" AND p."slackUserId" = u.id
    WHERE w."id" = $1`,
  row: calendarRow,
});

export function calendarRows(
  deps: Pick<Deps, "sql">,
  workspaceId: string,
  userIds: string[],
): Promise<CalendarRow[]> {
  return query(deps.sql, calendarsOf, [workspaceId, [...new Set(userIds)]]);
}

const teamRow = z.object({
  workDays: days,
  holidayCountry: z.string().nullable(),
  workdayStartHour: z.number().int(),
  workdayEndHour: z.number().int(),
});
const teamOf = statement({
  name: "coo_availability_team",
  text: `SELECT "workDays", "holidayCountry", "workdayStartHour", "workdayEndHour" FROM "Workspace" WHERE "id" = $1`,
  row: teamRow,
});

export async function teamCalendar(deps: Pick<Deps, "sql">, workspaceId: string) {
  return (await query(deps.sql, teamOf, [workspaceId]))[0];
}

export type TeamChange = { workDays?: number[]; holidayCountry?: string | null };

export async function setTeam(deps: Pick<Deps, "db">, workspaceId: string, data: TeamChange): Promise<void> {
  await deps.db.workspace.update({ where: { id: workspaceId }, data });
}

export type PersonChange = {
  workDays?: number[];
  holidayCountry?: string | null;
  workStartMinute?: number | null;
  workEndMinute?: number | null;
};

export async function setPerson(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  userId: string,
  data: PersonChange,
): Promise<void> {
  await deps.db.person.upsert({
    where: { workspaceId_slackUserId: { workspaceId, slackUserId: userId } },
    create: { workspaceId, slackUserId: userId, ...data },
    update: data,
  });
}

export type StatusRead = {
  slackAway: boolean;
  slackAwayUntil: Date | null;
  statusText: string | null;
  statusReadAt: Date;
};

/** A status read from Slack (an event or users.profile.get); an older read never overwrites a newer. */
export async function recordStatus(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  userId: string,
  status: StatusRead,
): Promise<void> {
  const { count } = await deps.db.person.updateMany({
    where: {
      workspaceId,
      slackUserId: userId,
      OR: [{ statusReadAt: null }, { statusReadAt: { lte: status.statusReadAt } }],
    },
    data: status,
  });
  if (count === 0)
    await deps.db.person.createMany({
      data: [{ workspaceId, slackUserId: userId, ...status }],
      skipDuplicates: true,
    });
}

/** Open commitments of people due inside [from, until): what leave would leave unattended. */
export function openDueBetween(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  ownerId: string,
  from: Date,
  until: Date | undefined,
) {
  return deps.db.commitment.findMany({
    where: {
      workspaceId,
      ownerId,
      status: "open",
      dueAt: { gte: from, ...(until ? { lt: until } : {}) },
    },
    select: { id: true, number: true, title: true, dueAt: true },
    orderBy: { dueAt: "asc" },
    take: 50,
  });
}

/** How far past the end of leave work still counts as due "during" it: the day they are back. */
const dayAfterLeaveMs = 24 * 3600_000;

/**
 * Leave that starts after `now` and before `before` (`/coo ooo from ... until ...`),
 * with the open work due inside it: two queries for every workspace.
 */
export async function leaveStartingBefore(deps: Pick<Deps, "db">, now: Date, before: Date) {
  const people = await deps.db.person.findMany({
    where: { oooFrom: { gt: now, lt: before }, oooUntil: { not: null } },
    select: { workspaceId: true, slackUserId: true, oooFrom: true, oooUntil: true },
  });
  if (people.length === 0) return [];
  const due = await deps.db.commitment.findMany({
    where: {
      status: "open",
      OR: people.map((p) => ({
        workspaceId: p.workspaceId,
        ownerId: p.slackUserId,
        // Due on the day they are back counts too: no working day is left before it.
        dueAt: { gte: p.oooFrom ?? now, lt: new Date((p.oooUntil ?? now).getTime() + dayAfterLeaveMs) },
      })),
    },
    select: { id: true, workspaceId: true, ownerId: true, number: true, title: true, dueAt: true },
    orderBy: { dueAt: "asc" },
  });
  return people.map((p) => ({
    workspaceId: p.workspaceId,
    userId: p.slackUserId,
    from: p.oooFrom ?? now,
    until: p.oooUntil ?? now,
    due: due.filter((c) => c.workspaceId === p.workspaceId && c.ownerId === p.slackUserId),
  }));
}

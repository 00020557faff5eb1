// `npm run simulate`: a simulated team works through the real engine (the
// real bot, its database, its sweep and job system, a fake Slack) on a
// virtual clock, and the script measures how early and how rightly coo
// warns about slipping work, against how often it pings people.
// docs/decisions/0033-simulate-and-noise-budget.md says what is modelled.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Holidays from "date-holidays";
import pg from "pg";
import { setHolidays, setWorkDays } from "../src/availability/use-cases.js";
import { goAway } from "../src/cadence/use-cases.js";
import {
  completeCommitment,
  confirmCommitment,
  recordCommitment,
  setWorkstream,
  slipCommitment,
} from "../src/commitments/use-cases.js";
import { loadConfig } from "../src/config.js";
import { type RunningCoo, startCoo } from "../src/coo.js";
import { createLog } from "../src/log.js";
import type { Actor } from "../src/policy.js";
import { askForHelp } from "../src/slips/use-cases.js";
import { addDays, isoDate, type WallTime, wallClock, zonedToUtc } from "../src/time/zoned.js";
import { FakeSlack, type SlackCall } from "../test/kit/fake-slack.js";

export type SimOptions = {
  seed: number;
  people: number;
  weeks: number;
  slipRate: number;
  silenceRate: number;
  timezones: number;
  /** Minutes of virtual time between two sweeps (production sweeps every 15). */
  stepMinutes: number;
  /** Postgres admin URL; without it (or when it does not answer), embedded PGlite. */
  postgresUrl?: string | undefined;
};

export const defaults: SimOptions = {
  seed: 1,
  people: 12,
  weeks: 4,
  slipRate: 0.25,
  silenceRate: 0.3,
  timezones: 3,
  stepMinutes: 60,
  postgresUrl: "postgres://postgres@127.0.0.1:5432/postgres",
};

const mondayToFriday = [1, 2, 3, 4, 5];

/** Zones people live in, each with the country whose public holidays they keep (and its working week). */
const places: Array<{ zone: string; country: string; workDays?: number[] }> = [
  { zone: "America/New_York", country: "US" },
  { zone: "Europe/Berlin", country: "DE" },
  { zone: "Asia/Kolkata", country: "IN" },
  { zone: "America/Los_Angeles", country: "US" },
  { zone: "Europe/London", country: "GB" },
  { zone: "Asia/Tokyo", country: "JP" },
  { zone: "Australia/Sydney", country: "AU" },
  // A Sunday-to-Thursday week (`/coo workdays sun-thu`), with Israel's holidays.
  { zone: "Asia/Jerusalem", country: "IL", workDays: [0, 1, 2, 3, 4] },
];

/** Monday 8 March 2027: the runs cross both daylight-saving changes (US 14 March, EU 28 March) and Easter. */
const start = new Date("2027-03-08T00:00:00Z");
const hour = 3600_000;
const workStart = 9;
const workEnd = 18;

/** mulberry32: a small seeded generator; the same seed gives the same run. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(list: T[]) => list[Math.floor(next() * list.length)] as T,
  };
}
type Rng = ReturnType<typeof prng>;

type SimPerson = {
  id: string;
  zone: string;
  country: string;
  team: number;
  lead: boolean;
  /** 0 Sunday to 6 Saturday. */
  workDays: number[];
  /** Local dates (YYYY-MM-DD) off: public holidays and leave. */
  holidays: Set<string>;
  leave: Set<string>;
  actor?: Actor;
};

type Sign = "silence" | "still_on_it" | "blocker" | "dependency" | "leave";
type Outcome = "on_time" | "late" | "redated";

type SimCommitment = {
  key: number;
  owner: SimPerson;
  createdAt: Date;
  dueAt: Date;
  outcome: Outcome;
  sign: Sign | undefined;
  dependsOn: SimCommitment | undefined;
  number?: number;
  id?: number;
};

type Event = { at: Date; order: number; run: () => Promise<void> };

const localDate = (at: Date, zone: string) => isoDate(at, zone);
const weekdayOf = (at: Date, zone: string) => wallClock(at, zone).weekday;

function isWorkingDay(p: SimPerson, at: Date): boolean {
  if (!p.workDays.includes(weekdayOf(at, p.zone))) return false;
  const day = localDate(at, p.zone);
  return !p.holidays.has(day) && !p.leave.has(day);
}

/** Their working week in the workspace's hours, in the person's zone: when the engine may ping them. */
function officeHours(p: SimPerson, at: Date): boolean {
  const local = wallClock(at, p.zone);
  return p.workDays.includes(local.weekday) && local.hour >= workStart && local.hour < workEnd;
}

function inWorkingHours(p: SimPerson, at: Date): boolean {
  const h = wallClock(at, p.zone).hour;
  return isWorkingDay(p, at) && h >= workStart && h < workEnd;
}

/** The instant at local `hour:minute` on the `n`th working day after `from`'s local day (0: that day). */
function workingDayAt(p: SimPerson, from: Date, n: number, hourOf: number, minute = 0): Date {
  const today = wallClock(from, p.zone);
  let day: WallTime = { year: today.year, month: today.month, day: today.day, hour: hourOf, minute };
  let left = n;
  for (;;) {
    const at = zonedToUtc(day, p.zone);
    if (isWorkingDay(p, at)) {
      if (left === 0) return at;
      left--;
    }
    day = addDays(day, 1);
  }
}

/** A random moment in working hours on the `n`th working day after `from` (not before `from`). */
function workMoment(rng: Rng, p: SimPerson, from: Date, n: number): Date {
  for (let extra = 0; ; extra++) {
    const at = workingDayAt(p, from, n + extra, rng.int(workStart, workEnd - 1), rng.int(0, 59));
    if (at > from) return at;
  }
}

/** A working day before the due date, in the owner's zone: the bar an early warning clears. */
function oneWorkingDayBefore(p: SimPerson, due: Date): Date {
  const wall = wallClock(due, p.zone);
  let day: WallTime = {
    year: wall.year,
    month: wall.month,
    day: wall.day,
    hour: wall.hour,
    minute: wall.minute,
  };
  for (;;) {
    day = addDays(day, -1);
    const at = zonedToUtc(day, p.zone);
    if (isWorkingDay(p, at)) return at;
  }
}

function workingDaysBetween(p: SimPerson, from: Date, to: Date): number {
  let n = 0;
  for (let at = from.getTime() + 24 * hour; at <= to.getTime(); at += 24 * hour)
    if (isWorkingDay(p, new Date(at))) n++;
  return n;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
const median = (list: number[]) => {
  const s = [...list].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const ratio = (a: number, b: number) => (b === 0 ? 1 : Math.round((a / b) * 1000) / 1000);

/** Holidays of one country between two dates, as local dates. */
function publicHolidays(country: string, from: Date, to: Date): Set<string> {
  const hd = new Holidays(country);
  const days = new Set<string>();
  for (let year = from.getUTCFullYear(); year <= to.getUTCFullYear(); year++)
    for (const h of hd.getHolidays(year)) if (h.type === "public") days.add(h.date.slice(0, 10));
  return days;
}

/** The team, their days off, and every commitment with what will happen to it. */
function plan(options: SimOptions, rng: Rng) {
  const end = new Date(start.getTime() + options.weeks * 7 * 24 * hour);
  const zones = places.slice(0, Math.max(1, Math.min(places.length, options.timezones)));
  const holidaysOf = new Map(zones.map((z) => [z.country, publicHolidays(z.country, start, end)]));
  const teamSize = 6;
  const people: SimPerson[] = [];
  for (let i = 0; i < options.people; i++) {
    const team = Math.floor(i / teamSize);
    const place = zones[(i + team) % zones.length] as (typeof zones)[number];
    people.push({
      id: `U${String(i + 1).padStart(3, "0")}`,
      zone: place.zone,
      country: place.country,
      team,
      lead: i % teamSize === 0,
      workDays: place.workDays ?? mondayToFriday,
      holidays: holidaysOf.get(place.country) ?? new Set(),
      leave: new Set(),
    });
  }
  // A third of people take a block of leave (three to five working days) somewhere in the run.
  for (const p of people) {
    if (!rng.chance(1 / 3)) continue;
    const first = workingDayAt(p, start, rng.int(3, Math.max(4, options.weeks * 5 - 5)), 12);
    const length = rng.int(3, 5);
    for (let d = 0; d < length; d++) p.leave.add(localDate(workingDayAt(p, first, d, 12), p.zone));
  }
  const commitments: SimCommitment[] = [];
  let key = 0;
  const lastEnd = new Date(end.getTime() - 7 * 24 * hour);
  for (const p of people) {
    // About two and a half commitments a week each, made in working hours, due at 17:00 local.
    for (let at = workMoment(rng, p, start, 0); at < lastEnd; at = workMoment(rng, p, at, rng.int(1, 3))) {
      const lead = rng.pick([1, 2, 2, 3, 3, 4, 5, 5, 7, 10]);
      const dueAt = workingDayAt(p, at, lead, 17);
      const earlier = commitments.filter(
        (c) =>
          c.owner.team === p.team &&
          c.owner !== p &&
          c.createdAt < at &&
          c.dueAt < dueAt &&
          c.dueAt > at &&
          !c.dependsOn,
      );
      const dependsOn = earlier.length > 0 && rng.chance(0.15) ? rng.pick(earlier) : undefined;
      const onLeaveBefore = [...p.leave].some(
        (d) => d >= localDate(at, p.zone) && d <= localDate(dueAt, p.zone),
      );
      let sign: Sign | undefined;
      if (dependsOn && dependsOn.outcome !== "on_time") sign = "dependency";
      else if (onLeaveBefore && rng.chance(0.7)) sign = "leave";
      else if (rng.chance(options.slipRate))
        sign = rng.pick<Sign>(["silence", "silence", "silence", "still_on_it", "still_on_it", "blocker"]);
      const outcome: Outcome = sign ? (rng.chance(0.5) ? "redated" : "late") : "on_time";
      commitments.push({ key: key++, owner: p, createdAt: at, dueAt, outcome, sign, dependsOn });
    }
  }
  commitments.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return { people, commitments, end };
}

type Ping = { at: Date; to: string; text: string; items: string[]; heading: string };

/** The DMs and channel posts coo sent, read from the fake Slack as they arrived. */
function pingsOf(calls: SlackCall[], at: Date): Ping[] {
  const pings: Ping[] = [];
  for (const call of calls) {
    if (call.method !== "chat.postMessage" || call.args.thread_ts) continue;
    const channel = String(call.args.channel ?? "");
    const blocks = (call.args.blocks ?? []) as Array<{ type: string; text?: { text: string } }>;
    const sections = blocks.filter((b) => b.type === "section").map((b) => b.text?.text ?? "");
    // Each item under the heading it was sent with (a mixed digest names each item's step in it).
    pings.push({
      at,
      // A DM goes to the person's own D channel (conversations.open).
      to: channel.startsWith("D") ? channel.slice(1) : channel,
      text: String(call.args.text ?? ""),
      heading: sections[0] ?? String(call.args.text ?? ""),
      items: sections.slice(1),
    });
  }
  return pings;
}

async function openDatabase(options: SimOptions) {
  const name = `coo_sim_${options.seed}_${process.pid}`;
  if (options.postgresUrl) {
    const admin = new pg.Client({ connectionString: options.postgresUrl });
    try {
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
      await admin.query(`CREATE DATABASE "${name}"`);
      await admin.end();
      const url = new URL(options.postgresUrl);
      url.pathname = `/${name}`;
      return {
        env: { DATABASE_URL: url.toString() },
        drop: async () => {
          const c = new pg.Client({ connectionString: options.postgresUrl });
          await c.connect();
          await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          await c.end();
        },
      };
    } catch {
      await admin.end().catch(() => undefined);
    }
  }
  const dir = await mkdtemp(join(tmpdir(), "coo-sim-"));
  return { env: { DATA_DIR: dir }, drop: () => rm(dir, { recursive: true, force: true }) };
}

export type StepFigures = { sent: number; precision: number; early: number };

export type SimResult = {
  seed: number;
  people: number;
  weeks: number;
  commitments: number;
  lateCommitments: number;
  earlyWarningRate: number;
  medianLeadHours: number;
  precision: number;
  warningsSent: number;
  pingsPerPersonWeek: { median: number; p90: number; max: number };
  pingsOutsideHours: number;
  pingsOnLeaveOrHoliday: number;
  repeatedWarnings: number;
  /** Help requests people sent through coo that reached the helper outside their hours (counted apart from coo's pings). */
  helpRequestsOutsideHours: number;
  escalation: { lead: StepFigures; channel: StepFigures; ceo: StepFigures };
  bySign: Record<string, { late: number; warnedEarly: number }>;
  seconds: number;
};

/** Runs one simulation; `say` hears progress lines. */
export async function simulate(
  options: SimOptions,
  say: (line: string) => void = () => {},
): Promise<SimResult> {
  const began = performance.now();
  const rng = prng(options.seed);
  const { people, commitments, end } = plan(options, rng);
  const byId = new Map(people.map((p) => [p.id, p]));
  let now = new Date(start);
  const clock = { now: () => new Date(now) };
  const slack = await FakeSlack.start();
  slack.teamId = "T0SIM";
  const teams = Math.ceil(people.length / 6);
  for (const p of people) slack.users.set(p.id, { id: p.id, name: p.id.toLowerCase(), tz: p.zone });
  for (let t = 0; t < teams; t++)
    slack.channel(`C0TEAM${t}`, {
      name: `team-${t}`,
      members: people.filter((p) => p.team === t).map((p) => p.id),
    });
  const db = await openDatabase(options);
  const problems: string[] = [];
  const log = createLog({ level: "error", write: (line) => void problems.push(line) });
  let coo: RunningCoo | undefined;
  try {
    coo = await startCoo(
      loadConfig({
        SLACK_BOT_TOKEN: "xoxb-simulate",
        SLACK_SIGNING_SECRET: "simulate-signing-secret",
        SLACK_API_URL: slack.url,
        PORT: "0",
        ...db.env,
      }),
      { log, slackRetries: 0, clock, timers: false, outboxPaceMs: 0, outboxPollMs: 1000 },
    );
    await coo.caughtUp;
    const { deps } = coo;
    const workspaceId = "T0SIM";
    await deps.db.workspace.upsert({
      where: { id: workspaceId },
      create: { id: workspaceId, escalateTo: "lead", workdayStartHour: workStart, workdayEndHour: workEnd },
      update: { escalateTo: "lead", workdayStartHour: workStart, workdayEndHour: workEnd },
    });
    for (const p of people) {
      const profile = await deps.people.member(workspaceId, p.id);
      p.actor = { ...profile, fresh: true, reload: async () => p.actor as Actor };
    }
    await deps.db.person.update({
      where: { workspaceId_slackUserId: { workspaceId, slackUserId: (people[0] as SimPerson).id } },
      data: { seat: "ceo" },
    });
    for (let t = 0; t < teams; t++) {
      const lead = people.find((p) => p.team === t && p.lead) as SimPerson;
      await setWorkstream(deps, lead.actor as Actor, { workspaceId, name: `team-${t}` });
    }

    const events: Event[] = [];
    let order = 0;
    const at = (when: Date, run: () => Promise<void>) => events.push({ at: when, order: order++, run });
    const actorOf = (p: SimPerson) => p.actor as Actor;
    const ref = (c: SimCommitment) => ({ workspaceId, number: c.number as number });
    const open = async (c: SimCommitment) =>
      c.number !== undefined &&
      (await deps.db.commitment.findUnique({ where: { id: c.id as number } }))?.status === "open";
    const doneAt = new Map<number, Date>();
    const redatedAt = new Map<number, Date>();

    // Holidays: each person's country (`/coo holidays US`); coo reads the calendar from date-holidays.
    for (const p of people) {
      await setHolidays(deps, actorOf(p), { workspaceId, country: p.country, whose: { userId: p.id } });
      if (p.workDays !== mondayToFriday)
        await setWorkDays(deps, actorOf(p), { workspaceId, days: "sun-thu", whose: { userId: p.id } });
    }
    // Leave: planned, said with `/coo ooo from <first day> until <back>` one to two weeks ahead.
    for (const p of people) {
      const days = [...p.leave].sort();
      const first = days[0];
      const last = days.at(-1);
      if (!first || !last) continue;
      const firstOff = zonedToUtc({ ...wall(first), hour: 0, minute: 0 }, p.zone);
      const back = workingDayAt(p, zonedToUtc({ ...wall(last), hour: 12, minute: 0 }, p.zone), 1, 8);
      const told = workMoment(
        rng,
        p,
        new Date(Math.max(start.getTime(), firstOff.getTime() - rng.int(7, 14) * 24 * hour)),
        0,
      );
      at(told < firstOff ? told : start, async () => {
        await goAway(deps, actorOf(p), {
          workspaceId,
          from: first,
          until: `${localDate(back, p.zone)} 08:00`,
        });
      });
    }

    for (const c of commitments) {
      const p = c.owner;
      at(c.createdAt, async () => {
        const lead = people.find((x) => x.team === p.team && x.lead) as SimPerson;
        const { commitment } = await recordCommitment(deps, actorOf(p), {
          workspaceId,
          title: `Work item ${c.key + 1} of ${p.id}`,
          // As people type it: a date and a time, read in the owner's zone.
          when: `${localDate(c.dueAt, p.zone)} 17:00`,
          workstream: `team-${lead.team}`,
          channelId: `C0TEAM${p.team}`,
          after: c.dependsOn?.number,
        });
        c.number = commitment.number;
        c.id = commitment.id;
      });
      const lead = workingDaysBetween(p, c.createdAt, c.dueAt);
      // Work on time: most owners say something before the date (a standup line, a confirmation); some stay quiet.
      if (c.outcome === "on_time") {
        if (!rng.chance(options.silenceRate))
          at(workMoment(rng, p, c.createdAt, Math.max(0, Math.floor(lead / 2) - 1)), async () => {
            if (await open(c)) await confirmCommitment(deps, actorOf(p), ref(c));
          });
        const finish = workMoment(rng, p, c.createdAt, Math.max(0, lead - rng.int(0, 1)));
        at(finish < c.dueAt ? finish : new Date(c.dueAt.getTime() - hour), async () => {
          if (await open(c)) {
            await completeCommitment(deps, actorOf(p), ref(c));
            doneAt.set(c.key, now);
          }
        });
        continue;
      }
      // Work that slips, with the sign it shows.
      if (c.sign === "still_on_it")
        for (let d = 1; d < lead; d++)
          at(workMoment(rng, p, c.createdAt, d), async () => {
            if (await open(c)) await confirmCommitment(deps, actorOf(p), ref(c));
          });
      if (c.sign === "blocker")
        at(workMoment(rng, p, c.createdAt, Math.max(0, lead - 2)), async () => {
          const lead = people.find((x) => x.team === p.team && x.lead) as SimPerson;
          if (await open(c))
            await askForHelp(deps, actorOf(p), {
              ...ref(c),
              what: "waiting on access to the staging data",
              helperId: lead.id === p.id ? undefined : lead.id,
            });
        });
      const late = rng.int(1, 4);
      if (c.outcome === "redated") {
        // Re-dated on the due day or the one after, when the owner is at work.
        at(workMoment(rng, p, c.dueAt, rng.int(0, 1)), async () => {
          if (!(await open(c))) return;
          const to = workingDayAt(p, now, late, 17);
          await slipCommitment(deps, actorOf(p), { ...ref(c), to, reason: "took longer" });
          redatedAt.set(c.key, now);
        });
        at(workingDayAt(p, c.dueAt, late + 1, 16), async () => {
          if (await open(c)) {
            await completeCommitment(deps, actorOf(p), ref(c));
            doneAt.set(c.key, now);
          }
        });
      } else {
        at(workMoment(rng, p, c.dueAt, late), async () => {
          if (await open(c)) {
            await completeCommitment(deps, actorOf(p), ref(c));
            doneAt.set(c.key, now);
          }
        });
      }
    }
    events.sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);

    const pings: Ping[] = [];
    let seen = 0;
    let next = 0;
    const step = options.stepMinutes * 60_000;
    const collect = async () => {
      await deps.outbox.deliver();
      pings.push(...pingsOf(slack.calls.slice(seen), now));
      seen = slack.calls.length;
    };
    let day = "";
    for (let t = start.getTime(); t <= end.getTime(); t += step) {
      // Events between two sweeps happen at their own time.
      while (next < events.length && (events[next] as Event).at.getTime() <= t) {
        const e = events[next++] as Event;
        now = e.at;
        await e.run();
        // What the event sent at once (a help request to someone at work) is stamped with its own time.
        pings.push(...pingsOf(slack.calls.slice(seen), now));
        seen = slack.calls.length;
      }
      now = new Date(t);
      // The sweep pings only people in their working hours: while nobody is, it has nothing to send.
      if (!people.some((p) => officeHours(p, now))) continue;
      await coo.sweeper.sweep();
      await collect();
      const today = now.toISOString().slice(0, 10);
      if (today !== day && now.getUTCDay() === 1) say(`  week of ${today}: ${pings.length} messages so far`);
      day = today;
    }
    await collect();
    say("all weeks run: counting warnings and pings");

    // What happened, against what coo said.
    const steps = await deps.db.escalation.findMany({ where: { workspaceId } });
    const byNumber = new Map(commitments.filter((c) => c.id !== undefined).map((c) => [c.id as number, c]));
    const lateOnes = commitments.filter((c) => c.number !== undefined && c.outcome !== "on_time");
    const earlyLead: number[] = [];
    const bySign: SimResult["bySign"] = {};
    let warnedEarly = 0;
    for (const c of lateOnes) {
      const bar = oneWorkingDayBefore(c.owner, c.dueAt);
      const toOwnerOrLead = steps.filter(
        (s) =>
          s.commitmentId === c.id &&
          s.dueAt.getTime() === c.dueAt.getTime() &&
          (s.recipientId === c.owner.id || byId.get(s.recipientId)?.lead === true),
      );
      const first = toOwnerOrLead.map((s) => s.sentAt).sort((a, b) => a.getTime() - b.getTime())[0];
      const early = first !== undefined && first <= bar;
      const sign = c.sign ?? "none";
      bySign[sign] ??= { late: 0, warnedEarly: 0 };
      bySign[sign].late++;
      if (early) {
        warnedEarly++;
        bySign[sign].warnedEarly++;
        earlyLead.push((c.dueAt.getTime() - first.getTime()) / hour);
      }
    }
    const right = (s: { commitmentId: number }) => byNumber.get(s.commitmentId)?.outcome !== "on_time";
    const figures = (list: typeof steps): StepFigures => ({
      sent: list.length,
      precision: ratio(list.filter(right).length, list.length),
      early: list.filter((s) => {
        const c = byNumber.get(s.commitmentId);
        return c && right(s) && s.sentAt <= oneWorkingDayBefore(c.owner, c.dueAt);
      }).length,
    });
    const pastOwner = steps.filter((s) => s.step === "tell_lead" || s.step === "tell_ceo");

    // Noise: every DM a person got, in their week, hours and days off.
    // A help request is a person's own message that coo carries (Need help), not coo's ping: counted apart.
    const relayed = (d: Ping) => / is blocked on /.test(d.text);
    const all = pings.filter((p) => byId.has(p.to));
    const dms = all.filter((d) => !relayed(d));
    const weeksRun = (end.getTime() - start.getTime()) / (7 * 24 * hour);
    const perPerson = people.map((p) => dms.filter((d) => d.to === p.id).length / weeksRun);
    const perWeek: number[] = [];
    for (const p of people)
      for (let w = 0; w < Math.floor(weeksRun); w++) {
        const from = start.getTime() + w * 7 * 24 * hour;
        perWeek.push(
          dms.filter((d) => d.to === p.id && d.at.getTime() >= from && d.at.getTime() < from + 7 * 24 * hour)
            .length,
        );
      }
    perWeek.sort((a, b) => a - b);
    let outside = 0;
    let offDays = 0;
    const heard = new Set<string>();
    let repeated = 0;
    const relayedOffHours = all.filter(
      (d) => relayed(d) && !inWorkingHours(byId.get(d.to) as SimPerson, d.at),
    ).length;
    for (const d of dms) {
      const p = byId.get(d.to) as SimPerson;
      const day = localDate(d.at, p.zone);
      if (p.holidays.has(day) || p.leave.has(day)) {
        offDays++;
        say(`  on a day off: ${d.to} ${d.at.toISOString()} ${d.text.slice(0, 60)}`);
      } else if (!inWorkingHours(p, d.at)) {
        outside++;
        say(`  outside hours: ${d.to} ${d.at.toISOString()} ${d.text.slice(0, 60)}`);
      }
      for (const item of d.items) {
        const key = `${d.to}|${d.heading}|${item}`;
        if (heard.has(key)) {
          repeated++;
          say(
            `  repeated: ${d.to} ${d.at.toISOString()} ${d.heading.slice(0, 50)} ${item.replace(/\n/g, " ").slice(0, 90)}`,
          );
        }
        heard.add(key);
      }
    }
    void perPerson;
    return {
      seed: options.seed,
      people: people.length,
      weeks: options.weeks,
      commitments: byNumber.size,
      lateCommitments: lateOnes.length,
      earlyWarningRate: ratio(warnedEarly, lateOnes.length),
      medianLeadHours: Math.round(median(earlyLead) * 10) / 10,
      precision: ratio(steps.filter(right).length, steps.length),
      warningsSent: steps.length,
      pingsPerPersonWeek: {
        median: median(perWeek),
        p90: quantile(perWeek, 0.9),
        max: perWeek.at(-1) ?? 0,
      },
      pingsOutsideHours: outside,
      pingsOnLeaveOrHoliday: offDays,
      repeatedWarnings: repeated,
      helpRequestsOutsideHours: relayedOffHours,
      escalation: {
        lead: figures(pastOwner.filter((s) => s.step === "tell_lead" && byId.has(s.recipientId))),
        channel: figures(pastOwner.filter((s) => s.step === "tell_lead" && !byId.has(s.recipientId))),
        ceo: figures(pastOwner.filter((s) => s.step === "tell_ceo")),
      },
      bySign,
      seconds: Math.round((performance.now() - began) / 100) / 10,
    };
  } finally {
    await coo?.stop();
    await slack.stop();
    await db.drop();
    if (problems.length > 0) say(`${problems.length} error line(s) in the bot's log; first: ${problems[0]}`);
  }
}

const wall = (date: string): WallTime => {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return { year, month, day, hour: 0, minute: 0 };
};

function parseArgs(argv: string[]): SimOptions & { json: boolean } {
  const options = { ...defaults, json: false };
  const number = (name: string, value: string | undefined, min: number, max: number) => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n < min || n > max)
      throw new Error(`--${name} takes a number from ${min} to ${max}, e.g. --${name} ${min}`);
    return n;
  };
  const setters: Record<string, (value: string | undefined) => void> = {
    "--seed": (v) => (options.seed = number("seed", v, 0, 2 ** 31)),
    "--people": (v) => (options.people = Math.round(number("people", v, 2, 500))),
    "--weeks": (v) => (options.weeks = Math.round(number("weeks", v, 1, 26))),
    "--slip-rate": (v) => (options.slipRate = number("slip-rate", v, 0, 1)),
    "--silence-rate": (v) => (options.silenceRate = number("silence-rate", v, 0, 1)),
    "--timezones": (v) => (options.timezones = Math.round(number("timezones", v, 1, places.length))),
    "--step-minutes": (v) => (options.stepMinutes = Math.round(number("step-minutes", v, 5, 120))),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--json") {
      options.json = true;
      continue;
    }
    const set = setters[arg];
    if (!set) throw new Error(`unknown option ${arg}: ${[...Object.keys(setters), "--json"].join(" ")}`);
    set(argv[++i]);
  }
  return options;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** A precision over no messages is no figure at all. */
const precisionOf = (precision: number, sent: number) => (sent === 0 ? "-" : pct(precision));

function report(r: SimResult): string {
  const line = (name: string, s: StepFigures) =>
    `  ${name.padEnd(8)} ${String(s.sent).padStart(4)} sent, precision ${precisionOf(s.precision, s.sent)}, ${s.early} a working day ahead`;
  return [
    `Simulated ${r.people} people for ${r.weeks} weeks (seed ${r.seed}): ${r.commitments} commitments, ${r.lateCommitments} ended late or re-dated`,
    `Early warning     ${pct(r.earlyWarningRate)} of late work warned a working day ahead (median lead ${r.medianLeadHours} h)`,
    `Precision         ${precisionOf(r.precision, r.warningsSent)} of ${r.warningsSent} warnings were about work that ended late or was re-dated`,
    `Pings             per person-week median ${r.pingsPerPersonWeek.median}, p90 ${r.pingsPerPersonWeek.p90}, max ${r.pingsPerPersonWeek.max}`,
    `Out of bounds     ${r.pingsOutsideHours} outside working hours, ${r.pingsOnLeaveOrHoliday} on leave or a holiday, ${r.repeatedWarnings} repeated`,
    `Help requests     ${r.helpRequestsOutsideHours} reached the helper outside their hours (a person's own Need help, held for the helper's hours)`,
    "Past the owner",
    line("lead", r.escalation.lead),
    line("channel", r.escalation.channel),
    line("CEO", r.escalation.ceo),
    `By sign           ${Object.entries(r.bySign)
      .map(([sign, s]) => `${sign} ${s.warnedEarly}/${s.late}`)
      .join(", ")}`,
    `Took ${r.seconds} s`,
  ].join("\n");
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const say = (line: string) => (options.json ? process.stderr.write(`${line}\n`) : console.log(line));
  const result = await simulate(options, say);
  console.log(report(result));
  if (options.json) console.log(JSON.stringify(result));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Deps } from "../deps.js";
import { forbidden, notFound } from "../errors.js";
import { isPrivileged } from "../policy.js";
import { type WeeklyReview, weeklyReviewOf } from "../standups/use-cases.js";
import { addDays, wallClock, zonedToUtc } from "../time/zoned.js";
import {
  cadenceChannels,
  commitmentsOf,
  createSession,
  createSignIn,
  deleteSession,
  forgetSessionsBefore,
  forgetSignInsBefore,
  historyOf,
  type LadderRow,
  ladderSteps,
  type OpenBlocker,
  type OutcomeRow,
  openBlockersOf,
  openInStream,
  outcomesBetween,
  participationBetween,
  peopleOf,
  sessionById,
  takeSignIn,
  workspaceExists,
  workspaceOf,
  workstreamNamed,
  workstreamsOf,
} from "./queries.js";

/**
 * The leaders' dashboard (docs/decisions/0028-dashboard.md): who is signed
 * in, what they may see, and the figures of each page. The pages in
 * src/web/ present what these return; nothing here knows HTML.
 */

export type { LadderRow, OpenBlocker };

const day = 24 * 3600_000;
export const dashboardWeeks = 12;
/** A session lasts a working week; signing in again is one click. */
export const sessionDays = 7;
/** A sign-in not finished within 10 minutes is forgotten. */
export const signInMinutes = 10;

// ---------------------------------------------------------------- who sees what

/**
 * Someone signed in, and whose work they see. `people` null: everyone in the
 * workspace (a seated CEO, CFO or CTO, or a Slack admin or owner). Otherwise:
 * themselves and the people of the teams they are on, a team being a channel
 * coo runs a cadence in (its members, as Slack says now).
 */
export type Viewer = {
  workspaceId: string;
  userId: string;
  name: string;
  workspaceName: string;
  timeZone: string;
  privileged: boolean;
  people: string[] | null;
  /** The channels (teams) a plain member's view is made of. */
  teams: string[];
};

export async function viewerOf(
  deps: Deps,
  session: { workspaceId: string; slackUserId: string },
): Promise<Viewer> {
  const { workspaceId, slackUserId } = session;
  let actor = await deps.people.actor(workspaceId, slackUserId);
  // An admin's power is read fresh (as in src/policy.ts): a revoked admin loses the wider view within a minute.
  if (actor.isAdmin && !actor.fresh) actor = await actor.reload();
  if (actor.kind !== "member" && actor.kind !== "guest") {
    throw forbidden("This Slack account cannot use coo's dashboard in this workspace.");
  }
  const workspace = await workspaceOf(deps, workspaceId);
  const privileged = isPrivileged(actor);
  let people: string[] | null = null;
  const teams: string[] = [];
  if (!privileged) {
    const seen = new Set([slackUserId]);
    for (const channel of await cadenceChannels(deps, workspaceId)) {
      const members = await deps.channels.members(workspaceId, channel).catch(() => [] as string[]);
      if (!members.includes(slackUserId)) continue;
      teams.push(channel);
      for (const m of members) seen.add(m);
    }
    people = [...seen];
  }
  return {
    workspaceId,
    userId: slackUserId,
    name: actor.displayName ?? slackUserId,
    workspaceName: workspace?.name ?? workspaceId,
    timeZone: actor.timeZone,
    privileged,
    people,
    teams,
  };
}

/** The viewer as the other features' use cases take them (their own rules apply: export, API tokens). */
export function actorOf(deps: Deps, viewer: Viewer) {
  return deps.people.actor(viewer.workspaceId, viewer.userId);
}

const maySee = (viewer: Viewer, userId: string) => viewer.people === null || viewer.people.includes(userId);

// ---------------------------------------------------------------- figures

export type Outcome = { planned: number; onTime: number; late: number; slipped: number; dropped: number };
const noOutcome = (): Outcome => ({ planned: 0, onTime: 0, late: 0, slipped: 0, dropped: 0 });
const addTo = (t: Outcome, r: Outcome) => {
  t.planned += r.planned;
  t.onTime += r.onTime;
  t.late += r.late;
  t.slipped += r.slipped;
  t.dropped += r.dropped;
};
/** Of the work whose first date has come (dropped work left out), the share done by it; undefined with none. */
export const onTimeRate = (t: Outcome) => {
  const due = t.onTime + t.late + t.slipped;
  return due === 0 ? undefined : t.onTime / due;
};

export type Week = Outcome & { week: string };
export type Row = Outcome & {
  key: string;
  label: string;
  onTimeRate: number | undefined;
  asked: number;
  answered: number;
};

/** The last `dashboardWeeks` weeks (Monday to Monday, in `timeZone`), this one last. */
export function weeksTo(now: Date, timeZone: string) {
  const wall = wallClock(now, timeZone);
  const monday = addDays({ ...wall, hour: 0, minute: 0 }, -((wall.weekday + 6) % 7));
  const starts = Array.from({ length: dashboardWeeks }, (_, i) =>
    addDays(monday, 7 * (i - (dashboardWeeks - 1))),
  );
  const iso = (w: { year: number; month: number; day: number }) =>
    `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
  return {
    labels: starts.map(iso),
    from: zonedToUtc(starts[0] ?? monday, timeZone),
    to: zonedToUtc(addDays(monday, 7), timeZone),
  };
}

function tallies(rows: OutcomeRow[], labels: string[], key: (r: OutcomeRow) => string | null) {
  const weeks = new Map(labels.map((w) => [w, noOutcome()]));
  const by = new Map<string, Outcome & { owners: Set<string> }>();
  for (const r of rows) {
    const w = weeks.get(r.week);
    if (w) addTo(w, r);
    const k = key(r);
    if (k === null) continue;
    const t = by.get(k) ?? { ...noOutcome(), owners: new Set<string>() };
    addTo(t, r);
    t.owners.add(r.ownerId);
    by.set(k, t);
  }
  return { weeks: labels.map((week) => ({ week, ...(weeks.get(week) ?? noOutcome()) })), by };
}

export type TeamView = {
  viewer: Viewer;
  weeks: Week[];
  people: Row[];
  workstreams: Row[];
  blockers: OpenBlocker[];
  ladder: { counts: Record<LadderRow["step"], number>; items: LadderRow[] };
  names: Map<string, string>;
  now: Date;
};

export async function teamView(deps: Deps, viewer: Viewer): Promise<TeamView> {
  const now = deps.clock.now();
  const { labels, from, to } = weeksTo(now, viewer.timeZone);
  const scope = { workspaceId: viewer.workspaceId, owners: viewer.people };
  const [rows, participation, blockers, steps, people] = await Promise.all([
    outcomesBetween(deps, { ...scope, from, to, timeZone: viewer.timeZone, now }),
    participationBetween(deps, { ...scope, from, to }),
    openBlockersOf(deps, { ...scope, limit: 200 }),
    ladderSteps(deps, scope),
    peopleOf(deps, viewer.workspaceId),
  ]);
  const names = new Map(people.map((p) => [p.slackUserId, p.displayName ?? p.slackUserId]));
  const asked = new Map(participation.map((p) => [p.userId, p]));
  const byPerson = tallies(rows, labels, (r) => r.ownerId);
  const byStream = tallies(rows, labels, (r) => r.stream);
  // Everyone visible who was asked in a standup or owns work shows up.
  const everyone = new Set([...byPerson.by.keys(), ...participation.map((p) => p.userId)]);
  const personRows = [...everyone]
    .filter((id) => maySee(viewer, id))
    .map((id) => {
      const t = byPerson.by.get(id) ?? noOutcome();
      const p = asked.get(id);
      return row(id, names.get(id) ?? id, t, p?.asked ?? 0, p?.answered ?? 0);
    })
    .sort((a, b) => a.label.localeCompare(b.label));
  const streamRows = [...byStream.by.entries()]
    .map(([name, t]) => {
      let a = 0;
      let n = 0;
      for (const owner of t.owners) {
        a += asked.get(owner)?.asked ?? 0;
        n += asked.get(owner)?.answered ?? 0;
      }
      return row(name, `#${name}`, t, a, n);
    })
    .sort((x, y) => x.label.localeCompare(y.label));
  const counts = { dm_owner: 0, remind_owner: 0, tell_lead: 0, tell_ceo: 0 };
  for (const s of steps) counts[s.step]++;
  return {
    viewer,
    weeks: byPerson.weeks,
    people: personRows,
    workstreams: streamRows,
    blockers,
    ladder: {
      counts,
      items: [...steps].sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime()).slice(0, 20),
    },
    names,
    now,
  };
}

const row = (key: string, label: string, t: Outcome, asked: number, answered: number): Row => ({
  key,
  label,
  planned: t.planned,
  onTime: t.onTime,
  late: t.late,
  slipped: t.slipped,
  dropped: t.dropped,
  onTimeRate: onTimeRate(t),
  asked,
  answered,
});

export type PersonView = {
  viewer: Viewer;
  userId: string;
  name: string;
  weeks: Week[];
  total: Row;
  commitments: Awaited<ReturnType<typeof commitmentsOf>>;
  history: Awaited<ReturnType<typeof historyOf>>;
  blockers: OpenBlocker[];
  names: Map<string, string>;
  now: Date;
};

const refusePerson = () =>
  forbidden(
    "You can see your own page and the pages of the people on your teams (the channels coo runs a standup or review in with you). The CEO, CFO, CTO and workspace admins see everyone.",
  );

export async function personView(deps: Deps, viewer: Viewer, userId: string): Promise<PersonView> {
  if (!maySee(viewer, userId)) throw refusePerson();
  const now = deps.clock.now();
  const people = await peopleOf(deps, viewer.workspaceId);
  const names = new Map(people.map((p) => [p.slackUserId, p.displayName ?? p.slackUserId]));
  if (!names.has(userId) && userId !== viewer.userId)
    throw notFound("coo does not know anyone by that id in this workspace.");
  const { labels, from, to } = weeksTo(now, viewer.timeZone);
  const scope = { workspaceId: viewer.workspaceId, owners: [userId] };
  const [rows, participation, commitments, history, blockers] = await Promise.all([
    outcomesBetween(deps, { ...scope, from, to, timeZone: viewer.timeZone, now }),
    participationBetween(deps, { ...scope, from, to }),
    commitmentsOf(deps, { workspaceId: viewer.workspaceId, ownerId: userId, since: from }),
    historyOf(deps, { workspaceId: viewer.workspaceId, userId, limit: 50 }),
    openBlockersOf(deps, { ...scope, limit: 50 }),
  ]);
  const { weeks, by } = tallies(rows, labels, (r) => r.ownerId);
  const p = participation[0];
  return {
    viewer,
    userId,
    name: names.get(userId) ?? userId,
    weeks,
    total: row(
      userId,
      names.get(userId) ?? userId,
      by.get(userId) ?? noOutcome(),
      p?.asked ?? 0,
      p?.answered ?? 0,
    ),
    commitments,
    history,
    blockers,
    names,
    now,
  };
}

export type WorkstreamView = {
  viewer: Viewer;
  name: string;
  ownerId: string;
  weeks: Week[];
  people: Row[];
  open: Awaited<ReturnType<typeof openInStream>>;
  names: Map<string, string>;
  now: Date;
};

export async function workstreamView(deps: Deps, viewer: Viewer, name: string): Promise<WorkstreamView> {
  const stream = await workstreamNamed(deps, viewer.workspaceId, name.replace(/^#/, "").toLowerCase());
  if (!stream) throw notFound(`There is no workstream #${name} here.`);
  const now = deps.clock.now();
  const { labels, from, to } = weeksTo(now, viewer.timeZone);
  const scope = { workspaceId: viewer.workspaceId, owners: viewer.people };
  const [rows, open, people, participation] = await Promise.all([
    outcomesBetween(deps, { ...scope, from, to, timeZone: viewer.timeZone, now, stream: stream.name }),
    openInStream(deps, { ...scope, workstreamId: stream.id }),
    peopleOf(deps, viewer.workspaceId),
    participationBetween(deps, { ...scope, from, to }),
  ]);
  // A plain member sees a workstream their teams own or work in.
  if (!maySee(viewer, stream.ownerId) && rows.length === 0 && open.length === 0)
    throw forbidden(
      `#${stream.name} is not one of your teams' workstreams. The CEO, CFO, CTO and workspace admins see every workstream.`,
    );
  const names = new Map(people.map((p) => [p.slackUserId, p.displayName ?? p.slackUserId]));
  const asked = new Map(participation.map((p) => [p.userId, p]));
  const { weeks, by } = tallies(rows, labels, (r) => r.ownerId);
  return {
    viewer,
    name: stream.name,
    ownerId: stream.ownerId,
    weeks,
    people: [...by.entries()]
      .map(([id, t]) =>
        row(id, names.get(id) ?? id, t, asked.get(id)?.asked ?? 0, asked.get(id)?.answered ?? 0),
      )
      .sort((a, b) => a.label.localeCompare(b.label)),
    open,
    names,
    now,
  };
}

export async function workstreamNames(deps: Deps, viewer: Viewer) {
  return workstreamsOf(deps, viewer.workspaceId);
}

/**
 * The weekly review of the week ending on `date` (a local date, inclusive),
 * the same figures the review cadence posts (standups' `weeklyReviewOf`), for
 * the people the viewer sees.
 */
export async function reviewView(
  deps: Deps,
  viewer: Viewer,
  date: string,
): Promise<{ review: WeeklyReview; names: Map<string, string>; now: Date; date: string }> {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const wall = m
    ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: 0, minute: 0 }
    : undefined;
  const parsed = wall ? new Date(Date.UTC(wall.year, wall.month - 1, wall.day)) : undefined;
  if (!wall || !parsed || parsed.getUTCDate() !== wall.day)
    throw notFound("A review is named by the last day of its week, such as /app/reviews/2026-11-27.");
  const now = deps.clock.now();
  const weekEnd = zonedToUtc(addDays(wall, 1), viewer.timeZone);
  if (weekEnd.getTime() - 7 * day > now.getTime())
    throw notFound("That week has not started yet: pick a past week.");
  const people = await peopleOf(deps, viewer.workspaceId);
  const names = new Map(people.map((p) => [p.slackUserId, p.displayName ?? p.slackUserId]));
  const review = await weeklyReviewOf(deps, {
    workspaceId: viewer.workspaceId,
    people: viewer.people ?? people.map((p) => p.slackUserId),
    weekEnd,
    timeZone: viewer.timeZone,
    now,
  });
  return { review, names, now, date };
}

// ---------------------------------------------------------------- signing in

/** A sign-in sent to Slack: its state, nonce and PKCE verifier, kept until Slack sends the browser back. */
export async function startSignIn(
  deps: Deps,
  input: { state: string; nonce: string; codeVerifier: string; returnTo: string },
): Promise<void> {
  const now = deps.clock.now();
  await forgetSignInsBefore(deps, new Date(now.getTime() - signInMinutes * 60_000));
  await createSignIn(deps, { ...input, returnTo: safeReturn(input.returnTo), createdAt: now });
}

/** The sign-in `state` names, taken once; undefined when unknown, used or too old. */
export async function takeSignInFor(deps: Deps, state: string) {
  const row = await takeSignIn(deps, state);
  if (!row) return undefined;
  if (deps.clock.now().getTime() - row.createdAt.getTime() > signInMinutes * 60_000) return undefined;
  return row;
}

/** Only a page of the dashboard: never another site (an open redirect). */
export const safeReturn = (path: string) =>
  /^\/app(\/[A-Za-z0-9_\-./%]*)?$/.test(path) && !path.includes("//") ? path : "/app";

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * A session for someone Slack vouched for: the workspace must be one coo
 * serves, and the person one who may use it. Returns the cookie's token
 * (kept only as its hash).
 */
export async function openSession(
  deps: Deps,
  input: { workspaceId: string; userId: string },
): Promise<{ token: string; expiresAt: Date }> {
  if ((await workspaceExists(deps, input.workspaceId)) === 0)
    throw forbidden(
      "coo does not serve that Slack workspace. Sign in with the workspace coo is installed in.",
    );
  const actor = await deps.people.actor(input.workspaceId, input.userId);
  if (actor.kind !== "member" && actor.kind !== "guest")
    throw forbidden("This Slack account cannot use coo's dashboard in this workspace.");
  const now = deps.clock.now();
  await forgetSessionsBefore(deps, now);
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + sessionDays * day);
  await createSession(deps, {
    id: hash(token),
    workspaceId: input.workspaceId,
    slackUserId: input.userId,
    csrfToken: randomBytes(24).toString("base64url"),
    createdAt: now,
    expiresAt,
  });
  return { token, expiresAt };
}

/** `id` is the hash of the cookie's token, never the token. */
export type Session = { id: string; workspaceId: string; slackUserId: string; csrfToken: string };

/** The live session a cookie's token names, or undefined. */
export async function sessionFor(deps: Deps, token: string | undefined): Promise<Session | undefined> {
  if (!token || token.length > 100) return undefined;
  const row = await sessionById(deps, hash(token));
  if (!row || row.expiresAt <= deps.clock.now()) return undefined;
  return { id: row.id, workspaceId: row.workspaceId, slackUserId: row.slackUserId, csrfToken: row.csrfToken };
}

/** True when a form's token is this session's (compared in constant time). */
export function csrfMatches(session: Session, sent: string | undefined): boolean {
  if (!sent) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function closeSession(deps: Deps, session: Session): Promise<void> {
  await deleteSession(deps, session.id);
}

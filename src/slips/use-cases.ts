import { availability, calendars, endOfNextWorkingDayFor } from "../availability/use-cases.js";
import { blockersWaitingOn, createBlocker } from "../blockers/use-cases.js";
import {
  type CommitmentRow,
  findCommitment,
  slippedPayload,
  snoozeCommitment,
  touchCommitment,
} from "../commitments/use-cases.js";
import type { Deps } from "../deps.js";
import { badInput, CooError } from "../errors.js";
import { reviewSignals } from "../github/use-cases.js";
import { enqueue, type JobHandler, type JobWrite, type Outgoing } from "../jobs/outbox.js";
import { formatId } from "../ledger/ids.js";
import { type Actor, authorize } from "../policy.js";
import { echo } from "../slack/mentions.js";
import { parseWhen } from "../time/when.js";
import { isoDate } from "../time/zoned.js";
import { classify, maxSnoozeDays, type Risk, risks } from "./classify.js";
import { dependantLine, escalationChoices, helpRequestNotice, slipNotice } from "./messages.js";
import {
  commitmentById,
  driftStreaks,
  holdNotices,
  type LadderSettings,
  ladderOf,
  lastNoticeTo,
  lastStepDmTo,
  type NoticeToHold,
  openCommitmentsAfter,
  openSoonOrDrifting,
  peopleOf,
  setLadder,
  setPingMode,
} from "./queries.js";

/*
 * The slips feature's operations: snoozing the chasing, asking for help with
 * slipping work, what is at risk, how the ladder climbs, and telling whoever
 * depends on work that moved. The sweep (sweep.ts) climbs the ladder itself
 * (docs/decisions/0020-use-cases-and-grammar.md).
 */

export { endOfWorkingDays, isWorkingHours, type Policy } from "./classify.js";

type UseCaseDeps = Pick<Deps, "db" | "sql" | "clock" | "changes" | "people" | "outbox" | "config">;

const day = 24 * 3600_000;

/** How long to stop chasing: a number of days, or until a time as typed (read in the owner's zone). */
export type SnoozeSpan = { days: number } | { until: string };

/**
 * No chasing about one of your own commitments for a while (at most thirty
 * days: beyond that, the date is what is wrong). The snooze is a change to
 * the commitment, with its history row.
 */
export async function snooze(
  deps: UseCaseDeps,
  actor: Actor,
  input: { workspaceId: string; number: number; span: SnoozeSpan },
): Promise<{ commitment: CommitmentRow; until: Date; timeZone: string }> {
  const now = deps.clock.now();
  const { span } = input;
  const until =
    "days" in span
      ? new Date(now.getTime() + span.days * day)
      : parseWhen(span.until, { now, timeZone: actor.timeZone })?.at;
  if (!until || until <= now) {
    const said = "days" in span ? `${span.days} days` : span.until;
    throw badInput(
      `I can't read ${echo(said)} as a time ahead. \`/coo snooze C12 for 2 days\` or \`/coo snooze C12 until Monday\`.`,
    );
  }
  if (until.getTime() - now.getTime() > maxSnoozeDays * day) {
    throw badInput(
      `A snooze can last at most ${maxSnoozeDays} days. If the date is wrong, \`/coo slip ${formatId("commitment", input.number)} to <when>\` instead.`,
    );
  }
  const commitment = await snoozeCommitment(deps, actor, {
    workspaceId: input.workspaceId,
    number: input.number,
    until,
  });
  return { commitment, until, timeZone: actor.timeZone };
}

/** A nudge's buttons are the owner's alone, and only while the work is open. */
async function ownersOpenCommitment(
  deps: Pick<Deps, "db">,
  actor: Actor,
  workspaceId: string,
  number: number,
) {
  const commitment = await findCommitment(deps, workspaceId, number);
  const owner = await authorize(actor, { kind: "own_commitment", commitment });
  if (commitment.status !== "open")
    throw new CooError("conflict", `${formatId("commitment", number)} is already ${commitment.status}.`);
  return { commitment, owner };
}

/** What the Need help form is about: the owner's open commitment. */
export async function helpFormFor(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string; number: number },
): Promise<CommitmentRow> {
  return (await ownersOpenCommitment(deps, actor, input.workspaceId, input.number)).commitment;
}

/**
 * Need help: the owner records what is in the way of their commitment as a
 * blocker, waiting on someone who can unblock it; that person is told by DM
 * (through the outbox), and the commitment counts as touched.
 */
export async function askForHelp(
  deps: UseCaseDeps,
  actor: Actor,
  input: { workspaceId: string; number: number; what: string; helperId?: string | undefined },
) {
  const { workspaceId, helperId } = input;
  const { commitment: c, owner } = await ownersOpenCommitment(deps, actor, workspaceId, input.number);
  if (helperId) await deps.people.member(workspaceId, helperId);
  const blocker = await createBlocker(deps, {
    workspaceId,
    reporterId: owner.slackUserId,
    text: `${formatId("commitment", c.number)} ${c.title}: ${input.what}`.slice(0, 500),
    waitingOnId: helperId,
    channelId: c.channelId ?? undefined,
  });
  await touchCommitment(deps, { commitmentId: c.id });
  let heldUntil: Date | undefined;
  if (helperId) {
    const now = deps.clock.now();
    const text = helpRequestNotice(owner.slackUserId, c, input.what, blocker.number);
    // The helper away (outside their hours, a day off, leave): the sweep sends it when they are back.
    const helper = (await availability(deps, workspaceId, [helperId], now)).get(helperId);
    heldUntil = helper?.away !== undefined ? helper.nextAvailableAt : undefined;
    if (heldUntil)
      await deps.db.$transaction((tx) =>
        holdNotices(tx, [{ workspaceId, userId: helperId, kind: "help_request", text, createdAt: now }]),
      );
    else await send(deps, [{ workspaceId, userId: helperId, text }]);
  }
  return { commitment: c, blocker, heldUntil };
}

/** Work due within five days covers "by the end of the next working day" over any weekend. */
const horizonMs = 5 * day;

/**
 * What is overdue, at risk or drifting in a workspace (of `owners`, when
 * given: a channel's people), each owner's work judged in their own zone.
 */
export async function atRisk(
  deps: Pick<Deps, "db" | "sql" | "clock" | "config">,
  input: { workspaceId: string; owners: string[] | undefined },
): Promise<Record<Risk, CommitmentRow[]>> {
  const now = deps.clock.now();
  const streaks = await driftStreaks(deps);
  const held = await reviewSignals(deps, { workspaceId: input.workspaceId, now });
  const open = await openSoonOrDrifting(deps, input.workspaceId, {
    until: new Date(now.getTime() + horizonMs),
    drifting: [...streaks.keys(), ...held.keys()],
    owners: input.owners,
  });
  const owners = [...new Set(open.map((c) => c.ownerId))];
  const people = await peopleOf(deps, [input.workspaceId], owners);
  const zone = new Map(people.map((p) => [p.slackUserId, p.timezone ?? deps.config.defaultTimeZone]));
  // "The next working day" is each owner's own (their days and holidays: src/availability/).
  const calendarOf = await calendars(deps, input.workspaceId, owners);
  const lists = Object.fromEntries(risks.map((r) => [r, [] as CommitmentRow[]])) as Record<
    Risk,
    CommitmentRow[]
  >;
  for (const c of open) {
    const calendar = calendarOf.get(c.ownerId);
    const risk = classify(
      { ...c, todayStreak: streaks.get(c.id) ?? 0, inReview: held.has(c.id) },
      now,
      zone.get(c.ownerId) ?? deps.config.defaultTimeZone,
      calendar && endOfNextWorkingDayFor(calendar, now),
    );
    if (risk) lists[risk].push(c);
  }
  return lists;
}

/** How someone is chased about their own work: a daily digest (default), only when overdue, or every step. */
export type PingMode = "digest" | "overdue" | "all";

/** `/coo pings`: the actor chooses how coo DMs them about their own work. */
export async function choosePings(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string; mode: PingMode },
): Promise<PingMode> {
  await setPingMode(deps, input.workspaceId, actor.slackUserId, input.mode);
  return input.mode;
}

/** One change to how the ladder climbs, as asked. */
export type LadderChange = { grace: number } | { ceo: number } | { to: string } | { hours: string };

function settingsOf(change: LadderChange): Partial<LadderSettings> | undefined {
  if ("grace" in change)
    return change.grace >= 1 && change.grace <= 168 ? { escalationGraceHours: change.grace } : undefined;
  if ("ceo" in change)
    return change.ceo >= 1 && change.ceo <= 60 ? { escalateToCeoAfterDays: change.ceo } : undefined;
  if ("to" in change)
    return change.to === "channel" || change.to === "lead" ? { escalateTo: change.to } : undefined;
  const hours = /^(\d{1,2})-(\d{1,2})$/.exec(change.hours);
  const [start, end] = [Number(hours?.[1]), Number(hours?.[2])];
  return hours && start < end && end <= 24 ? { workdayStartHour: start, workdayEndHour: end } : undefined;
}

/**
 * How slipping work is chased in a workspace; with a change, changed first
 * (an admin or a seated executive may).
 */
export async function escalationLadder(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string; change?: LadderChange | undefined },
): Promise<LadderSettings> {
  if (input.change) {
    await authorize(actor, { kind: "change_settings", setting: "how work is escalated" });
    const data = settingsOf(input.change);
    if (!data) throw badInput(escalationChoices);
    await setLadder(deps, input.workspaceId, data);
  }
  return ladderOf(deps, input.workspaceId);
}

/**
 * A commitment moved to a new date: whoever has work after it (`after C12`)
 * or a blocker waiting on it (`waiting on C12`) is told by DM, in their own
 * zone; not whoever moved it. The job the move wrote with itself
 * (`commitments.slipped`) runs this: it reads and composes first, and its
 * messages are queued in the transaction that marks the job done, so each
 * is sent once, whenever a process dies.
 */
export function tellDependants(deps: UseCaseDeps): JobHandler {
  return async (raw) => {
    const slipped = slippedPayload.parse(raw);
    const moved = await commitmentById(deps, slipped.commitmentId);
    if (!moved) return undefined;
    const now = deps.clock.now();
    const [commitments, blockers] = await Promise.all([
      openCommitmentsAfter(deps, moved.id),
      blockersWaitingOn(deps, { commitmentId: moved.id }),
    ]);
    const byPerson = new Map<string, string[]>();
    const add = (userId: string, line: string) =>
      byPerson.set(userId, [...(byPerson.get(userId) ?? []), line]);
    for (const c of commitments) add(c.ownerId, dependantLine.commitment(c));
    for (const b of blockers) add(b.reporterId, dependantLine.blocker(b));
    const moves = { from: new Date(slipped.from), to: new Date(slipped.to), reason: slipped.reason };
    const { workspaceId } = moved;
    const recipients = [...byPerson.keys()].filter((u) => u !== slipped.actorId);
    if (recipients.length === 0) return undefined;
    const dms = [];
    for (const userId of recipients) {
      const person = await deps.people.profile(workspaceId, userId);
      dms.push({ userId, text: slipNotice(moved, moves, byPerson.get(userId) ?? [], person.timeZone, now) });
    }
    return unaskedDms(deps, workspaceId, dms, now);
  };
}

/**
 * DMs coo sends on its own initiative (a heads-up that work moved): each
 * goes now when its reader is at work and has had nothing unasked today,
 * and is held otherwise, for the sweep to send in their hours (with their
 * digest, or as the day's one DM). The writes, for a job to run when done.
 */
export async function unaskedDms(
  deps: Pick<Deps, "db" | "sql" | "config">,
  workspaceId: string,
  dms: Array<{ userId: string; text: string }>,
  now: Date,
): Promise<JobWrite> {
  const free = await freeForUnasked(
    deps,
    workspaceId,
    dms.map((d) => d.userId),
    now,
  );
  const messages: Outgoing[] = [];
  const notices: NoticeToHold[] = [];
  for (const { userId, text } of dms) {
    const sendNow = free.has(userId);
    if (sendNow) messages.push({ workspaceId, userId, text });
    notices.push({
      workspaceId,
      userId,
      kind: "heads_up",
      text,
      createdAt: now,
      sentAt: sendNow ? now : undefined,
    });
  }
  return async (tx) => {
    await holdNotices(tx, notices);
    return enqueue(tx, messages);
  };
}

/**
 * Of `userIds`, those coo may DM unasked now: at work (their days, hours,
 * holidays, leave) and with no step or heads-up DM'd to them today in their
 * zone (the one-a-day budget; `/coo pings all` has none).
 */
async function freeForUnasked(
  deps: Pick<Deps, "db" | "sql" | "config">,
  workspaceId: string,
  userIds: string[],
  now: Date,
): Promise<Set<string>> {
  const at = await availability(deps, workspaceId, userIds, now);
  const since = new Date(now.getTime() - 2 * day);
  const [steps, notices, people] = await Promise.all([
    lastStepDmTo(deps, userIds, since),
    lastNoticeTo(deps, userIds, since),
    peopleOf(deps, [workspaceId], userIds),
  ]);
  const mode = new Map(people.map((p) => [p.slackUserId, p.pings]));
  const free = new Set<string>();
  for (const userId of userIds) {
    const person = at.get(userId);
    if (!person || person.away !== undefined) continue;
    const zone = person.calendar.timeZone;
    const heard = [steps, notices].some((m) => {
      const last = m.get(`${workspaceId}:${userId}`);
      return last !== undefined && isoDate(last, zone) === isoDate(now, zone);
    });
    if (!heard || mode.get(userId) === "all") free.add(userId);
  }
  return free;
}

/** Messages through the outbox: paced, retried, never twice. */
async function send(deps: Pick<Deps, "db" | "outbox">, messages: Outgoing[]): Promise<void> {
  if (messages.length === 0) return;
  const ids = await deps.db.$transaction((tx) => enqueue(tx, messages));
  await deps.outbox.deliver(ids);
}

import { z } from "zod";
import type { Deps } from "../deps.js";
import { badInput, CooError } from "../errors.js";
import type { Commitment, CommitmentChange, Prisma } from "../generated/prisma/client.js";
import { enqueue, enqueueJob } from "../jobs/outbox.js";
import { rewriteSent, type SentMessage } from "../jobs/sent.js";
import { formatId } from "../ledger/ids.js";
import type { Profile } from "../people/people.js";
import { type Actor, authorize } from "../policy.js";
import type { Block } from "../slack/commands.js";
import { echo, quote } from "../slack/mentions.js";
import { ensureWithinReach, maxYearsAhead, parseWhen, tooFarAhead } from "../time/when.js";
import {
  type Basis,
  capacityFrom,
  landedSince,
  loadIn,
  lookAheadWeeks,
  type OwnerCapacity,
  ownerWeeks,
  sameWeekFor,
  teamDefaultRange,
  type WeekCapacity,
} from "./capacity.js";
import { handedNotice, recordedNotice, teamCapacityChoices } from "./messages.js";
import {
  applyChange,
  type CapacityTally,
  type CommitmentFilter,
  type CommitmentRow,
  capacityTally,
  changeWorkstream,
  closeOpen,
  commitmentAndStream,
  commitmentHistory,
  commitmentsNaming,
  createCommitment,
  createCommitmentIn,
  createWorkstream,
  createWorkstreamIn,
  type DeliveryRecord,
  deliveryRecord,
  doneInStreams,
  findCommitment,
  findWorkstream,
  listOpenCommitments,
  openCommitmentsNaming,
  openDueBy,
  openInStreams,
  peopleWithRoom,
  reassignedFrom,
  setTeamCapacity,
  teamCapacityOf,
  tieWorkstreamIn,
  touch,
  workstreamNamed,
  workstreamNamedIn,
  workstreamsNaming,
  workstreamsUnder,
  workstreamsWithOpenWork,
} from "./queries.js";

/*
 * The commitments feature's operations: each takes the person acting and a
 * plain input, checks the policy, writes the change and its history, and
 * returns what happened. Every surface (slash commands, buttons, standup
 * answers, and later plain language and the API) calls these; none knows
 * Slack's payloads (docs/decisions/0020-use-cases-and-grammar.md).
 */

export type { Basis, CommitmentFilter, CommitmentRow, DeliveryRecord, OwnerCapacity, WeekCapacity };
export type HistoryEntry = CommitmentChange;
export { findCommitment, isOverdue } from "./queries.js";
export { sameWork } from "./similar.js";

type UseCaseDeps = Pick<Deps, "db" | "sql" | "clock" | "changes" | "people" | "outbox">;

export const maxTitle = 300;
export const dateExamples = "`Friday`, `tomorrow 5pm`, `2026-12-03` or `in 3 days`";

/** A date people gave for work, read in `timeZone`: ahead of now and within reach. */
export function dueDate(typed: string, timeZone: string, now: Date): Date {
  const when = parseWhen(typed, { now, timeZone });
  if (!when) throw badInput(`I can't read ${echo(typed)} as a date. Try ${dateExamples}.`);
  if (when.at <= now)
    throw badInput(`${echo(typed)} is in the past. Give a date ahead, e.g. ${dateExamples}.`);
  ensureWithinReach(when.at, now, typed, dateExamples);
  return when.at;
}

/** Sends a DM through the outbox: paced, retried, never twice. */
async function notify(deps: UseCaseDeps, workspaceId: string, userId: string, text: string): Promise<void> {
  const ids = await deps.db.$transaction((tx) => enqueue(tx, [{ workspaceId, userId, text }]));
  await deps.outbox.deliver(ids);
}

/**
 * `/coo commit`: who will deliver what, by when. Work goes to a real person
 * of this workspace (checked with Slack before anything is written); the
 * date is read in the owner's time zone; an owner other than the actor is
 * told by DM. `overload` is the owner's week of the due date when it is now
 * over what they land (see `capacityCheck`).
 */
export async function recordCommitment(
  deps: UseCaseDeps,
  actor: Actor,
  input: {
    workspaceId: string;
    title: string;
    when: string;
    ownerId?: string | undefined;
    workstream?: string | undefined;
    after?: number | undefined;
    channelId?: string | undefined;
  },
): Promise<{ commitment: CommitmentRow; owner: Profile; overload: WeekCapacity | undefined }> {
  const { workspaceId } = input;
  const ownerId = input.ownerId ?? actor.slackUserId;
  const owner = ownerId === actor.slackUserId ? actor : await deps.people.member(workspaceId, ownerId);
  const now = deps.clock.now();
  const dueAt = dueDate(input.when, owner.timeZone, now);
  const stream = input.workstream ? await findWorkstream(deps, workspaceId, input.workstream) : undefined;
  const dependsOn = input.after ? await findCommitment(deps, workspaceId, input.after) : undefined;
  const commitment = await createCommitment(deps, {
    workspaceId,
    actorId: actor.slackUserId,
    ownerId,
    title: input.title,
    dueAt,
    workstreamId: stream?.id,
    channelId: input.channelId,
    dependsOnId: dependsOn?.id,
  });
  if (ownerId !== actor.slackUserId)
    await notify(
      deps,
      workspaceId,
      ownerId,
      recordedNotice(commitment, actor.slackUserId, owner.timeZone, now),
    );
  // The week it is due in, read with it in: flagged only when that makes it over.
  const [mine] = await checkCapacity(deps, workspaceId, [{ ownerId, timeZone: owner.timeZone }], dueAt, 1);
  const week = mine?.weeks[0];
  return { commitment, owner, overload: week?.over ? week : undefined };
}

/** A promise someone made in their own standup answer: theirs, recorded as they said it. */
export function recordOwnPromise(
  deps: Pick<Deps, "sql" | "clock" | "changes">,
  input: {
    workspaceId: string;
    ownerId: string;
    title: string;
    dueAt: Date;
    channelId?: string | undefined;
    sourcePermalink?: string | undefined;
  },
): Promise<CommitmentRow> {
  return createCommitment(deps, { ...input, actorId: input.ownerId });
}

function ensureOpen(c: Commitment) {
  const id = formatId("commitment", c.number);
  if (c.status === "done") throw new CooError("conflict", `${id} is already done. Nothing to change.`);
  if (c.status === "dropped") {
    throw new CooError(
      "conflict",
      `${id} was dropped. Record a new commitment with \`/coo commit\` if it is back on.`,
    );
  }
}

type Change = { workspaceId: string; number: number; reason?: string | undefined };

/** The job a new date causes (queue `commitments.slipped`): what moved, from when to when, and why. */
export const commitmentSlipped = "commitments.slipped";
export const slippedPayload = z.object({
  commitmentId: z.number().int(),
  from: z.string().datetime(),
  to: z.string().datetime(),
  reason: z.string().nullable(),
  actorId: z.string(),
});
export type SlippedPayload = z.infer<typeof slippedPayload>;

/**
 * Applies one change to an open commitment the actor may change, and records
 * it. Two people pressing Done at once make one change and one clear refusal.
 */
async function change(
  deps: UseCaseDeps,
  actor: Actor,
  input: Change,
  build: (c: CommitmentRow) => {
    data: Prisma.CommitmentUpdateManyMutationInput;
    history: Omit<Prisma.CommitmentChangeUncheckedCreateInput, "workspaceId" | "commitmentId" | "actorId">;
  },
  /** Who may: its owner, who recorded it or a privileged person; or its owner alone. */
  may: "change_commitment" | "own_commitment" = "change_commitment",
): Promise<{ before: CommitmentRow; after: CommitmentRow }> {
  const current = await findCommitment(deps, input.workspaceId, input.number);
  const allowed = await authorize(actor, { kind: may, commitment: current });
  ensureOpen(current);
  const { data, history } = build(current);
  // A new date is a cause: whoever waits on this work hears of it, through a
  // job written with the change, so a crash cannot lose it (decision 0021).
  const slipped: SlippedPayload | undefined =
    history.kind === "redated" && data.dueAt instanceof Date
      ? {
          commitmentId: current.id,
          from: current.dueAt.toISOString(),
          to: data.dueAt.toISOString(),
          reason: input.reason ?? null,
          actorId: allowed.slackUserId,
        }
      : undefined;
  const updated = await applyChange(
    deps,
    current,
    { actorId: allowed.slackUserId, reason: input.reason, data, history },
    slipped
      ? (tx) =>
          enqueueJob(tx, { queue: commitmentSlipped, workspaceId: current.workspaceId, payload: slipped })
      : undefined,
  );
  if (!updated) {
    ensureOpen(await findCommitment(deps, input.workspaceId, input.number));
    throw new CooError(
      "conflict",
      `${formatId("commitment", input.number)} changed while you were looking. Try again.`,
    );
  }
  deps.changes.publish({
    workspaceId: input.workspaceId,
    userIds: [current.ownerId, current.creatorId, updated.ownerId, allowed.slackUserId],
  });
  return { before: current, after: updated };
}

export async function completeCommitment(deps: UseCaseDeps, actor: Actor, input: Change) {
  const now = deps.clock.now();
  const { after } = await change(deps, actor, input, () => ({
    data: { status: "done", doneAt: now },
    history: { kind: "done", at: now },
  }));
  return after;
}

/** Who a change is recorded as when no person made it (history shows the name, not a mention). */
export const systemActors = { github: "github", linear: "linear" } as const;

/**
 * Work finished elsewhere (a merged pull request, a closed issue): marked
 * done by GitHub inside the caller's transaction, with why (the link) in its
 * history. No policy check: no person acts, and only a repository this
 * workspace connected can cause it. False when it was no longer open.
 */
export async function completeFromGitHub(
  tx: Prisma.TransactionClient,
  input: { commitmentId: number; reason: string; at: Date },
): Promise<boolean> {
  return closeOpen(tx, { ...input, actorId: systemActors.github });
}

/** The same for a Linear issue that reached a completed state: done by "Linear". */
export async function completeFromLinear(
  tx: Prisma.TransactionClient,
  input: { commitmentId: number; reason: string; at: Date },
): Promise<boolean> {
  return closeOpen(tx, { ...input, actorId: systemActors.linear });
}

export async function dropCommitment(deps: UseCaseDeps, actor: Actor, input: Change) {
  const now = deps.clock.now();
  const { after } = await change(deps, actor, input, () => ({
    data: { status: "dropped" },
    history: { kind: "dropped", at: now },
  }));
  return after;
}

/**
 * A new date, with why: given as typed (read in the owner's zone) or as an
 * instant (a date picker). The history keeps the old date.
 */
export async function slipCommitment(
  deps: UseCaseDeps,
  actor: Actor,
  input: Change & { to: string | Date },
): Promise<{ before: CommitmentRow; after: CommitmentRow; owner: Profile }> {
  const current = await findCommitment(deps, input.workspaceId, input.number);
  const owner = await deps.people.profile(input.workspaceId, current.ownerId);
  const now = deps.clock.now();
  const to = typeof input.to === "string" ? dueDate(input.to, owner.timeZone, now) : input.to;
  if (typeof input.to !== "string") {
    if (Number.isNaN(to.getTime())) throw badInput("Pick a date.");
    if (to <= now) throw badInput("That is in the past. Pick a date ahead.");
    if (tooFarAhead(to, now))
      throw badInput(
        `That is more than ${maxYearsAhead} years ahead. Pick a date within ${maxYearsAhead} years.`,
      );
  }
  const moved = await change(deps, actor, input, (c) => {
    if (to.getTime() === c.dueAt.getTime()) {
      throw new CooError(
        "bad_input",
        `${formatId("commitment", c.number)} is already due then. Give a different date.`,
      );
    }
    return {
      data: { dueAt: to, lastTouchedAt: now, snoozedUntil: null },
      history: { kind: "redated", fromDueAt: c.dueAt, toDueAt: to, at: now },
    };
  });
  return { ...moved, owner };
}

/** Hands a commitment to another real person of the workspace, who is told by DM. */
export async function reassignCommitment(
  deps: UseCaseDeps,
  actor: Actor,
  input: Change & { to: string },
): Promise<{ commitment: CommitmentRow; owner: Profile }> {
  const owner = await deps.people.member(input.workspaceId, input.to);
  const now = deps.clock.now();
  const { after } = await change(deps, actor, input, (c) => {
    if (input.to === c.ownerId) {
      throw new CooError("bad_input", `<@${c.ownerId}> already owns ${formatId("commitment", c.number)}.`);
    }
    return {
      data: { ownerId: input.to, lastTouchedAt: now },
      history: { kind: "reassigned", fromOwnerId: c.ownerId, toOwnerId: input.to, at: now },
    };
  });
  await notify(
    deps,
    input.workspaceId,
    input.to,
    handedNotice(after, actor.slackUserId, owner.timeZone, now),
  );
  return { commitment: after, owner };
}

/** The owner says the date still holds (weekly planning). */
export async function confirmCommitment(deps: UseCaseDeps, actor: Actor, input: Change) {
  const now = deps.clock.now();
  const { after } = await change(deps, actor, input, (c) => ({
    data: { lastTouchedAt: now },
    history: { kind: "confirmed", fromDueAt: c.dueAt, toDueAt: c.dueAt, at: now },
  }));
  return after;
}

/**
 * No chasing about a commitment until `until` (a nudge's Snooze, `/coo
 * snooze`): the owner's own call; the date stays. The history keeps it.
 */
export async function snoozeCommitment(deps: UseCaseDeps, actor: Actor, input: Change & { until: Date }) {
  const now = deps.clock.now();
  const { after } = await change(
    deps,
    actor,
    input,
    () => ({
      data: { snoozedUntil: input.until },
      history: { kind: "snoozed", snoozedUntil: input.until, at: now },
    }),
    "own_commitment",
  );
  return after;
}

/** A sign of life (the owner asked for help with it): it is no longer "no update since made". */
export async function touchCommitment(deps: Pick<Deps, "db" | "clock">, input: { commitmentId: number }) {
  await touch(deps, input.commitmentId, deps.clock.now());
}

/** A list as carried in messages and buttons: mine, u:<user>, w:<workstream>, all. */
export type ListTarget = string;

/** Open commitments for a target, soonest first, a page at a time. */
export async function openCommitments(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; viewerId: string; target: ListTarget; offset: number; limit: number },
): Promise<{ items: CommitmentRow[]; total: number }> {
  const { workspaceId, target } = input;
  let filter: CommitmentFilter;
  if (target === "all") filter = { kind: "all" };
  else if (target === "mine") filter = { kind: "owner", userId: input.viewerId };
  else if (target.startsWith("u:")) filter = { kind: "owner", userId: target.slice(2) };
  else {
    const stream = await findWorkstream(deps, workspaceId, target.slice(2));
    filter = { kind: "workstream", workstreamId: stream.id, name: stream.name };
  }
  return listOpenCommitments(deps, workspaceId, filter, { offset: input.offset, limit: input.limit });
}

/** A person's delivery record and their first few open commitments. */
export async function statusOf(
  deps: Pick<Deps, "db" | "clock">,
  input: { workspaceId: string; userId: string; limit: number },
): Promise<{ record: DeliveryRecord; open: { items: CommitmentRow[]; total: number } }> {
  const now = deps.clock.now();
  const [record, open] = await Promise.all([
    deliveryRecord(deps, input.workspaceId, input.userId, now),
    listOpenCommitments(
      deps,
      input.workspaceId,
      { kind: "owner", userId: input.userId },
      { offset: 0, limit: input.limit },
    ),
  ]);
  return { record, open };
}

/** A commitment and its latest changes, oldest first. */
export function historyOf(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; number: number; limit: number },
) {
  return commitmentHistory(deps, input.workspaceId, input.number, input.limit);
}

/** What the Slip form needs: the commitment, its owner's zone, and the day after it is due (or today). */
export async function slipForm(
  deps: Pick<Deps, "db" | "clock" | "people">,
  workspaceId: string,
  number: number,
) {
  const commitment = await findCommitment(deps, workspaceId, number);
  const owner = await deps.people.profile(workspaceId, commitment.ownerId);
  return { commitment, owner };
}

/** A bet a workstream is tied to, as the bets feature found it (open, of this workspace). */
export type BetRef = { id: number; number: number; title: string };

export type WorkstreamResult = {
  outcome: "created" | "unchanged" | "changed";
  ownerId: string;
  previousOwner?: string;
  /** Set when this change tied the stream to it. */
  tiedTo?: BetRef;
};

/**
 * `/coo workstream`: creates one owned by someone real, or hands it over
 * (its owner, an admin or a seat may), and may tie it to a bet. Without an
 * owner, a new stream is the actor's and an existing one is handed to the
 * actor, unless the command only ties it to a bet. A stream is under one
 * bet: tying it again, or to another bet, is refused and nothing is written
 * (moving it between bets is not this command's to do).
 */
export async function setWorkstream(
  deps: UseCaseDeps,
  actor: Actor,
  input: { workspaceId: string; name: string; ownerId?: string | undefined; bet?: BetRef | undefined },
): Promise<WorkstreamResult> {
  const { workspaceId, name, bet } = input;
  const named = input.ownerId ?? (bet ? undefined : actor.slackUserId);
  if (named && named !== actor.slackUserId) await deps.people.member(workspaceId, named);
  const existing = await workstreamNamed(deps, workspaceId, name);
  if (!existing) {
    const ownerId = named ?? actor.slackUserId;
    await createWorkstream(deps, { workspaceId, name, ownerId, betId: bet?.id });
    return { outcome: "created", ownerId, ...(bet ? { tiedTo: bet } : {}) };
  }
  await authorize(actor, { kind: "change_workstream", workstream: existing });
  if (bet && existing.bet) {
    const under = `*${formatId("bet", existing.bet.number)}* ${quote(existing.bet.title)}`;
    throw new CooError(
      "conflict",
      existing.betId === bet.id
        ? `#${name} is already under ${under}. Nothing changed.`
        : `#${name} is under ${under}, not ${formatId("bet", bet.number)}. Moving a workstream to another bet is a separate step; nothing changed.`,
    );
  }
  const ownerId = named ?? existing.ownerId;
  const newOwner = ownerId === existing.ownerId ? undefined : ownerId;
  if (!newOwner && !bet) return { outcome: "unchanged", ownerId };
  if (!(await changeWorkstream(deps, existing.id, { ownerId: newOwner, betId: bet?.id })))
    throw new CooError("conflict", `#${name} changed while you were looking. Try again.`);
  return {
    outcome: newOwner ? "changed" : "unchanged",
    ownerId,
    ...(newOwner ? { previousOwner: existing.ownerId } : {}),
    ...(bet ? { tiedTo: bet } : {}),
  };
}

/** A commitment by its row id (a job's payload), with its workstream's owner and bet. */
export async function commitmentWithStream(deps: Pick<Deps, "db">, id: number) {
  return (await commitmentAndStream(deps, id)) ?? undefined;
}

/** The workstreams under any of these bets (of this workspace), by name. */
export function workstreamsOfBets(deps: Pick<Deps, "db">, input: { workspaceId: string; betIds: number[] }) {
  if (input.betIds.length === 0) return Promise.resolve([]);
  return workstreamsUnder(deps, input.workspaceId, input.betIds);
}

/** The work of some workstreams: their open commitments, soonest first, and how many each has done. */
export async function workInStreams(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; workstreamIds: number[] },
): Promise<{ open: CommitmentRow[]; done: Map<number, number> }> {
  const { workspaceId, workstreamIds } = input;
  if (workstreamIds.length === 0) return { open: [], done: new Map() };
  const [open, done] = await Promise.all([
    openInStreams(deps, workspaceId, workstreamIds),
    doneInStreams(deps, workspaceId, workstreamIds),
  ]);
  return { open, done };
}

export function workstreams(deps: Pick<Deps, "db">, workspaceId: string) {
  return workstreamsWithOpenWork(deps, workspaceId);
}

/**
 * Open commitments a question is about: titles naming any of `words` (all,
 * without words), overdue or due by a date when asked, soonest first.
 */
export function openCommitmentsAbout(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; words: string[]; overdueAt?: Date; dueBy?: Date; limit: number },
): Promise<CommitmentRow[]> {
  const { workspaceId, limit, ...filter } = input;
  return openCommitmentsNaming(deps, workspaceId, filter, limit);
}

/**
 * Commitments, open or not, a question names ("did sam send the vendor
 * shortlist?"): of `ownerId` when given, open ones first.
 */
export function commitmentsAbout(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; words: string[]; ownerId?: string | undefined; limit: number },
): Promise<CommitmentRow[]> {
  const { workspaceId, limit, ...filter } = input;
  return commitmentsNaming(deps, workspaceId, filter, limit);
}

/** Open work handed on from a person since `since` (who picked it up while they are away). */
export function handedOnFrom(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; userId: string; since: Date; limit: number },
): Promise<Array<{ toOwnerId: string | null; at: Date; commitment: CommitmentRow }>> {
  return reassignedFrom(deps, input.workspaceId, input.userId, input.since, input.limit);
}

/** Workstreams whose name holds any of `words`, and who owns them. */
export function workstreamsAbout(deps: Pick<Deps, "db">, input: { workspaceId: string; words: string[] }) {
  return workstreamsNaming(deps, input.workspaceId, input.words);
}

/**
 * A DM coo sent (a nudge, planning) whose item for commitment `number` now
 * shows `note` in place of its buttons; the rest of the message stays. The
 * blocks are coo's own record of what it sent; undefined when it has none.
 */
export function markSentItem(
  deps: Pick<Deps, "db">,
  message: SentMessage,
  mark: (blocks: Block[]) => Block[],
): Promise<{ text: string; blocks: Block[] } | undefined> {
  return rewriteSent(deps.db, message, mark);
}

// ---------------------------------------------------------------- capacity

/** The most weeks one capacity check covers. */
const maxCapacityWeeks = 26;
/** How many other people are weighed for a week that is over, and how many are named. */
const candidatesWeighed = 20;
const othersNamed = 2;

type CapacityDeps = Pick<Deps, "db" | "sql" | "clock" | "people">;

/**
 * Capacity the roster can run against (docs/decisions/0024-capacity.md), for
 * `/coo commit`, weekly planning and plan drafting. For each owner, `weeks`
 * weeks from the one holding `from`, each Monday 00:00 to Monday 00:00 in the
 * owner's own time zone:
 *
 * - `load`: their open commitments due that week;
 * - `capacity`: what they land a week, whole (done over the last 8 weeks,
 *   on time or not, divided by 8), with `basis` "history"; with fewer than 4
 *   done in those weeks, the workspace's team default, `basis` "team default";
 * - `over`: load > capacity; then `suggestion.laterWeek` is the Monday of the
 *   nearest later week with room (load < capacity, within 8 weeks past the
 *   last asked about), and `suggestion.others` up to two other people with
 *   room that week: people with work in the same workstreams or channels
 *   first, then any member, the most room first; nobody out of office.
 */
export async function capacityCheck(
  deps: CapacityDeps,
  input: { workspaceId: string; ownerIds: string[]; from: Date; weeks: number },
): Promise<OwnerCapacity[]> {
  const owners = await Promise.all(
    [...new Set(input.ownerIds)].map(async (ownerId) => ({
      ownerId,
      timeZone: (await deps.people.profile(input.workspaceId, ownerId)).timeZone,
    })),
  );
  return checkCapacity(deps, input.workspaceId, owners, input.from, input.weeks);
}

const dayMs = 24 * 3600_000;

/** Instants that hold `weeks` weeks from the one holding `from`, in any time zone. */
const span = (from: Date, weeks: number) => ({
  from: new Date(from.getTime() - 8 * dayMs),
  to: new Date(from.getTime() + (weeks + 1) * 7 * dayMs),
});

async function checkCapacity(
  deps: CapacityDeps,
  workspaceId: string,
  owners: Array<{ ownerId: string; timeZone: string }>,
  from: Date,
  weeks: number,
): Promise<OwnerCapacity[]> {
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > maxCapacityWeeks)
    throw new Error(`a capacity check covers 1 to ${maxCapacityWeeks} weeks, not ${weeks}`);
  if (owners.length === 0) return [];
  const now = deps.clock.now();
  const tally = await capacityTally(deps, {
    workspaceId,
    ownerIds: owners.map((o) => o.ownerId),
    since: landedSince(now),
    ...span(from, weeks + lookAheadWeeks),
  });
  const reports = owners.map((o) =>
    ownerWeeks(o, { ...tallyOf(tally, o.ownerId), teamDefault: tally.teamDefault }, from, weeks),
  );
  await suggestOthers(deps, workspaceId, reports, tally, now);
  return reports;
}

const tallyOf = (tally: CapacityTally, ownerId: string) => ({
  landed: tally.landed.get(ownerId) ?? 0,
  due: tally.due.filter((d) => d.ownerId === ownerId).map((d) => ({ at: d.dueAt, n: d.n })),
});

/**
 * Fills in who else has room in each week that is over: people with work in
 * the week's workstreams or channels first, then any member. Their own
 * capacity and load are read the same way, in their own zones.
 */
async function suggestOthers(
  deps: CapacityDeps,
  workspaceId: string,
  reports: OwnerCapacity[],
  tally: CapacityTally,
  now: Date,
): Promise<void> {
  const over = reports.flatMap((r) => r.weeks.filter((w) => w.over).map((week) => ({ owner: r, week })));
  if (over.length === 0) return;
  const work = (o: (typeof over)[number]) =>
    tally.due.filter((d) => d.ownerId === o.owner.ownerId && d.dueAt >= o.week.start && d.dueAt < o.week.end);
  const overWork = over.flatMap(work);
  // Whoever is over in a week checked here has no room to give: they are not weighed.
  const overOwners = unique(over.map((o) => o.owner.ownerId));
  const earliest = new Date(Math.min(...over.map((o) => o.week.start.getTime())));
  const { sharing, candidates } = await peopleWithRoom(
    deps,
    workspaceId,
    {
      workstreamIds: unique(overWork.flatMap((d) => (d.workstreamId === null ? [] : [d.workstreamId]))),
      channelIds: unique(overWork.flatMap((d) => (d.channelId === null ? [] : [d.channelId]))),
      since: landedSince(now),
      exclude: overOwners,
      at: earliest,
    },
    candidatesWeighed,
  );
  if (candidates.length === 0) return;
  const latest = new Date(Math.max(...over.map((o) => o.week.end.getTime())));
  const theirs = await capacityTally(deps, {
    workspaceId,
    ownerIds: candidates.map((c) => c.userId),
    since: landedSince(now),
    from: new Date(earliest.getTime() - 8 * dayMs),
    to: new Date(latest.getTime() + 8 * dayMs),
  });
  for (const o of over) {
    const streams = new Set(work(o).map((d) => d.workstreamId));
    const channels = new Set(work(o).map((d) => d.channelId));
    const near = new Set(
      sharing
        .filter(
          (s) =>
            (s.workstreamId !== null && streams.has(s.workstreamId)) ||
            (s.channelId !== null && channels.has(s.channelId)),
        )
        .map((s) => s.userId),
    );
    const room = candidates.flatMap((c) => {
      const { landed, due } = tallyOf(theirs, c.userId);
      const { capacity } = capacityFrom(landed, theirs.teamDefault);
      // Their own week that holds this one's Thursday; a zone never read from Slack is taken as the owner's.
      const spare = capacity - loadIn(due, sameWeekFor(o.week, c.timeZone ?? o.owner.timeZone));
      return spare > 0 ? [{ id: c.userId, near: near.has(c.userId), spare }] : [];
    });
    room.sort((a, b) => Number(b.near) - Number(a.near) || b.spare - a.spare || a.id.localeCompare(b.id));
    if (o.week.suggestion) o.week.suggestion.others = room.slice(0, othersNamed).map((r) => r.id);
  }
}

const unique = <T>(items: T[]) => [...new Set(items)];

/**
 * `/coo capacity`: the team default a week, and with `perWeek`, set first (an
 * admin or a seated executive may; a whole number from 1 to 50).
 */
export async function teamCapacity(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string; perWeek?: number | undefined },
): Promise<{ perWeek: number; was: number | undefined }> {
  const current = await teamCapacityOf(deps, input.workspaceId);
  if (input.perWeek === undefined) return { perWeek: current, was: undefined };
  await authorize(actor, { kind: "change_settings", setting: "the team's weekly capacity" });
  const { min, max } = teamDefaultRange;
  if (!Number.isInteger(input.perWeek) || input.perWeek < min || input.perWeek > max)
    throw badInput(teamCapacityChoices);
  await setTeamCapacity(deps, input.workspaceId, input.perWeek);
  return { perWeek: input.perWeek, was: current };
}

// ---------------------------------------------------------------- planned work (bets)

/** How many open commitments each person has due in the next `days` days (their load, for planning). */
export function openLoad(
  deps: Pick<Deps, "db" | "clock">,
  input: { workspaceId: string; userIds: string[]; days: number },
): Promise<Map<string, number>> {
  const until = new Date(deps.clock.now().getTime() + input.days * 24 * 3600 * 1000);
  return openDueBy(deps, input.workspaceId, input.userIds, until);
}

/** One part of a confirmed plan: a workstream, its owner and their first milestone. */
export type PlannedPart = { stream: string; ownerId: string; title: string; dueAt: Date };

/**
 * A confirmed plan for a bet, written inside the caller's transaction (which
 * also holds the draft's confirmation and the owners' DMs): each workstream
 * is created under the bet, or an existing one under no bet is tied to it
 * (its owner stays); each first milestone becomes a commitment of the part's
 * owner in that stream, with its history. A stream that carries another bet
 * by now is refused, and the whole transaction with it.
 */
export async function recordPlannedWork(
  tx: Prisma.TransactionClient,
  input: {
    workspaceId: string;
    actorId: string;
    bet: { id: number; number: number };
    parts: PlannedPart[];
    now: Date;
  },
): Promise<CommitmentRow[]> {
  const { workspaceId, bet } = input;
  const recorded: CommitmentRow[] = [];
  for (const part of input.parts) {
    const existing = await workstreamNamedIn(tx, workspaceId, part.stream);
    const stream =
      existing ??
      (await createWorkstreamIn(tx, {
        workspaceId,
        name: part.stream,
        ownerId: part.ownerId,
        betId: bet.id,
      }));
    if (existing && existing.betId !== bet.id) {
      const taken = existing.bet ? ` by ${formatId("bet", existing.bet.number)}` : "";
      if (existing.betId !== null || !(await tieWorkstreamIn(tx, existing.id, bet.id)))
        throw new CooError(
          "conflict",
          `#${part.stream} was taken${taken} since this plan was drafted, so nothing was recorded. Draft it again: \`/coo plan ${formatId("bet", bet.number)}\`.`,
        );
    }
    recorded.push(
      await createCommitmentIn(
        tx,
        {
          workspaceId,
          actorId: input.actorId,
          ownerId: part.ownerId,
          title: part.title,
          dueAt: part.dueAt,
          workstreamId: stream.id,
        },
        input.now,
      ),
    );
  }
  return recorded;
}

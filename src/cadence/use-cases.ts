import { dueDuringLeave } from "../availability/use-cases.js";
import type { Deps } from "../deps.js";
import { badInput, CooError, notFound } from "../errors.js";
import type { Cadence, CadenceKind, OutboxMessage } from "../generated/prisma/client.js";
import { enqueue, type Outgoing } from "../jobs/outbox.js";
import { type Actor, authorize } from "../policy.js";
import { echo } from "../slack/mentions.js";
import { ensureWithinReach, parseWhen } from "../time/when.js";
import { isoDate } from "../time/zoned.js";
import type { CadenceEngine } from "./engine.js";
import {
  alreadyScheduled,
  type CadenceChange,
  failureNotice,
  type SkipChange,
  standupUsage,
} from "./messages.js";
import {
  addSkipDay,
  cadenceById,
  cadenceOfKind,
  cadencesIn,
  cadencesJoinedBy,
  cadencesOf,
  createCadence,
  deleteCadence,
  findCadence,
  pauseCadence,
  removeSkipDay,
  resumeCadence,
  runningCadences,
  setOutOfOffice,
} from "./queries.js";
import { nextSlot } from "./slots.js";

/*
 * The cadence feature's operations: scheduling standups, reviews and
 * plannings in a channel, pausing, resuming and removing them, skip days
 * and time out of office. Each takes the person acting and a plain input;
 * none knows Slack (channels are asked through `deps.channels`). The
 * scheduler itself is engine.ts, with each kind's handler plugged in.
 */

export type { CadenceEngine, KindHandler, RunContext } from "./engine.js";
export { type LeftReason, pauseWorkspace, resumeWorkspace } from "./queries.js";
export { nextSlot } from "./slots.js";
export type { Cadence, CadenceKind };

/** What a change to a schedule needs besides the usual: the timers, rebuilt after it. */
export type CadenceDeps = Deps & { engine: Pick<CadenceEngine, "rebuild"> };

const skipUsage = "`/coo skip <date>` or `/coo skip off <date>`";
const oooUsage = "`/coo ooo until <when>` or `/coo ooo off`";

/**
 * A standup, review or planning in a channel, one of each kind per channel,
 * in the zone given or the actor's own. coo first makes sure it can post
 * there (joining a public channel); `again` is the command to run once it is in.
 */
export async function scheduleCadence(
  deps: CadenceDeps,
  actor: Actor,
  input: {
    workspaceId: string;
    channelId: string;
    kind: CadenceKind;
    time: string;
    days: number[];
    timezone?: string | undefined;
    again: string;
  },
): Promise<{ cadence: Cadence; joined: boolean }> {
  const { workspaceId, channelId, kind } = input;
  const existing = await cadenceOfKind(deps, workspaceId, channelId, kind);
  if (existing) throw new CooError("conflict", alreadyScheduled(existing, deps.clock.now()));
  const timezone = input.timezone ?? actor.timeZone;
  // Before promising anything: coo must be able to post here when the time comes.
  const joined = await deps.channels.join(workspaceId, channelId, input.again);
  const cadence = await createCadence(deps, {
    workspaceId,
    channelId,
    kind,
    time: input.time,
    days: input.days,
    timezone,
    createdById: actor.slackUserId,
    activeFrom: deps.clock.now(),
    ...(kind === "standup" ? {} : { closeAfterMinutes: 0, remindAfterMinutes: 0 }),
  });
  await deps.engine.rebuild();
  return { cadence, joined: joined === "joined" };
}

export function listCadences(deps: Pick<Deps, "db">, workspaceId: string): Promise<Cadence[]> {
  return cadencesOf(deps, workspaceId);
}

/**
 * Pauses, resumes or removes a cadence: whoever set it up, an admin or a
 * seat may. Slots missed while paused are not caught up on resume.
 */
export async function changeCadence(
  deps: CadenceDeps,
  actor: Actor,
  input: { workspaceId: string; number: number; verb: "pause" | "resume" | "remove" },
): Promise<CadenceChange> {
  const cadence = await findCadence(deps, input.workspaceId, input.number);
  const person = await authorize(actor, { kind: "change_cadence", cadence });
  if (input.verb === "remove") {
    await deleteCadence(deps, cadence.id);
    await deps.engine.rebuild();
    return { outcome: "removed", cadence };
  }
  const paused = input.verb === "pause";
  if (cadence.paused === paused) return { outcome: "unchanged", cadence };
  const now = deps.clock.now();
  const updated = paused
    ? await pauseCadence(deps, cadence.id, person.slackUserId, now)
    : await resumeCadence(deps, cadence.id, now);
  await deps.engine.rebuild();
  return { outcome: paused ? "paused" : "resumed", cadence: updated };
}

/**
 * A holiday for a channel: no cadence runs there that day (`off`: the day
 * is a working day again). The day is read in the channel's cadence zone.
 * Skipping a day cancels everyone's standup there, so only the people who
 * may change the channel's cadences may.
 */
export async function skipDay(
  deps: Pick<Deps, "db" | "clock">,
  actor: Actor,
  input: { workspaceId: string; channelId: string; when: string; off: boolean },
): Promise<SkipChange> {
  const { workspaceId, channelId, off } = input;
  const cadences = await cadencesIn(deps, workspaceId, channelId);
  if (cadences.length === 0)
    throw notFound(
      `No cadence runs in this channel, so there is nothing to skip. ${standupUsage} sets one up.`,
    );
  await authorize(actor, { kind: "skip_day", cadences });
  const timeZone = cadences[0]?.timezone ?? actor.timeZone;
  const now = deps.clock.now();
  const when = parseWhen(input.when, { now, timeZone });
  if (!when)
    throw badInput(
      `I can't read ${echo(input.when)} as a date. ${skipUsage}, e.g. \`/coo skip 2026-12-24\`.`,
    );
  if (!off) ensureWithinReach(when.at, now, input.when, "`/coo skip friday`");
  const date = isoDate(when.at, timeZone);
  if (off) return { date, off, changed: await removeSkipDay(deps, { workspaceId, channelId, date }) };
  if (date < isoDate(now, timeZone)) throw badInput(`${date} is in the past. Give today or a later day.`);
  const changed = await addSkipDay(deps, { workspaceId, channelId, date, createdById: actor.slackUserId });
  return { date, off, changed };
}

/**
 * The actor is out of office until a date (read in their zone), from now or
 * from a later date: no standup prompts or pings then. Leave that starts now
 * comes with the open work due during it, to settle before going (leave that
 * starts later is warned about by the sweep, once, before it starts).
 */
export async function goAway(
  deps: Pick<Deps, "db" | "clock">,
  actor: Actor,
  input: { workspaceId: string; until: string; from?: string | undefined },
): Promise<{ until: Date; from: Date | undefined; dueDuring: Awaited<ReturnType<typeof dueDuringLeave>> }> {
  const typed = input.until;
  const now = deps.clock.now();
  const when = parseWhen(typed, { now, timeZone: actor.timeZone });
  if (!when)
    throw badInput(`I can't read ${echo(typed)} as a date. ${oooUsage}, e.g. \`/coo ooo until 2026-12-24\`.`);
  if (when.at <= now) throw badInput(`${echo(typed)} is in the past. ${oooUsage}`);
  ensureWithinReach(when.at, now, typed, "`/coo ooo until Friday`");
  let from: Date | undefined;
  if (input.from) {
    // A day without a time means from the start of that day.
    const start =
      parseWhen(`${input.from} 00:00`, { now, timeZone: actor.timeZone }) ??
      parseWhen(input.from, { now, timeZone: actor.timeZone });
    if (!start)
      throw badInput(
        `I can't read ${echo(input.from)} as a date. \`/coo ooo from 2026-12-21 until 2027-01-04\`.`,
      );
    if (start.at >= when.at)
      throw badInput(`Leave must end after it starts. \`/coo ooo from 2026-12-21 until 2027-01-04\`.`);
    if (start.at > now) from = start.at;
  }
  await setOutOfOffice(deps, input.workspaceId, actor.slackUserId, when.at, from ?? null);
  const dueDuring = from
    ? []
    : await dueDuringLeave(deps, {
        workspaceId: input.workspaceId,
        userId: actor.slackUserId,
        from: now,
        until: when.at,
      });
  return { until: when.at, from, dueDuring };
}

/** The actor is back: standups and reminders include them again. */
export async function comeBack(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string },
): Promise<void> {
  await setOutOfOffice(deps, input.workspaceId, actor.slackUserId, null);
}

/**
 * A cadence message that can never be delivered (channel gone, bot removed,
 * a message Slack refuses) is told to whoever set the cadence up, with what
 * went wrong and what to do, instead of being retried forever. Also used when
 * a run cannot open at all (its channel's members cannot be read).
 */
export async function reportFailure(
  deps: Pick<Deps, "db">,
  message: Pick<OutboxMessage, "cadenceId" | "threadTs">,
  error: string,
): Promise<void> {
  if (!message.cadenceId) return;
  const cadence = await cadenceById(deps, message.cadenceId);
  if (!cadence) return;
  // Queued only: this runs inside the outbox's own send, and the poll loop delivers it.
  await deps.db.$transaction((tx) =>
    enqueue(tx, [failureMessage(cadence, Boolean(message.threadTs), error)]),
  );
}

/** The DM telling whoever set a cadence up that Slack refused one of its messages or its channel. */
export function failureMessage(cadence: Cadence, inThread: boolean, error: string): Outgoing {
  return {
    workspaceId: cadence.workspaceId,
    userId: cadence.createdById,
    text: failureNotice(cadence, inThread, error),
  };
}

/**
 * The soonest next run among the cadences a person took part in (or, when
 * they took part in none, any running in the workspace).
 */
export async function nextCadenceFor(
  deps: Pick<Deps, "db" | "clock">,
  input: { workspaceId: string; userId: string },
): Promise<{ kind: string; channelId: string; at: Date; timeZone: string } | undefined> {
  const now = deps.clock.now();
  const joined = await cadencesJoinedBy(deps, input.workspaceId, input.userId);
  const running = await runningCadences(deps, input.workspaceId, joined.length ? joined : undefined);
  const next = running
    .map((c) => ({ c, at: nextSlot(c, now) }))
    .filter((x): x is { c: Cadence; at: Date } => x.at !== undefined)
    .sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  return next && { kind: next.c.kind, channelId: next.c.channelId, at: next.at, timeZone: next.c.timezone };
}

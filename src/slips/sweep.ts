import { randomBytes } from "node:crypto";
import { dueDuringLeaveNote } from "../availability/messages.js";
import {
  availableAmong,
  type Calendar,
  calendars,
  clockMs,
  endOfNextWorkingDayFor,
  isAvailableAt,
  upcomingLeave,
} from "../availability/use-cases.js";
import type { Deps } from "../deps.js";
import type { Workspace } from "../generated/prisma/client.js";
import { reviewSignals } from "../github/use-cases.js";
import { groupBy } from "../group.js";
import { sweepHandoffs } from "../handoffs/use-cases.js";
import type { Outgoing } from "../jobs/outbox.js";
import { ScheduledJob } from "../jobs/schedule.js";
import { isoDate } from "../time/zoned.js";
import { classify, isWorkingHours, nextStep, policyOf, type Risk, type Step } from "./classify.js";
import { noticesMessage, nudgeMessage, withNotices } from "./messages.js";
import type { StepToTake } from "./queries.js";
import {
  type AtRisk,
  driftStreaks,
  heldNotices,
  lastNoticeTo,
  lastStepDmTo,
  markNoticesSent,
  peopleOf,
  recordSteps,
  slipSigns,
  stepsTaken,
  sweepCandidates,
  workspaceById,
  workspacesByIds,
} from "./queries.js";

/** The job the sweep's timer enqueues, once per slot however many processes run the timer. */
export const sweepJobs = "slips.sweep";
/** At-risk needs "by the end of the next working day": over a weekend that is up to four days out. */
const horizonMs = 5 * 24 * 3600_000;

export type SweepReport = {
  candidates: number;
  flagged: number;
  sent: number;
  messages: number;
  /** Milliseconds to find, decide and record (with the messages queued); delivery is after. */
  decideMs: number;
  /** Milliseconds the queued messages then took to reach Slack. */
  deliverMs: number;
};

type Item = {
  commitment: AtRisk;
  risk: Risk;
  step: Step;
  to: { kind: "user" | "channel"; id: string };
  /** The steps already taken about this due date, for a message past the owner to say. */
  tried: Partial<Record<Step, Date>>;
};

/**
 * Finds commitments that are overdue, at risk or drifting and takes each one
 * step up the escalation ladder, once. Its timer enqueues one job per slot,
 * so one process sweeps; an Escalation row per (commitment, step, due date),
 * written before anything is sent (one sweep's writes at a time), keeps any
 * ping from repeating.
 * People are only pinged in their working hours and not while out of office,
 * with all their items in one DM.
 */
export class SlipSweeper {
  private timer: ScheduledJob | undefined;

  constructor(
    private readonly deps: Deps,
    private readonly options: { cron: string; timers: boolean },
  ) {}

  /**
   * The timer only enqueues: one job per slot (every process's timer writes
   * the same key), which whichever process claims it runs.
   */
  async start(): Promise<void> {
    this.deps.outbox.handle(sweepJobs, async () => {
      await this.sweep();
      return undefined;
    });
    this.timer = new ScheduledJob(this.deps, {
      name: "coo-slip-sweep",
      cron: this.options.cron,
      queue: sweepJobs,
      timers: this.options.timers,
    });
    await this.timer.start();
  }

  async stop(): Promise<void> {
    await this.timer?.stop();
  }

  async sweep(): Promise<SweepReport> {
    const now = this.deps.clock.now();
    const sweepId = randomBytes(6).toString("hex");
    const report: SweepReport = {
      candidates: 0,
      flagged: 0,
      sent: 0,
      messages: 0,
      decideMs: 0,
      deliverMs: 0,
    };
    const started = performance.now();
    const ids = await this.decide(now, sweepId, report);
    report.decideMs = Math.round(performance.now() - started);
    if (ids.length === 0) return report;
    await this.deps.outbox.deliver(ids);
    report.deliverMs = Math.round(performance.now() - started - report.decideMs);
    this.deps.metrics.pings.inc(report.sent);
    this.deps.log.info("slip sweep", { ...report, sweepId });
    return report;
  }

  /** Finds what needs chasing, records each step and queues its messages; fills in `report`. */
  private async decide(now: Date, sweepId: string, report: SweepReport): Promise<number[]> {
    const { deps } = this;
    const streaks = await driftStreaks(deps);
    const held = await reviewSignals(deps, { now });
    const candidates = await sweepCandidates(deps, now, new Date(now.getTime() + horizonMs), [
      ...streaks.keys(),
      ...held.keys(),
    ]);
    report.candidates = candidates.length;
    report.sent += await sweepHandoffs(deps, {
      now,
      sweepId,
      policyOf: async (workspaceId) => {
        const w = await workspaceById(deps, workspaceId);
        const policy = w ? policyOf(w) : undefined;
        return (
          policy && {
            ...policy,
            isWorkingHours: (at, zone) => isWorkingHours(at, zone, policy),
            // Handoff nudges wait for someone away like every other ping.
            isAvailable: async (workspaceId, userId, at) =>
              (await availableAmong(deps, workspaceId, [userId], at)).has(userId),
          }
        );
      },
    });
    const leaving = await upcomingLeave(deps, now);
    // DMs held for their recipient's hours (a heads-up, a help request): sent from here, on the business clock.
    const notices = await heldNotices(deps);
    if (candidates.length === 0 && leaving.every((l) => l.due.length === 0) && notices.length === 0)
      return [];

    const workspaceIds = [
      ...new Set([
        ...candidates.map((c) => c.workspaceId),
        ...leaving.map((l) => l.workspaceId),
        ...notices.map((n) => n.workspaceId),
      ]),
    ];
    const workspaces = new Map((await workspacesByIds(deps, workspaceIds)).map((w) => [w.id, w]));
    const people = await peopleOf(deps, workspaceIds);
    const personOf = new Map(people.map((p) => [`${p.workspaceId}:${p.slackUserId}`, p]));
    const ceoOf = new Map(people.filter((p) => p.seat === "ceo").map((p) => [p.workspaceId, p.slackUserId]));
    const sent = new Map<number, Partial<Record<Step, Date>>>();
    const dueOf = new Map(candidates.map((c) => [c.id, c.dueAt.getTime()]));
    for (const row of await stepsTaken(
      deps,
      candidates.map((c) => c.id),
    )) {
      if (row.step === "warn_leave") continue;
      if (dueOf.get(row.commitmentId) !== row.dueAt.getTime()) continue; // about an earlier due date
      sent.set(row.commitmentId, { ...sent.get(row.commitmentId), [row.step]: row.sentAt });
    }

    // Everyone a ping could reach, with their calendar (days, hours, holidays, leave): one query a workspace.
    const calendarOf = new Map<string, Calendar>();
    for (const workspaceId of workspaceIds) {
      const ids = new Set<string>(leaving.filter((l) => l.workspaceId === workspaceId).map((l) => l.userId));
      for (const n of notices) if (n.workspaceId === workspaceId) ids.add(n.userId);
      for (const c of candidates.filter((c) => c.workspaceId === workspaceId)) {
        ids.add(c.ownerId);
        if (c.workstream?.ownerId) ids.add(c.workstream.ownerId);
      }
      const ceo = ceoOf.get(workspaceId);
      if (ceo) ids.add(ceo);
      for (const [userId, calendar] of await calendars(deps, workspaceId, [...ids]))
        calendarOf.set(`${workspaceId}:${userId}`, calendar);
    }
    const zoneOf = (workspaceId: string, userId: string) =>
      calendarOf.get(`${workspaceId}:${userId}`)?.timeZone ??
      personOf.get(`${workspaceId}:${userId}`)?.timezone ??
      workspaces.get(workspaceId)?.timezone ??
      deps.config.defaultTimeZone;
    /** At work now in their own calendar: their days, hours, holidays, and no leave. */
    const available = (workspaceId: string, userId: string) => {
      const calendar = calendarOf.get(`${workspaceId}:${userId}`);
      return calendar ? isAvailableAt(calendar, now) : false;
    };

    // The noise budget: someone DM'd a step today (in their zone) waits for tomorrow's digest.
    // A heads-up sent counts in the same budget as a step.
    const everyone = [...new Set(people.map((p) => p.slackUserId))];
    const since = new Date(now.getTime() - 2 * 24 * 3600_000);
    const lastDm = await lastStepDmTo(deps, everyone, since);
    for (const [key, at] of await lastNoticeTo(deps, everyone, since))
      if (at > (lastDm.get(key) ?? new Date(0))) lastDm.set(key, at);
    const modeOf = (workspaceId: string, userId: string) =>
      personOf.get(`${workspaceId}:${userId}`)?.pings ?? "digest";
    const heardToday = (workspaceId: string, userId: string) => {
      if (modeOf(workspaceId, userId) === "all") return false;
      const last = lastDm.get(`${workspaceId}:${userId}`);
      const zone = zoneOf(workspaceId, userId);
      return last !== undefined && isoDate(last, zone) === isoDate(now, zone);
    };

    const signs = await slipSigns(deps, now, candidates);
    const items: Item[] = [];
    for (const c of candidates) {
      const workspace = workspaces.get(c.workspaceId);
      if (!workspace) continue;
      const policy = policyOf(workspace);
      const ownerCalendar = calendarOf.get(`${c.workspaceId}:${c.ownerId}`);
      const ownerZone = zoneOf(c.workspaceId, c.ownerId);
      const risk = classify(
        { ...c, todayStreak: streaks.get(c.id) ?? 0, inReview: held.has(c.id), signs: signs.get(c.id) },
        now,
        ownerZone,
        ownerCalendar && endOfNextWorkingDayFor(ownerCalendar, now),
      );
      if (!risk) continue;
      report.flagged++;
      // The owner away (leave, a holiday, a day off, outside hours): the whole ladder waits for them.
      if (!available(c.workspaceId, c.ownerId)) continue;
      const elapsed = ownerCalendar ? (since: Date) => clockMs(ownerCalendar, since, now) : undefined;
      const step = nextStep(risk, sent.get(c.id) ?? {}, c.dueAt, now, policy, elapsed);
      if (!step) continue;
      const to = recipient(c, step, workspace, ceoOf.get(c.workspaceId));
      if (!to) continue;
      // Nobody is pinged while away; a channel post waits for the owner's hours.
      if (to.kind === "user" && !available(c.workspaceId, to.id)) continue;
      if (to.kind === "user") {
        if (modeOf(c.workspaceId, to.id) === "overdue" && to.id === c.ownerId && risk !== "overdue") continue;
        if (heardToday(c.workspaceId, to.id)) continue;
      }
      items.push({ commitment: c, risk, step, to, tried: sent.get(c.id) ?? {} });
    }

    // Work due during leave that has not started: told once, before it starts, while the owner is at work.
    const nudged = new Set(
      items.filter((i) => i.to.kind === "user").map((i) => `${i.commitment.workspaceId}:${i.to.id}`),
    );
    const warnings = leaving.filter(
      (l) =>
        l.due.length > 0 &&
        available(l.workspaceId, l.userId) &&
        !nudged.has(`${l.workspaceId}:${l.userId}`) &&
        !heardToday(l.workspaceId, l.userId),
    );
    const warnedBefore = new Set(
      (
        await stepsTaken(
          deps,
          warnings.flatMap((l) => l.due.map((c) => c.id)),
        )
      )
        .filter((r) => r.step === "warn_leave")
        .map((r) => `${r.commitmentId}:${r.dueAt.getTime()}`),
    );
    const leaveSteps: StepToTake[] = warnings.flatMap((l) =>
      l.due
        .filter((c) => !warnedBefore.has(`${c.id}:${c.dueAt.getTime()}`))
        .map((c) => ({
          workspaceId: l.workspaceId,
          commitmentId: c.id,
          step: "warn_leave" as const,
          dueAt: c.dueAt,
          reason: "at_risk" as const,
          recipientId: l.userId,
        })),
    );
    // Held notices whose recipient is at work now: a help request goes at once; a heads-up
    // rides with this sweep's digest to them, or goes alone if they have heard nothing today.
    const warnedNow = new Set(leaveSteps.map((s) => `${s.workspaceId}:${s.recipientId}`));
    const released = notices.filter((n) => {
      const key = `${n.workspaceId}:${n.userId}`;
      if (!available(n.workspaceId, n.userId)) return false;
      if (n.kind === "help_request" || nudged.has(key)) return true;
      return !warnedNow.has(key) && !heardToday(n.workspaceId, n.userId);
    });
    if (items.length === 0 && leaveSteps.length === 0 && released.length === 0) return [];

    const steps: StepToTake[] = [
      ...items.map((i) => ({
        workspaceId: i.commitment.workspaceId,
        commitmentId: i.commitment.id,
        step: i.step,
        dueAt: i.commitment.dueAt,
        reason: i.risk,
        recipientId: i.to.id,
      })),
      ...leaveSteps,
    ];
    const sentNotices: number[] = [];
    // The steps and their messages are written together; the ones another sweep took are dropped.
    return recordSteps(
      deps,
      steps,
      { sweepId, at: now },
      (ours) => {
        const mine = items.filter((i) => ours.has(`${i.commitment.id}:${i.step}`));
        report.sent += mine.length;
        const groups = groupBy(mine, (i) => `${i.commitment.workspaceId}:${i.to.kind}:${i.to.id}`);
        report.messages = groups.size;
        const pending = groupBy(
          released.filter((n) => n.kind === "heads_up"),
          (n) => `${n.workspaceId}:user:${n.userId}`,
        );
        const digests = [...groups.entries()].map(([key, group]) => {
          const base = message(group, now, zoneOf);
          const riding = pending.get(key) ?? [];
          pending.delete(key);
          if (riding.length === 0 || !base.blocks) return base;
          const merged = withNotices(
            { text: base.text, blocks: base.blocks },
            riding.map((n) => n.text),
          );
          sentNotices.push(...riding.slice(0, merged.shown).map((n) => n.id));
          return { ...base, ...merged.message };
        });
        // The rest alone: one DM a person, a help request never held back by the budget.
        const alone = groupBy(
          [...released.filter((n) => n.kind === "help_request"), ...[...pending.values()].flat()].filter(
            (n) => n.kind === "help_request" || !heardToday(n.workspaceId, n.userId),
          ),
          (n) => `${n.workspaceId}:${n.userId}`,
        );
        const noticeDms: Outgoing[] = [...alone.values()].map((list) => {
          const first = list[0] as (typeof list)[number];
          sentNotices.push(...list.map((n) => n.id));
          return {
            workspaceId: first.workspaceId,
            userId: first.userId,
            ...noticesMessage(list.map((n) => n.text)),
          };
        });
        report.messages += noticeDms.length;
        const warned: Outgoing[] = [];
        for (const l of warnings) {
          const due = l.due.filter((c) => ours.has(`${c.id}:warn_leave`));
          const zone = zoneOf(l.workspaceId, l.userId);
          const text = dueDuringLeaveNote(due, l, zone, now);
          if (!text) continue;
          report.sent += due.length;
          warned.push({ workspaceId: l.workspaceId, userId: l.userId, text });
        }
        report.messages += warned.length;
        return [...digests, ...warned, ...noticeDms];
      },
      (tx) => markNoticesSent(tx, sentNotices, now),
    );
  }
}

/** Who hears at a step: the owner, the lead or the channel it was made in, or the seated CEO. */
function recipient(
  c: AtRisk,
  step: Step,
  workspace: Workspace,
  ceo: string | undefined,
): Item["to"] | undefined {
  if (step === "dm_owner" || step === "remind_owner") return { kind: "user", id: c.ownerId };
  if (step === "tell_ceo") return ceo ? { kind: "user", id: ceo } : undefined;
  const lead = c.workstream?.ownerId;
  if (workspace.escalateTo === "lead" && lead && lead !== c.ownerId) return { kind: "user", id: lead };
  if (c.channelId && !c.channelId.startsWith("D")) return { kind: "channel", id: c.channelId };
  return lead && lead !== c.ownerId ? { kind: "user", id: lead } : undefined;
}

/** One recipient's message, in their zone (a channel's in the owner's). */
function message(group: Item[], now: Date, zoneOf: (w: string, u: string) => string): Outgoing {
  const first = group[0] as Item;
  const { to } = first;
  const workspaceId = first.commitment.workspaceId;
  const zone =
    to.kind === "user" ? zoneOf(workspaceId, to.id) : zoneOf(workspaceId, first.commitment.ownerId);
  return {
    workspaceId,
    ...nudgeMessage(group, to.kind, zone, now),
    ...(to.kind === "user" ? { userId: to.id } : { channel: to.id }),
  };
}

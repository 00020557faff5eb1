import { randomBytes } from "node:crypto";
import cron, { type ScheduledTask } from "node-cron";
import type { Deps } from "../deps.js";
import type { Cadence, CadenceKind, CadenceRun, Prisma } from "../generated/prisma/client.js";
import { enqueue, type Outgoing } from "../jobs/outbox.js";
import { cronLogger } from "../log.js";
import { slackError } from "../slack/channels.js";
import { isoDate } from "../time/zoned.js";
import { cronExpression, latestSlot, slotsBetween } from "./slots.js";
import { reportFailure } from "./use-cases.js";

export type RunContext = { run: CadenceRun; cadence: Cadence; now: Date };

/**
 * What a kind of cadence says at each step of a run. Handlers only read and
 * compose; the engine queues their messages in the outbox in the same
 * transaction as the step, so a step and its messages happen together or not at all.
 */
export type KindHandler = {
  /** Opens the run; `closed: true` for runs that are one message. */
  open(ctx: RunContext): Promise<{ participants: string[]; messages: Outgoing[]; closed?: boolean }>;
  remind?(ctx: RunContext): Promise<Outgoing[]>;
  close?(ctx: RunContext): Promise<Outgoing[]>;
};

export type FireResult = "ran" | "taken" | "skipped" | "paused" | "none";

export type EngineOptions = {
  catchUpMinutes: number;
  timers: boolean;
  leaseSeconds: number;
  tickCron: string;
};

const minute = 60_000;

/**
 * Runs cadences on time, once. node-cron fires each cadence at its slot in its
 * own zone; a ticker sends reminders, closes runs, picks up any slot a timer
 * missed (a stall, a DST gap, a restart) inside the catch-up window, and takes
 * over runs whose process died after claiming them. Every run first claims its
 * unique (cadence, slot) row with a lease, so a second timer, a restart or
 * another replica does nothing, and a crash loses nothing.
 */
export class CadenceEngine {
  readonly replicaId = randomBytes(4).toString("hex");
  private readonly handlers = new Map<CadenceKind, KindHandler>();
  private readonly tasks = new Map<number, ScheduledTask>();
  private ticker: ScheduledTask | undefined;
  private signature = "";
  private stopped = false;

  constructor(
    private readonly deps: Deps,
    private readonly options: EngineOptions,
  ) {
    // A run's root message: once Slack has it, its ts is where answers arrive.
    deps.outbox.whenSent("standup_root", async (tx, message, ts) => {
      if (message.runId) await tx.cadenceRun.update({ where: { id: message.runId }, data: { rootTs: ts } });
    });
  }

  handle(kind: CadenceKind, handler: KindHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Builds the timers from the database. The start-up catch-up is `catchUp()`, run by the caller. */
  async start(): Promise<void> {
    await this.rebuild();
    this.ticker = cron.createTask(this.options.tickCron, () => this.tick(), {
      name: "coo-ticker",
      noOverlap: true,
      logger: cronLogger(this.deps.log),
    });
    if (this.options.timers) await this.ticker.start();
  }

  /** Stops taking work: no timer fires after this. Runs in progress finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const task of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    await this.ticker?.destroy();
  }

  /** The node-cron task of a cadence (tests call `execute()` on it). */
  taskFor(cadenceId: number): ScheduledTask | undefined {
    return this.tasks.get(cadenceId);
  }

  /** Rebuilds the timers after a cadence changed (here or, seen by the ticker, on another replica). */
  async rebuild(): Promise<void> {
    if (this.stopped) return;
    const cadences = await this.deps.db.cadence.findMany({ where: { paused: false } });
    for (const task of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    for (const cadence of cadences) {
      const task = cron.createTask(cronExpression(cadence), () => this.fire(cadence.id), {
        timezone: cadence.timezone,
        name: `cadence-${cadence.id}`,
        noOverlap: true,
        logger: cronLogger(this.deps.log),
      });
      if (this.options.timers) await task.start();
      this.tasks.set(cadence.id, task);
    }
    this.signature = await this.currentSignature();
  }

  /** A cadence's timer went off: run its latest slot if it is not too old. */
  async fire(cadenceId: number): Promise<FireResult> {
    if (this.stopped) return "none";
    const now = this.deps.clock.now();
    const cadence = await this.deps.db.cadence.findUnique({ where: { id: cadenceId } });
    if (!cadence) return "none";
    if (cadence.paused) return "paused";
    const slot = latestSlot(cadence, new Date(now.getTime() + minute / 2));
    if (!slot || slot < cadence.activeFrom) return "none";
    if (now.getTime() - slot.getTime() > this.options.catchUpMinutes * minute) {
      await this.record(cadence, slot, "the slot is older than the catch-up window");
      return "skipped";
    }
    return this.runSlot(cadence, slot);
  }

  /** Picks up missed slots and orphaned runs, sends due reminders, closes due runs. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    if ((await this.currentSignature()) !== this.signature) await this.rebuild();
    const cadences = await this.deps.db.cadence.findMany({ where: { paused: false } });
    for (const cadence of cadences) {
      const slot = latestSlot(cadence, now);
      if (
        !slot ||
        slot < cadence.activeFrom ||
        now.getTime() - slot.getTime() > this.options.catchUpMinutes * minute
      )
        continue;
      const exists = await this.deps.db.cadenceRun.findUnique({
        where: { cadenceId_slot: { cadenceId: cadence.id, slot } },
      });
      if (!exists) await this.runSlot(cadence, slot);
    }
    // A process that claimed a run and died before opening it: take the run over once its lease ends.
    const orphans = await this.deps.db.cadenceRun.findMany({
      where: { status: "claimed", leaseUntil: { lt: new Date() } },
      include: { cadence: true },
    });
    for (const { cadence, ...run } of orphans) {
      const { count } = await this.deps.db.cadenceRun.updateMany({
        where: { id: run.id, status: "claimed", claimedBy: run.claimedBy },
        data: { claimedBy: this.replicaId, leaseUntil: this.leaseEnd() },
      });
      if (count === 1) {
        this.deps.log.warn("taking over a run whose process stopped", { run: run.id, from: run.claimedBy });
        await this.open(cadence, { ...run, claimedBy: this.replicaId });
      }
    }
    const open = await this.deps.db.cadenceRun.findMany({
      where: { status: "open" },
      include: { cadence: true },
    });
    // Runs side by side: one run's reminders do not wait for another's to be sent.
    await Promise.all(
      open.map(async ({ cadence, ...run }) => {
        const handler = this.handlers.get(cadence.kind);
        const ctx = { run, cadence, now };
        if (now.getTime() >= run.slot.getTime() + cadence.closeAfterMinutes * minute) {
          await this.step(run, () => handler?.close?.(ctx), {
            where: { id: run.id, status: "open" },
            data: { status: "closed", closedAt: now },
          });
        } else if (
          now.getTime() >= run.slot.getTime() + cadence.remindAfterMinutes * minute &&
          !run.remindedAt
        ) {
          await this.step(run, () => handler?.remind?.(ctx), {
            where: { id: run.id, remindedAt: null },
            data: { remindedAt: now },
          });
        }
      }),
    );
  }

  /**
   * At start: a slot missed while the bot was down runs once if it is inside
   * the window; older missed slots (up to a day back) are recorded as skipped.
   */
  async catchUp(): Promise<void> {
    const now = this.deps.clock.now();
    const cadences = await this.deps.db.cadence.findMany({ where: { paused: false } });
    // Independent cadences catch up side by side: one slow channel does not hold up the rest.
    await Promise.all(cadences.map((cadence) => this.catchUpOne(cadence, now)));
  }

  private async catchUpOne(cadence: Cadence, now: Date): Promise<void> {
    const since = Math.max(now.getTime() - 24 * 3600_000, cadence.activeFrom.getTime() - 1);
    const slots = slotsBetween(cadence, new Date(since), now);
    const taken = await this.deps.db.cadenceRun.findMany({
      where: { cadenceId: cadence.id, slot: { in: slots } },
      select: { slot: true },
    });
    const seen = new Set(taken.map((r) => r.slot.getTime()));
    const latest = slots.at(-1);
    for (const slot of slots.filter((s) => !seen.has(s.getTime()))) {
      const inWindow = now.getTime() - slot.getTime() <= this.options.catchUpMinutes * minute;
      if (slot === latest && inWindow) {
        this.deps.log.info("catching up a missed slot", { cadence: cadence.id, slot: slot.toISOString() });
        await this.runSlot(cadence, slot);
      } else {
        await this.record(cadence, slot, "missed while coo was not running");
      }
    }
  }

  private async runSlot(cadence: Cadence, slot: Date): Promise<FireResult> {
    const day = isoDate(slot, cadence.timezone);
    const holiday = await this.deps.db.skipDay.findUnique({
      where: {
        workspaceId_channelId_date: {
          workspaceId: cadence.workspaceId,
          channelId: cadence.channelId,
          date: day,
        },
      },
    });
    if (holiday) {
      await this.record(cadence, slot, `${day} is a skip day in this channel`);
      return "skipped";
    }
    const claimed = await this.deps.db.cadenceRun.createMany({
      data: [
        {
          workspaceId: cadence.workspaceId,
          cadenceId: cadence.id,
          slot,
          channelId: cadence.channelId,
          status: "claimed",
          claimedBy: this.replicaId,
          leaseUntil: this.leaseEnd(),
        },
      ],
      skipDuplicates: true,
    });
    if (claimed.count === 0) return "taken";
    const run = await this.deps.db.cadenceRun.findUniqueOrThrow({
      where: { cadenceId_slot: { cadenceId: cadence.id, slot } },
    });
    await this.open(cadence, run);
    return "ran";
  }

  /** Leases run on the real clock: they are about processes, not about the business day. */
  private leaseEnd(): Date {
    return new Date(Date.now() + this.options.leaseSeconds * 1000);
  }

  /** Opens a run this process holds: its messages are queued in the transaction that opens it. */
  private async open(cadence: Cadence, run: CadenceRun): Promise<void> {
    const handler = this.handlers.get(cadence.kind);
    if (!handler) throw new Error(`no handler for ${cadence.kind} cadences`);
    const now = this.deps.clock.now();
    try {
      const opened = await handler.open({ run, cadence, now });
      const ids = await this.deps.db.$transaction(async (tx) => {
        const { count } = await tx.cadenceRun.updateMany({
          where: { id: run.id, status: "claimed", claimedBy: this.replicaId },
          data: {
            participants: opened.participants,
            status: opened.closed ? "closed" : "open",
            leaseUntil: null,
            ...(opened.closed ? { closedAt: now } : {}),
          },
        });
        if (count === 0) return undefined;
        return enqueue(tx, opened.messages);
      });
      if (!ids) {
        this.deps.log.warn("another process took this run over first", { run: run.id });
        return;
      }
      this.deps.metrics.scheduledRuns.inc({ kind: cadence.kind });
      this.deps.log.info("cadence ran", {
        cadence: cadence.id,
        kind: cadence.kind,
        slot: run.slot.toISOString(),
        replica: this.replicaId,
      });
      await this.deps.outbox.deliver(ids);
    } catch (error) {
      this.deps.log.error("cadence run failed", { cadence: cadence.id, slot: run.slot.toISOString(), error });
      const { count } = await this.deps.db.cadenceRun.updateMany({
        where: { id: run.id, status: "claimed", claimedBy: this.replicaId },
        data: { status: "failed", note: String(error).slice(0, 500) },
      });
      // Slack refused to tell us who is in the channel (coo was removed, the
      // channel is gone): whoever set the cadence up hears it, as for a refused post.
      const refused = slackError(error);
      if (count === 1 && refused)
        await reportFailure(this.deps, { cadenceId: cadence.id, threadTs: null }, refused).catch((e) =>
          this.deps.log.warn("could not report a failed run", { error: String(e) }),
        );
    }
  }

  /** A reminder or a close: composed first, then claimed and queued in one transaction. */
  private async step(
    run: CadenceRun,
    compose: () => Promise<Outgoing[]> | undefined,
    claim: { where: Prisma.CadenceRunWhereInput; data: Prisma.CadenceRunUpdateManyMutationInput },
  ): Promise<void> {
    try {
      const messages = (await compose()) ?? [];
      const ids = await this.deps.db.$transaction(async (tx) => {
        const { count } = await tx.cadenceRun.updateMany(claim);
        return count === 1 ? enqueue(tx, messages) : [];
      });
      await this.deps.outbox.deliver(ids);
    } catch (error) {
      this.deps.log.error("cadence step failed", { run: run.id, error });
    }
  }

  private async record(cadence: Cadence, slot: Date, note: string): Promise<void> {
    const { count } = await this.deps.db.cadenceRun.createMany({
      data: [
        {
          workspaceId: cadence.workspaceId,
          cadenceId: cadence.id,
          slot,
          channelId: cadence.channelId,
          status: "skipped",
          note,
        },
      ],
      skipDuplicates: true,
    });
    if (count === 1)
      this.deps.log.warn("cadence slot skipped", { cadence: cadence.id, slot: slot.toISOString(), note });
  }

  private async currentSignature(): Promise<string> {
    const agg = await this.deps.db.cadence.aggregate({ _max: { updatedAt: true }, _count: { _all: true } });
    return `${agg._count._all}:${agg._max.updatedAt?.getTime() ?? 0}`;
  }
}

import { randomBytes } from "node:crypto";
import type { webApi } from "@slack/bolt";
import cron, { type ScheduledTask } from "node-cron";
import type { Deps } from "../deps.js";
import type { Cadence, CadenceKind, CadenceRun } from "../generated/prisma/client.js";
import { isoDate } from "../time/zoned.js";
import { cronExpression, latestSlot, slotsBetween } from "./slots.js";

export type RunContext = { run: CadenceRun; cadence: Cadence; client: webApi.WebClient; now: Date };

/** What a kind of cadence does at each step of a run. */
export type KindHandler = {
  /** Opens the run (posts the root message); `closed: true` for runs that are one message. */
  open(ctx: RunContext): Promise<{ rootTs?: string; participants: string[]; closed?: boolean }>;
  remind?(ctx: RunContext): Promise<void>;
  close?(ctx: RunContext): Promise<void>;
};

export type FireResult = "ran" | "taken" | "skipped" | "paused" | "none";

const minute = 60_000;

/**
 * Runs cadences on time, once. node-cron fires each cadence at its slot in its
 * own zone; a one-minute ticker sends reminders, closes runs and picks up any
 * slot a timer missed (a stall, a DST gap, a restart) while it is inside the
 * catch-up window. Every run first claims its unique (cadence, slot) row, so a
 * second timer, a restart or another replica does nothing.
 */
export class CadenceEngine {
  readonly replicaId = randomBytes(4).toString("hex");
  private readonly handlers = new Map<CadenceKind, KindHandler>();
  private readonly tasks = new Map<number, ScheduledTask>();
  private ticker: ScheduledTask | undefined;
  private signature = "";

  constructor(
    private readonly deps: Deps,
    private readonly client: webApi.WebClient,
    private readonly options: { catchUpMinutes: number; timers: boolean },
  ) {}

  handle(kind: CadenceKind, handler: KindHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Builds the timers from the database and runs the start-up catch-up. */
  async start(): Promise<void> {
    await this.rebuild();
    this.ticker = cron.createTask("* * * * *", () => this.tick(), { name: "coo-ticker", noOverlap: true });
    if (this.options.timers) await this.ticker.start();
    await this.catchUp();
  }

  async stop(): Promise<void> {
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
    const cadences = await this.deps.db.cadence.findMany({ where: { paused: false } });
    for (const task of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    for (const cadence of cadences) {
      const task = cron.createTask(cronExpression(cadence), () => this.fire(cadence.id), {
        timezone: cadence.timezone,
        name: `cadence-${cadence.id}`,
        noOverlap: true,
      });
      if (this.options.timers) await task.start();
      this.tasks.set(cadence.id, task);
    }
    this.signature = await this.currentSignature();
  }

  /** A cadence's timer went off: run its latest slot if it is not too old. */
  async fire(cadenceId: number): Promise<FireResult> {
    const now = this.deps.clock.now();
    const cadence = await this.deps.db.cadence.findUnique({ where: { id: cadenceId } });
    if (!cadence) return "none";
    if (cadence.paused) return "paused";
    const slot = latestSlot(cadence, new Date(now.getTime() + minute / 2));
    if (!slot || slot < cadence.activeFrom) return "none";
    if (now.getTime() - slot.getTime() > this.options.catchUpMinutes * minute) {
      await this.record(cadence, slot, "skipped", "the slot is older than the catch-up window");
      return "skipped";
    }
    return this.runSlot(cadence, slot);
  }

  /** Once a minute: pick up missed slots, send due reminders, close due runs. */
  async tick(): Promise<void> {
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
    const open = await this.deps.db.cadenceRun.findMany({
      where: { status: "open" },
      include: { cadence: true },
    });
    for (const { cadence, ...run } of open) {
      const handler = this.handlers.get(cadence.kind);
      const remindAt = run.slot.getTime() + cadence.remindAfterMinutes * minute;
      const closeAt = run.slot.getTime() + cadence.closeAfterMinutes * minute;
      if (now.getTime() >= closeAt) {
        const { count } = await this.deps.db.cadenceRun.updateMany({
          where: { id: run.id, status: "open" },
          data: { status: "closed", closedAt: now },
        });
        if (count === 1)
          await this.step("close", () => handler?.close?.({ run, cadence, client: this.client, now }), run);
      } else if (now.getTime() >= remindAt && !run.remindedAt) {
        const { count } = await this.deps.db.cadenceRun.updateMany({
          where: { id: run.id, remindedAt: null },
          data: { remindedAt: now },
        });
        if (count === 1)
          await this.step("remind", () => handler?.remind?.({ run, cadence, client: this.client, now }), run);
      }
    }
  }

  /**
   * At start: a slot missed while the bot was down runs once if it is inside
   * the window; older missed slots (up to a day back) are recorded as skipped.
   */
  async catchUp(): Promise<void> {
    const now = this.deps.clock.now();
    const cadences = await this.deps.db.cadence.findMany({ where: { paused: false } });
    for (const cadence of cadences) {
      const since = Math.max(now.getTime() - 24 * 3600_000, cadence.activeFrom.getTime() - 1);
      const slots = slotsBetween(cadence, new Date(since), now);
      const taken = await this.deps.db.cadenceRun.findMany({
        where: { cadenceId: cadence.id, slot: { in: slots } },
        select: { slot: true },
      });
      const seen = new Set(taken.map((r) => r.slot.getTime()));
      const missed = slots.filter((s) => !seen.has(s.getTime()));
      const latest = missed.at(-1);
      for (const slot of missed) {
        const inWindow = now.getTime() - slot.getTime() <= this.options.catchUpMinutes * minute;
        if (slot === latest && inWindow && slot.getTime() === slots.at(-1)?.getTime()) {
          this.deps.log.info("catching up a missed slot", { cadence: cadence.id, slot: slot.toISOString() });
          await this.runSlot(cadence, slot);
        } else {
          await this.record(cadence, slot, "skipped", "missed while coo was not running");
        }
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
      await this.record(cadence, slot, "skipped", `${day} is a skip day in this channel`);
      return "skipped";
    }
    const claimed = await this.deps.db.cadenceRun.createMany({
      data: [
        {
          workspaceId: cadence.workspaceId,
          cadenceId: cadence.id,
          slot,
          channelId: cadence.channelId,
          claimedBy: this.replicaId,
        },
      ],
      skipDuplicates: true,
    });
    if (claimed.count === 0) return "taken";
    const run = await this.deps.db.cadenceRun.findUniqueOrThrow({
      where: { cadenceId_slot: { cadenceId: cadence.id, slot } },
    });
    const handler = this.handlers.get(cadence.kind);
    if (!handler) throw new Error(`no handler for ${cadence.kind} cadences`);
    const now = this.deps.clock.now();
    try {
      const opened = await handler.open({ run, cadence, client: this.client, now });
      await this.deps.db.cadenceRun.update({
        where: { id: run.id },
        data: {
          rootTs: opened.rootTs ?? null,
          participants: opened.participants,
          ...(opened.closed ? { status: "closed", closedAt: now } : {}),
        },
      });
      this.deps.log.info("cadence ran", {
        cadence: cadence.id,
        kind: cadence.kind,
        slot: slot.toISOString(),
        replica: this.replicaId,
      });
      return "ran";
    } catch (error) {
      this.deps.log.error("cadence run failed", { cadence: cadence.id, slot: slot.toISOString(), error });
      await this.deps.db.cadenceRun.update({
        where: { id: run.id },
        data: { status: "failed", note: String(error).slice(0, 500) },
      });
      return "ran";
    }
  }

  private async record(cadence: Cadence, slot: Date, status: "skipped", note: string): Promise<void> {
    const { count } = await this.deps.db.cadenceRun.createMany({
      data: [
        {
          workspaceId: cadence.workspaceId,
          cadenceId: cadence.id,
          slot,
          channelId: cadence.channelId,
          status,
          note,
        },
      ],
      skipDuplicates: true,
    });
    if (count === 1)
      this.deps.log.warn("cadence slot skipped", { cadence: cadence.id, slot: slot.toISOString(), note });
  }

  private async step(name: string, fn: () => Promise<void> | undefined, run: CadenceRun): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.deps.log.error(`cadence ${name} failed`, { run: run.id, error });
    }
  }

  private async currentSignature(): Promise<string> {
    const agg = await this.deps.db.cadence.aggregate({ _max: { updatedAt: true }, _count: { _all: true } });
    return `${agg._count._all}:${agg._max.updatedAt?.getTime() ?? 0}`;
  }
}

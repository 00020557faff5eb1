import cron, { type ScheduledTask } from "node-cron";
import { z } from "zod";
import { cadenceRow, count } from "../db/rows.js";
import { query, statement } from "../db/sql.js";
import type { Deps } from "../deps.js";
import type { Cadence, CadenceKind, CadenceRun, Prisma } from "../generated/prisma/client.js";
import { enqueue, enqueueJob, type JobWrite, type Outgoing } from "../jobs/outbox.js";
import { cronLogger } from "../log.js";
import { slackError } from "../slack/channels.js";
import { isoDate } from "../time/zoned.js";
import { cronExpression, latestSlot, slotsBetween } from "./slots.js";
import { failureMessage } from "./use-cases.js";

export type RunContext = { run: CadenceRun; cadence: Cadence; now: Date };

/**
 * What a kind of cadence says at each step of a run. Handlers only read and
 * compose; the engine queues their messages in the same transaction as the
 * step, so a step and its messages happen together or not at all.
 */
export type KindHandler = {
  /** Opens the run; `closed: true` for runs that are one message. */
  open(ctx: RunContext): Promise<{ participants: string[]; messages: Outgoing[]; closed?: boolean }>;
  remind?(ctx: RunContext): Promise<Outgoing[]>;
  close?(ctx: RunContext): Promise<Outgoing[]>;
};

/** "queued": the slot's job is written (and done, when this resolves); "taken": it was already. */
export type FireResult = "queued" | "taken" | "skipped" | "paused" | "none";

export type EngineOptions = {
  catchUpMinutes: number;
  timers: boolean;
  tickCron: string;
};

/** The jobs of a cadence (docs/decisions/0021-one-job-system.md). */
export const cadenceJobs = { run: "cadence.run", remind: "cadence.remind", close: "cadence.close" } as const;
const runJob = z.object({ cadenceId: z.number().int(), slot: z.string().datetime() });
const stepJob = z.object({ runId: z.number().int() });

const minute = 60_000;

// What the engine reads every minute, idle or not, on the plain driver
// (decision 0034: an idle bot does not load the ORM's query compiler).
const activeCadences = statement({
  name: "coo_active_cadences",
  text: `SELECT * FROM "Cadence" WHERE NOT "paused" ORDER BY "id"`,
  row: cadenceRow,
});

const cadencesSignature = statement({
  name: "coo_cadences_signature",
  text: `SELECT count(*) AS "n", max("updatedAt") AS "at" FROM "Cadence"`,
  row: z.object({ n: count, at: z.date().nullable() }),
});

const runsAtSlots = statement({
  name: "coo_runs_at_slots",
  text: `
    SELECT "cadenceId", "slot" FROM "CadenceRun"
    WHERE ("cadenceId", "slot") IN (SELECT * FROM unnest($1::int[], $2::timestamptz[]))`,
  row: z.object({ cadenceId: z.number().int(), slot: z.date() }),
});

const openRuns = statement({
  name: "coo_open_runs",
  text: `
    SELECT r."id", r."workspaceId", r."slot", r."remindedAt", c."remindAfterMinutes", c."closeAfterMinutes"
    FROM "CadenceRun" r JOIN "Cadence" c ON c."id" = r."cadenceId"
    WHERE r."status" = 'open'`,
  row: z.object({
    id: z.number().int(),
    workspaceId: z.string(),
    slot: z.date(),
    remindedAt: z.date().nullable(),
    remindAfterMinutes: z.number().int(),
    closeAfterMinutes: z.number().int(),
  }),
});

/**
 * Runs cadences on time, once. Timers only enqueue: node-cron fires each
 * cadence at its slot in its own zone, and a ticker picks up any slot a
 * timer missed (a stall, a DST gap, a restart) inside the catch-up window and
 * queues due reminders and closes. Each is a job keyed by what it is for
 * (`cadence:<id>:<slot>`, `remind:<run>`, `close:<run>`), so a second timer,
 * a restart or another replica writes nothing new; the job system's lease
 * hands the job of a process that died to another.
 */
export class CadenceEngine {
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
    deps.outbox.handle(cadenceJobs.run, (payload) => this.openRun(runJob.parse(payload)));
    deps.outbox.handle(cadenceJobs.remind, (payload) => this.remind(stepJob.parse(payload).runId));
    deps.outbox.handle(cadenceJobs.close, (payload) => this.close(stepJob.parse(payload).runId));
  }

  /** The process a run's `claimedBy` names while it opens: the job system's holder. */
  get replicaId(): string {
    return this.deps.outbox.holder;
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

  /** Stops taking work: no timer fires after this. Jobs under way finish. */
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
    const cadences = await query(this.deps.sql, activeCadences, []);
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

  /** A cadence's timer went off: queue its latest slot if it is not too old. */
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
    return this.queueSlot(cadence, slot);
  }

  /** Queues missed slots, due reminders and due closes (each once), and does them. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    if ((await this.currentSignature()) !== this.signature) await this.rebuild();
    const cadences = await query(this.deps.sql, activeCadences, []);
    const missed = cadences.flatMap((cadence) => {
      const slot = latestSlot(cadence, now);
      const inWindow =
        slot &&
        slot >= cadence.activeFrom &&
        now.getTime() - slot.getTime() <= this.options.catchUpMinutes * minute;
      return inWindow ? [{ cadence, slot }] : [];
    });
    const runs = missed.length
      ? await query(this.deps.sql, runsAtSlots, [
          missed.map(({ cadence }) => cadence.id),
          missed.map(({ slot }) => slot),
        ])
      : [];
    const ran = new Set(runs.map((r) => `${r.cadenceId}:${r.slot.getTime()}`));
    const jobs: Array<{ queue: string; workspaceId: string; key: string; payload: Prisma.InputJsonValue }> =
      [];
    for (const { cadence, slot } of missed)
      if (!ran.has(`${cadence.id}:${slot.getTime()}`)) jobs.push(this.slotJob(cadence, slot));
    for (const run of await query(this.deps.sql, openRuns, [])) {
      const closeAt = run.slot.getTime() + run.closeAfterMinutes * minute;
      const remindAt = run.slot.getTime() + run.remindAfterMinutes * minute;
      if (now.getTime() >= closeAt) jobs.push(this.stepJob(cadenceJobs.close, run));
      else if (now.getTime() >= remindAt && !run.remindedAt) jobs.push(this.stepJob(cadenceJobs.remind, run));
    }
    await this.queue(jobs);
  }

  /**
   * At start: a slot missed while the bot was down runs once if it is inside
   * the window; older missed slots (up to a day back) are recorded as skipped.
   */
  async catchUp(): Promise<void> {
    const now = this.deps.clock.now();
    const cadences = await query(this.deps.sql, activeCadences, []);
    // Independent cadences catch up side by side: one slow channel does not hold up the rest.
    await Promise.all(cadences.map((cadence) => this.catchUpOne(cadence, now)));
  }

  private async catchUpOne(cadence: Cadence, now: Date): Promise<void> {
    const since = Math.max(now.getTime() - 24 * 3600_000, cadence.activeFrom.getTime() - 1);
    const slots = slotsBetween(cadence, new Date(since), now);
    const taken = slots.length
      ? await query(this.deps.sql, runsAtSlots, [slots.map(() => cadence.id), slots])
      : [];
    const seen = new Set(taken.map((r) => r.slot.getTime()));
    const latest = slots.at(-1);
    for (const slot of slots.filter((s) => !seen.has(s.getTime()))) {
      const inWindow = now.getTime() - slot.getTime() <= this.options.catchUpMinutes * minute;
      if (slot === latest && inWindow) {
        this.deps.log.info("catching up a missed slot", { cadence: cadence.id, slot: slot.toISOString() });
        await this.queueSlot(cadence, slot);
      } else {
        await this.record(cadence, slot, "missed while coo was not running");
      }
    }
  }

  private slotJob(cadence: Cadence, slot: Date) {
    return {
      queue: cadenceJobs.run,
      workspaceId: cadence.workspaceId,
      key: `cadence:${cadence.id}:${slot.toISOString()}`,
      payload: { cadenceId: cadence.id, slot: slot.toISOString() },
    };
  }

  private stepJob(queue: string, run: Pick<CadenceRun, "id" | "workspaceId">) {
    const what = queue === cadenceJobs.close ? "close" : "remind";
    return { queue, workspaceId: run.workspaceId, key: `${what}:${run.id}`, payload: { runId: run.id } };
  }

  private async queueSlot(cadence: Cadence, slot: Date): Promise<FireResult> {
    const ids = await this.queue([this.slotJob(cadence, slot)]);
    return ids.length ? "queued" : "taken";
  }

  /** Writes the jobs (those not written before) and does them now; resolves when they are done. */
  private async queue(
    jobs: Array<{ queue: string; workspaceId: string; key: string; payload: Prisma.InputJsonValue }>,
  ): Promise<number[]> {
    if (jobs.length === 0) return [];
    const ids = await this.deps.db.$transaction(async (tx) => {
      const written: number[] = [];
      for (const job of jobs) {
        const id = await enqueueJob(tx, job);
        if (id !== undefined) written.push(id);
      }
      return written;
    });
    await this.deps.outbox.deliver(ids);
    return ids;
  }

  /**
   * The job of one slot. The run's row is claimed first, in this process's
   * name (so a slot is never opened twice, and a restart sees what was under
   * way); the channel is read and the messages composed; then the run opens
   * and its messages are queued in the transaction that finishes the job.
   */
  private async openRun(job: z.infer<typeof runJob>): Promise<JobWrite | undefined> {
    const slot = new Date(job.slot);
    const cadence = await this.deps.db.cadence.findUnique({ where: { id: job.cadenceId } });
    if (!cadence || cadence.paused) return undefined;
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
    if (holiday)
      return async (tx) => {
        await this.record(cadence, slot, `${day} is a skip day in this channel`, tx);
        return undefined;
      };
    const run = await this.claim(cadence, slot);
    if (!run) return undefined;
    const handler = this.handlers.get(cadence.kind);
    if (!handler) throw new Error(`no handler for ${cadence.kind} cadences`);
    const now = this.deps.clock.now();
    let opened: Awaited<ReturnType<KindHandler["open"]>>;
    try {
      opened = await handler.open({ run, cadence, now });
    } catch (error) {
      return this.failed(cadence, run, error);
    }
    return async (tx) => {
      const { count } = await tx.cadenceRun.updateMany({
        where: { id: run.id, status: "claimed" },
        data: {
          participants: opened.participants,
          status: opened.closed ? "closed" : "open",
          ...(opened.closed ? { closedAt: now } : {}),
        },
      });
      if (count === 0) return [];
      this.deps.metrics.scheduledRuns.inc({ kind: cadence.kind });
      this.deps.log.info("cadence ran", {
        cadence: cadence.id,
        kind: cadence.kind,
        slot: run.slot.toISOString(),
        replica: this.replicaId,
      });
      return enqueue(tx, opened.messages);
    };
  }

  /**
   * The slot's run row, claimed by this process: new, or left "claimed" by a
   * process that died holding the job (which the job system then gave here).
   * Undefined when the run is past opening already.
   */
  private async claim(cadence: Cadence, slot: Date): Promise<CadenceRun | undefined> {
    const { db } = this.deps;
    const mine = { claimedBy: this.replicaId };
    await db.cadenceRun.createMany({
      data: [
        {
          workspaceId: cadence.workspaceId,
          cadenceId: cadence.id,
          slot,
          channelId: cadence.channelId,
          status: "claimed",
          ...mine,
        },
      ],
      skipDuplicates: true,
    });
    const run = await db.cadenceRun.findUniqueOrThrow({
      where: { cadenceId_slot: { cadenceId: cadence.id, slot } },
    });
    if (run.status !== "claimed") return undefined;
    if (run.claimedBy !== this.replicaId) {
      this.deps.log.warn("taking over a run whose process stopped", { run: run.id, from: run.claimedBy });
      await db.cadenceRun.update({ where: { id: run.id }, data: mine });
    }
    return { ...run, ...mine };
  }

  /**
   * Opening failed: the run is marked failed (the job is done; the next slot
   * tries afresh). When Slack refused to say who is in the channel (coo was
   * removed, the channel is gone), whoever set the cadence up hears it.
   */
  private async failed(cadence: Cadence, run: CadenceRun, error: unknown): Promise<JobWrite> {
    this.deps.log.error("cadence run failed", { cadence: cadence.id, slot: run.slot.toISOString(), error });
    return async (tx) => {
      const { count } = await tx.cadenceRun.updateMany({
        where: { id: run.id, status: "claimed" },
        data: { status: "failed", note: String(error).slice(0, 500) },
      });
      const refused = slackError(error);
      return count === 1 && refused ? enqueue(tx, [failureMessage(cadence, false, refused)]) : [];
    };
  }

  private remind(runId: number): Promise<JobWrite | undefined> {
    return this.step(
      runId,
      (handler, ctx) => handler.remind?.(ctx),
      (now) => ({ where: { id: runId, status: "open", remindedAt: null }, data: { remindedAt: now } }),
    );
  }

  private close(runId: number): Promise<JobWrite | undefined> {
    return this.step(
      runId,
      (handler, ctx) => handler.close?.(ctx),
      (now) => ({ where: { id: runId, status: "open" }, data: { status: "closed", closedAt: now } }),
    );
  }

  /** A reminder or a close: composed first, then recorded and queued in the transaction that ends the job. */
  private async step(
    runId: number,
    compose: (handler: KindHandler, ctx: RunContext) => Promise<Outgoing[]> | undefined,
    change: (now: Date) => {
      where: Prisma.CadenceRunWhereInput;
      data: Prisma.CadenceRunUpdateManyMutationInput;
    },
  ): Promise<JobWrite | undefined> {
    const found = await this.deps.db.cadenceRun.findUnique({
      where: { id: runId },
      include: { cadence: true },
    });
    if (found?.status !== "open") return undefined;
    const { cadence, ...run } = found;
    const handler = this.handlers.get(cadence.kind);
    const now = this.deps.clock.now();
    const messages = (handler && (await compose(handler, { run, cadence, now }))) ?? [];
    return async (tx) => {
      const { count } = await tx.cadenceRun.updateMany(change(now));
      return count === 1 ? enqueue(tx, messages) : [];
    };
  }

  private async record(
    cadence: Cadence,
    slot: Date,
    note: string,
    tx?: Prisma.TransactionClient,
  ): Promise<void> {
    const { count } = await (tx ?? this.deps.db).cadenceRun.createMany({
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
    const [row] = await query(this.deps.sql, cadencesSignature, []);
    return `${row?.n ?? 0}:${row?.at?.getTime() ?? 0}`;
  }
}

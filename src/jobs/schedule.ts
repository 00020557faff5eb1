import cron, { type ScheduledTask } from "node-cron";
import type { Deps } from "../deps.js";
import { cronLogger } from "../log.js";
import { enqueueJob } from "./outbox.js";

/**
 * A timer that only enqueues (docs/decisions/0021-one-job-system.md): at
 * each tick, one job of `queue` keyed by the minute, so however many
 * processes run the same timer the job is written once, and whichever
 * process claims it does the work.
 */
export class ScheduledJob {
  private task: ScheduledTask | undefined;

  constructor(
    private readonly deps: Pick<Deps, "db" | "outbox" | "log">,
    private readonly options: { name: string; cron: string; queue: string; timers: boolean },
  ) {}

  async start(): Promise<void> {
    this.task = cron.createTask(this.options.cron, () => this.enqueue(new Date()), {
      name: this.options.name,
      noOverlap: true,
      logger: cronLogger(this.deps.log),
    });
    if (this.options.timers) await this.task.start();
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
  }

  /** The job for the minute `at` falls in (at most one per minute), sent to be done at once. */
  async enqueue(at: Date): Promise<void> {
    const slot = new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
    const { queue } = this.options;
    const id = await this.deps.db.$transaction((tx) =>
      enqueueJob(tx, { queue, workspaceId: null, key: `${queue}:${slot}`, payload: { slot } }),
    );
    if (id !== undefined) await this.deps.outbox.deliver([id]);
  }
}

import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import type { webApi } from "@slack/bolt";
import { z } from "zod";
import { idRow, outboxRow } from "../db/rows.js";
import { query, statement } from "../db/sql.js";
import type { Deps } from "../deps.js";
import { CooError } from "../errors.js";
import { type OutboxMessage, Prisma } from "../generated/prisma/client.js";
import { groupBy } from "../group.js";
import type { Block } from "../slack/commands.js";
import { shorten, slackLimits } from "../slack/limits.js";
import { findPosted, openDm, post, type SlackFailure, slackFailure } from "../slack/post.js";

/** A message to send: to a channel (optionally in a thread) or by DM to a user. */
export type Outgoing = {
  workspaceId: string;
  text: string;
  blocks?: Block[];
  channel?: string;
  userId?: string;
  threadTs?: string;
  purpose?: "standup_root";
  runId?: number;
  cadenceId?: number;
  /**
   * Held until then (the outbox's real clock): a DM to someone away waits
   * for them to be at work again (src/availability/). Default: now.
   */
  notBefore?: Date;
};

export type OutboxOptions = {
  /** Minimum gap between two messages to one channel (Slack allows about one a second). */
  paceMs: number;
  /** How long a claimed message is ours before another process may take it over. */
  leaseMs: number;
  /** Background poll for messages no one is sending (a crash, a retry due). */
  pollMs: number;
};

const maxAttempts = 8;
const sentKeptDays = 14;
const failedKeptDays = 30;

type Tx = Prisma.TransactionClient;

// The outbox runs on the real clock: pacing, leases and retries are about
// Slack and other processes, never about the business clock tests move.
const realNow = () => new Date();

/**
 * Adds messages inside the caller's transaction: they exist if and only if
 * the change does. One statement for any number of them (a sweep or a
 * standup slot queues hundreds; the ORM's batch insert costs far more), with
 * ids in the order given: each channel's messages go out in that order.
 */
const insertMessages = statement({
  name: "coo_enqueue_messages_held",
  text: `
    INSERT INTO "OutboxMessage" ("workspaceId", "channel", "userId", "threadTs", "text", "blocks",
      "purpose", "runId", "cadenceId", "nextAttemptAt", "createdAt")
    SELECT m.workspace, m.channel, m.userid, m.thread, m.text, m.blocks::jsonb,
      m.purpose::"MessagePurpose", m.run, m.cadence, GREATEST($10::timestamptz, COALESCE(m.held, $10::timestamptz)),
      $10::timestamptz
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[],
      $11::timestamptz[])
      WITH ORDINALITY AS m(workspace, channel, userid, thread, text, blocks, purpose, run, cadence, held, n)
    ORDER BY m.n
    RETURNING "id"`,
  row: idRow,
});

export async function enqueue(tx: Tx, messages: Outgoing[]): Promise<number[]> {
  if (messages.length === 0) return [];
  const now = realNow();
  const column = <T>(pick: (m: Outgoing) => T | undefined) => messages.map((m) => pick(m) ?? null);
  const rows = await query(tx, insertMessages, [
    column((m) => m.workspaceId),
    column((m) => m.channel),
    column((m) => m.userId),
    column((m) => m.threadTs),
    column((m) => shorten(m.text, slackLimits.messageText)),
    column((m) => (m.blocks ? JSON.stringify(m.blocks) : undefined)),
    column((m) => m.purpose),
    column((m) => m.runId),
    column((m) => m.cadenceId),
    now,
    column((m) => m.notBefore?.toISOString()),
  ]);
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** A job of a queue some feature handles (see `Outbox.handle`). */
export type Job = {
  queue: string;
  /** Null for a job of no one workspace (the sweep, housekeeping). */
  workspaceId: string | null;
  payload: Prisma.InputJsonValue;
  /** The same key is enqueued once, ever: a cause that repeats (a redelivery, a second timer) does nothing. */
  key?: string;
  /** Not before then (default: now). */
  runAt?: Date;
};

/**
 * Adds a job inside the caller's transaction: it exists if and only if the
 * change that causes it does. Its id, or undefined when a job with its key
 * already exists.
 */
const insertJob = statement({
  name: "coo_enqueue_job",
  text: `
    INSERT INTO "OutboxMessage" ("queue", "workspaceId", "payload", "key", "nextAttemptAt", "createdAt")
    VALUES ($1, $2, $3::jsonb, $4, $5::timestamptz, $6::timestamptz)
    ON CONFLICT ("key") DO NOTHING
    RETURNING "id"`,
  row: idRow,
});

export async function enqueueJob(tx: Tx, job: Job): Promise<number | undefined> {
  const now = realNow();
  const rows = await query(tx, insertJob, [
    job.queue,
    job.workspaceId,
    JSON.stringify(job.payload),
    job.key ?? null,
    job.runAt ?? now,
    now,
  ]);
  return rows[0]?.id;
}

/**
 * What a queue's job does. It reads and calls out first, outside any
 * transaction, and may return its writes: they run in the transaction that
 * marks the job done, so they (and the jobs and messages they enqueue)
 * happen exactly once, however often a process dies on the way. (Reading
 * inside that transaction through anything but `tx` would wait on itself on
 * the embedded database's single connection.) The writes may return the
 * ids of the messages and jobs they enqueued: those are done before the job
 * counts as finished, so whoever delivered the job sees its effects.
 */
export type JobWrite = (tx: Tx) => Promise<number[] | undefined>;
export type JobHandler = (payload: unknown, job: OutboxMessage) => Promise<JobWrite | undefined>;

/**
 * One queue, several things to do about each job (a slip tells dependants
 * and a bet's workstream owner): each reads in turn, and all their writes
 * run in the one transaction that marks the job done.
 */
export function allOf(...handlers: JobHandler[]): JobHandler {
  return async (payload, job) => {
    const writes: JobWrite[] = [];
    for (const handler of handlers) {
      const write = await handler(payload, job);
      if (write) writes.push(write);
    }
    if (writes.length === 0) return undefined;
    return async (tx) => {
      const ids: number[] = [];
      for (const write of writes) ids.push(...((await write(tx)) ?? []));
      return ids;
    };
  };
}

/** The queue of messages to Slack (the rows `enqueue` writes). */
export const slackMessages = "slack_message";

/** After a message is sent: what its purpose records, in the transaction that marks it sent. */
export type SentHook = (tx: Tx, message: OutboxMessage, ts: string) => Promise<void>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Set inside a sweep of every due job (the poll loop, a kick): such work never waits on other deliveries. */
const sweeping = new AsyncLocalStorage<true>();

// Leases are on the database's clock (now()), the one every process shares.

/** A job written already claimed by this process (an event, run before Slack is acknowledged). */
const insertClaimed = statement({
  name: "coo_insert_claimed_job",
  text: `
    INSERT INTO "OutboxMessage" ("queue", "workspaceId", "payload", "key", "status", "attempts",
      "lockedBy", "lockedUntil", "nextAttemptAt", "createdAt")
    VALUES ($1, $2, $3::jsonb, $4, 'sending', 1, $5, now() + make_interval(secs => $6::float8 / 1000),
      $7::timestamptz, $7::timestamptz)
    ON CONFLICT ("key") DO NOTHING
    RETURNING "id"`,
  row: idRow,
});

const renewLease = statement({
  name: "coo_renew_job_lease",
  text: `
    UPDATE "OutboxMessage" SET "lockedUntil" = now() + make_interval(secs => $3::float8 / 1000)
    WHERE "id" = $1 AND "lockedBy" = $2 AND "status" = 'sending'
    RETURNING "id"`,
  row: idRow,
});

/**
 * Claims due jobs: every channel at once (so one busy channel does not hold
 * up the rest), but per channel only `$3` of them. The claimable test is
 * repeated at the FOR UPDATE level on purpose: when another claimer took a
 * row between this statement's snapshot and its lock, Postgres re-checks only
 * the locking level's own conditions against the row as it is now. Without
 * them the row would be claimed twice. With `only`, just the jobs of ids `$4`.
 */
const claimText = (only: string) => {
  const claimable = `(("status" = 'pending' AND "nextAttemptAt" <= now()) OR ("status" = 'sending' AND "lockedUntil" < now()))`;
  return `
    UPDATE "OutboxMessage" SET "status" = 'sending', "lockedBy" = $1,
      "lockedUntil" = now() + make_interval(secs => $2::float8 / 1000), "attempts" = "attempts" + 1
    WHERE "id" IN (
      SELECT "id" FROM "OutboxMessage" WHERE "id" IN (
        SELECT "id" FROM (
          SELECT "id", ROW_NUMBER() OVER (
            PARTITION BY "workspaceId", COALESCE("channel", 'user:' || "userId", 'job:' || "id"::text)
            ORDER BY "id") AS "rank"
          FROM "OutboxMessage"
          WHERE ${claimable} ${only}
        ) AS "ranked" WHERE "rank" <= $3)
      AND ${claimable}
      ORDER BY "id" LIMIT 2000 FOR UPDATE SKIP LOCKED)
    RETURNING *`;
};
const claimDue = statement({ name: "coo_claim_due_jobs", text: claimText(""), row: outboxRow });
const claimThese = statement({
  name: "coo_claim_these_jobs",
  text: claimText(`AND "id" = ANY($4::int[])`),
  row: outboxRow,
});

/** Reserves a channel's next send slot: `$2` (now + pace) when free, else the slot after the last one. */
const reservePace = statement({
  name: "coo_reserve_pace",
  text: `
    INSERT INTO "OutboxPace" ("key", "nextAt") VALUES ($1, $2::timestamptz)
    ON CONFLICT ("key") DO UPDATE SET "nextAt" = GREATEST("OutboxPace"."nextAt", $3::timestamptz) + make_interval(secs => $4::float8 / 1000)
    RETURNING "nextAt"`,
  row: z.object({ nextAt: z.date() }),
});

const holdPace = statement({
  name: "coo_hold_pace",
  text: `
    INSERT INTO "OutboxPace" ("key", "nextAt") VALUES ($1, $2::timestamptz)
    ON CONFLICT ("key") DO UPDATE SET "nextAt" = GREATEST("OutboxPace"."nextAt", $2::timestamptz)
    RETURNING "nextAt"`,
  row: z.object({ nextAt: z.date() }),
});

/** A job of a queue no feature handles: a bug, not a passing fault. */
class NoHandler extends Error {
  constructor(queue: string) {
    super(`no handler for queue ${queue}`);
  }
}

function errorCode(error: unknown): SlackFailure {
  if (error instanceof NoHandler || error instanceof CooError)
    return { kind: "permanent", detail: (error as Error).message };
  return slackFailure(error);
}

/**
 * Sends what `enqueue` wrote. Each message is claimed with a lease (so a
 * process that dies mid-send loses nothing: another takes it over when the
 * lease ends), paced per channel across processes, retried on 429 (after
 * Retry-After) and 5xx (with backoff), and marked sent with Slack's ts. A
 * message whose earlier attempt may have reached Slack is looked up in the
 * channel's history first, by the outbox id in its metadata, so it is never
 * posted twice.
 */
export class Outbox {
  readonly holder = randomBytes(4).toString("hex");
  private readonly handlers = new Map<string, JobHandler>();
  private readonly sentHooks = new Map<string, SentHook>();
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly sweeps = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: Pick<Deps, "db" | "sql" | "log">,
    private readonly slackFor: (workspaceId: string) => Promise<webApi.WebClient>,
    private readonly options: OutboxOptions,
    private readonly hooks: {
      onSent?: () => void;
      onRateLimited?: () => void;
      onFailed?: (message: OutboxMessage, error: string) => Promise<void>;
    } = {},
  ) {}

  /** What jobs of `queue` do. A job whose queue nobody handles fails, and says so. */
  handle(queue: string, handler: JobHandler): void {
    if (queue === slackMessages || this.handlers.has(queue))
      throw new Error(`queue ${queue} is handled twice`);
    this.handlers.set(queue, handler);
  }

  /** What a message of this `purpose` records once Slack has it (a standup root's ts on its run). */
  whenSent(purpose: string, hook: SentHook): void {
    this.sentHooks.set(purpose, hook);
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.sweep();
        } catch (error) {
          this.deps.log.warn("outbox poll failed", { error: String(error) });
        }
        await sleep(this.options.pollMs);
      }
    })();
  }

  /**
   * Writes a job already claimed by this process, to run it at once (an
   * event, before Slack is acknowledged): `run` does the work with the lease
   * renewed, then marks it done; a failure puts it back for the runner to
   * retry. Undefined when a job with its key exists (a redelivery).
   */
  async claimNew(
    db: Deps["db"],
    job: Job,
  ): Promise<{ run(work: () => Promise<void>): Promise<void> } | undefined> {
    const now = realNow();
    const rows = await query(db, insertClaimed, [
      job.queue,
      job.workspaceId,
      JSON.stringify(job.payload),
      job.key ?? null,
      this.holder,
      this.options.leaseMs,
      now,
    ]);
    const id = rows[0]?.id;
    if (id === undefined) return undefined;
    return {
      run: async (work) => {
        // Renewed at half the lease: only a process that stopped lets its job go.
        const heartbeat = setInterval(() => {
          void query(db, renewLease, [id, this.holder, this.options.leaseMs]).catch(() => {});
        }, this.options.leaseMs / 2);
        heartbeat.unref();
        try {
          await work();
        } catch (error) {
          await db.outboxMessage
            .update({
              where: { id },
              data: {
                status: "pending",
                nextAttemptAt: new Date(realNow().getTime() + 30_000),
                lockedBy: null,
                lockedUntil: null,
                error: String(error).slice(0, 500),
              },
            })
            .catch(() => {});
          throw error;
        } finally {
          clearInterval(heartbeat);
        }
        await db.outboxMessage.update({
          where: { id },
          data: {
            status: "sent",
            sentAt: realNow(),
            lockedBy: null,
            lockedUntil: null,
            payload: Prisma.DbNull,
          },
        });
      },
    };
  }

  /** Does every due job (the poll loop's round, or a kick after a job queued more). */
  private async sweep(): Promise<void> {
    const round = sweeping.run(true, () => this.deliver());
    this.sweeps.add(round);
    try {
      await round;
    } finally {
      this.sweeps.delete(round);
    }
  }

  /** Stops polling and waits for the sends under way; unsent messages stay for the next process. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Housekeeping: sent messages are kept two weeks (long enough to look into
   * a complaint), failed ones a month; the table would otherwise grow with
   * every prompt, reminder and ping. Returns how many rows went.
   */
  async forgetOld(now = realNow()): Promise<number> {
    const day = 24 * 3600 * 1000;
    const { count } = await this.deps.db.outboxMessage.deleteMany({
      where: {
        OR: [
          { status: "sent", sentAt: { lt: new Date(now.getTime() - sentKeptDays * day) } },
          { status: "failed", createdAt: { lt: new Date(now.getTime() - failedKeptDays * day) } },
        ],
      },
    });
    return count;
  }

  /** Messages waiting (pending or being sent): the outbox depth. */
  depth(): Promise<number> {
    return this.deps.db.outboxMessage.count({ where: { status: { in: ["pending", "sending"] } } });
  }

  /** Sends the given messages now (or every due one); resolves when they are done or rescheduled. */
  async deliver(ids?: number[]): Promise<void> {
    if (ids?.length === 0) return;
    let claimed = 0;
    const work = (async () => {
      // RETURNING has no order: sort, so each channel gets its messages in the order they were written.
      const rows = (await this.claim(ids)).sort((a, b) => a.id - b.id);
      claimed = rows.length;
      const byKey = groupBy(
        rows,
        (m) => `${m.workspaceId}:${m.channel ?? (m.userId ? `user:${m.userId}` : `job:${m.id}`)}`,
      );
      await Promise.all(
        [...byKey.entries()].map(async ([key, list]) => {
          for (const [i, m] of list.entries()) {
            const retryAt = await this.sendOne(key, m);
            // Put back for a retry: the rest of this channel's batch waits
            // with it, so the channel gets its messages in order.
            if (retryAt) {
              await this.putBack(list.slice(i + 1), retryAt);
              break;
            }
          }
        }),
      );
    })();
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
    // Some were taken by this process's sweep a moment earlier: wait for it, so
    // "deliver these" still means they are done when this resolves. A sweep
    // itself never waits (the delivery waiting on it may be inside it), so no
    // two deliveries ever wait on each other.
    if (ids && claimed < ids.length && !sweeping.getStore()) await Promise.allSettled([...this.sweeps]);
  }

  /** Claims due jobs (or just these), as many per channel as the pace lets out well inside the lease. */
  private claim(ids?: number[]): Promise<OutboxMessage[]> {
    const perChannel = Math.max(1, Math.floor(this.options.leaseMs / Math.max(this.options.paceMs, 1) / 2));
    const values = [this.holder, this.options.leaseMs, perChannel];
    // On the plain driver: this runs every half second, idle or not (decision 0034).
    return ids ? query(this.deps.sql, claimThese, [...values, ids]) : query(this.deps.sql, claimDue, values);
  }

  /**
   * Reserves this channel's next send slot (shared by every process) and
   * waits for it. Slots are `paceMs` apart, and `spaceAfter` pushes the next
   * one to `paceMs` after Slack *answered* the last post: a post can only
   * arrive after the answer to the one before, so two never land closer
   * together than the pace, whatever the network's jitter.
   */
  private async pace(key: string): Promise<void> {
    // Even with no pace (tests), a Retry-After hold on the channel is honoured here.
    const now = realNow();
    const rows = await query(this.deps.sql, reservePace, [
      key,
      new Date(now.getTime() + this.options.paceMs),
      now,
      this.options.paceMs,
    ]);
    const slot = (rows[0]?.nextAt.getTime() ?? now.getTime()) - this.options.paceMs;
    // A timer counts from the event loop's cached time, so on a busy loop it
    // can fire a few milliseconds early by the wall clock: wait out the rest.
    for (let wait = slot - Date.now(); wait > 0; wait = slot - Date.now()) await sleep(wait);
  }

  private async spaceAfter(key: string): Promise<void> {
    if (this.options.paceMs > 0) await this.holdChannel(key, this.options.paceMs);
  }

  private async holdChannel(key: string, ms: number): Promise<void> {
    const until = new Date(realNow().getTime() + ms);
    await query(this.deps.sql, holdPace, [key, until]);
  }

  /** Does one job (a message, or a queue's job); when it is put back for a retry, says when that is due. */
  private async sendOne(key: string, m: OutboxMessage): Promise<Date | undefined> {
    if (m.queue !== slackMessages) return this.runJob(key, m);
    const { db, log } = this.deps;
    try {
      if (!m.workspaceId) throw new Error("a message with no workspace to send it in");
      const client = await this.slackFor(m.workspaceId);
      let channel = m.channel;
      if (!channel && m.userId) channel = (await openDm(client, m.userId)) ?? null;
      if (!channel) throw new Error("no channel to send to");
      // An earlier attempt may have reached Slack before its process died.
      const already = m.attempts > 1 ? await this.alreadyPosted(client, channel, m) : undefined;
      let ts = already;
      // A 429 is retried here, after Retry-After, so the channel keeps its order.
      for (let rateLimited = 0; !ts; rateLimited++) {
        await this.pace(key);
        try {
          ts = await post(client, {
            channel,
            text: m.text,
            blocks: m.blocks ? (m.blocks as unknown as Block[]) : undefined,
            threadTs: m.threadTs ?? undefined,
            jobId: m.id,
          });
          await this.spaceAfter(key);
        } catch (error) {
          const { kind, retryAfter } = errorCode(error);
          if (kind === "rate") this.hooks.onRateLimited?.();
          if (kind !== "rate" || rateLimited >= 4) throw error;
          await this.holdChannel(key, (retryAfter ?? 1) * 1000);
        }
      }
      const now = realNow();
      await db.$transaction(async (tx) => {
        await tx.outboxMessage.update({
          where: { id: m.id },
          data: {
            status: "sent",
            sentTs: ts,
            sentChannel: channel,
            sentAt: now,
            lockedBy: null,
            lockedUntil: null,
            error: null,
          },
        });
        const hook = m.purpose ? this.sentHooks.get(m.purpose) : undefined;
        if (hook && ts) await hook(tx, m, ts);
        this.hooks.onSent?.();
      });
      return undefined;
    } catch (error) {
      if (errorCode(error).kind !== "rate")
        log.warn("outbox send failed", { id: m.id, attempt: m.attempts, error: errorCode(error).detail });
      return this.failed(key, m, error);
    }
  }

  /**
   * Runs a queue's job: its handler's writes and the job's "done" commit
   * together. A refusal a person could act on (CooError) is not retried; any
   * other failure is, with backoff, up to the last attempt.
   */
  private async runJob(key: string, m: OutboxMessage): Promise<Date | undefined> {
    const handler = this.handlers.get(m.queue);
    try {
      if (!handler) throw new NoHandler(m.queue);
      const write = await handler(m.payload, m);
      const queued = await this.deps.db.$transaction(async (tx) => {
        const ids = write ? await write(tx) : undefined;
        // Done: what it was asked to do (a person's words, say) is not kept.
        await tx.outboxMessage.update({
          where: { id: m.id },
          data: {
            status: "sent",
            sentAt: realNow(),
            lockedBy: null,
            lockedUntil: null,
            error: null,
            payload: Prisma.DbNull,
          },
        });
        return ids ?? undefined;
      });
      // What the job queued (its messages, further jobs) goes out now rather than at the next poll.
      // (The job is done either way: a failure here leaves them to the poll loop.)
      if (queued?.length)
        await this.deliver(queued).catch((error) =>
          this.deps.log.warn("could not deliver what a job queued", { id: m.id, error: String(error) }),
        );
      else if (write && this.running) setImmediate(() => void this.sweep().catch(() => {}));
      return undefined;
    } catch (error) {
      this.deps.log.warn("job failed", {
        id: m.id,
        queue: m.queue,
        attempt: m.attempts,
        error: String(error),
      });
      return this.failed(key, m, error);
    }
  }

  /** Claimed but not tried: back to pending, due with the message they queue behind. */
  private async putBack(messages: OutboxMessage[], at: Date): Promise<void> {
    if (messages.length === 0) return;
    await this.deps.db.outboxMessage.updateMany({
      where: { id: { in: messages.map((m) => m.id) }, lockedBy: this.holder, status: "sending" },
      data: {
        status: "pending",
        nextAttemptAt: at,
        lockedBy: null,
        lockedUntil: null,
        attempts: { decrement: 1 },
      },
    });
  }

  /** Records a failed attempt: failed for good (undefined), or put back until the returned time. */
  private async failed(key: string, m: OutboxMessage, error: unknown): Promise<Date | undefined> {
    const { kind, retryAfter, detail } = errorCode(error);
    const now = realNow();
    if (kind === "permanent" || m.attempts >= maxAttempts) {
      await this.deps.db.outboxMessage.update({
        where: { id: m.id },
        data: { status: "failed", error: detail, lockedBy: null, lockedUntil: null },
      });
      this.deps.log.error("outbox message failed for good", { id: m.id, error: detail });
      await this.hooks
        .onFailed?.(m, detail)
        .catch((e) => this.deps.log.warn("could not report a failed message", { error: String(e) }));
      return undefined;
    }
    const delay = kind === "rate" ? (retryAfter ?? 1) * 1000 : Math.min(60_000, 500 * 2 ** (m.attempts - 1));
    if (kind === "rate") await this.holdChannel(key, delay);
    const retryAt = new Date(now.getTime() + delay);
    await this.deps.db.outboxMessage.update({
      where: { id: m.id },
      data: { status: "pending", error: detail, nextAttemptAt: retryAt, lockedBy: null, lockedUntil: null },
    });
    // The poll loop (here or in another process) sends it once it is due again.
    return retryAt;
  }

  /** The ts of this message if an earlier attempt posted it (see `findPosted`). */
  private async alreadyPosted(
    client: webApi.WebClient,
    channel: string,
    m: OutboxMessage,
  ): Promise<string | undefined> {
    try {
      return await findPosted(client, { channel, threadTs: m.threadTs, jobId: m.id, writtenAt: m.createdAt });
    } catch (error) {
      // Not knowing is not proof it was never posted, but the alternative is never posting it.
      this.deps.log.warn("could not look for an earlier attempt", {
        id: m.id,
        error: errorCode(error).detail,
      });
      return undefined;
    }
  }
}

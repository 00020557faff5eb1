import type { App, ReceiverEvent } from "@slack/bolt";
import type { Deps } from "../deps.js";

/**
 * Events API deliveries, made durable (docs/decisions/0016-durable-events.md).
 *
 * Bolt acknowledges an event before its listeners run, and Slack does not
 * send an acknowledged event again. So each event is written here first,
 * claimed by this process for a lease, and marked handled only when its
 * listeners have run. A process that dies mid-handler leaves the row
 * claimed; when the lease ends, Slack's own redelivery or the next
 * `recover()` (any replica) runs it, once. A redelivery of an event that was
 * handled, or that a live process holds, is acknowledged and ignored.
 */
const nowUtc = `(now() AT TIME ZONE 'UTC')`;

const receive = {
  name: "coo_inbox_receive",
  text: `
    INSERT INTO "InboundEvent" ("eventId", "teamId", "body", "status", "attempts", "lockedUntil", "receivedAt")
    VALUES ($1, $2, $3::jsonb, 'received', 1, ${nowUtc} + make_interval(secs => $4::float8), ${nowUtc})
    ON CONFLICT ("eventId") DO UPDATE
      SET "attempts" = "InboundEvent"."attempts" + 1, "lockedUntil" = EXCLUDED."lockedUntil"
      WHERE "InboundEvent"."status" = 'received' AND "InboundEvent"."lockedUntil" <= ${nowUtc}
    RETURNING "eventId"`,
};

const handled = {
  name: "coo_inbox_handled",
  text: `UPDATE "InboundEvent" SET "status" = 'handled', "handledAt" = ${nowUtc}, "body" = NULL WHERE "eventId" = $1`,
};

/** A handler that threw: tried again later by `recover()`, up to the last attempt. */
const failed = {
  name: "coo_inbox_failed",
  text: `
    UPDATE "InboundEvent" SET
      "status" = CASE WHEN "attempts" >= $2 THEN 'failed'::"InboundStatus" ELSE 'received'::"InboundStatus" END,
      "body" = CASE WHEN "attempts" >= $2 THEN NULL ELSE "body" END,
      "lockedUntil" = ${nowUtc} + make_interval(secs => 30 * "attempts")
    WHERE "eventId" = $1`,
};

const giveUp = {
  name: "coo_inbox_give_up",
  text: `
    UPDATE "InboundEvent" SET "status" = 'failed', "body" = NULL
    WHERE "status" = 'received' AND "lockedUntil" <= ${nowUtc}
      AND ("attempts" >= $1 OR "receivedAt" < ${nowUtc} - interval '1 day')
    RETURNING "eventId"`,
};

/** A live process keeps its claim for as long as the handler runs. */
const renew = {
  name: "coo_inbox_renew",
  text: `
    UPDATE "InboundEvent" SET "lockedUntil" = ${nowUtc} + make_interval(secs => $2::float8)
    WHERE "eventId" = $1 AND "status" = 'received'`,
};

const takeOver = {
  name: "coo_inbox_take_over",
  text: `
    UPDATE "InboundEvent" SET "attempts" = "attempts" + 1,
      "lockedUntil" = ${nowUtc} + make_interval(secs => $1::float8)
    WHERE "eventId" IN (
      SELECT "eventId" FROM "InboundEvent"
      WHERE "status" = 'received' AND "lockedUntil" <= ${nowUtc}
      ORDER BY "receivedAt" LIMIT 20 FOR UPDATE SKIP LOCKED)
    RETURNING "eventId", "body"`,
};

type Body = { type?: unknown; event_id?: unknown; team_id?: unknown; authorizations?: unknown };

export class EventInbox {
  private process: ((event: ReceiverEvent) => Promise<void>) | undefined;

  constructor(
    private readonly deps: Pick<Deps, "sql" | "log">,
    private readonly options: { leaseSeconds: number; maxAttempts?: number },
  ) {}

  private get maxAttempts() {
    return this.options.maxAttempts ?? 3;
  }

  /** Puts the inbox in front of Bolt: every event passes here, from HTTP and Socket Mode alike. */
  install(app: App): void {
    const process = app.processEvent.bind(app);
    this.process = process;
    app.processEvent = async (event: ReceiverEvent) => {
      const body = event.body as Body;
      if (body.type !== "event_callback" || typeof body.event_id !== "string") return process(event);
      const eventId = body.event_id;
      const rows = await this.deps.sql<{ eventId: string }>(receive, [
        eventId,
        teamOf(body),
        JSON.stringify(body),
        this.options.leaseSeconds,
      ]);
      if (rows.length === 0) {
        this.deps.log.info("duplicate event ignored", { eventId, retryNum: event.retryNum });
        await event.ack();
        return;
      }
      await this.run(eventId, () => process(event));
    };
  }

  /**
   * Runs the events whose process stopped before handling them (their lease
   * is over), oldest first; gives up on those tried too often or too old.
   */
  async recover(): Promise<number> {
    const process = this.process;
    if (!process) return 0;
    const abandoned = await this.deps.sql<{ eventId: string }>(giveUp, [this.maxAttempts]);
    for (const { eventId } of abandoned) this.deps.log.error("event given up", { eventId });
    const rows = await this.deps.sql<{ eventId: string; body: unknown }>(takeOver, [
      this.options.leaseSeconds,
    ]);
    for (const row of rows) {
      const body = (typeof row.body === "string" ? JSON.parse(row.body) : row.body) as Record<
        string,
        unknown
      >;
      this.deps.log.warn("handling an event a stopped process left", { eventId: row.eventId });
      await this.run(row.eventId, () => process({ body, ack: async () => {} }));
    }
    return rows.length;
  }

  private async run(eventId: string, handle: () => Promise<void>): Promise<void> {
    // Renewed at half the lease: only a process that stopped lets its events go.
    const heartbeat = setInterval(
      () => {
        this.deps
          .sql(renew, [eventId, this.options.leaseSeconds])
          .catch((e) =>
            this.deps.log.warn("could not renew an event's lease", { eventId, error: String(e) }),
          );
      },
      (this.options.leaseSeconds * 1000) / 2,
    );
    heartbeat.unref();
    try {
      await handle();
    } catch (error) {
      await this.deps
        .sql(failed, [eventId, this.maxAttempts])
        .catch((e) => this.deps.log.warn("could not record a failed event", { eventId, error: String(e) }));
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
    await this.deps.sql(handled, [eventId]);
  }
}

function teamOf(body: Body): string | null {
  const [first] = Array.isArray(body.authorizations)
    ? (body.authorizations as Array<{ team_id?: unknown }>)
    : [];
  const team = first?.team_id ?? body.team_id;
  return typeof team === "string" ? team : null;
}

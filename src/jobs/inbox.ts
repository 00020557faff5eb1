import type { App, ReceiverEvent } from "@slack/bolt";
import type { Db } from "../db/open.js";
import type { Log } from "../log.js";
import type { Outbox } from "./outbox.js";

/**
 * Events API deliveries, made durable with the one job system
 * (docs/decisions/0016-durable-events.md, 0021-one-job-system.md).
 *
 * Bolt acknowledges an event before its listeners run, and Slack does not
 * send an acknowledged event again. So each event is first written as a job
 * of the queue `slack_event`, keyed by its event_id and already claimed by
 * this process for a lease; only then does Bolt acknowledge it. Its
 * listeners run here at once, the lease renewed while they do, and the job
 * is marked done when they have run. A process that dies mid-handler leaves
 * the job claimed: when the lease ends, any process's job runner takes it
 * over and hands the stored envelope to Bolt again. A redelivery of an event
 * whose job exists is acknowledged and ignored.
 */
export const slackEvents = "slack_event";

type Body = { type?: unknown; event_id?: unknown };

/**
 * Puts the inbox in front of Bolt: every event passes here, from HTTP and
 * Socket Mode alike. Events the job runner takes over (a process died with
 * them) are handed to Bolt as they were delivered.
 */
export function installEventInbox(app: App, outbox: Outbox, db: Db, log: Log): void {
  const process = app.processEvent.bind(app);
  outbox.handle(slackEvents, async (body) => {
    log.warn("handling an event a stopped process left");
    await process({ body: body as Record<string, unknown>, ack: async () => {} });
    return undefined;
  });
  app.processEvent = async (event: ReceiverEvent) => {
    const body = event.body as Body;
    if (body.type !== "event_callback" || typeof body.event_id !== "string") return process(event);
    const eventId = body.event_id;
    const claim = await outbox.claimNew(db, {
      queue: slackEvents,
      // Not yet anyone's: the team in the envelope is only a claim until Bolt
      // authorizes it, and a workspace row is not made for an unknown team.
      workspaceId: null,
      key: `event:${eventId}`,
      payload: body as never,
    });
    if (!claim) {
      log.info("duplicate event ignored", { eventId, retryNum: event.retryNum });
      await event.ack();
      return;
    }
    await claim.run(() => process(event));
  };
}

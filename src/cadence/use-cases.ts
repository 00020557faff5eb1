import type { Deps } from "../deps.js";
import type { Cadence, OutboxMessage } from "../generated/prisma/client.js";
import { formatId } from "../ledger/ids.js";
import { enqueue } from "../slack/outbox.js";

/** What a person can do about each way Slack refuses a cadence's message for good. */
function advice(error: string, cadence: Cadence): string {
  const channel = `<#${cadence.channelId}>`;
  const remove = `\`/coo cadence remove ${formatId("cadence", cadence.number)}\``;
  switch (error) {
    case "not_in_channel":
      return `I'm no longer a member of ${channel}, so I can't post there. Invite me back with \`/invite @coo\` in that channel, or ${remove}.`;
    case "channel_not_found":
      return `I can't find ${channel}: it was deleted, or it is private and I'm not in it. If it is still in use, invite me with \`/invite @coo\` there; otherwise ${remove}.`;
    case "is_archived":
      return `${channel} is archived, so nothing can be posted there. Unarchive it, or ${remove}.`;
    case "restricted_action":
    case "ekm_access_denied":
      return `This workspace's settings don't let me post in ${channel}. An admin can allow it, or ${remove}.`;
    case "invalid_blocks":
    case "invalid_arguments":
    case "msg_too_long":
    case "no_text":
      return "Slack found the message itself malformed or too long: a fault in coo, not in the channel. It is logged; the next run tries again.";
    default:
      return `I'll try again at the next run; if this keeps happening, ${remove} or tell your admin.`;
  }
}

/**
 * A cadence message that can never be delivered (channel gone, bot removed,
 * a message Slack refuses) is told to whoever set the cadence up, with what
 * went wrong and what to do, instead of being retried forever. Also used when
 * a run cannot open at all (its channel's members cannot be read).
 */
export async function reportFailure(
  deps: Deps,
  message: Pick<OutboxMessage, "cadenceId" | "threadTs">,
  error: string,
): Promise<void> {
  if (!message.cadenceId) return;
  const cadence = await deps.db.cadence.findUnique({ where: { id: message.cadenceId } });
  if (!cadence) return;
  const what = message.threadTs
    ? `the ${cadence.kind} summary`
    : cadence.kind === "standup"
      ? "today's standup"
      : `this week's ${cadence.kind}`;
  // Queued only: this runs inside the outbox's own send, and the poll loop delivers it.
  await deps.db.$transaction((tx) =>
    enqueue(tx, [
      {
        workspaceId: cadence.workspaceId,
        userId: cadence.createdById,
        text: `I could not post ${what} (*${formatId("cadence", cadence.number)}*) in <#${cadence.channelId}>: Slack said \`${error}\`. ${advice(error, cadence)}`,
      },
    ]),
  );
}

import type { Deps } from "../deps.js";
import type { OutboxMessage } from "../generated/prisma/client.js";
import { formatId } from "../ledger/ids.js";
import { enqueue } from "../slack/outbox.js";

/**
 * A cadence message that can never be delivered (channel gone, bot removed)
 * is told to whoever set the cadence up, once, instead of being retried forever.
 */
export async function reportFailure(deps: Deps, message: OutboxMessage, error: string): Promise<void> {
  if (!message.cadenceId) return;
  const cadence = await deps.db.cadence.findUnique({ where: { id: message.cadenceId } });
  if (!cadence) return;
  // Queued only: this runs inside the outbox's own send, and the poll loop delivers it.
  await deps.db.$transaction((tx) =>
    enqueue(tx, [
      {
        workspaceId: cadence.workspaceId,
        userId: cadence.createdById,
        text: `I could not post ${formatId("cadence", cadence.number)} (${cadence.kind}) in <#${cadence.channelId}>: Slack said \`${error}\`. Invite me to the channel (\`/invite @coo\`), or \`/coo cadence remove ${formatId("cadence", cadence.number)}\`.`,
      },
    ]),
  );
}

import type { Db } from "../db/open.js";
import { outboxRow } from "../db/rows.js";
import { query, statement } from "../db/sql.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Block } from "../slack/commands.js";

/** A message coo posted, as Slack names it in a button press: its channel and ts. */
export type SentMessage = { workspaceId: string; channel: string; ts: string };

const lockSent = statement({
  name: "coo_lock_sent_message",
  text: `
    SELECT "id", "text", "blocks" FROM "OutboxMessage"
    WHERE "sentChannel" = $1 AND "sentTs" = $2 AND "workspaceId" = $3
    LIMIT 1 FOR UPDATE`,
  row: outboxRow.pick({ id: true, text: true, blocks: true }),
});

/**
 * The blocks a message coo sent through the outbox shows now, changed by
 * `change` and kept, so a later edit of the same message starts from this
 * one (Slack does not hand back a message's blocks when a modal on it is
 * submitted). Undefined when the message is not one of the outbox's (or was
 * cleaned up long ago): the caller then does without editing it.
 */
export async function rewriteSent(
  db: Db,
  message: SentMessage,
  change: (blocks: Block[]) => Block[],
): Promise<{ text: string; blocks: Block[] } | undefined> {
  return db.$transaction(async (tx) => {
    const [row] = await query(tx, lockSent, [message.channel, message.ts, message.workspaceId]);
    if (!row || !Array.isArray(row.blocks)) return undefined;
    const blocks = change(row.blocks as unknown as Block[]);
    await tx.outboxMessage.update({
      where: { id: row.id },
      data: { blocks: blocks as unknown as Prisma.InputJsonValue },
    });
    return { text: row.text, blocks };
  });
}

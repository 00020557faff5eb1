import type { Deps } from "../deps.js";
import type { DecidedBy, Seat, SeatLane } from "../generated/prisma/client.js";
import { enqueue, type Outgoing } from "../jobs/outbox.js";

/*
 * The routing feature's reads and writes: who holds which seat, and the
 * record of each question passed to a seat holder. Only its use cases call these.
 */

export async function seatHolder(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  seat: Seat,
): Promise<string | undefined> {
  const holder = await deps.db.person.findFirst({
    where: { workspaceId, seat },
    select: { slackUserId: true },
  });
  return holder?.slackUserId;
}

export async function freeSeat(deps: Pick<Deps, "db">, workspaceId: string, seat: Seat): Promise<void> {
  await deps.db.person.updateMany({ where: { workspaceId, seat }, data: { seat: null } });
}

/** The seat goes to `userId`, and whoever held it holds it no more: one statement each, one transaction. */
export async function giveSeat(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  seat: Seat,
  userId: string,
): Promise<void> {
  await deps.db.$transaction([
    deps.db.person.updateMany({ where: { workspaceId, seat }, data: { seat: null } }),
    deps.db.person.update({
      where: { workspaceId_slackUserId: { workspaceId, slackUserId: userId } },
      data: { seat },
    }),
  ]);
}

/**
 * Once per question: the record and the DM to the seat holder are written
 * together; a redelivered event or a second replica finds the record and
 * stops. Undefined when the question was already routed; the outbox ids otherwise.
 */
export function recordRoutedQuestion(
  deps: Pick<Deps, "db">,
  question: {
    workspaceId: string;
    channelId: string;
    messageTs: string;
    askerId: string;
    category: SeatLane;
    decidedBy: DecidedBy;
    seatHolderId: string;
  },
  dm: Outgoing | undefined,
): Promise<number[] | undefined> {
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.routedQuestion.createMany({ data: [question], skipDuplicates: true });
    if (count === 0) return undefined;
    return dm ? enqueue(tx, [dm]) : [];
  });
}

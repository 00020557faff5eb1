import type { Deps } from "../deps.js";
import { notFound } from "../errors.js";
import type { Bet, Prisma } from "../generated/prisma/client.js";
import { formatId, nextNumber } from "../ledger/ids.js";

/*
 * The bets feature's reads and writes. Only its use cases (use-cases.ts)
 * call these; no rule, permission or message lives here. Workstreams and
 * commitments are the commitments feature's, read through its use cases.
 */

export type { Bet };

/** A new bet with the workspace's next G-number, in one transaction. */
export function createBet(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; title: string; targetDate: Date | undefined; createdById: string; now: Date },
): Promise<Bet> {
  return deps.db.$transaction(async (tx) => {
    const number = await nextNumber(tx, input.workspaceId, "bet");
    return tx.bet.create({
      data: {
        workspaceId: input.workspaceId,
        number,
        title: input.title,
        targetDate: input.targetDate ?? null,
        createdById: input.createdById,
        createdAt: input.now,
      },
    });
  });
}

/** An open bet marked achieved or dropped; false when it was no longer open (someone else got there first). */
export async function closeOpenBet(
  deps: Pick<Deps, "db">,
  bet: Pick<Bet, "id">,
  status: Exclude<Bet["status"], "open">,
): Promise<boolean> {
  const { count } = await deps.db.bet.updateMany({ where: { id: bet.id, status: "open" }, data: { status } });
  return count > 0;
}

export async function findBet(deps: Pick<Deps, "db">, workspaceId: string, number: number): Promise<Bet> {
  const found = await deps.db.bet.findUnique({ where: { workspaceId_number: { workspaceId, number } } });
  if (!found) throw notFound(`There is no bet ${formatId("bet", number)} here. \`/coo bets\` lists them.`);
  return found;
}

export function betById(deps: Pick<Deps, "db">, id: number) {
  return deps.db.bet.findUnique({ where: { id } });
}

/** Bets of a workspace, open ones first, then by number; a page, and how many there are. */
export async function listBets(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  input: { status?: Bet["status"]; limit: number },
): Promise<{ items: Bet[]; total: number }> {
  const where: Prisma.BetWhereInput = { workspaceId, ...(input.status ? { status: input.status } : {}) };
  const [items, total] = await Promise.all([
    deps.db.bet.findMany({ where, orderBy: [{ status: "asc" }, { number: "asc" }], take: input.limit }),
    deps.db.bet.count({ where }),
  ]);
  return { items, total };
}

import { z } from "zod";
import type { Deps } from "../deps.js";
import { notFound } from "../errors.js";
import type { PlanDraftStatus, Prisma } from "../generated/prisma/client.js";
import { formatId } from "../ledger/ids.js";
import type { PlanItem } from "./plan-draft.js";

/*
 * The plan drafts' reads and writes. Only plan-use-cases.ts calls these;
 * commitments and workstreams are written through the commitments feature.
 */

export async function betToPlan(deps: Pick<Deps, "db">, workspaceId: string, number: number) {
  const bet = await deps.db.bet.findUnique({
    where: { workspaceId_number: { workspaceId, number } },
    include: { _count: { select: { workstreams: true } } },
  });
  if (!bet) throw notFound(`There is no bet ${formatId("bet", number)} here. \`/coo bets\` lists them.`);
  return bet;
}

/** The workspace's workstreams, with the bet each carries: what a draft must not collide with. */
export async function streamsOf(deps: Pick<Deps, "db">, workspaceId: string) {
  return deps.db.workstream.findMany({
    where: { workspaceId },
    select: { name: true, ownerId: true, bet: { select: { number: true } } },
    orderBy: { name: "asc" },
    take: 200,
  });
}

/** Full members coo has met, by name: whom Claude may name as owners. */
export function membersOf(deps: Pick<Deps, "db">, workspaceId: string, limit: number) {
  return deps.db.person.findMany({
    where: { workspaceId, kind: "member" },
    select: { slackUserId: true, displayName: true },
    orderBy: [{ displayName: "asc" }, { slackUserId: "asc" }],
    take: limit,
  });
}

/** A draft's items as stored: dates as ISO instants. */
const storedItems = z.array(
  z.object({
    stream: z.string(),
    ownerId: z.string(),
    title: z.string(),
    dueAt: z.string().datetime().pipe(z.coerce.date()),
  }),
);

export type DraftRecord = {
  id: number;
  proposerId: string;
  status: PlanDraftStatus;
  decidedById: string | null;
  items: PlanItem[];
  bet: { id: number; number: number; title: string };
};

const withBet = {
  bet: { select: { id: true, number: true, title: true } },
} satisfies Prisma.PlanDraftInclude;

function record(row: Prisma.PlanDraftGetPayload<{ include: typeof withBet }>): DraftRecord {
  return { ...row, items: storedItems.parse(row.items) };
}

export async function createDraft(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; betId: number; proposerId: string; items: PlanItem[]; now: Date },
): Promise<DraftRecord> {
  const { items, now, ...rest } = input;
  const row = await deps.db.planDraft.create({
    data: {
      ...rest,
      items: items.map((i) => ({ ...i, dueAt: i.dueAt.toISOString() })),
      createdAt: now,
    },
    include: withBet,
  });
  return record(row);
}

export async function findDraft(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  id: number,
): Promise<DraftRecord | undefined> {
  const row = await deps.db.planDraft.findFirst({ where: { workspaceId, id }, include: withBet });
  return row ? record(row) : undefined;
}

/**
 * Moves a proposed draft on, once: false when it was confirmed or cancelled
 * meanwhile (a second press, two people at once), and nothing changes.
 */
export async function decideDraft(
  tx: Prisma.TransactionClient,
  id: number,
  decision: { status: "confirmed" | "cancelled"; byId: string; at: Date },
): Promise<boolean> {
  const { count } = await tx.planDraft.updateMany({
    where: { id, status: "proposed" },
    data: { status: decision.status, decidedById: decision.byId, decidedAt: decision.at },
  });
  return count > 0;
}

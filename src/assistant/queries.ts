import type { Deps } from "../deps.js";
import type { DecidedBy, Prisma, ProposalKind, ProposalStatus } from "../generated/prisma/client.js";

/*
 * The assistant's rows: proposals (a change asked for in plain words, waiting
 * for Confirm) and the names people go by in a workspace.
 */

type Tx = Prisma.TransactionClient;

export type ProposalRow = {
  id: number;
  workspaceId: string;
  askerId: string;
  kind: ProposalKind;
  payload: Prisma.JsonValue;
  channelId: string;
  status: ProposalStatus;
  decidedById: string | null;
};

const proposalSelect = {
  id: true,
  workspaceId: true,
  askerId: true,
  kind: true,
  payload: true,
  channelId: true,
  status: true,
  decidedById: true,
} satisfies Prisma.ProposalSelect;

export function insertProposal(
  deps: Pick<Deps, "db">,
  row: {
    workspaceId: string;
    askerId: string;
    kind: ProposalKind;
    payload: Prisma.InputJsonValue;
    channelId: string;
    decidedBy: DecidedBy;
    at: Date;
  },
): Promise<ProposalRow> {
  const { at, ...data } = row;
  return deps.db.proposal.create({ data: { ...data, createdAt: at }, select: proposalSelect });
}

/** A proposal of this workspace (an id of another workspace finds nothing). */
export function findProposal(deps: Pick<Deps, "db">, workspaceId: string, id: number) {
  return deps.db.proposal.findFirst({ where: { id, workspaceId }, select: proposalSelect });
}

/**
 * Moves a proposal on from `proposed`, once: false when someone else already
 * confirmed or cancelled it (the row is locked by the update, so two presses
 * at once make one change).
 */
export async function decideProposal(
  tx: Tx,
  id: number,
  decision: { status: "confirmed" | "cancelled"; byId: string; at: Date },
): Promise<boolean> {
  const { count } = await tx.proposal.updateMany({
    where: { id, status: "proposed" },
    data: { status: decision.status, decidedById: decision.byId, decidedAt: decision.at },
  });
  return count === 1;
}

/** A confirmed proposal whose change then failed goes back to waiting (nothing of it happened). */
export async function reopenProposal(deps: Pick<Deps, "db">, id: number): Promise<void> {
  await deps.db.proposal.updateMany({
    where: { id, status: "confirmed" },
    data: { status: "proposed", decidedById: null, decidedAt: null },
  });
}

/** Members of a workspace by the names Slack gave them, for "did sam send...". */
export function peopleNamed(deps: Pick<Deps, "db">, workspaceId: string) {
  return deps.db.person.findMany({
    where: { workspaceId, kind: "member", displayName: { not: null } },
    select: { slackUserId: true, displayName: true },
    take: 500,
  });
}

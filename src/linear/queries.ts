import type { Deps } from "../deps.js";
import type { Prisma } from "../generated/prisma/client.js";

/*
 * The Linear feature's reads and writes. Only its use cases call these; no
 * rule, permission or message lives here. A Linear issue is a
 * CommitmentLink of kind linear_issue: `repo` holds its team key (ENG),
 * `number` its number.
 */

type Tx = Prisma.TransactionClient;

export type LinearRef = { key: string; number: number; url: string };

export function teamsOf(deps: Pick<Deps, "db">, workspaceId: string) {
  return deps.db.linearTeam.findMany({ where: { workspaceId }, orderBy: { key: "asc" } });
}

/** True when the team was not followed yet. */
export async function addTeam(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; key: string; connectedById: string },
): Promise<boolean> {
  const { count } = await deps.db.linearTeam.createMany({ data: [input], skipDuplicates: true });
  return count === 1;
}

/** Which of these team keys the workspace follows. */
export async function followedKeys(deps: Pick<Deps, "db">, workspaceId: string, keys: string[]) {
  const rows = await deps.db.linearTeam.findMany({
    where: { workspaceId, key: { in: keys } },
    select: { key: true },
  });
  return new Set(rows.map((r) => r.key));
}

/** The workspaces that follow a team: the only ones its issues' events reach. */
export async function workspacesFollowing(deps: Pick<Deps, "db">, key: string): Promise<string[]> {
  const rows = await deps.db.linearTeam.findMany({ where: { key }, select: { workspaceId: true } });
  return rows.map((r) => r.workspaceId);
}

/** Open commitments of these workspaces with these numbers. */
export function openByNumbers(deps: Pick<Deps, "db">, workspaceIds: string[], numbers: number[]) {
  return deps.db.commitment.findMany({
    where: { workspaceId: { in: workspaceIds }, number: { in: numbers }, status: "open" },
    select: { id: true, workspaceId: true, number: true },
  });
}

/** A link to a Linear issue, once. True when it is new. */
export async function addLinearLink(
  on: Pick<Tx, "commitmentLink">,
  input: LinearRef & { workspaceId: string; commitmentId: number },
): Promise<boolean> {
  const { count } = await on.commitmentLink.createMany({
    data: [
      {
        workspaceId: input.workspaceId,
        commitmentId: input.commitmentId,
        kind: "linear_issue",
        repo: input.key,
        number: input.number,
        url: input.url,
      },
    ],
    skipDuplicates: true,
  });
  return count === 1;
}

/** The commitments linked to one Linear issue, in the workspaces that follow its team. */
export function linearLinksTo(on: Pick<Tx, "commitmentLink">, workspaceIds: string[], ref: LinearRef) {
  return on.commitmentLink.findMany({
    where: { workspaceId: { in: workspaceIds }, kind: "linear_issue", repo: ref.key, number: ref.number },
    include: {
      commitment: {
        select: { id: true, number: true, title: true, ownerId: true, status: true, dueAt: true },
      },
    },
    orderBy: { id: "asc" },
  });
}

/** What Linear last said of a link: its state type, its address, the due date already offered. */
export function setLinearLink(tx: Tx, id: number, data: { state: string; url: string; offeredDue?: string }) {
  return tx.commitmentLink.update({ where: { id }, data });
}

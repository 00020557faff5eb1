import type { Deps } from "../deps.js";
import type { LinkKind, Prisma, ReviewState } from "../generated/prisma/client.js";

/*
 * The GitHub feature's reads and writes. Only its use cases call these; no
 * rule, permission or message lives here.
 */

type Tx = Prisma.TransactionClient;

export type LinkRef = { kind: LinkKind; repo: string; number: number; url: string };

export function reposOf(deps: Pick<Deps, "db">, workspaceId: string) {
  return deps.db.gitHubRepo.findMany({ where: { workspaceId }, orderBy: { fullName: "asc" } });
}

/** True when the repository was not connected yet. */
export async function addRepo(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; fullName: string; connectedById: string },
): Promise<boolean> {
  const { count } = await deps.db.gitHubRepo.createMany({ data: [input], skipDuplicates: true });
  return count === 1;
}

export async function isConnected(deps: Pick<Deps, "db">, workspaceId: string, fullName: string) {
  const found = await deps.db.gitHubRepo.findUnique({
    where: { fullName_workspaceId: { fullName, workspaceId } },
  });
  return found !== null;
}

/** The workspaces that connected a repository: the only ones its events reach. */
export async function workspacesWatching(deps: Pick<Deps, "db">, fullName: string): Promise<string[]> {
  const rows = await deps.db.gitHubRepo.findMany({ where: { fullName }, select: { workspaceId: true } });
  return rows.map((r) => r.workspaceId);
}

/** Open commitments of these workspaces with these numbers (a PR naming C12 in two workspaces is two). */
export function openByNumbers(deps: Pick<Deps, "db">, workspaceIds: string[], numbers: number[]) {
  return deps.db.commitment.findMany({
    where: { workspaceId: { in: workspaceIds }, number: { in: numbers }, status: "open" },
    select: { id: true, workspaceId: true, number: true },
  });
}

/** The commitments linked to one issue or pull request, in the workspaces that watch its repository. */
export function linksTo(
  on: Pick<Tx, "commitmentLink">,
  workspaceIds: string[],
  ref: Pick<LinkRef, "repo" | "number">,
) {
  return on.commitmentLink.findMany({
    where: { workspaceId: { in: workspaceIds }, repo: ref.repo, number: ref.number },
    include: { commitment: { select: { id: true, number: true, title: true, ownerId: true, status: true } } },
    orderBy: { id: "asc" },
  });
}

/** A link, once: linking again changes nothing. True when it is new. */
export async function addLink(
  on: Pick<Tx, "commitmentLink">,
  input: LinkRef & { workspaceId: string; commitmentId: number },
): Promise<boolean> {
  const { count } = await on.commitmentLink.createMany({ data: [input], skipDuplicates: true });
  return count === 1;
}

/** What GitHub last said of the links' issue or pull request (shorthand links learn their kind here). */
export function setLinkState(tx: Tx, ids: number[], state: { state: string; kind: LinkKind; url: string }) {
  return tx.commitmentLink.updateMany({ where: { id: { in: ids } }, data: state });
}

/** A pull request's review, as the last review delivery left it. */
export function setReview(
  tx: Tx,
  id: number,
  data: { review: ReviewState | null; reviewer: string | null; reviewSince: Date | null },
) {
  return tx.commitmentLink.update({ where: { id }, data });
}

/** The Slack person a GitHub login is in this workspace, if anyone said. */
export async function slackIdOf(on: Pick<Tx, "gitHubLogin">, workspaceId: string, login: string) {
  const found = await on.gitHubLogin.findUnique({ where: { workspaceId_login: { workspaceId, login } } });
  return found?.slackUserId;
}

export function loginsOf(deps: Pick<Deps, "db">, workspaceId: string) {
  return deps.db.gitHubLogin.findMany({ where: { workspaceId } });
}

/**
 * The person's login, replacing any they had; the Slack user who already
 * holds the login when it is someone else's (then nothing is written).
 */
export async function claimLogin(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; login: string; slackUserId: string },
): Promise<string | undefined> {
  return deps.db.$transaction(async (tx) => {
    const held = await tx.gitHubLogin.findUnique({
      where: { workspaceId_login: { workspaceId: input.workspaceId, login: input.login } },
    });
    if (held) return held.slackUserId;
    await tx.gitHubLogin.deleteMany({
      where: { workspaceId: input.workspaceId, slackUserId: input.slackUserId },
    });
    await tx.gitHubLogin.create({ data: input });
    return undefined;
  });
}

/**
 * Links of open commitments whose pull request has changes requested, or a
 * review asked for since before `waitingSince`.
 */
export function reviewLinksOf(
  deps: Pick<Deps, "db">,
  input: { workspaceId?: string; commitmentIds?: number[]; waitingSince: Date },
) {
  return deps.db.commitmentLink.findMany({
    where: {
      ...(input.workspaceId ? { workspaceId: input.workspaceId } : {}),
      ...(input.commitmentIds ? { commitmentId: { in: input.commitmentIds } } : {}),
      commitment: { status: "open" },
      OR: [
        { review: "changes_requested" },
        { review: "requested", reviewSince: { lte: input.waitingSince } },
      ],
    },
    include: { commitment: { select: { number: true, title: true, ownerId: true } } },
    orderBy: { id: "asc" },
  });
}

/** What the links point at, as a delivery says (an issue number that is a pull request). */
export function setLinkKind(tx: Tx, ids: number[], data: { kind: LinkKind; url: string }) {
  return tx.commitmentLink.updateMany({ where: { id: { in: ids } }, data });
}

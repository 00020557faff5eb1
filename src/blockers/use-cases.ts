import { findCommitment } from "../commitments/use-cases.js";
import type { Deps } from "../deps.js";
import { badInput, CooError } from "../errors.js";
import type { Blocker } from "../generated/prisma/client.js";
import { formatId } from "../ledger/ids.js";
import { type Actor, authorize } from "../policy.js";
import { resolvedNotice } from "./messages.js";
import {
  findBlocker,
  insertBlocker,
  listBlockers,
  markResolved,
  type NewBlocker,
  openBlockersBy,
  openBlockersNaming,
  openBlockersWaitingOn,
} from "./queries.js";

/*
 * The blockers feature's operations, for every surface (slash commands,
 * buttons, standup answers, other features). Each owns its rules, its
 * permission checks and its writes (docs/decisions/0020-use-cases-and-grammar.md).
 */

export type { Blocker };

type UseCaseDeps = Pick<Deps, "db" | "sql" | "clock" | "changes" | "people" | "outbox">;

export const maxBlockerText = 500;
const maxWaitingOnText = 100;
/** `/coo blockers all` shows those resolved within this many days. */
export const recentlyResolvedDays = 7;

/** Who or what a blocker waits on: a person, a commitment (by its number), or a team named in words. */
export type WaitingOn = { userId: string } | { commitment: number } | { text: string };

/**
 * Records a blocker as said (a standup answer, a nudge's help form): the
 * caller has read who raised it and who it waits on.
 */
export async function createBlocker(
  deps: Pick<Deps, "db" | "clock" | "changes">,
  input: NewBlocker,
): Promise<Blocker> {
  const blocker = await insertBlocker(deps, { ...input, openedAt: deps.clock.now() });
  deps.changes.publish({
    workspaceId: input.workspaceId,
    userIds: [input.reporterId, input.waitingOnId ?? ""],
  });
  return blocker;
}

/**
 * `/coo blocker`: the actor raises what is blocked. A person it waits on must
 * be a real member of this workspace; a commitment it waits on must exist
 * here, and is named with its title.
 */
export async function raiseBlocker(
  deps: UseCaseDeps,
  actor: Actor,
  input: {
    workspaceId: string;
    text: string;
    waitingOn?: WaitingOn | undefined;
    channelId?: string | undefined;
  },
): Promise<Blocker> {
  const { workspaceId, waitingOn } = input;
  if (input.text.length > maxBlockerText)
    throw badInput(`Keep a blocker under ${maxBlockerText} characters.`);
  if (waitingOn && "text" in waitingOn && waitingOn.text.length > maxWaitingOnText)
    throw badInput(`Say who it waits on in under ${maxWaitingOnText} characters, or mention them.`);
  let on: { waitingOnId?: string; waitingOnText?: string; waitingOnCommitmentId?: number } = {};
  if (waitingOn && "userId" in waitingOn) {
    await deps.people.member(workspaceId, waitingOn.userId);
    on = { waitingOnId: waitingOn.userId };
  } else if (waitingOn && "commitment" in waitingOn) {
    const c = await findCommitment(deps, workspaceId, waitingOn.commitment);
    on = {
      waitingOnText: `${formatId("commitment", c.number)} ${c.title}`.slice(0, maxWaitingOnText),
      waitingOnCommitmentId: c.id,
    };
  } else if (waitingOn) on = { waitingOnText: waitingOn.text };
  return createBlocker(deps, {
    workspaceId,
    reporterId: actor.slackUserId,
    text: input.text,
    channelId: input.channelId,
    ...on,
  });
}

/**
 * The reporter, the person it waits on, a seated human or an admin may
 * resolve a blocker. Whoever raised it hears when someone else clears it:
 * queued with the change itself, so it is said once, and only if the change
 * happened.
 */
export async function resolveBlocker(
  deps: Pick<Deps, "db" | "clock" | "changes" | "outbox">,
  actor: Actor,
  input: { workspaceId: string; number: number },
): Promise<Blocker> {
  const blocker = await findBlocker(deps, input.workspaceId, input.number);
  const actorId = (await authorize(actor, { kind: "resolve_blocker", blocker })).slackUserId;
  const now = deps.clock.now();
  const resolved: Blocker = { ...blocker, status: "resolved", resolvedAt: now, resolvedById: actorId };
  const notices =
    blocker.reporterId === actorId
      ? []
      : [
          {
            workspaceId: input.workspaceId,
            userId: blocker.reporterId,
            text: resolvedNotice(resolved, actorId, now),
          },
        ];
  const told = await markResolved(deps, blocker, { actorId, at: now }, notices);
  if (!told) throw new CooError("conflict", `${formatId("blocker", blocker.number)} is already resolved.`);
  await deps.outbox.deliver(told);
  deps.changes.publish({
    workspaceId: input.workspaceId,
    userIds: [blocker.reporterId, blocker.waitingOnId ?? "", actorId],
  });
  return resolved;
}

/**
 * The queue, oldest first, a page at a time; with `all`, those resolved in
 * the last `recentlyResolvedDays` days follow the open ones.
 */
export function blockerQueue(
  deps: Pick<Deps, "db" | "sql" | "clock">,
  input: { workspaceId: string; all: boolean; offset: number; limit: number },
): Promise<{ items: Blocker[]; total: number; open: number }> {
  const now = deps.clock.now();
  return listBlockers(deps, input.workspaceId, {
    resolvedSince: input.all ? new Date(now.getTime() - recentlyResolvedDays * 24 * 3600 * 1000) : undefined,
    offset: input.offset,
    limit: input.limit,
  });
}

/** The open blockers a person raised or that wait on them, oldest first, and how many there are. */
export async function blockersOf(
  deps: Pick<Deps, "db" | "sql" | "clock">,
  input: { workspaceId: string; userId: string; limit: number },
): Promise<{ items: Blocker[]; open: number }> {
  const { items, open } = await listBlockers(deps, input.workspaceId, {
    offset: 0,
    limit: input.limit,
    userId: input.userId,
  });
  return { items, open };
}

/** Open blockers whose text names any of `words` (every open one without words), oldest first. */
export function openBlockersAbout(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; words: string[]; limit: number },
): Promise<Blocker[]> {
  return openBlockersNaming(deps, input.workspaceId, input.words, input.limit);
}

/** A person's open blockers, oldest first: those they raised, and those waiting on them. */
export async function blockersAround(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; userId: string; limit: number },
): Promise<{ raised: Blocker[]; waiting: Blocker[] }> {
  const { workspaceId, userId, limit } = input;
  const [raised, waiting] = await Promise.all([
    openBlockersBy(deps, workspaceId, { reporterId: userId }, limit),
    openBlockersBy(deps, workspaceId, { waitingOnId: userId }, limit),
  ]);
  return { raised, waiting };
}

/** Open blockers that wait on a commitment (`waiting on C12`): their reporters hear when it moves. */
export function blockersWaitingOn(
  deps: Pick<Deps, "db">,
  input: { commitmentId: number },
): Promise<Blocker[]> {
  return openBlockersWaitingOn(deps, input.commitmentId);
}

import type { Deps } from "../deps.js";
import { CooError } from "../errors.js";
import type { Handoff, Prisma } from "../generated/prisma/client.js";
import { formatId, nextNumber } from "../ledger/ids.js";
import { type Actor, authorize, handoffNotFound, maySeeHandoff } from "../policy.js";
import { mention, quote } from "../slack/mentions.js";
import { duration } from "../words.js";

export type HandoffDraft = {
  what: string;
  fromId?: string | undefined;
  fromText?: string | undefined;
  toId?: string | undefined;
  toText?: string | undefined;
  since: Date;
};

/** Who may see a handoff and whether coo may chase it, as the reporter chose. */
export type HandoffConsent = {
  /** Seen by everyone in the workspace (a `/coo handoff` command); otherwise only by the people on it. */
  shared: boolean;
  /** The reporter agreed that coo nudges the side that owes it. */
  chase: boolean;
};

export const side = (id: string | null | undefined, text: string | null | undefined) =>
  id ? mention(id) : text ? quote(text) : "someone";

export function handoffLine(h: Handoff, now: Date): string {
  const waited = duration(now.getTime() - h.since.getTime());
  return `*${formatId("handoff", h.number)}* ${quote(h.what)}: ${side(h.fromId, h.fromText)} → ${side(h.toId, h.toText)} · waiting for ${waited}${h.status === "open" ? "" : ` · ${h.status}`}`;
}

export async function createHandoff(
  deps: Pick<Deps, "db" | "clock" | "changes">,
  workspaceId: string,
  reporterId: string,
  draft: HandoffDraft & HandoffConsent,
) {
  const now = deps.clock.now();
  // The number is taken in its own statement: the counter row stays locked for
  // microseconds, not for the whole insert (a failed insert leaves a gap, no harm).
  const number = await nextNumber(deps.db, workspaceId, "handoff");
  const handoff = await deps.db.$transaction(async (tx) => {
    return tx.handoff.create({
      data: {
        workspaceId,
        number,
        what: draft.what.slice(0, 300),
        fromId: draft.fromId ?? null,
        fromText: draft.fromText?.slice(0, 100) ?? null,
        toId: draft.toId ?? null,
        toText: draft.toText?.slice(0, 100) ?? null,
        since: new Date(Math.min(draft.since.getTime(), now.getTime())),
        reporterId,
        shared: draft.shared,
        chase: draft.chase,
        createdAt: now,
      },
    });
  });
  deps.changes.publish({ workspaceId, userIds: [reporterId, draft.fromId ?? "", draft.toId ?? ""] });
  return handoff;
}

/** A handoff this person may see: a private one is not found by anyone who is not on it. */
export async function findHandoff(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  number: number,
  viewerId: string,
): Promise<Handoff> {
  const h = await deps.db.handoff.findUnique({ where: { workspaceId_number: { workspaceId, number } } });
  if (!h || !maySeeHandoff(viewerId, h)) throw handoffNotFound(number);
  return h;
}

/** Either side, the reporter, or (for a shared one) an admin or a seated human may close a handoff. */
export async function closeHandoff(
  deps: Pick<Deps, "db" | "clock">,
  workspaceId: string,
  number: number,
  actor: Actor,
) {
  const h = await findHandoff(deps, workspaceId, number, actor.slackUserId);
  const me = (await authorize(actor, { kind: "close_handoff", handoff: h })).slackUserId;
  const { count } = await deps.db.handoff.updateMany({
    where: { id: h.id, status: "open" },
    data: { status: "done", resolvedAt: deps.clock.now(), resolvedById: me },
  });
  if (count === 0) throw new CooError("conflict", `${formatId("handoff", number)} is already closed.`);
  return h;
}

/** The reporter makes a private handoff visible to the workspace, and lets coo chase it. */
export async function shareHandoff(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  number: number,
  actor: Actor,
) {
  const h = await findHandoff(deps, workspaceId, number, actor.slackUserId);
  await authorize(actor, { kind: "share_handoff", handoff: h });
  if (h.shared) return { handoff: h, changed: false };
  const handoff = await deps.db.handoff.update({ where: { id: h.id }, data: { shared: true, chase: true } });
  return { handoff, changed: true };
}

/**
 * Open handoffs someone may see: the shared ones and, for `viewerId`, the
 * private ones they are on. Without a viewer (a channel, a review), shared only.
 */
export function visibleHandoffs(viewerId: string | undefined): Prisma.HandoffWhereInput {
  const shared: Prisma.HandoffWhereInput = { shared: true };
  if (!viewerId) return shared;
  return {
    OR: [shared, { reporterId: viewerId }, { fromId: viewerId }, { toId: viewerId }],
  };
}

/** Open handoffs someone may see (see `visibleHandoffs`), the longest waiting first. */
export function openHandoffsVisibleTo(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  viewerId: string | undefined,
  limit: number,
): Promise<Handoff[]> {
  return deps.db.handoff.findMany({
    where: { workspaceId, status: "open", ...visibleHandoffs(viewerId) },
    orderBy: { since: "asc" },
    take: limit,
  });
}

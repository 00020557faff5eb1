import type { Deps } from "../deps.js";
import { CooError, forbidden, notFound } from "../errors.js";
import type { Handoff, Person } from "../generated/prisma/client.js";
import { formatId, nextNumber } from "../ledger/ids.js";
import { isPrivileged } from "../people/people.js";
import { mention, quote } from "../slack/mentions.js";

export type HandoffDraft = {
  what: string;
  fromId?: string | undefined;
  fromText?: string | undefined;
  toId?: string | undefined;
  toText?: string | undefined;
  since: Date;
};

export const side = (id: string | null | undefined, text: string | null | undefined) =>
  id ? mention(id) : text ? quote(text) : "someone";

export function handoffLine(h: Handoff, now: Date): string {
  const days = Math.floor((now.getTime() - h.since.getTime()) / (24 * 3600_000));
  const age =
    days >= 1 ? `${days}d` : `${Math.max(0, Math.floor((now.getTime() - h.since.getTime()) / 3600_000))}h`;
  return `*${formatId("handoff", h.number)}* ${quote(h.what)}: ${side(h.fromId, h.fromText)} → ${side(h.toId, h.toText)} · waiting ${age}${h.status === "open" ? "" : ` · ${h.status}`}`;
}

export async function createHandoff(
  deps: Pick<Deps, "db" | "clock" | "changes">,
  workspaceId: string,
  reporterId: string,
  draft: HandoffDraft,
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
        createdAt: now,
      },
    });
  });
  deps.changes.publish({ workspaceId, userIds: [reporterId, draft.fromId ?? "", draft.toId ?? ""] });
  return handoff;
}

/** Either side, the reporter, an admin or a seated human may close a handoff. */
export async function closeHandoff(
  deps: Pick<Deps, "db" | "clock">,
  workspaceId: string,
  number: number,
  actor: Person,
) {
  const h = await deps.db.handoff.findUnique({ where: { workspaceId_number: { workspaceId, number } } });
  if (!h)
    throw notFound(
      `There is no handoff ${formatId("handoff", number)} here. \`/coo handoffs\` lists the open ones.`,
    );
  const me = actor.slackUserId;
  if (![h.fromId, h.toId, h.reporterId].includes(me) && !isPrivileged(actor)) {
    throw forbidden(
      `Only the people on ${formatId("handoff", number)}, a workspace admin or the CEO, CFO or CTO can close it.`,
    );
  }
  const { count } = await deps.db.handoff.updateMany({
    where: { id: h.id, status: "open" },
    data: { status: "done", resolvedAt: deps.clock.now(), resolvedById: me },
  });
  if (count === 0) throw new CooError("conflict", `${formatId("handoff", number)} is already closed.`);
  return h;
}

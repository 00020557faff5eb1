import type { Deps } from "../deps.js";
import { formatId } from "../ledger/ids.js";
import { quote } from "../slack/mentions.js";
import { enqueue } from "../slack/outbox.js";
import { isWorkingHours, type Policy } from "../slips/classify.js";
import { plural } from "../words.js";
import { side } from "./queries.js";

type Step = "nudge_from" | "remind_from" | "tell_ceo";

/**
 * Stale handoffs climb the same ladder as commitments: after a grace period
 * the side that owes is nudged, after another they are reminded, and past the
 * CEO threshold the seated CEO hears. Each step is claimed once before it is sent.
 * Only handoffs the reporter agreed to have chased are; only shared ones reach the CEO.
 */
export async function sweepHandoffs(
  deps: Deps,
  now: Date,
  sweepId: string,
  policyOf: (workspaceId: string) => Promise<Policy | undefined>,
): Promise<number> {
  const open = await deps.db.handoff.findMany({
    // Only what the reporter agreed to have chased; a private handoff never reaches the CEO.
    where: { status: "open", chase: true, fromId: { not: null } },
    include: { nudges: true },
  });
  let sent = 0;
  for (const h of open) {
    const policy = await policyOf(h.workspaceId);
    if (!policy || !h.fromId) continue;
    const grace = policy.graceHours * 3600_000;
    const waited = now.getTime() - h.since.getTime();
    const done = new Map(h.nudges.map((n) => [n.step, n.sentAt]));
    const after = (step: Step) => {
      const at = done.get(step);
      return at !== undefined && now.getTime() - at.getTime() >= grace;
    };
    let step: Step | undefined;
    if (!done.has("nudge_from")) step = waited >= grace ? "nudge_from" : undefined;
    else if (!done.has("remind_from")) step = after("nudge_from") ? "remind_from" : undefined;
    else if (!done.has("tell_ceo") && h.shared)
      step = after("remind_from") && waited >= policy.ceoAfterDays * 24 * 3600_000 ? "tell_ceo" : undefined;
    if (!step) continue;
    const recipient =
      step === "tell_ceo"
        ? (await deps.db.person.findFirst({ where: { workspaceId: h.workspaceId, seat: "ceo" } }))
            ?.slackUserId
        : h.fromId;
    if (!recipient) continue;
    const person = await deps.db.person.findUnique({
      where: { workspaceId_slackUserId: { workspaceId: h.workspaceId, slackUserId: recipient } },
    });
    if (person?.oooUntil && person.oooUntil > now) continue;
    if (!isWorkingHours(now, person?.timezone ?? deps.config.defaultTimeZone, policy)) continue;
    const days = Math.floor((now.getTime() - h.since.getTime()) / (24 * 3600_000));
    const text =
      step === "tell_ceo"
        ? `Flagging to you as CEO: *${formatId("handoff", h.number)}* ${quote(h.what)} has been stuck between ${side(h.fromId, h.fromText)} and ${side(h.toId, h.toText)} for ${plural(days, "day")}.`
        : `${step === "remind_from" ? "Still open: " : ""}${side(h.toId, h.toText)} has been waiting ${days >= 1 ? plural(days, "day") : "a while"} on *${quote(h.what)}* from you (${formatId("handoff", h.number)}). When can it land? \`/coo handoff done ${formatId("handoff", h.number)}\` once it has.`;
    const ids = await deps.db.$transaction(async (tx) => {
      const { count } = await tx.handoffNudge.createMany({
        data: [
          { workspaceId: h.workspaceId, handoffId: h.id, step, recipientId: recipient, sweepId, sentAt: now },
        ],
        skipDuplicates: true,
      });
      return count === 1 ? enqueue(tx, [{ workspaceId: h.workspaceId, userId: recipient, text }]) : [];
    });
    if (ids.length === 0) continue;
    await deps.outbox.deliver(ids);
    sent++;
  }
  return sent;
}

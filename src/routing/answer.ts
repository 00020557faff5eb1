import { blockerLine } from "../blockers/messages.js";
import { commitmentLine } from "../commitments/messages.js";
import type { Deps } from "../deps.js";
import { visibleOpenHandoffs } from "../handoffs/use-cases.js";
import { formatId } from "../ledger/ids.js";
import { mention, quote } from "../slack/mentions.js";
import { plainText } from "./rules.js";

const stop = new Set(
  "what whats what's who whos who's when where why how is are was were the a an of for on in to by this that these those it its our we us me my i you your do does did any anything anyone blocking blocked block blocker blockers owns own owner owning due late overdue status eta week next today tomorrow now right still yet there about please pls can could would should will with from and or but at be been being has have had get got going".split(
    " ",
  ),
);

/** The words that name what the question is about ("payments", "launch"). */
export function topicWords(text: string): string[] {
  return plainText(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, " ")
    .split(/\s+/)
    .filter((w) => w.length >= 3 && !stop.has(w));
}

const limit = 8;

/**
 * Answers an operations question from the ledger: what is blocking X, who
 * owns X, what is due (this week), what is late, which handoffs are open, or
 * the state of anything matching X.
 */
export async function answerFromLedger(
  deps: Deps,
  workspaceId: string,
  text: string,
  timeZone: string,
  /** Who reads the answer, when only they do (a DM): they also see their private handoffs. */
  privateReader?: string,
): Promise<string> {
  const now = deps.clock.now();
  const lower = plainText(text).toLowerCase();
  const words = topicWords(text);
  const about = words.length ? ` about "${words.join(" ")}"` : "";
  const matchTitle = (field: "title" | "text" | "what") =>
    words.length
      ? { OR: words.map((w) => ({ [field]: { contains: w, mode: "insensitive" as const } })) }
      : {};

  if (/\b(block|blocking|blocked|blocker|stuck|waiting)/.test(lower)) {
    const blockers = await deps.db.blocker.findMany({
      where: { workspaceId, status: "open", ...matchTitle("text") },
      orderBy: { openedAt: "asc" },
      take: limit,
    });
    if (blockers.length === 0)
      return `Nothing open is blocked${about}. \`/coo blockers\` shows the whole queue.`;
    return `*Open blockers${about}* (oldest first)\n${blockers.map((b) => `• ${blockerLine(b, now).replace("\n", " · ")}`).join("\n")}`;
  }
  if (/\bhand ?offs?\b|\bhandover\b/.test(lower)) {
    const { items: handoffs } = await visibleOpenHandoffs(deps, {
      workspaceId,
      viewerId: privateReader,
      limit,
    });
    if (handoffs.length === 0)
      return "No open handoffs to show here. `/coo handoff <what> from @a to @b` records one.";
    return `*Open handoffs*\n${handoffs.map((h) => `• *${formatId("handoff", h.number)}* ${quote(h.what)}`).join("\n")}`;
  }
  if (/\b(who|dri|owner|owns|on point)\b/.test(lower)) {
    const streams = words.length
      ? await deps.db.workstream.findMany({
          where: { workspaceId, OR: words.map((w) => ({ name: { contains: w } })) },
        })
      : [];
    const commitments = await deps.db.commitment.findMany({
      where: { workspaceId, status: "open", ...matchTitle("title") },
      orderBy: { dueAt: "asc" },
      take: limit,
      include: { workstream: { select: { name: true } } },
    });
    if (streams.length === 0 && (words.length === 0 || commitments.length === 0)) {
      return `I have no owner on record${about}. Record one with \`/coo commit <what> by <when> for @owner\` or \`/coo workstream <name> owner @user\`.`;
    }
    return [
      ...streams.map((s) => `• #${s.name} is owned by ${mention(s.ownerId)}`),
      ...commitments.map((c) => `• ${commitmentLine(c, now, timeZone).replace("\n", " · ")}`),
    ].join("\n");
  }
  if (/\b(late|overdue|slipping|slipped|behind)\b/.test(lower)) {
    const overdue = await deps.db.commitment.findMany({
      where: { workspaceId, status: "open", dueAt: { lt: now }, ...matchTitle("title") },
      orderBy: { dueAt: "asc" },
      take: limit,
      include: { workstream: { select: { name: true } } },
    });
    if (overdue.length === 0) return `Nothing is overdue${about}. :tada:`;
    return `*Overdue${about}*\n${overdue.map((c) => `• ${commitmentLine(c, now, timeZone).replace("\n", " · ")}`).join("\n")}`;
  }
  const thisWeek = /\b(this week|due|deadline|eta|when)\b/.test(lower);
  const until = /\bthis week\b/.test(lower) ? new Date(now.getTime() + 7 * 24 * 3600_000) : undefined;
  const commitments = await deps.db.commitment.findMany({
    where: {
      workspaceId,
      status: "open",
      ...(until ? { dueAt: { lte: until } } : {}),
      ...(until ? {} : matchTitle("title")),
    },
    orderBy: { dueAt: "asc" },
    take: limit,
    include: { workstream: { select: { name: true } } },
  });
  if (commitments.length === 0) {
    return `I have nothing open on the ledger${until ? " due this week" : about}. \`/coo commitments all\` lists everything open.`;
  }
  const title = until
    ? "*Due in the next 7 days*"
    : thisWeek
      ? `*When it is due${about}*`
      : `*Where things stand${about}*`;
  return `${title}\n${commitments.map((c) => `• ${commitmentLine(c, now, timeZone).replace("\n", " · ")}`).join("\n")}`;
}

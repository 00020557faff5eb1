import { blockerLine } from "../blockers/messages.js";
import { nextSlot } from "../cadence/use-cases.js";
import { commitmentLine } from "../commitments/messages.js";
import { listOpenCommitments } from "../commitments/queries.js";
import type { Deps } from "../deps.js";
import { actions, button, context, divider, section } from "../slack/blocks.js";
import type { Block } from "../slack/commands.js";
import { slackDate } from "../time/when.js";

const shown = 15;

/** The App Home of one person: their open commitments (overdue first), their blockers, their cadence. */
export async function homeView(deps: Deps, workspaceId: string, userId: string, timeZone: string) {
  const now = deps.clock.now();
  const [commitments, raised, waiting] = await Promise.all([
    listOpenCommitments(deps, workspaceId, { kind: "owner", userId }, { offset: 0, limit: shown }),
    deps.db.blocker.findMany({
      where: { workspaceId, reporterId: userId, status: "open" },
      orderBy: { openedAt: "asc" },
      take: shown,
    }),
    deps.db.blocker.findMany({
      where: { workspaceId, waitingOnId: userId, status: "open" },
      orderBy: { openedAt: "asc" },
      take: shown,
    }),
  ]);
  const blocks: Block[] = [
    section(`*Your work, as coo sees it.* ${deps.persona.coo.summary}`),
    divider(),
    section(`*Your open commitments* (${commitments.total})`),
  ];
  if (commitments.items.length === 0)
    blocks.push(context("Nothing open. `/coo commit <what> by <when>` records one."));
  for (const c of commitments.items) {
    const value = { t: "mine", p: 0, n: c.number };
    blocks.push(section(commitmentLine(c, now, timeZone)));
    blocks.push(
      actions(button("Done", "commitment_done", value, "primary"), button("Slip…", "commitment_slip", value)),
    );
  }
  if (commitments.total > shown)
    blocks.push(context(`…and ${commitments.total - shown} more: \`/coo commitments\``));
  const blockerBlocks = (title: string, list: typeof raised) => [
    divider(),
    section(`*${title}* (${list.length}${list.length === shown ? "+" : ""})`),
    ...(list.length === 0
      ? [context("None.")]
      : list.map((b) => ({
          ...section(blockerLine(b, now)),
          accessory: button("Resolve", "blocker_resolve", { all: false, p: 0, n: b.number }),
        }))),
  ];
  blocks.push(...blockerBlocks("Blockers you raised", raised), ...blockerBlocks("Waiting on you", waiting));
  blocks.push(
    divider(),
    section("*Your next cadence*"),
    context(await nextCadenceLine(deps, workspaceId, userId)),
  );
  return { type: "home" as const, blocks };
}

/** The soonest next run among the cadences this person took part in (or, failing that, any in the workspace). */
async function nextCadenceLine(deps: Deps, workspaceId: string, userId: string): Promise<string> {
  const now = deps.clock.now();
  const joined = await deps.db.cadenceRun.findMany({
    where: { workspaceId, participants: { has: userId } },
    select: { cadenceId: true },
    distinct: ["cadenceId"],
  });
  const mine = await deps.db.cadence.findMany({
    where: {
      workspaceId,
      paused: false,
      ...(joined.length ? { id: { in: joined.map((r) => r.cadenceId) } } : {}),
    },
  });
  const next = mine
    .map((c) => ({ c, at: nextSlot(c, now) }))
    .filter((x): x is { c: (typeof mine)[number]; at: Date } => x.at !== undefined)
    .sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  if (!next) return "No standups or reviews are scheduled yet. In a channel: `/coo standup 09:30 weekdays`.";
  return `${next.c.kind} in <#${next.c.channelId}>, ${slackDate(next.at, next.c.timezone, now)}`;
}

import { blockerLine } from "../blockers/register.js";
import { commitmentLine } from "../commitments/blocks.js";
import { listOpenCommitments } from "../commitments/ledger.js";
import type { Deps } from "../deps.js";
import { actions, button, context, divider, section } from "../slack/blocks.js";
import type { Block } from "../slack/commands.js";

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

/** Filled in by the cadence engine once cadences exist. */
async function nextCadenceLine(_deps: Deps, _workspaceId: string, _userId: string): Promise<string> {
  return "No standups or reviews are scheduled yet.";
}

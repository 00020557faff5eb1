import type { KindHandler } from "../cadence/engine.js";
import { commitmentLine } from "../commitments/messages.js";
import type { Deps } from "../deps.js";
import { actions, button, section } from "../slack/blocks.js";
import type { Block } from "../slack/commands.js";
import { itemsWithin } from "../slack/fit.js";
import type { Outgoing } from "../slack/outbox.js";
import { plural } from "../words.js";
import { participantsOf } from "./use-cases.js";

const week = 7 * 24 * 3600_000;

/** Weekly planning: each owner is asked, by DM, to confirm or re-date next week's commitments. */
export function planningHandler(deps: Deps): KindHandler {
  return {
    async open(ctx) {
      const { run, cadence, client, now } = ctx;
      const participants = await participantsOf(deps, client, ctx);
      const due = await deps.db.commitment.findMany({
        where: {
          workspaceId: cadence.workspaceId,
          ownerId: { in: participants },
          status: "open",
          dueAt: { gt: run.slot, lte: new Date(run.slot.getTime() + week) },
        },
        include: { workstream: { select: { name: true } } },
        orderBy: { dueAt: "asc" },
      });
      const messages: Outgoing[] = [];
      for (const owner of participants) {
        const mine = due.filter((c) => c.ownerId === owner);
        if (mine.length === 0) continue;
        // The soonest first, as many as one message holds; the rest are counted.
        const blocks = itemsWithin(
          [section(`*Planning for the week ahead* (<#${cadence.channelId}>): do these dates still hold?`)],
          mine.map((c): Block[] => [
            section(commitmentLine(c, now, cadence.timezone)),
            actions(
              button("Confirm", "commitment_confirm", { t: "mine", p: 0, n: c.number }, "primary"),
              button("Re-date…", "commitment_slip", { t: "mine", p: 0, n: c.number }),
            ),
          ]),
          {
            more: (n) => `…and ${n} more due next week: \`/coo commitments\` lists them all.`,
          },
        );
        messages.push({
          workspaceId: cadence.workspaceId,
          userId: owner,
          text: `Planning: ${plural(mine.length, "commitment")} due next week`,
          blocks,
        });
      }
      messages.push({
        workspaceId: cadence.workspaceId,
        channel: cadence.channelId,
        cadenceId: cadence.id,
        text: `Planning: I asked ${plural(messages.length, "owner")} by DM to confirm or re-date ${plural(due.length, "commitment")} due in the next 7 days.`,
      });
      return { participants, messages, closed: true };
    },
  };
}

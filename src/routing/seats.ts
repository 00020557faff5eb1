import type { Deps } from "../deps.js";
import { badInput, CooError } from "../errors.js";
import type { Seat } from "../generated/prisma/client.js";
import { memberFor } from "../people/people.js";
import { seats as seatNames } from "../persona/load.js";
import { authorize } from "../policy.js";
import type { Slack } from "../slack/app.js";
import { mention, userMentionPattern } from "../slack/mentions.js";

export async function seatHolder(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  seat: Seat,
): Promise<string | undefined> {
  const holder = await deps.db.person.findFirst({
    where: { workspaceId, seat },
    select: { slackUserId: true },
  });
  return holder?.slackUserId;
}

export function registerSeats({ commands }: Slack, deps: Deps): void {
  commands.add({
    name: "seat",
    usage: "seat ceo|cfo|cto @user | seat ceo|cfo|cto none",
    summary: "who holds the CEO, CFO and CTO seats (admins seat them; questions in their lane go to them)",
    async run({ workspaceId, args, client, actor }) {
      const match = new RegExp(
        `^(ceo|cfo|cto)\\s+(?:(none|nobody|vacant)|${userMentionPattern.source})$`,
        "i",
      ).exec(args.trim());
      if (!match)
        throw badInput(
          "Name the seat and the person: `/coo seat cfo @dana` (seats: ceo, cfo, cto), or free it with `/coo seat cfo none`.",
        );
      const seat = (match[1] ?? "").toLowerCase() as Seat;
      const title = seat.toUpperCase();
      const current = await seatHolder(deps, workspaceId, seat);
      if (match[2]) {
        if (!current) return { text: `Nobody holds the ${title} seat.` };
        await authorize(await actor(), { kind: "vacate_seat", seat, holderId: current });
        await deps.db.person.updateMany({ where: { workspaceId, seat }, data: { seat: null } });
        return {
          text: `The ${title} seat is free: ${mention(current)} no longer holds it. Questions in its lane wait for the next holder.`,
        };
      }
      const newHolder = match[3] ?? "";
      await authorize(await actor(), { kind: "assign_seat", seat });
      if (current === newHolder) return { text: `${mention(newHolder)} already holds the ${title} seat.` };
      const holder = await memberFor(deps, client, workspaceId, newHolder, "seat");
      // One person, one seat: moving someone would leave their seat empty without anyone deciding it.
      if (holder.seat && holder.seat !== seat) {
        throw new CooError(
          "conflict",
          `${mention(newHolder)} already holds the ${holder.seat.toUpperCase()} seat, and one person holds one seat. Free it first with \`/coo seat ${holder.seat} none\`.`,
        );
      }
      await deps.db.$transaction([
        deps.db.person.updateMany({ where: { workspaceId, seat }, data: { seat: null } }),
        deps.db.person.update({
          where: { workspaceId_slackUserId: { workspaceId, slackUserId: newHolder } },
          data: { seat },
        }),
      ]);
      return {
        text: `${mention(newHolder)} now holds the ${title} seat${current ? ` (was ${mention(current)})` : ""}: ${deps.persona[seat].summary}`,
      };
    },
  });

  commands.add({
    name: "seats",
    usage: "seats",
    summary: "who holds which seat",
    async run({ workspaceId }) {
      const lines = await Promise.all(
        seatNames.map(async (seat) => {
          const holder = await seatHolder(deps, workspaceId, seat);
          return `• *${seat.toUpperCase()}*: ${holder ? mention(holder) : "nobody yet (an admin seats one: `/coo seat " + seat + " @name`)"}. ${deps.persona[seat].summary}`;
        }),
      );
      return { text: lines.join("\n") };
    },
  });
}

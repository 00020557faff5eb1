import type { Deps } from "../deps.js";
import { badInput, forbidden } from "../errors.js";
import type { Seat } from "../generated/prisma/client.js";
import { profileOf } from "../people/people.js";
import { seats as seatNames } from "../persona/load.js";
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
    usage: "seat ceo|cfo|cto @user",
    summary: "who holds the CEO, CFO and CTO seats (questions in their lane go to them)",
    async run({ workspaceId, userId, args, client }) {
      const match = new RegExp(`^(ceo|cfo|cto)\\s+${userMentionPattern.source}$`, "i").exec(args.trim());
      if (!match)
        throw badInput("Name the seat and the person: `/coo seat cfo @dana` (seats: ceo, cfo, cto).");
      const seat = (match[1] ?? "").toLowerCase() as Seat;
      const newHolder = match[2] ?? "";
      const current = await seatHolder(deps, workspaceId, seat);
      const actor = await profileOf(deps, client, workspaceId, userId);
      // Before anyone holds a seat the first person to set it does; after that, the holder or an admin.
      if (current && current !== userId && !actor.isAdmin) {
        throw forbidden(
          `${mention(current)} holds the ${seat.toUpperCase()} seat. Only they or a workspace admin can hand it over.`,
        );
      }
      if (current === newHolder)
        return { text: `${mention(newHolder)} already holds the ${seat.toUpperCase()} seat.` };
      await profileOf(deps, client, workspaceId, newHolder);
      await deps.db.$transaction([
        deps.db.person.updateMany({ where: { workspaceId, seat }, data: { seat: null } }),
        deps.db.person.update({
          where: { workspaceId_slackUserId: { workspaceId, slackUserId: newHolder } },
          data: { seat },
        }),
      ]);
      return {
        text: `${mention(newHolder)} now holds the ${seat.toUpperCase()} seat: ${deps.persona[seat].summary}`,
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
          return `• *${seat.toUpperCase()}*: ${holder ? mention(holder) : "nobody yet (`/coo seat " + seat + " @name`)"}. ${deps.persona[seat].summary}`;
        }),
      );
      return { text: lines.join("\n") };
    },
  });
}

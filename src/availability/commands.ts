import { z } from "zod";
import type { Deps } from "../deps.js";
import type { Slack } from "../slack/app.js";
import { defineCommand } from "../slack/commands.js";
import { scopeOf } from "../slack/context.js";
import { availabilityReply, holidaysReply, hoursReply, workDaysReply } from "./messages.js";
import {
  availabilityOf,
  setHolidays,
  setHours,
  setWorkDays,
  slackStatusChanged,
  type Whose,
} from "./use-cases.js";

/*
 * Availability in Slack: `/coo workdays`, `/coo holidays`, `/coo hours`,
 * `/coo availability`, and the user_change / user_status_changed events
 * that bring a person's Slack status (leave) to coo.
 */

/** A user_change or user_status_changed event (https://api.slack.com/events/user_change): the fields read. */
const statusEvent = z.object({
  user: z.object({
    id: z.string(),
    team_id: z.string().optional(),
    profile: z
      .object({
        status_text: z.string().optional(),
        status_emoji: z.string().optional(),
        status_expiration: z.number().optional(),
      })
      .optional(),
  }),
});

export function register({ listeners, commands }: Slack, deps: Deps): void {
  const whose = (userId: string | undefined): Whose => (userId ? { userId } : { team: true });

  commands.add(
    defineCommand({
      name: "workdays",
      pattern: "<days:word> [<who:user>]",
      summary: "the team's working days (admins and seats), or one person's with @someone",
      example: "/coo workdays sun-thu",
      empty: "Which days? e.g. `/coo workdays sun-thu` or `/coo workdays mon-fri @dana`",
      args: z.object({ days: z.string(), who: z.string().optional() }),
      async run({ workspaceId, actor }, args) {
        const days = await setWorkDays(deps, await actor(), {
          workspaceId,
          days: args.days,
          whose: whose(args.who),
        });
        return { text: workDaysReply(days, args.who) };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "holidays",
      pattern: "<country:word> [<who:user>]",
      summary: "whose public holidays count: a country code or `none`, for the team or @someone",
      example: "/coo holidays DE",
      empty: "Which country? e.g. `/coo holidays US`, `/coo holidays DE @dana` or `/coo holidays none`",
      args: z.object({ country: z.string(), who: z.string().optional() }),
      async run({ workspaceId, actor }, args) {
        const code = await setHolidays(deps, await actor(), {
          workspaceId,
          country: args.country,
          whose: whose(args.who),
        });
        return { text: holidaysReply(code, args.who) };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "hours",
      pattern: "<hours:word> [<who:user>]",
      summary: "your working hours in your own time zone (or @someone's, for admins and seats)",
      example: "/coo hours 09:00-17:30",
      empty: "Which hours? e.g. `/coo hours 09:00-17:30`",
      args: z.object({ hours: z.string(), who: z.string().optional() }),
      async run({ workspaceId, actor }, args) {
        const me = await actor();
        const userId = args.who ?? me.slackUserId;
        const hours = await setHours(deps, me, { workspaceId, hours: args.hours, userId });
        return { text: hoursReply(hours, userId, me.slackUserId) };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "availability",
      pattern: "[<who:user>]",
      summary:
        "whether you (or @someone) are at work now, and the days, hours, holidays and leave coo goes by",
      example: "/coo availability @dana",
      args: z.object({ who: z.string().optional() }),
      async run({ workspaceId, actor }, args) {
        const userId = args.who ?? (await actor()).slackUserId;
        const { person, team, now } = await availabilityOf(deps, { workspaceId, userId });
        if (!person) return { text: "I don't know that person here yet." };
        return { text: availabilityReply(person, team, now) };
      },
    }),
  );

  for (const type of ["user_change", "user_status_changed"] as const) {
    listeners.event(type, async ({ event, context }) => {
      const scope = scopeOf(context);
      if (scope.external) return;
      const parsed = statusEvent.safeParse(event);
      if (!parsed.success || !parsed.data.user.profile) return;
      // Someone of another organisation (Slack Connect) is not on this team's calendar.
      const team = parsed.data.user.team_id;
      if (team && team !== context.teamId && !context.isEnterpriseInstall) return;
      await slackStatusChanged(deps, {
        workspaceId: scope.workspaceId,
        userId: parsed.data.user.id,
        status: parsed.data.user.profile,
        at: deps.clock.now(),
      });
    });
  }
}

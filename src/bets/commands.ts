import { z } from "zod";
import { dateExamples, maxTitle } from "../commitments/use-cases.js";
import type { Deps } from "../deps.js";
import { badInput } from "../errors.js";
import type { Slack } from "../slack/app.js";
import { defineCommand } from "../slack/commands.js";
import { echo } from "../slack/mentions.js";
import { parseWhen } from "../time/when.js";
import { betsReply, closedBetReply, planReply, recordedBetReply } from "./messages.js";
import { draftFromCommand, draftsRatherThanShows } from "./plan-commands.js";
import { betPlan, betsOverview, closeBet, recordBet } from "./use-cases.js";

/*
 * The bets feature in Slack: `/coo bet`, `/coo bets` and `/coo plan G3`
 * parse, call a use case (use-cases.ts) and present (messages.ts).
 */

/** The most bets `/coo bets` shows; the rest are counted. */
const betsShown = 40;

const betExample = "/coo bet launch in Europe by 2027-03-31";

const dayOrMonth =
  "mon|monday|tue|tues|tuesday|wed|wednesday|thu|thurs|thursday|fri|friday|sat|saturday|sun|sunday|jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december";
/** Words that say a date was meant, even when it does not read as one ("by Q3", "by someday"). */
const dateish = new RegExp(
  `\\d|\\b(${dayOrMonth}|today|tomorrow|tonight|next|week|month|quarter|year|eod|eow|eom|eoy|q[1-4]|h[12]|someday|soon|later)\\b`,
  "i",
);

/**
 * A bet reads as its title, then an optional "by <when>". When no date was
 * read but the text ends in "by" and something date-like ("by Q3", "by
 * someday"), a date was meant and could not be read: that is refused, not
 * kept in the title. "used by agencies" stays a title.
 */
function checkedTitle(what: string): string {
  const tail = /^(?:.*\s)?by\s+(.+)$/i.exec(what)?.[1];
  if (tail && parseWhen(tail, { now: new Date(), timeZone: "UTC" }))
    throw badInput(`Say what the bet is, before its date: \`${betExample}\`.`);
  if (tail && dateish.test(tail))
    throw badInput(
      `I can't read ${echo(tail)} as a target date. Try ${dateExamples}, after the last "by": \`${betExample}\`.`,
    );
  return what;
}

export function register({ commands }: Slack, deps: Deps): void {
  commands.add(
    defineCommand({
      name: "bet",
      pattern: "<what:text> [by <when:date>] || <verb:achieved|drop> <id:bet>",
      summary:
        "record one of the CEO's bets, with a target date, or mark one achieved or dropped (the CEO's call)",
      example: betExample,
      empty: "Say what the bet is, and by when if it has a target date:",
      args: z.object({
        what: z
          .string()
          .trim()
          .min(1, "Say what the bet is")
          .max(maxTitle, `Keep the bet under ${maxTitle} characters`)
          .optional(),
        when: z.string().optional(),
        verb: z.enum(["achieved", "drop"]).optional(),
        id: z.number().optional(),
      }),
      async run({ workspaceId, actor }, args) {
        const me = await actor();
        if (args.verb && args.id) {
          const status = args.verb === "drop" ? "dropped" : "achieved";
          return { text: closedBetReply(await closeBet(deps, me, { workspaceId, number: args.id, status })) };
        }
        if (!args.what) throw badInput(`Say what the bet is, and by when: \`${betExample}\`.`);
        const title = args.when ? args.what : checkedTitle(args.what);
        const bet = await recordBet(deps, me, { workspaceId, title, when: args.when });
        return recordedBetReply(bet, me.timeZone, deps.clock.now());
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "bets",
      pattern: "",
      summary: "the CEO's bets: target, workstreams, done / on track / at risk / slipped, likely date",
      example: "/coo bets",
      args: z.object({}),
      async run({ workspaceId, actor }) {
        const viewer = await actor();
        const page = await betsOverview(deps, { workspaceId, limit: betsShown });
        return betsReply(page, viewer.timeZone, deps.clock.now());
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "plan",
      pattern: "<id:bet=G3>",
      summary:
        "is a bet on track: its workstreams, owners, open work and likely date (with none yet, drafts them)",
      example: "/coo plan G3",
      args: z.object({ id: z.number() }),
      async run(input, { id }) {
        const { workspaceId } = input;
        const viewer = await input.actor();
        // A bet with nothing under it yet, asked about by someone who may plan it: draft the plan.
        if (await draftsRatherThanShows(deps, viewer, { workspaceId, number: id }))
          return draftFromCommand(deps, input, id);
        const summary = await betPlan(deps, { workspaceId, number: id });
        return planReply(summary, viewer.timeZone, deps.clock.now());
      },
    }),
  );
}

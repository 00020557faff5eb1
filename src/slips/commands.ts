import { z } from "zod";
import type { Deps } from "../deps.js";
import { CooError } from "../errors.js";
import type { Slack } from "../slack/app.js";
import { defineButton, defineModal } from "../slack/buttons.js";
import { defineCommand } from "../slack/commands.js";
import { scopeOf } from "../slack/context.js";
import { channelMembers } from "../slack/members.js";
import {
  escalationReply,
  helpHeldNote,
  helpHeldView,
  helpModal,
  nudgeButtons,
  nudgeForms,
  pingChoices,
  pingsReply,
  risksReply,
  snoozedReply,
  snoozePressedReply,
} from "./messages.js";
import {
  askForHelp,
  atRisk,
  choosePings,
  escalationLadder,
  helpFormFor,
  type LadderChange,
  snooze,
} from "./use-cases.js";

/*
 * The slips feature in Slack: `/coo snooze`, `/coo risks`, `/coo escalation`,
 * and the nudge DM's Snooze and Need help. Each parses, calls a use case
 * (use-cases.ts) and presents what it returns (messages.ts).
 */

const forHowLong = "Which commitment, and for how long?";
const whatToChange = "Say what to change (grace 1 to 168 hours, ceo 1 to 60 days, hours like 9-18):";

export function register({ listeners, commands }: Slack, deps: Deps): void {
  commands.add(
    defineCommand({
      name: "snooze",
      pattern: "<id:commitment> for <days:text> || <id:commitment> until <when:date>",
      summary: "stop chasing one of your commitments for a while (up to 30 days)",
      example: "/coo snooze C12 for 2 days",
      empty: forHowLong,
      unknown: forHowLong,
      args: z.object({
        id: z.number(),
        days: z
          .string()
          .regex(/^\d{1,4}\s*(d|day|days)$/i, "Say for how many days, or until when")
          .transform((d) => Number.parseInt(d, 10))
          .optional(),
        when: z.string().optional(),
      }),
      async run({ workspaceId, actor }, args) {
        const { commitment, until, timeZone } = await snooze(deps, await actor(), {
          workspaceId,
          number: args.id,
          span: args.days !== undefined ? { days: args.days } : { until: args.when ?? "" },
        });
        return { text: snoozedReply(commitment, until, timeZone, deps.clock.now()) };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "risks",
      pattern: "",
      summary: "what is overdue, at risk or drifting for this channel's people",
      example: "/coo risks",
      args: z.object({}),
      async run({ workspaceId, channelId, client, actor }) {
        const viewer = await actor();
        // In a channel, its people's work; in a DM, everyone's.
        const owners = channelId.startsWith("D") ? undefined : await channelMembers(client, channelId);
        const lists = await atRisk(deps, { workspaceId, owners });
        return risksReply(lists, viewer.timeZone, deps.clock.now());
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "escalation",
      pattern: "[grace <hours:int> | ceo <days:int> | to <to:channel|lead> | hours <workday:word>]",
      summary: "how slipping work is chased in this workspace, and changing it (admins and seats)",
      example: "/coo escalation grace 24",
      unknown: whatToChange,
      invalid: { hours: whatToChange, days: whatToChange, to: whatToChange, workday: whatToChange },
      args: z.object({
        hours: z.number().optional(),
        days: z.number().optional(),
        to: z.string().optional(),
        workday: z.string().optional(),
      }),
      async run({ workspaceId, actor }, args) {
        const change: LadderChange | undefined =
          args.hours !== undefined
            ? { grace: args.hours }
            : args.days !== undefined
              ? { ceo: args.days }
              : args.to !== undefined
                ? { to: args.to }
                : args.workday !== undefined
                  ? { hours: args.workday }
                  : undefined;
        return {
          text: escalationReply(await escalationLadder(deps, await actor(), { workspaceId, change })),
        };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "pings",
      pattern: "<mode:digest|overdue|all>",
      summary: "how coo DMs you about your own work: a daily digest, only when overdue, or every step",
      example: "/coo pings digest",
      empty: pingChoices,
      unknown: pingChoices,
      invalid: { mode: pingChoices },
      args: z.object({ mode: z.enum(["digest", "overdue", "all"]) }),
      async run({ workspaceId, actor }, args) {
        return { text: pingsReply(await choosePings(deps, await actor(), { workspaceId, mode: args.mode })) };
      },
    }),
  );

  for (const control of [snoozePressed(deps), helpPressed(deps), helpSubmitted(deps)])
    control.register(listeners);
}

/** The Need help form: what is in the way is recorded as a blocker, and who can unblock it is told. */
function helpSubmitted(deps: Deps) {
  return defineModal(nudgeForms.help, {
    firstBlock: "what",
    outdated: "This form is out of date; close it.",
    async submit({ ack, view, context, metadata }) {
      const what = view.state.values.what?.value?.value?.trim() ?? "";
      const who = view.state.values.who?.value?.selected_user ?? undefined;
      if (!what) {
        await ack({ response_action: "errors", errors: { what: "Say what is in the way." } });
        return;
      }
      const { workspaceId, actor } = scopeOf(context);
      let held: { helperId: string; at: Date; zone: string } | undefined;
      try {
        const person = await actor();
        const asked = await askForHelp(deps, person, {
          workspaceId,
          number: metadata.n,
          what,
          helperId: who,
        });
        if (asked.heldUntil && who) held = { helperId: who, at: asked.heldUntil, zone: person.timeZone };
      } catch (error) {
        if (error instanceof CooError) {
          await ack({ response_action: "errors", errors: { what: error.userMessage.slice(0, 150) } });
          return;
        }
        throw error;
      }
      // The helper is away: the owner learns when the request will reach them.
      if (held)
        await ack({
          response_action: "update",
          view: helpHeldView(helpHeldNote(held.helperId, held.at, held.zone, deps.clock.now())),
        });
      else await ack();
    },
  });
}

/** A nudge's Need help (or Record a blocker): opens the form, for the owner only. */
function helpPressed(deps: Deps) {
  return defineButton(nudgeButtons.help, {
    outdated: "That button is out of date.",
    async handle({ body, client, context, value }) {
      if (!("trigger_id" in body)) throw new CooError("bad_input", "That button is out of date.");
      const { workspaceId, actor } = scopeOf(context);
      const c = await helpFormFor(deps, await actor(), { workspaceId, number: value.n });
      await client.views.open({
        trigger_id: body.trigger_id as string,
        view: helpModal(c),
      });
    },
  });
}

/** A nudge's Snooze: no chasing for a day, the owner's call. */
function snoozePressed(deps: Deps) {
  return defineButton(nudgeButtons.snooze, {
    outdated: "That button is out of date.",
    async handle({ respond, context, value }) {
      const { workspaceId, actor } = scopeOf(context);
      const { commitment, until, timeZone } = await snooze(deps, await actor(), {
        workspaceId,
        number: value.n,
        span: { days: value.d },
      });
      await respond({
        replace_original: false,
        text: snoozePressedReply(commitment, until, timeZone, deps.clock.now()),
      });
    },
  });
}

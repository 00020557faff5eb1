import { z } from "zod";
import { dueDuringLeaveNote } from "../availability/messages.js";
import type { Deps } from "../deps.js";
import { badInput } from "../errors.js";
import type { Slack } from "../slack/app.js";
import { type CommandInput, defineCommand } from "../slack/commands.js";
import { dmPreferenceReply } from "../standups/messages.js";
import { answerStandupsByDm } from "../standups/use-cases.js";
import {
  awayReply,
  backReply,
  cadenceChangedReply,
  cadencesReply,
  channelOnly,
  scheduledReply,
  skipReply,
} from "./messages.js";
import { daySlot, daysSlot, zoneSlot } from "./parse.js";
import {
  type CadenceDeps,
  type CadenceEngine,
  type CadenceKind,
  changeCadence,
  comeBack,
  goAway,
  listCadences,
  scheduleCadence,
  skipDay,
} from "./use-cases.js";

/*
 * The cadence feature in Slack: `/coo standup`, `review`, `planning`,
 * `cadences`, `cadence`, `skip` and `ooo`. Each parses what was typed,
 * calls a use case (use-cases.ts) and presents what it returns (messages.ts).
 */

/** Cadences and skip days belong to a channel: a DM is no place for them. */
function ensureChannel(input: CommandInput, what: string): void {
  const { channelId, command } = input;
  if (channelId.startsWith("D") || command.channel_name === "directmessage")
    throw badInput(channelOnly(what));
}

export function register({ commands }: Slack, deps: Deps, engine: CadenceEngine): void {
  const scheduling: CadenceDeps = { ...deps, engine };

  async function schedule(
    input: CommandInput,
    kind: CadenceKind,
    spec: { time: string; days: number[]; zone: string | undefined },
  ) {
    ensureChannel(input, kind);
    const { cadence, joined } = await scheduleCadence(scheduling, await input.actor(), {
      workspaceId: input.workspaceId,
      channelId: input.channelId,
      kind,
      time: spec.time,
      days: spec.days,
      timezone: spec.zone,
      again: `\`/coo ${kind} ${input.args}\``,
    });
    return { text: scheduledReply(cadence, joined, deps.clock.now()) };
  }

  commands.add(
    defineCommand({
      name: "standup",
      pattern:
        "<time:time=HH:MM> [<days:days=weekdays|daily|mon,wed,fri>] [tz <zone:zone=Area/City>] || dm <dm:on|off>",
      summary: "a daily standup in this channel (`standup dm on|off`: answer by DM)",
      example: "/coo standup 09:30 weekdays",
      empty: "When?",
      unknown: "Give a time, then the days if not weekdays, then `tz` and a time zone if not yours.",
      args: z.object({
        time: z.string().optional(),
        days: daysSlot.optional(),
        zone: zoneSlot.optional(),
        dm: z.enum(["on", "off"]).optional(),
      }),
      async run(input, args) {
        if (args.dm) {
          const on = args.dm === "on";
          await answerStandupsByDm(deps, await input.actor(), { workspaceId: input.workspaceId, on });
          return { text: dmPreferenceReply(on) };
        }
        return schedule(input, "standup", {
          time: args.time ?? "",
          days: args.days ?? [1, 2, 3, 4, 5],
          zone: args.zone,
        });
      },
    }),
  );

  for (const kind of ["review", "planning"] as const) {
    const example = kind === "review" ? "/coo review fri 16:00" : "/coo planning mon 09:00";
    commands.add(
      defineCommand({
        name: kind,
        pattern: "<day:word> <time:time=HH:MM> [tz <zone:zone=Area/City>]",
        summary:
          kind === "review"
            ? "a weekly review posted in this channel"
            : "weekly planning: owners confirm or re-date next week's work",
        example,
        unknown: "Give a day and a time.",
        args: z.object({ day: daySlot, time: z.string(), zone: zoneSlot.optional() }),
        run: (input, args) => schedule(input, kind, { time: args.time, days: [args.day], zone: args.zone }),
      }),
    );
  }

  commands.add(
    defineCommand({
      name: "cadences",
      pattern: "",
      summary: "every standup, review and planning, with its next run",
      example: "/coo cadences",
      args: z.object({}),
      async run({ workspaceId }) {
        return cadencesReply(await listCadences(deps, workspaceId), deps.clock.now());
      },
    }),
  );

  const whatAndWhich = "Say what to do and to which.";
  commands.add(
    defineCommand({
      name: "cadence",
      pattern: "<verb:pause|resume|remove> <id:cadence>",
      summary: "pause, resume or remove a cadence",
      example: "/coo cadence pause K1",
      unknown: whatAndWhich,
      invalid: { verb: whatAndWhich },
      args: z.object({ verb: z.enum(["pause", "resume", "remove"]), id: z.number() }),
      async run({ workspaceId, actor }, args) {
        const change = await changeCadence(scheduling, await actor(), {
          workspaceId,
          number: args.id,
          verb: args.verb,
        });
        return { text: cadenceChangedReply(change, deps.clock.now()) };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "skip",
      // A restored day is read after `off`: "off 2026-12-24" is no date itself.
      pattern: "<date:date> || <off:off|undo|remove=off> <date:date>",
      summary: "a holiday: no cadence runs in this channel that day (`skip off <date>` restores it)",
      example: "/coo skip 2026-12-24",
      empty: "Which day?",
      args: z.object({ date: z.string(), off: z.string().optional() }),
      async run(input, args) {
        ensureChannel(input, "skip day");
        const change = await skipDay(deps, await input.actor(), {
          workspaceId: input.workspaceId,
          channelId: input.channelId,
          when: args.date,
          off: args.off !== undefined,
        });
        return { text: skipReply(change) };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "ooo",
      pattern: "from <from:date> until <when:date> || [until] <when:date> || <off:off>",
      summary: "you are out of office (now, or from a later day): no standup prompts or pings until then",
      example: "/coo ooo until Friday",
      empty: "Until when?",
      args: z.object({
        when: z.string().optional(),
        off: z.string().optional(),
        from: z.string().optional(),
      }),
      async run({ workspaceId, actor }, args) {
        const me = await actor();
        if (args.off || !args.when) {
          await comeBack(deps, me, { workspaceId });
          return { text: backReply };
        }
        const { until, from, dueDuring } = await goAway(deps, me, {
          workspaceId,
          until: args.when,
          from: args.from,
        });
        const now = deps.clock.now();
        const note = dueDuringLeaveNote(dueDuring, { from: now, until }, me.timeZone, now);
        return { text: [awayReply(until, me.timeZone, now, from), note].filter(Boolean).join("\n\n") };
      },
    }),
  );
}

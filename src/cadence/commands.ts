import type { Deps } from "../deps.js";
import { badInput, CooError, notFound } from "../errors.js";
import type { Cadence, CadenceKind } from "../generated/prisma/client.js";
import { formatId, nextNumber, parseId } from "../ledger/ids.js";
import { authorize } from "../policy.js";
import type { Slack } from "../slack/app.js";
import { ensureMember } from "../slack/channels.js";
import type { CommandInput } from "../slack/commands.js";
import { linesWithin } from "../slack/fit.js";
import { echo } from "../slack/mentions.js";
import { describeInstant, ensureWithinReach, parseWhen } from "../time/when.js";
import { isoDate } from "../time/zoned.js";
import { plural } from "../words.js";
import type { CadenceEngine } from "./engine.js";
import { parseStandup, parseWeekly } from "./parse.js";
import { pausedBy, pauseNote, resumed } from "./queries.js";
import { dayNames, describeDays, nextSlot } from "./slots.js";

const usage = {
  standup: "`/coo standup <HH:MM> [weekdays | daily | mon-fri | mon,wed,fri] [tz <Area/City>]`",
  review: "`/coo review <day> <HH:MM> [tz <Area/City>]`",
  planning: "`/coo planning <day> <HH:MM> [tz <Area/City>]`",
  cadence: "`/coo cadence pause|resume|remove <id>`",
  skip: "`/coo skip <date>` or `/coo skip off <date>`",
  ooo: "`/coo ooo until <when>` or `/coo ooo off`",
};

function ensureChannel(input: CommandInput, what: string): void {
  const { channelId, command } = input;
  if (channelId.startsWith("D") || command.channel_name === "directmessage") {
    throw badInput(
      `A ${what} belongs to a channel. Run this in the channel where it should happen, e.g. ${usage.standup} in #team.`,
    );
  }
}

export function describeCadence(c: Cadence, now: Date): string {
  const when =
    c.kind === "standup" ? `${c.time} ${describeDays(c.days)}` : `${dayNames[c.days[0] ?? 1]} ${c.time}`;
  const next = c.paused
    ? pauseNote(c, now)
    : `next ${describeInstant(nextSlot(c, now) ?? now, c.timezone, now)}`;
  return `*${formatId("cadence", c.number)}* ${c.kind} in <#${c.channelId}> at ${when} (${c.timezone}) · ${next}`;
}

export function register({ commands }: Slack, deps: Deps, engine: CadenceEngine): void {
  async function create(
    input: CommandInput,
    kind: CadenceKind,
    spec: { time: string; days: number[]; timezone: string | undefined },
  ) {
    ensureChannel(input, kind);
    const { workspaceId, channelId, userId } = input;
    const existing = await deps.db.cadence.findUnique({
      where: { workspaceId_channelId_kind: { workspaceId, channelId, kind } },
    });
    if (existing) {
      throw new CooError(
        "conflict",
        `This channel already has a ${kind}: ${describeCadence(existing, deps.clock.now())}. Change it with \`/coo cadence remove ${formatId("cadence", existing.number)}\` first, or pause it.`,
      );
    }
    const timezone = spec.timezone ?? (await input.actor()).timeZone;
    // Before promising anything: coo must be able to post here when the time comes.
    const joined = await ensureMember(input.client, channelId, `\`/coo ${kind} ${input.args}\``);
    const cadence = await deps.db.$transaction(async (tx) => {
      const number = await nextNumber(tx, workspaceId, "cadence");
      return tx.cadence.create({
        data: {
          workspaceId,
          number,
          channelId,
          kind,
          time: spec.time,
          days: spec.days,
          timezone,
          createdById: userId,
          activeFrom: deps.clock.now(),
          ...(kind === "standup" ? {} : { closeAfterMinutes: 0, remindAfterMinutes: 0 }),
        },
      });
    });
    await engine.rebuild();
    return {
      text: `Scheduled ${describeCadence(cadence, deps.clock.now())}.${joined === "joined" ? ` I joined <#${channelId}> to post it.` : ""} \`/coo cadences\` lists them all.`,
    };
  }

  commands.add({
    name: "standup",
    usage: "standup <HH:MM> [weekdays | daily | mon,wed,fri] [tz <Area/City>]",
    summary: "a daily standup in this channel (`standup dm on|off`: answer by DM)",
    async run(input) {
      const dmPref = /^dm\s+(on|off)$/i.exec(input.args.trim());
      if (dmPref) {
        const on = dmPref[1]?.toLowerCase() === "on";
        await input.actor();
        await deps.db.person.update({
          where: { workspaceId_slackUserId: { workspaceId: input.workspaceId, slackUserId: input.userId } },
          data: { standupViaDm: on },
        });
        return {
          text: on
            ? "I'll send you standup questions by DM; reply there."
            : "You'll answer standups in the channel thread.",
        };
      }
      return create(input, "standup", parseStandup(input.args, usage.standup));
    },
  });

  for (const kind of ["review", "planning"] as const) {
    commands.add({
      name: kind,
      usage: `${kind} <day> <HH:MM> [tz <Area/City>]`,
      summary:
        kind === "review"
          ? "a weekly review posted in this channel"
          : "weekly planning: owners confirm or re-date next week's work",
      run: (input) => create(input, kind, parseWeekly(input.args, usage[kind], `\`/coo ${kind} fri 16:00\``)),
    });
  }

  commands.add({
    name: "cadences",
    usage: "cadences",
    summary: "every standup, review and planning, with its next run",
    async run({ workspaceId }) {
      const list = await deps.db.cadence.findMany({ where: { workspaceId }, orderBy: { number: "asc" } });
      if (list.length === 0) return { text: `No cadences yet. In a channel: ${usage.standup}.` };
      const now = deps.clock.now();
      return {
        text: plural(list.length, "cadence"),
        blocks: linesWithin(
          list.map((c) => `• ${describeCadence(c, now)}`),
          { more: (n) => `…and ${n} more cadences.` },
        ),
      };
    },
  });

  commands.add({
    name: "cadence",
    usage: "cadence pause|resume|remove <id>",
    summary: "pause, resume or remove a cadence",
    async run({ workspaceId, args, actor }) {
      const [verb = "", id = "", ...rest] = args.trim().split(/\s+/);
      const action = verb.toLowerCase();
      if (!["pause", "resume", "remove"].includes(action) || rest.length > 0) {
        throw badInput(`Say what to do and to which: ${usage.cadence}, e.g. \`/coo cadence pause K1\`.`);
      }
      const number = parseId("cadence", id);
      if (number === undefined)
        throw badInput(
          `${echo(id)} is not a cadence id. Ids look like \`K1\`; \`/coo cadences\` shows them.`,
        );
      const cadence = await deps.db.cadence.findUnique({
        where: { workspaceId_number: { workspaceId, number } },
      });
      if (!cadence)
        throw notFound(
          `There is no cadence ${formatId("cadence", number)} here. \`/coo cadences\` lists them.`,
        );
      const person = await authorize(await actor(), { kind: "change_cadence", cadence });
      if (action === "remove") {
        await deps.db.cadence.delete({ where: { id: cadence.id } });
        await engine.rebuild();
        return {
          text: `Removed ${formatId("cadence", number)} (${cadence.kind} in <#${cadence.channelId}>).`,
        };
      }
      const paused = action === "pause";
      if (cadence.paused === paused)
        return { text: `${formatId("cadence", number)} is already ${paused ? "paused" : "running"}.` };
      // Slots missed while paused are not caught up on resume.
      const now = deps.clock.now();
      const updated = await deps.db.cadence.update({
        where: { id: cadence.id },
        data: paused ? pausedBy(person.slackUserId, now) : resumed(now),
      });
      await engine.rebuild();
      return { text: `${paused ? "Paused" : "Resumed"} ${describeCadence(updated, deps.clock.now())}.` };
    },
  });

  commands.add({
    name: "skip",
    usage: "skip <date> | skip off <date>",
    summary: "a holiday: no cadence runs in this channel that day (`skip off <date>` restores it)",
    async run(input) {
      ensureChannel(input, "skip day");
      const { workspaceId, channelId, userId, args } = input;
      const off = /^(?:off|undo|remove)\s+([\s\S]+)$/i.exec(args.trim());
      const typed = (off?.[1] ?? args).trim();
      if (!typed)
        throw badInput(`Which day? ${usage.skip}, e.g. \`/coo skip 2026-12-24\` or \`/coo skip friday\`.`);
      const cadences = await deps.db.cadence.findMany({
        where: { workspaceId, channelId },
        orderBy: { number: "asc" },
      });
      if (cadences.length === 0)
        throw notFound(
          `No cadence runs in this channel, so there is nothing to skip. ${usage.standup} sets one up.`,
        );
      // Skipping a day cancels everyone's standup here: the same people who may change the cadences.
      await authorize(await input.actor(), { kind: "skip_day", cadences });
      const timeZone = cadences[0]?.timezone ?? (await input.actor()).timeZone;
      const now = deps.clock.now();
      const when = parseWhen(typed, { now, timeZone });
      if (!when)
        throw badInput(
          `I can't read ${echo(typed)} as a date. ${usage.skip}, e.g. \`/coo skip 2026-12-24\`.`,
        );
      if (!off) ensureWithinReach(when.at, now, typed, "`/coo skip friday`");
      const date = isoDate(when.at, timeZone);
      if (off) {
        const { count } = await deps.db.skipDay.deleteMany({ where: { workspaceId, channelId, date } });
        return {
          text: count
            ? `${date} is a working day here again: cadences run as usual.`
            : `${date} was not a skip day here; nothing to restore.`,
        };
      }
      if (date < isoDate(now, timeZone)) throw badInput(`${date} is in the past. Give today or a later day.`);
      const { count } = await deps.db.skipDay.createMany({
        data: [{ workspaceId, channelId, date, createdById: userId }],
        skipDuplicates: true,
      });
      return {
        text: count
          ? `No cadence will run in this channel on ${date}. \`/coo skip off ${date}\` undoes it.`
          : `${date} is already a skip day here.`,
      };
    },
  });

  commands.add({
    name: "ooo",
    usage: "ooo until <when> | ooo off",
    summary: "you are out of office: no standup prompts or pings until then",
    async run({ workspaceId, userId, args, actor }) {
      const person = await actor();
      const text = args.trim();
      const key = { workspaceId_slackUserId: { workspaceId, slackUserId: userId } };
      if (/^off$/i.test(text)) {
        await deps.db.person.update({ where: key, data: { oooUntil: null } });
        return { text: "Welcome back. Standups and reminders include you again." };
      }
      const match = /^(?:until\s+)?(.+)$/i.exec(text);
      if (!text || !match?.[1]) throw badInput(`Until when? ${usage.ooo}, e.g. \`/coo ooo until Friday\`.`);
      const now = deps.clock.now();
      const when = parseWhen(match[1], { now, timeZone: person.timeZone });
      if (!when)
        throw badInput(
          `I can't read ${echo(match[1])} as a date. ${usage.ooo}, e.g. \`/coo ooo until 2026-12-24\`.`,
        );
      if (when.at <= now) throw badInput(`${echo(match[1])} is in the past. ${usage.ooo}`);
      ensureWithinReach(when.at, now, match[1], "`/coo ooo until Friday`");
      await deps.db.person.update({ where: key, data: { oooUntil: when.at } });
      return {
        text: `You're out of office until ${describeInstant(when.at, person.timeZone, now)}: no standup prompts or pings until then. \`/coo ooo off\` ends it early.`,
      };
    },
  });
}

import { z } from "zod";
import type { Deps } from "../deps.js";
import { badInput } from "../errors.js";
import { formatId, parseId } from "../ledger/ids.js";
import { memberFor } from "../people/people.js";
import type { Slack } from "../slack/app.js";
import { actions, button, readValue, section } from "../slack/blocks.js";
import { scopeOf } from "../slack/context.js";
import { linesWithin } from "../slack/fit.js";
import { slackLimits } from "../slack/limits.js";
import { echo, mention, quote, userMentionPattern } from "../slack/mentions.js";
import { enqueue } from "../slack/outbox.js";
import { maxYearsAhead, parseWhen, tooFarBack } from "../time/when.js";
import { wallClock, zonedToUtc } from "../time/zoned.js";
import { plural } from "../words.js";
import {
  closeHandoff,
  createHandoff,
  type HandoffDraft,
  handoffLine,
  shareHandoff,
  side,
  visibleHandoffs,
} from "./queries.js";

/** What rides in the consent buttons: the draft read from the DM (and, for "quote", the DM itself). */
const draftValue = z.object({
  mode: z.enum(["record", "nudge", "quote", "dismiss"]),
  w: z.string().min(1).max(300),
  f: z
    .string()
    .regex(/^[UW][A-Z0-9]+$/)
    .optional(),
  ft: z.string().max(100).optional(),
  t: z
    .string()
    .regex(/^[UW][A-Z0-9]+$/)
    .optional(),
  tt: z.string().max(100).optional(),
  s: z.string().datetime(),
  q: z.string().max(600).optional(),
  r: z.string().regex(/^[UW][A-Z0-9]+$/),
});
type DraftValue = z.infer<typeof draftValue>;

/**
 * The "quote" choice carries the DM itself: as much of it as keeps the
 * button's value (JSON, where quotes and backslashes take two characters)
 * within Slack's 2,000.
 */
function withQuote(base: Omit<DraftValue, "mode">, dm: string): DraftValue {
  const value: DraftValue = { ...base, mode: "quote", q: "" };
  let room = slackLimits.buttonValue - JSON.stringify(value).length;
  let q = "";
  for (const char of dm) {
    room -= JSON.stringify(char).length - 2;
    if (room < 0) break;
    q += char;
  }
  return { ...value, q };
}

/** The reply to a DM that reads as a stuck handoff: what coo understood, and the reporter's choice. */
export function proposal(draft: HandoffDraft, reporterId: string, original: string) {
  const base: Omit<DraftValue, "mode"> = {
    w: draft.what.slice(0, 300),
    ...(draft.fromId ? { f: draft.fromId } : draft.fromText ? { ft: draft.fromText.slice(0, 100) } : {}),
    ...(draft.toId ? { t: draft.toId } : draft.toText ? { tt: draft.toText.slice(0, 100) } : {}),
    s: draft.since.toISOString(),
    r: reporterId,
  };
  const text = `Sounds like a stuck handoff: *${quote(draft.what)}*, owed by ${side(draft.fromId, draft.fromText)} to ${side(draft.toId, draft.toText)}. Shall I track it? It stays between you and the people on it, and nobody is nudged unless you pick a nudge.`;
  const buttons = [
    button("Record it", "handoff_choice", { ...base, mode: "record" }, "primary"),
    ...(draft.fromId
      ? [
          button("Record and nudge them", "handoff_choice:nudge", { ...base, mode: "nudge" }),
          button("Nudge with my words", "handoff_choice:quote", withQuote(base, original.slice(0, 600))),
        ]
      : []),
    button("Not now", "handoff_choice:dismiss", { ...base, mode: "dismiss" }),
  ];
  return { text, blocks: [section(text), actions(...buttons)] };
}

/** Opens a conversation with both sides (through the outbox); quotes the DM only when asked to. */
async function nudge(deps: Deps, workspaceId: string, value: DraftValue, number: number) {
  if (!value.f) return;
  const people = [value.f, value.t ?? value.r].filter((u, i, all) => all.indexOf(u) === i).join(",");
  const lines = [
    `Hi ${mention(value.f)}: ${side(value.t ?? value.r, value.tt)} is waiting on *${quote(value.w)}* from you (tracked as ${formatId("handoff", number)}). What is the plan, and by when?`,
    ...(value.mode === "quote" && value.q
      ? [`In ${mention(value.r)}'s words:\n> ${quote(value.q).replace(/\n/g, "\n> ")}`]
      : []),
    `\`/coo handoff done ${formatId("handoff", number)}\` when it has landed.`,
  ];
  const ids = await deps.db.$transaction((tx) =>
    enqueue(tx, [{ workspaceId, userId: people, text: lines.join("\n") }]),
  );
  await deps.outbox.deliver(ids);
}

/** Open handoffs `/coo handoffs` lists; the rest are counted. */
const handoffsShown = 30;

export function register({ listeners, commands }: Slack, deps: Deps): void {
  commands.add({
    name: "handoff",
    usage: "handoff <what> from @a to @b [since <when>] | handoff done <id> | handoff share <id>",
    summary:
      "track work one person owes another (seen by the whole workspace), close it, or share one told to me in private",
    async run({ workspaceId, userId, args, client, actor }) {
      const verb = /^(done|share)\s+(\S+)$/i.exec(args.trim());
      if (verb) {
        const number = parseId("handoff", verb[2] ?? "");
        if (number === undefined)
          throw badInput(
            `${echo(verb[2] ?? "")} is not a handoff id. Ids look like \`H3\`; \`/coo handoffs\` shows them.`,
          );
        if (verb[1]?.toLowerCase() === "share") {
          const { handoff: h, changed } = await shareHandoff(deps, workspaceId, number, await actor());
          const id = formatId("handoff", h.number);
          return {
            text: changed
              ? `*${id}* ${quote(h.what)} is now visible to the workspace, and I'll chase it if it goes stale.`
              : `*${id}* is already shared.`,
          };
        }
        const h = await closeHandoff(deps, workspaceId, number, await actor());
        return { text: `Closed *${formatId("handoff", h.number)}* ${quote(h.what)}.` };
      }
      const m = new RegExp(
        `^(.+?)\\s+from\\s+${userMentionPattern.source}\\s+to\\s+${userMentionPattern.source}(?:\\s+since\\s+(.+))?$`,
        "i",
      ).exec(args.trim());
      if (!m?.[1])
        throw badInput(
          "Say what, who owes it and who waits: `/coo handoff the API keys from @dana to @lee since Monday`.",
        );
      if (m[1].length > 300) throw badInput("Keep what is owed under 300 characters.");
      const reporter = await actor();
      for (const side of [m[2], m[3]]) if (side) await memberFor(deps, client, workspaceId, side);
      const now = deps.clock.now();
      let since = now;
      if (m[4]) {
        const when = parseWhen(m[4], {
          now: new Date(now.getTime() - 14 * 24 * 3600_000),
          timeZone: reporter.timeZone,
        });
        if (!when || when.at > now)
          throw badInput(
            `I can't read ${echo(m[4])} as a day in the past. Try \`since Monday\` or \`since 2026-12-01\`.`,
          );
        if (tooFarBack(when.at, now))
          throw badInput(
            `${echo(m[4])} is more than ${maxYearsAhead} years ago. Give a day within the last ${maxYearsAhead} years, e.g. \`since Monday\`.`,
          );
        // "since Monday" means since Monday began, unless a time was given.
        since = when.hadTime
          ? when.at
          : zonedToUtc({ ...wallClock(when.at, reporter.timeZone), hour: 0, minute: 0 }, reporter.timeZone);
      }
      const h = await createHandoff(deps, workspaceId, userId, {
        what: m[1],
        fromId: m[2],
        toId: m[3],
        since,
        // Typed as a command: the team sees it and coo chases it.
        shared: true,
        chase: true,
      });
      return {
        text: `Tracking ${handoffLine(h, now)}, visible to the workspace. \`/coo handoffs\` lists them; I'll chase it if it goes stale.`,
      };
    },
  });

  commands.add({
    name: "handoffs",
    usage: "handoffs",
    summary: "open handoffs you can see, the longest waiting first",
    async run({ workspaceId, userId }) {
      const now = deps.clock.now();
      const where = { workspaceId, status: "open" as const, ...visibleHandoffs(userId) };
      const [open, total] = await Promise.all([
        deps.db.handoff.findMany({ where, orderBy: { since: "asc" }, take: handoffsShown }),
        deps.db.handoff.count({ where }),
      ]);
      if (open.length === 0)
        return {
          text: "No open handoffs that you can see. `/coo handoff <what> from @a to @b` records one.",
        };
      const lines = [
        `*Open handoffs* (${total}), the longest waiting first`,
        ...open.map((h) => `• ${handoffLine(h, now)}${h.shared ? "" : " · private"}`),
      ];
      return {
        text: plural(total, "open handoff"),
        blocks: linesWithin(lines, {
          more: (n) => `…and ${n} more.`,
          unlisted: total - open.length,
        }),
      };
    },
  });

  listeners.action(/^handoff_choice(:\w+)?$/, async ({ ack, body, action, respond, context }) => {
    await ack();
    const value = readValue(draftValue, "value" in action ? (action.value as string) : undefined);
    if (!value) throw badInput("That button is out of date. Tell me about the handoff again.");
    if (value.r !== body.user.id)
      throw badInput("Only the person who told me about this handoff can choose what happens to it.");
    if (value.mode === "dismiss") {
      await respond({ replace_original: true, text: "OK, not tracking it. Tell me again any time." });
      return;
    }
    const { workspaceId } = scopeOf(context);
    // Told in a DM: it stays between the people on it; coo chases it only if asked to nudge.
    const h = await createHandoff(deps, workspaceId, body.user.id, {
      what: value.w,
      fromId: value.f,
      fromText: value.ft,
      toId: value.t,
      toText: value.tt,
      since: new Date(value.s),
      shared: false,
      chase: value.mode !== "record",
    });
    if (value.mode !== "record") await nudge(deps, workspaceId, value, h.number);
    const done =
      value.mode === "record"
        ? " Only you and the people on it can see it; I won't nudge anyone. `/coo handoff share " +
          formatId("handoff", h.number) +
          "` makes it visible to the team."
        : value.mode === "quote"
          ? " I nudged them with your words."
          : " I nudged them, without quoting you.";
    await respond({ replace_original: true, text: `Tracking ${handoffLine(h, deps.clock.now())}.${done}` });
  });
}

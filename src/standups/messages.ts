import type { KindHandler } from "../cadence/engine.js";
import { percent } from "../commitments/messages.js";
import type { Deps } from "../deps.js";
import { handoffLine } from "../handoffs/ledger.js";
import { formatId } from "../ledger/ids.js";
import { context } from "../slack/blocks.js";
import { intoMessages, sections } from "../slack/fit.js";
import { mention, quote } from "../slack/mentions.js";
import { slackDate } from "../time/when.js";
import { duration } from "../words.js";
import { participantsOf } from "./use-cases.js";

const day = 24 * 3600_000;

type Tally = { planned: number; done: number; onTime: number; slipped: number };
const empty = (): Tally => ({ planned: 0, done: 0, onTime: 0, slipped: 0 });
const tallyLine = (t: Tally) =>
  `planned ${t.planned} · done ${t.done} · slipped ${t.slipped} · on time ${percent(t.onTime, t.planned)}`;

/**
 * The weekly review: for the channel's people, what was planned for the week
 * against what was done and what slipped, by owner and by workstream; open
 * blockers by age; and the three biggest risks, named.
 */
export function reviewHandler(deps: Deps): KindHandler {
  return {
    async open(ctx) {
      const { run, cadence, client, now } = ctx;
      const participants = await participantsOf(deps, client, ctx);
      const from = new Date(run.slot.getTime() - 7 * day);
      const planned = await deps.db.commitment.findMany({
        where: {
          workspaceId: cadence.workspaceId,
          ownerId: { in: participants },
          originalDueAt: { gt: from, lte: run.slot },
        },
        include: { workstream: { select: { name: true } } },
      });
      const byOwner = new Map<string, Tally>();
      const byStream = new Map<string, Tally>();
      for (const c of planned) {
        for (const [map, key] of [
          [byOwner, c.ownerId],
          [byStream, c.workstream?.name ?? ""],
        ] as const) {
          if (map === byStream && key === "") continue;
          const t = map.get(key) ?? empty();
          t.planned++;
          if (c.status === "done") t.done++;
          if (c.status === "done" && c.doneAt && c.doneAt <= c.originalDueAt) t.onTime++;
          if (c.dueAt > c.originalDueAt && c.status !== "done") t.slipped++;
          map.set(key, t);
        }
      }
      const total = [...byOwner.values()].reduce(
        (a, t) => ({
          planned: a.planned + t.planned,
          done: a.done + t.done,
          onTime: a.onTime + t.onTime,
          slipped: a.slipped + t.slipped,
        }),
        empty(),
      );
      const overdue = await deps.db.commitment.findMany({
        where: {
          workspaceId: cadence.workspaceId,
          ownerId: { in: participants },
          status: "open",
          dueAt: { lt: now },
        },
        orderBy: { dueAt: "asc" },
        take: 10,
      });
      const blockers = await deps.db.blocker.findMany({
        where: { workspaceId: cadence.workspaceId, status: "open", reporterId: { in: participants } },
        orderBy: { openedAt: "asc" },
      });
      const ages = { "under 1 day": 0, "1–3 days": 0, "3–7 days": 0, "over 7 days": 0 };
      for (const b of blockers) {
        const d = (now.getTime() - b.openedAt.getTime()) / day;
        ages[d < 1 ? "under 1 day" : d < 3 ? "1–3 days" : d < 7 ? "3–7 days" : "over 7 days"]++;
      }
      const risks = [
        ...overdue.map((c) => ({
          score: (now.getTime() - c.dueAt.getTime()) / day + 1,
          text: `*${formatId("commitment", c.number)}* ${quote(c.title)} (${mention(c.ownerId)}) is overdue since ${slackDate(c.dueAt, cadence.timezone, now)}`,
        })),
        ...blockers.map((b) => ({
          score: (now.getTime() - b.openedAt.getTime()) / day,
          text: `*${formatId("blocker", b.number)}* ${quote(b.text)} has blocked ${mention(b.reporterId)} for ${duration(now.getTime() - b.openedAt.getTime())}`,
        })),
      ]
        .sort((a, b) => b.score - a.score)
        .slice(0, 3);
      // One line each, packed into sections; a long review goes on in further messages.
      const lines = [
        `*Weekly review* for the week to ${slackDate(run.slot, cadence.timezone, now)}`,
        `*Overall*: ${tallyLine(total)}`,
        "*By owner*",
        ...[...byOwner.entries()].map(([o, t]) => `• ${mention(o)}: ${tallyLine(t)}`),
        ...(byOwner.size ? [] : ["• nothing was due this week"]),
        ...(byStream.size
          ? ["*By workstream*", ...[...byStream.entries()].map(([s, t]) => `• #${s}: ${tallyLine(t)}`)]
          : []),
        `*Open blockers by age*: ${Object.entries(ages)
          .map(([k, v]) => `${k}: ${v}`)
          .join(" · ")}`,
        ...(await extraLines(deps, cadence.workspaceId, participants)),
        "*Top risks*",
        ...(risks.length
          ? risks.map((r, i) => `${i + 1}. ${r.text}`)
          : ["None: nothing overdue, nothing blocked. :tada:"]),
      ];
      const pages = intoMessages(sections(lines), (i, n) =>
        context(`*Weekly review*, continued (${i} of ${n})`),
      );
      return {
        participants,
        messages: pages.map((blocks, i) => ({
          workspaceId: cadence.workspaceId,
          channel: cadence.channelId,
          text:
            i === 0
              ? `Weekly review: ${tallyLine(total)}`
              : `Weekly review, continued (${i + 1} of ${pages.length})`,
          blocks,
          cadenceId: cadence.id,
        })),
        closed: true,
      };
    },
  };
}

/** Open shared handoffs involving the channel's people, the longest waiting named (private ones stay private). */
async function extraLines(deps: Deps, workspaceId: string, participants: string[]): Promise<string[]> {
  const open = await deps.db.handoff.findMany({
    where: {
      workspaceId,
      status: "open",
      shared: true,
      OR: [
        { fromId: { in: participants } },
        { toId: { in: participants } },
        { reporterId: { in: participants } },
      ],
    },
    orderBy: { since: "asc" },
  });
  const oldest = open[0];
  return [
    `*Handoffs open*: ${open.length}${oldest ? `; the longest waiting: ${handoffLine(oldest, deps.clock.now())}` : ""}`,
  ];
}

import { randomBytes } from "node:crypto";
import cron, { type ScheduledTask } from "node-cron";
import { commitmentLine } from "../commitments/messages.js";
import type { CommitmentRow } from "../commitments/queries.js";
import type { Deps } from "../deps.js";
import type { Workspace } from "../generated/prisma/client.js";
import { groupBy } from "../group.js";
import { sweepHandoffs } from "../handoffs/use-cases.js";
import { cronLogger } from "../log.js";
import { actions, button, context, section } from "../slack/blocks.js";
import type { Block } from "../slack/commands.js";
import { mention } from "../slack/mentions.js";
import { enqueue, type Outgoing } from "../slack/outbox.js";
import { agree, plural } from "../words.js";
import { classify, isWorkingHours, nextStep, type Policy, type Risk, type Step } from "./classify.js";
import { driftStreaks } from "./drift.js";

const leaseName = "slip-sweep";
const leaseMs = 5 * 60_000;
/** At-risk needs "by the end of the next working day": over a weekend that is up to four days out. */
const horizonMs = 5 * 24 * 3600_000;

export type SweepReport = {
  skipped: boolean;
  candidates: number;
  flagged: number;
  sent: number;
  messages: number;
  /** Milliseconds to find, decide and record (with the messages queued); delivery is after. */
  decideMs: number;
  /** Milliseconds the queued messages then took to reach Slack. */
  deliverMs: number;
};

/** Two blocks an item plus a heading and a footer stays well under Slack's 50. */
export const maxItemsPerMessage = 15;

type Item = {
  commitment: CommitmentRow;
  risk: Risk;
  step: Step;
  to: { kind: "user" | "channel"; id: string };
};

export function policyOf(w: Workspace): Policy {
  return {
    graceHours: w.escalationGraceHours,
    ceoAfterDays: w.escalateToCeoAfterDays,
    workdayStartHour: w.workdayStartHour,
    workdayEndHour: w.workdayEndHour,
  };
}

const riskWords: Record<Risk, string> = {
  overdue: ":red_circle: overdue",
  at_risk: ":large_orange_circle: due soon, no update yet",
  drifting: ":hourglass: on today's list three standups running",
};

/**
 * Finds commitments that are overdue, at risk or drifting and takes each one
 * step up the escalation ladder, once. A lease keeps two sweeps (timers,
 * replicas) from running at once; an Escalation row per (commitment, step,
 * due date), written before anything is sent, keeps any ping from repeating.
 * People are only pinged in their working hours and not while out of office,
 * with all their items in one DM.
 */
export class SlipSweeper {
  private task: ScheduledTask | undefined;

  constructor(
    private readonly deps: Deps,
    private readonly options: { cron: string; timers: boolean },
  ) {}

  async start(): Promise<void> {
    this.task = cron.createTask(this.options.cron, () => this.sweep(), {
      name: "coo-slip-sweep",
      noOverlap: true,
      logger: cronLogger(this.deps.log),
    });
    if (this.options.timers) await this.task.start();
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
  }

  async sweep(): Promise<SweepReport> {
    const now = this.deps.clock.now();
    const sweepId = randomBytes(6).toString("hex");
    const report: SweepReport = {
      skipped: false,
      candidates: 0,
      flagged: 0,
      sent: 0,
      messages: 0,
      decideMs: 0,
      deliverMs: 0,
    };
    if (!(await this.acquire(sweepId, now))) return { ...report, skipped: true };
    try {
      const started = performance.now();
      const ids = await this.decide(now, sweepId, report);
      report.decideMs = Math.round(performance.now() - started);
      if (ids.length === 0) return report;
      await this.deps.outbox.deliver(ids);
      report.deliverMs = Math.round(performance.now() - started - report.decideMs);
      this.deps.metrics.pings.inc(report.sent);
      this.deps.log.info("slip sweep", { ...report, sweepId });
      return report;
    } finally {
      await this.release(sweepId, now);
    }
  }

  /** Finds what needs chasing, records each step and queues its messages; fills in `report`. */
  private async decide(now: Date, sweepId: string, report: SweepReport): Promise<number[]> {
    const { db } = this.deps;
    const soon = await db.commitment.findMany({
      where: {
        status: "open",
        dueAt: { lte: new Date(now.getTime() + horizonMs) },
        OR: [{ snoozedUntil: null }, { snoozedUntil: { lte: now } }],
      },
      include: { workstream: { select: { name: true, ownerId: true } } },
    });
    const streaks = await driftStreaks(this.deps);
    const drifting = await db.commitment.findMany({
      where: {
        id: { in: [...streaks.keys()].filter((id) => !soon.some((c) => c.id === id)) },
        status: "open",
        OR: [{ snoozedUntil: null }, { snoozedUntil: { lte: now } }],
      },
      include: { workstream: { select: { name: true, ownerId: true } } },
    });
    const candidates = [...soon, ...drifting];
    report.candidates = candidates.length;
    report.sent += await sweepHandoffs(this.deps, {
      now,
      sweepId,
      policyOf: async (workspaceId) => {
        const w = await db.workspace.findUnique({ where: { id: workspaceId } });
        const policy = w ? policyOf(w) : undefined;
        return policy && { ...policy, isWorkingHours: (at, zone) => isWorkingHours(at, zone, policy) };
      },
    });
    if (candidates.length === 0) return [];

    const workspaceIds = [...new Set(candidates.map((c) => c.workspaceId))];
    const workspaces = new Map(
      (await db.workspace.findMany({ where: { id: { in: workspaceIds } } })).map((w) => [w.id, w]),
    );
    const people = await db.person.findMany({
      where: { workspaceId: { in: workspaceIds } },
      select: { workspaceId: true, slackUserId: true, timezone: true, oooUntil: true, seat: true },
    });
    const personOf = new Map(people.map((p) => [`${p.workspaceId}:${p.slackUserId}`, p]));
    const ceoOf = new Map(people.filter((p) => p.seat === "ceo").map((p) => [p.workspaceId, p.slackUserId]));
    const sentRows = await db.escalation.findMany({
      where: { commitmentId: { in: candidates.map((c) => c.id) } },
      select: { commitmentId: true, step: true, dueAt: true, sentAt: true },
    });
    const sent = new Map<number, Partial<Record<Step, Date>>>();
    const dueOf = new Map(candidates.map((c) => [c.id, c.dueAt.getTime()]));
    for (const row of sentRows) {
      if (dueOf.get(row.commitmentId) !== row.dueAt.getTime()) continue; // about an earlier due date
      sent.set(row.commitmentId, { ...sent.get(row.commitmentId), [row.step]: row.sentAt });
    }

    const zoneOf = (workspaceId: string, userId: string) =>
      personOf.get(`${workspaceId}:${userId}`)?.timezone ??
      workspaces.get(workspaceId)?.timezone ??
      this.deps.config.defaultTimeZone;
    const away = (workspaceId: string, userId: string) => {
      const until = personOf.get(`${workspaceId}:${userId}`)?.oooUntil;
      return until !== null && until !== undefined && until > now;
    };

    const items: Item[] = [];
    for (const c of candidates) {
      const workspace = workspaces.get(c.workspaceId);
      if (!workspace) continue;
      const policy = policyOf(workspace);
      const ownerZone = zoneOf(c.workspaceId, c.ownerId);
      const risk = classify({ ...c, todayStreak: streaks.get(c.id) ?? 0 }, now, ownerZone);
      if (!risk) continue;
      report.flagged++;
      if (away(c.workspaceId, c.ownerId)) continue;
      const step = nextStep(risk, sent.get(c.id) ?? {}, c.dueAt, now, policy);
      if (!step) continue;
      const to = this.recipient(c, step, workspace, ceoOf.get(c.workspaceId));
      if (!to) continue;
      // Nobody is pinged outside their working hours; a channel post waits for the owner's.
      const hoursOf = to.kind === "user" ? to.id : c.ownerId;
      if (!isWorkingHours(now, zoneOf(c.workspaceId, hoursOf), policy)) continue;
      if (to.kind === "user" && away(c.workspaceId, to.id)) continue;
      items.push({ commitment: c, risk, step, to });
    }
    if (items.length === 0) return [];

    // The steps and their messages are written together: a crash after this
    // transaction loses nothing (the outbox sends), and before it sends nothing.
    return db.$transaction(async (tx) => {
      // One statement for every step; the unique (commitment, step, due date)
      // drops any another sweep already recorded, and RETURNING says which are ours.
      const column = <T>(pick: (i: Item) => T) => items.map(pick);
      const inserted = await tx.$queryRaw<Array<{ commitmentId: number; step: Step }>>`
        INSERT INTO "Escalation" ("workspaceId", "commitmentId", "step", "dueAt", "reason", "recipientId", "sweepId", "sentAt")
        SELECT e.workspace, e.commitment, e.step::"EscalationStep", e.due::timestamp(3), e.reason, e.recipient, ${sweepId}, ${now}
        FROM unnest(${column((i) => i.commitment.workspaceId)}::text[], ${column((i) => i.commitment.id)}::int[],
          ${column((i) => i.step)}::text[], ${column((i) => i.commitment.dueAt.toISOString())}::text[],
          ${column((i) => i.risk)}::text[], ${column((i) => i.to.id)}::text[])
          AS e(workspace, commitment, step, due, reason, recipient)
        ON CONFLICT ("commitmentId", "step", "dueAt") DO NOTHING
        RETURNING "commitmentId", "step"`;
      const claimed = new Set(inserted.map((r) => `${r.commitmentId}:${r.step}`));
      const mine = items.filter((i) => claimed.has(`${i.commitment.id}:${i.step}`));
      report.sent += mine.length;
      const groups = groupBy(mine, (i) => `${i.commitment.workspaceId}:${i.to.kind}:${i.to.id}`);
      report.messages = groups.size;
      return enqueue(
        tx,
        [...groups.values()].map((group) => this.compose(group, now, zoneOf)),
      );
    });
  }

  private recipient(
    c: Item["commitment"] & { workstream: { ownerId: string } | null },
    step: Step,
    workspace: Workspace,
    ceo: string | undefined,
  ): Item["to"] | undefined {
    if (step === "dm_owner" || step === "remind_owner") return { kind: "user", id: c.ownerId };
    if (step === "tell_ceo") return ceo ? { kind: "user", id: ceo } : undefined;
    const lead = c.workstream?.ownerId;
    if (workspace.escalateTo === "lead" && lead && lead !== c.ownerId) return { kind: "user", id: lead };
    if (c.channelId && !c.channelId.startsWith("D")) return { kind: "channel", id: c.channelId };
    return lead && lead !== c.ownerId ? { kind: "user", id: lead } : undefined;
  }

  private compose(group: Item[], now: Date, zoneOf: (w: string, u: string) => string): Outgoing {
    const first = group[0] as Item;
    const { to } = first;
    const ws = first.commitment.workspaceId;
    const blocks: Block[] = [];
    const toOwner = first.step === "dm_owner" || first.step === "remind_owner";
    const zone = to.kind === "user" ? zoneOf(ws, to.id) : zoneOf(ws, first.commitment.ownerId);
    const one = group.length === 1;
    if (toOwner) {
      blocks.push(
        section(
          first.step === "dm_owner"
            ? one
              ? "*One of your commitments needs a look:*"
              : `*${group.length} of your commitments need a look:*`
            : one
              ? "*Following up on this one; can I help unblock it?*"
              : "*Following up on these; can I help unblock them?*",
        ),
      );
    } else if (to.kind === "channel") {
      blocks.push(
        section(
          one
            ? "*A commitment in this channel is overdue and still open:*"
            : `*${group.length} commitments in this channel are overdue and still open:*`,
        ),
      );
    } else {
      blocks.push(
        section(
          first.step === "tell_ceo"
            ? "*Overdue well past the threshold; flagging to you as CEO:*"
            : "*Overdue work you lead that has not moved after two reminders:*",
        ),
      );
    }
    // Slack takes at most 50 blocks in a message: the most overdue first, the rest counted.
    const shown = [...group].sort((a, b) => a.commitment.dueAt.getTime() - b.commitment.dueAt.getTime());
    for (const item of shown.slice(0, maxItemsPerMessage)) {
      const c = item.commitment;
      const value = { t: "mine", p: 0, n: c.number };
      blocks.push(section(`${riskWords[item.risk]}\n${commitmentLine(c, now, zone)}`));
      if (toOwner) {
        blocks.push(
          actions(
            button("Done", "commitment_done", value, "primary"),
            button("Slip to…", "commitment_slip", value),
            button(item.step === "remind_owner" ? "Record a blocker" : "Need help", "nudge_help", {
              n: c.number,
            }),
            button("Snooze 1 day", "nudge_snooze", { n: c.number, d: 1 }),
          ),
        );
      }
    }
    if (shown.length > maxItemsPerMessage) {
      const more = shown.length - maxItemsPerMessage;
      blocks.push(
        context(
          `…and ${more} more. \`/coo risks\` lists every commitment at risk${toOwner ? "" : " in the workspace"}.`,
        ),
      );
    }
    const text = `${plural(group.length, "commitment")} ${toOwner ? `of yours ${agree(group.length, "needs", "need")} a look` : `${agree(group.length, "needs", "need")} attention (${[...new Set(group.map((i) => mention(i.commitment.ownerId)))].join(", ")})`}`;
    return {
      workspaceId: ws,
      text,
      blocks,
      ...(to.kind === "user" ? { userId: to.id } : { channel: to.id }),
    };
  }

  private async acquire(holder: string, now: Date): Promise<boolean> {
    const until = new Date(now.getTime() + leaseMs);
    const rows = await this.deps.db.$queryRaw<Array<{ holder: string }>>`
      INSERT INTO "Lease" ("name", "holder", "until") VALUES (${leaseName}, ${holder}, ${until})
      ON CONFLICT ("name") DO UPDATE SET "holder" = EXCLUDED."holder", "until" = EXCLUDED."until"
      WHERE "Lease"."until" <= ${now}
      RETURNING "holder"`;
    return rows[0]?.holder === holder;
  }

  private async release(holder: string, now: Date): Promise<void> {
    await this.deps.db.lease.updateMany({ where: { name: leaseName, holder }, data: { until: now } });
  }
}

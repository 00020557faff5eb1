import type { Db } from "../../src/db/open.js";
import type { IdKind } from "../../src/ledger/ids.js";

/**
 * Text of exactly `length` characters as people write it at its longest:
 * words, a mention, and the characters Slack's escaping makes longer
 * (`&`, `<`, `>`), so what coo shows of it is longer still.
 */
export function longText(seed: string, length: number): string {
  const words = `${seed}: Q&A prep <draft> for R&D with <@U1> and the legal & finance teams, then sign-off`;
  let text = "";
  while (text.length < length) text += `${words} `;
  return text.slice(0, length);
}

/** The next `count` short numbers of a kind, as the ledger would hand them out. */
export async function reserveNumbers(db: Db, workspaceId: string, kind: IdKind, count: number) {
  const rows = await db.$queryRaw<Array<{ value: number }>>`
    INSERT INTO "Counter" ("workspaceId", "kind", "value") VALUES (${workspaceId}, ${kind}::"IdKind", ${count})
    ON CONFLICT ("workspaceId", "kind") DO UPDATE SET "value" = "Counter"."value" + ${count}
    RETURNING "value"`;
  const last = rows[0]?.value ?? count;
  return Array.from({ length: count }, (_, i) => last - count + 1 + i);
}

type CommitmentSeed = {
  ownerId: string;
  title: string;
  dueAt: Date;
  originalDueAt?: Date;
  status?: "open" | "done" | "dropped";
  doneAt?: Date;
  workstreamId?: number;
  channelId?: string;
};

/** Commitments written straight to the ledger (a team's history, faster than typing it). */
export async function addCommitments(db: Db, workspaceId: string, seeds: CommitmentSeed[]) {
  const numbers = await reserveNumbers(db, workspaceId, "commitment", seeds.length);
  await db.commitment.createMany({
    data: seeds.map((s, i) => ({
      workspaceId,
      number: numbers[i] as number,
      title: s.title,
      ownerId: s.ownerId,
      creatorId: s.ownerId,
      dueAt: s.dueAt,
      originalDueAt: s.originalDueAt ?? s.dueAt,
      status: s.status ?? "open",
      ...(s.doneAt ? { doneAt: s.doneAt } : {}),
      ...(s.workstreamId ? { workstreamId: s.workstreamId } : {}),
      ...(s.channelId ? { channelId: s.channelId } : {}),
    })),
  });
  return numbers;
}

type BlockerSeed = { reporterId: string; text: string; openedAt: Date; waitingOnId?: string };

export async function addBlockers(db: Db, workspaceId: string, seeds: BlockerSeed[]) {
  const numbers = await reserveNumbers(db, workspaceId, "blocker", seeds.length);
  await db.blocker.createMany({
    data: seeds.map((s, i) => ({
      workspaceId,
      number: numbers[i] as number,
      text: s.text,
      reporterId: s.reporterId,
      openedAt: s.openedAt,
      ...(s.waitingOnId ? { waitingOnId: s.waitingOnId } : {}),
    })),
  });
  return numbers;
}

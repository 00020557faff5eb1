import type { Prisma } from "../generated/prisma/client.js";

export type IdKind = "commitment" | "blocker" | "cadence" | "handoff";
const prefixes: Record<IdKind, string> = { commitment: "C", blocker: "B", cadence: "K", handoff: "H" };

export const formatId = (kind: IdKind, number: number) => `${prefixes[kind]}${number}`;

/**
 * Reads what people type for an id: "C12", "c12", "#12" or "12" for a
 * commitment; "B7", "#7", "7" for a blocker. Undefined for anything else,
 * including the other kind's prefix.
 */
export function parseId(kind: IdKind, text: string): number | undefined {
  const match = /^(?:#|([a-z]))?(\d{1,9})$/i.exec(text.trim());
  if (!match) return undefined;
  if (match[1] && match[1].toUpperCase() !== prefixes[kind]) return undefined;
  const n = Number(match[2]);
  return n > 0 ? n : undefined;
}

/** The next short number for this workspace and kind; atomic under concurrency. */
export async function nextNumber(
  tx: Prisma.TransactionClient,
  workspaceId: string,
  kind: IdKind,
): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ value: number }>>`
    INSERT INTO "Counter" ("workspaceId", "kind", "value") VALUES (${workspaceId}, ${kind}, 1)
    ON CONFLICT ("workspaceId", "kind") DO UPDATE SET "value" = "Counter"."value" + 1
    RETURNING "value"`;
  const value = rows[0]?.value;
  if (value === undefined) throw new Error("counter did not return a value");
  return value;
}

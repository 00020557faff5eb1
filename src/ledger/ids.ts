import { z } from "zod";
import { query, type SqlRunner, statement } from "../db/sql.js";
import type { IdKind } from "../generated/prisma/client.js";

export type { IdKind };

const prefixes: Record<IdKind, string> = {
  commitment: "C",
  blocker: "B",
  cadence: "K",
  handoff: "H",
  bet: "G",
};

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

const takeNumber = statement({
  name: "coo_next_number",
  text: `SELECT coo_next_number($1, $2::"IdKind") AS "value"`,
  row: z.object({ value: z.number().int() }),
});

/**
 * The next short number for this workspace and kind, from the database's
 * `coo_next_number` (the one place numbers are handed out; a statement that
 * inserts a row may call it directly). Atomic under concurrency.
 */
export async function nextNumber(on: SqlRunner, workspaceId: string, kind: IdKind): Promise<number> {
  const [row] = await query(on, takeNumber, [workspaceId, kind]);
  if (!row) throw new Error("coo_next_number returned no row");
  return row.value;
}

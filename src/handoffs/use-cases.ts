import type { Deps } from "../deps.js";
import type { Handoff } from "../generated/prisma/client.js";
import { looksLikeHandoff, readHandoff } from "./detect.js";
import { type HandoffDraft, openHandoffsVisibleTo } from "./ledger.js";

/*
 * The handoffs feature's operations, for other features
 * (docs/decisions/0020-use-cases-and-grammar.md).
 */

export { sweepHandoffs } from "./escalate.js";
export type { Handoff, HandoffDraft };

/**
 * A DM that reads as a stuck handoff ("waiting on @dana for the keys"): what
 * coo understood of it, to propose; nothing is recorded until the reporter
 * chooses. Undefined when it does not read as one.
 */
export async function draftHandoff(
  deps: Pick<Deps, "llm" | "clock">,
  input: { text: string; reporterId: string },
): Promise<HandoffDraft | undefined> {
  if (!looksLikeHandoff(input.text)) return undefined;
  return readHandoff(deps.llm, input.text, input.reporterId, deps.clock.now());
}

/** Open handoffs someone may see (shared ones, and private ones they are on), the longest waiting first. */
export function openHandoffs(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; viewerId: string | undefined; limit: number },
): Promise<Handoff[]> {
  return openHandoffsVisibleTo(deps, input.workspaceId, input.viewerId, input.limit);
}

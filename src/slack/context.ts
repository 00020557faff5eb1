import type { Context } from "@slack/bolt";
import type { Actor } from "../policy.js";

/**
 * What the request middleware (src/slack/app.ts) puts on Bolt's context once
 * per request. Every listener takes its workspace from here, the one Bolt
 * authorized, never from a payload field a sender can vary (`team.id`,
 * `team_id`, `user.team_id`).
 */
export type Scope = {
  workspaceId: string;
  /** The acting Slack user, when the request has one. */
  userId: string | undefined;
  /** The acting person, read once per request and only if asked for. */
  actor(): Promise<Actor>;
  /** The actor belongs to another organisation (Slack Connect). */
  external: boolean;
};

const key = "cooScope";

export function setScope(context: Context, scope: Scope): void {
  context[key] = scope;
}

export function scopeOf(context: Context): Scope {
  const scope = context[key] as Scope | undefined;
  if (!scope) throw new Error("no request scope: the request middleware did not run");
  return scope;
}

/** What coo says to someone of another organisation instead of showing its ledger. */
export const externalNote =
  "I'm this workspace's operations assistant and I answer its own members only, so I can't share or change its work with you. Ask someone on the team for an update.";

import { type BetSummary, betsOf } from "../bets/use-cases.js";
import { type Blocker, blockersAround } from "../blockers/use-cases.js";
import { nextCadenceFor } from "../cadence/use-cases.js";
import { type CommitmentRow, openCommitments } from "../commitments/use-cases.js";
import type { Deps } from "../deps.js";
import { type ReviewSignal, reviewSignals } from "../github/use-cases.js";

/*
 * The App Home's one operation: what a person's work looks like now, read
 * through the features that keep it (docs/decisions/0020-use-cases-and-grammar.md).
 */

/** Items shown under each heading of the Home; the rest are counted. */
export const homeShown = 15;

export type Home = {
  timeZone: string;
  /** The open bets this person contributes to (a workstream, or open work in one). */
  bets: BetSummary[];
  commitments: { items: CommitmentRow[]; total: number };
  /** Pull request reviews holding up those commitments, by commitment id. */
  reviews: Map<number, ReviewSignal[]>;
  raised: Blocker[];
  waiting: Blocker[];
  nextCadence: { kind: string; channelId: string; at: Date; timeZone: string } | undefined;
  /** The dashboard's pages for this person, when it is set up (COO_PUBLIC_URL and Sign in with Slack). */
  dashboard: { team: string; mine: string } | undefined;
};

/** The bets they contribute to, a person's open commitments (soonest first), the blockers they raised or wait on, and their next cadence. */
export async function homeOf(
  deps: Pick<Deps, "db" | "clock" | "people" | "config">,
  input: { workspaceId: string; userId: string },
): Promise<Home> {
  const { workspaceId, userId } = input;
  const [person, bets, commitments, blockers, nextCadence] = await Promise.all([
    deps.people.profile(workspaceId, userId),
    betsOf(deps, { workspaceId, userId }),
    openCommitments(deps, { workspaceId, viewerId: userId, target: "mine", offset: 0, limit: homeShown }),
    blockersAround(deps, { workspaceId, userId, limit: homeShown }),
    nextCadenceFor(deps, { workspaceId, userId }),
  ]);
  const reviews = await reviewSignals(deps, {
    workspaceId,
    commitmentIds: commitments.items.map((c) => c.id),
    now: deps.clock.now(),
  });
  const base = deps.config.dashboard ? deps.config.publicUrl : undefined;
  const dashboard = base
    ? { team: `${base}/app`, mine: `${base}/app/people/${encodeURIComponent(userId)}` }
    : undefined;
  return { timeZone: person.timeZone, bets, commitments, reviews, ...blockers, nextCadence, dashboard };
}

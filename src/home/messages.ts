import { betRollupLine } from "../bets/messages.js";
import { blockerButtons, blockerLine } from "../blockers/messages.js";
import { commitmentButtons, commitmentLine } from "../commitments/messages.js";
import { reviewNote } from "../github/messages.js";
import { actions, context, divider, section } from "../slack/blocks.js";
import type { Block } from "../slack/commands.js";
import { sections } from "../slack/fit.js";
import { slackDate } from "../time/when.js";
import { type Home, homeShown } from "./use-cases.js";

/** The most bets the Home names; the rest are counted. */
const betsShown = 5;

/** The bets a person contributes to, each with its rollup; nothing when they contribute to none. */
function betsBlocks(home: Home, now: Date): Block[] {
  const { bets, timeZone } = home;
  if (bets.length === 0) return [];
  const lines = bets.slice(0, betsShown).map((s) => betRollupLine(s, timeZone, now));
  const rest = bets.length - lines.length;
  return [
    divider(),
    ...sections([
      `*Bets you work on* (${bets.length})`,
      ...lines,
      ...(rest > 0 ? [`…and ${rest} more: \`/coo bets\``] : []),
    ]),
  ];
}

/** The App Home of one person: their open commitments (overdue first), their blockers, their cadence. */
export function homeView(home: Home, summary: string, now: Date) {
  const { commitments, timeZone } = home;
  const blocks: Block[] = [
    section(`*Your work, as coo sees it.* ${summary}`),
    ...betsBlocks(home, now),
    divider(),
    section(`*Your open commitments* (${commitments.total})`),
  ];
  if (commitments.items.length === 0)
    blocks.push(context("Nothing open. `/coo commit <what> by <when>` records one."));
  for (const c of commitments.items) {
    const value = { t: "mine", p: 0, n: c.number };
    const reviews = home.reviews.get(c.id);
    blocks.push(section(commitmentLine(c, now, timeZone, reviews ? reviewNote(reviews) : "")));
    blocks.push(
      actions(
        commitmentButtons.done.element("Done", value, { style: "primary" }),
        commitmentButtons.slip.element("Slip…", value),
      ),
    );
  }
  if (commitments.total > homeShown)
    blocks.push(context(`…and ${commitments.total - homeShown} more: \`/coo commitments\``));
  const blockerBlocks = (title: string, list: Home["raised"]) => [
    divider(),
    section(`*${title}* (${list.length}${list.length === homeShown ? "+" : ""})`),
    ...(list.length === 0
      ? [context("None.")]
      : list.map((b) => ({
          ...section(blockerLine(b, now)),
          accessory: blockerButtons.resolve.element("Resolve", { all: false, p: 0, n: b.number }),
        }))),
  ];
  blocks.push(
    ...blockerBlocks("Blockers you raised", home.raised),
    ...blockerBlocks("Waiting on you", home.waiting),
  );
  const next = home.nextCadence;
  blocks.push(
    divider(),
    section("*Your next cadence*"),
    context(
      next
        ? `${next.kind} in <#${next.channelId}>, ${slackDate(next.at, next.timeZone, now)}`
        : "No standups or reviews are scheduled yet. In a channel: `/coo standup 09:30 weekdays`.",
    ),
  );
  if (home.dashboard)
    blocks.push(
      divider(),
      context(
        `<${home.dashboard.mine}|Your work on the dashboard> · <${home.dashboard.team}|The team's last twelve weeks> (sign in with Slack)`,
      ),
    );
  return { type: "home" as const, blocks };
}

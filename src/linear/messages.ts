import { z } from "zod";
import { formatId } from "../ledger/ids.js";
import { actions, buttonSpec, section } from "../slack/blocks.js";
import type { Block } from "../slack/commands.js";
import { quote } from "../slack/mentions.js";
import { plural } from "../words.js";

/*
 * What the Linear feature says. Commitments are named by id and title, a
 * Linear issue by its identifier (ENG-123) linked to Linear.
 */

type Work = { number: number; title: string };
type Ref = { key: string; number: number; url: string };

const work = (c: Work) => `*${formatId("commitment", c.number)}* ${quote(c.title)}`;
export const linearText = (r: Ref) => `<${r.url}|${r.key}-${r.number}>`;

export const teamExample = "`/coo linear connect ENG`";
export const linearLinkExample = "`/coo link C12 ENG-123`";

/** The button on a due date offer: the commitment and the date Linear gives (YYYY-MM-DD). */
export const linearButtons = {
  useDue: buttonSpec({
    id: "linear_due",
    value: z.object({ n: z.number().int().positive(), d: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  }),
};

export function teamsReply(keys: string[]): string {
  if (keys.length === 0)
    return `No Linear team is followed here yet. An admin connects one with ${teamExample}, after adding coo's webhook in Linear (README, "Connect Linear").`;
  return `${plural(keys.length, "Linear team")} followed: ${keys.map((k) => `\`${k}\``).join(", ")}. Link work with ${linearLinkExample}, write the issue (ENG-123) in the commitment, or name the commitment (C12) in the issue.`;
}

export const connectedTeamReply = (key: string, isNew: boolean) =>
  isNew
    ? `Following Linear team \`${key}\`. Its issues (${key}-123) in a commitment's text or in \`/coo link\` now close the commitment when they are done.`
    : `Linear team \`${key}\` was already followed; nothing changed.`;

export const linearLinkedReply = (c: Work, ref: Ref, isNew: boolean) =>
  isNew
    ? `Linked ${work(c)} to ${linearText(ref)}: when it is done in Linear, ${formatId("commitment", c.number)} is marked done and its owner is told.`
    : `${work(c)} was already linked to ${linearText(ref)}; nothing changed.`;

export const completedNotice = (c: Work, ref: Ref, state: string) =>
  `${work(c)} is done: ${linearText(ref)} moved to ${quote(state)} in Linear.`;
export const canceledNotice = (c: Work, ref: Ref) =>
  `${linearText(ref)} was canceled in Linear, so ${work(c)} stays open. If the work is off, \`/coo drop ${formatId("commitment", c.number)}\`; if it is finished anyway, \`/coo done ${formatId("commitment", c.number)}\`.`;
export const removedNotice = (c: Work, ref: Ref) =>
  `${linearText(ref)} was deleted in Linear; ${work(c)} stays as it is.`;

/** The offer of Linear's due date as the commitment's: a DM with one button, nothing changed until pressed. */
export function dueOffer(c: Work, ref: Ref, due: { iso: string; words: string; current: string }) {
  const text = `${linearText(ref)} is due ${due.words} in Linear; ${work(c)} is due ${due.current}. Use Linear's date?`;
  const blocks: Block[] = [
    section(text),
    actions(
      linearButtons.useDue.element(`Use ${due.words}`, { n: c.number, d: due.iso }, { style: "primary" }),
    ),
  ];
  return { text, blocks };
}

export const dueTakenReply = (c: Work, words: string) => `${work(c)} is now due ${words}, as in Linear.`;

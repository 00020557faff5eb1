import { z } from "zod";
import { commitmentButtons, commitmentLine, overloadNote } from "../commitments/messages.js";
import type { CommitmentRow } from "../commitments/use-cases.js";
import { formatId } from "../ledger/ids.js";
import type { LlmFailure } from "../llm/client.js";
import { actions, buttonSpec, context, modalSpec, section } from "../slack/blocks.js";
import type { Block, Reply } from "../slack/commands.js";
import { itemsWithin, sections } from "../slack/fit.js";
import { mention, quote } from "../slack/mentions.js";
import { slackDate } from "../time/when.js";
import { plural } from "../words.js";
import { formRows, type Problem } from "./plan-draft.js";
import type { BetRef, DraftRecord, Proposal } from "./plan-use-cases.js";

/*
 * What a plan draft looks like in Slack: the draft with Confirm and Cancel,
 * the form, and the DM that asks each owner about their part.
 */

const betValue = z.object({ b: z.number().int().positive() });
/** A draft's buttons carry its id and nothing else: what it holds is read from the database. */
const draftValue = z.object({ d: z.number().int().positive() });

/** Up to five "Draft a plan" buttons in one block, told apart by these. */
const draftSlots = ["1", "2", "3", "4", "5"] as const;

export const planButtons = {
  /** Under a bet that has no workstreams yet (`/coo bet`, `/coo bets`). */
  draft: buttonSpec({ id: "bet_plan_draft", value: betValue, variants: draftSlots }),
  /** When Claude could not draft it: people fill in the form. */
  form: buttonSpec({ id: "bet_plan_form", value: betValue }),
  confirm: buttonSpec({ id: "plan_confirm", value: draftValue }),
  cancel: buttonSpec({ id: "plan_cancel", value: draftValue }),
};

/** What the form carries: the bet, and where to show the draft (the message it was opened from). */
const formMetadata = z.object({ b: z.number().int().positive(), r: z.string().url() });

export const planForms = {
  plan: modalSpec({ callbackId: "bet_plan_modal", metadata: formMetadata }),
};

const betLine = (bet: BetRef) => `*${formatId("bet", bet.number)}* ${quote(bet.title)}`;

/**
 * "Draft a plan" under bets that have no workstreams yet (none when every
 * bet has some), the first five: Slack wants each button of a block to have
 * its own action id, so each takes a variant.
 */
export function draftPlanButtons(betNumbers: number[]): Block[] {
  const shown = betNumbers.slice(0, draftSlots.length);
  if (shown.length === 0) return [];
  const label = (n: number) =>
    betNumbers.length === 1 ? "Draft a plan" : `Draft a plan for ${formatId("bet", n)}`;
  return [
    actions(
      ...shown.map((n, i) => planButtons.draft.element(label(n), { b: n }, { variant: draftSlots[i] })),
    ),
  ];
}

/** The form: up to four workstreams, each a name, an owner and a first milestone with its date. */
export function planModal(bet: BetRef, metadata: z.input<typeof formMetadata>) {
  const input = (block: string, label: string, element: Record<string, unknown>, optional: boolean) => ({
    type: "input",
    block_id: block,
    optional,
    label: { type: "plain_text", text: label },
    element,
  });
  // Every field's action id is "value": the form is read by block id.
  const rows = Array.from({ length: formRows }, (_, i) => {
    const n = i + 1;
    const optional = n > 1;
    const name = {
      type: "plain_text_input",
      action_id: "value",
      max_length: 40,
      placeholder: { type: "plain_text", text: "payments" },
    };
    const title = { type: "plain_text_input", action_id: "value", max_length: 300 };
    return [
      context(`*Workstream ${n}*${optional ? " (optional)" : ""}`),
      input(`name${n}`, "Name (one word)", name, optional),
      input(`owner${n}`, "Owner", { type: "users_select", action_id: "value" }, optional),
      input(`title${n}`, "First milestone", title, optional),
      input(`date${n}`, "Due", { type: "datepicker", action_id: "value" }, optional),
    ];
  });
  return {
    ...planForms.plan.view(metadata),
    title: { type: "plain_text" as const, text: `Plan ${formatId("bet", bet.number)}` },
    submit: { type: "plain_text" as const, text: "Propose" },
    close: { type: "plain_text" as const, text: "Cancel" },
    blocks: [
      section(
        `${betLine(bet)}\nBreak it into workstreams: each with one owner and a first milestone. Nothing is recorded until you confirm.`,
      ),
      ...rows.flat(),
    ] as Block[],
  };
}

/** The form's problems under the fields they are about (Slack shows these as plain text). */
export function formErrors(problems: Problem[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const p of problems) {
    const block = `${p.field}${Math.min(p.row, formRows - 1) + 1}`;
    const text = p.message
      .replace(/^<@[UW][A-Z0-9]+>/, "This person")
      .replace(/<@[UW][A-Z0-9]+>/g, "someone")
      .replace(/\*/g, "");
    errors[block] ??= text.slice(0, 150);
  }
  return errors;
}

const failures: Record<LlmFailure | "no_key", string> = {
  no_key: "coo drafts plans with Claude only when an API key is set",
  error: "Claude did not answer",
  timeout: "Claude took too long",
  unparseable: "Claude's answer did not make sense",
};

/** No draft from Claude: a button that opens the form (Slack opens one only within seconds of a click). */
export function formOffer(bet: BetRef, why: LlmFailure | "no_key"): Reply {
  const text = `I couldn't draft a plan for ${formatId("bet", bet.number)} (${failures[why]}), so nothing was recorded. Fill it in yourself:`;
  return {
    text,
    blocks: [
      section(`${betLine(bet)}\n${text}`),
      actions(planButtons.form.element("Fill in the plan…", { b: bet.number }, { style: "primary" })),
    ],
    response_type: "ephemeral",
  };
}

/** Claude's draft broke the rules: what was wrong, and the form. */
export function refusedDraft(bet: BetRef, problems: string[]): Reply {
  const id = formatId("bet", bet.number);
  const text = `Claude's draft for ${id} could not be used, so nothing was recorded: ${problems.join(" ")}`;
  return {
    text,
    blocks: [
      // A draft has at most six rows of four fields: these fit one message.
      ...sections([
        `${betLine(bet)}\nClaude's draft could not be used, so nothing was recorded:`,
        ...problems.map((p) => `• ${p}`),
      ]),
      context("Fill in the plan yourself:"),
      actions(planButtons.form.element("Fill in the plan…", { b: bet.number }, { style: "primary" })),
    ],
    response_type: "ephemeral",
  };
}

export function formOpened(betNumber: number): Reply {
  return {
    text: `I opened a form for the plan of ${formatId("bet", betNumber)}.`,
    response_type: "ephemeral",
  };
}

/** The draft, to whoever asked for it: each workstream, its owner and their load, and the first milestone. */
export function proposalMessage(proposal: Proposal, timeZone: string, now: Date): Reply {
  const { draft, load, existing } = proposal;
  const id = formatId("bet", draft.bet.number);
  const source =
    proposal.by === "llm"
      ? "Claude drafted this from the team's workstreams and who has room"
      : "From your form";
  const lines = draft.items.map((item) => {
    const open = load.get(item.ownerId) ?? 0;
    const owned = existing.get(item.stream);
    const tie = owned ? ` (exists, owned by ${mention(owned)}: it will carry ${id})` : "";
    return `*#${item.stream}*${tie} · ${mention(item.ownerId)}, ${plural(open, "open commitment")} due in the next four weeks\nFirst milestone: ${quote(item.title)}, due ${slackDate(item.dueAt, timeZone, now)}`;
  });
  const text = `Plan for ${id}: ${plural(draft.items.length, "workstream")} to confirm`;
  return {
    text,
    blocks: [
      section(
        `*Plan for ${id}* ${quote(draft.bet.title)}\n${source}. Nothing is recorded until you confirm.`,
      ),
      ...lines.map(section),
      ...proposal.overloads.map((o) =>
        section(
          overloadNote({
            week: o.week,
            ownerId: o.ownerId,
            viewerId: proposal.draft.proposerId,
            timeZone,
            now,
          }),
        ),
      ),
      context("On Confirm, each owner is asked by DM to confirm or re-date their part."),
      actions(
        planButtons.confirm.element("Confirm", { d: draft.id }, { style: "primary" }),
        planButtons.cancel.element("Cancel", { d: draft.id }),
      ),
    ],
    response_type: "ephemeral",
  };
}

/** Confirm pressed: what was recorded. */
export function planRecorded(
  result: { draft: DraftRecord; recorded: CommitmentRow[]; owners: string[] },
  timeZone: string,
  now: Date,
): string {
  const { draft, recorded, owners } = result;
  const id = formatId("bet", draft.bet.number);
  const parts = recorded.map(
    (c) =>
      `• #${c.workstream?.name ?? ""}: *${formatId("commitment", c.number)}* ${quote(c.title)} for ${mention(c.ownerId)}, due ${slackDate(c.dueAt, timeZone, now)}`,
  );
  return [
    `Recorded the plan for *${id}* ${quote(draft.bet.title)}: ${plural(recorded.length, "workstream")}, each with its first milestone.`,
    ...parts,
    `I asked ${plural(owners.length, "owner")} by DM to confirm or re-date their part.`,
  ].join("\n");
}

export const planCancelled = (draft: DraftRecord) =>
  `Cancelled this plan for *${formatId("bet", draft.bet.number)}*; nothing was recorded.`;

/** The DM to an owner: their part of the plan, each to confirm or re-date (as weekly planning asks). */
export function planPartAsk(
  bet: BetRef,
  plannerId: string,
  mine: CommitmentRow[],
  timeZone: string,
  now: Date,
): { text: string; blocks: Block[] } {
  const blocks = itemsWithin(
    [
      section(
        `${betLine(bet)}: ${mention(plannerId)} planned it, and this part is yours. Does the date hold?`,
      ),
    ],
    mine.map((c): Block[] => {
      const value = { t: "mine", p: 0, n: c.number };
      return [
        section(commitmentLine(c, now, timeZone)),
        actions(
          commitmentButtons.confirm.element("Confirm", value, { style: "primary" }),
          commitmentButtons.slip.element("Re-date…", value),
        ),
      ];
    }),
    { more: (n) => `…and ${n} more: \`/coo commitments\` lists them all.` },
  );
  return {
    text: `Your part of ${formatId("bet", bet.number)}: ${plural(mine.length, "first milestone")} to confirm or re-date`,
    blocks,
  };
}

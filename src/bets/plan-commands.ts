import type { Deps } from "../deps.js";
import { badInput, CooError } from "../errors.js";
import type { Actor } from "../policy.js";
import type { Slack } from "../slack/app.js";
import { defineButton, defineModal } from "../slack/buttons.js";
import type { CommandInput, Reply } from "../slack/commands.js";
import { scopeOf } from "../slack/context.js";
import { respondTo } from "../slack/respond.js";
import { type DraftRow, formRows } from "./plan-draft.js";
import {
  formErrors,
  formOffer,
  formOpened,
  planButtons,
  planCancelled,
  planForms,
  planModal,
  planRecorded,
  proposalMessage,
  refusedDraft,
} from "./plan-messages.js";
import {
  cancelPlan,
  confirmPlan,
  type DraftOutcome,
  draftPlan,
  draftsRatherThanShows,
  planForm,
  proposePlan,
} from "./plan-use-cases.js";

/*
 * Plan drafts in Slack: `/coo plan G3` on a bet with no workstreams (and
 * the "Draft a plan" button) drafts with Claude, or opens the form when
 * there is no key; the form; Confirm and Cancel under the draft.
 */

export { draftsRatherThanShows };

function outcomeReply(deps: Deps, outcome: DraftOutcome, viewer: Actor): Reply {
  if (outcome.kind === "proposed")
    return proposalMessage(outcome.proposal, viewer.timeZone, deps.clock.now());
  if (outcome.kind === "refused") return refusedDraft(outcome.bet, outcome.problems);
  return formOffer(outcome.bet, outcome.why);
}

type Opener = { workspaceId: string; actor: Actor; number: number; triggerId: string; responseUrl: string };

/**
 * A draft for a bet: Claude's, or without a key the form at once (Slack
 * opens a form only within seconds of the click, so there is no waiting on
 * Claude first).
 */
async function startDraft(deps: Deps, client: CommandInput["client"], at: Opener): Promise<Reply> {
  const input = { workspaceId: at.workspaceId, number: at.number };
  if (!deps.llm) {
    await openForm(deps, client, at);
    return formOpened(at.number);
  }
  return outcomeReply(deps, await draftPlan(deps, at.actor, input), at.actor);
}

async function openForm(deps: Deps, client: CommandInput["client"], at: Opener): Promise<void> {
  const bet = await planForm(deps, at.actor, { workspaceId: at.workspaceId, number: at.number });
  await client.views.open({
    trigger_id: at.triggerId,
    view: planModal(bet, { b: bet.number, r: at.responseUrl }),
  });
}

/** `/coo plan G3` when the bet has no workstreams yet and the actor may plan it (see draftsRatherThanShows). */
export async function draftFromCommand(deps: Deps, input: CommandInput, number: number): Promise<Reply> {
  return startDraft(deps, input.client, {
    workspaceId: input.workspaceId,
    actor: await input.actor(),
    number,
    triggerId: input.command.trigger_id,
    responseUrl: input.command.response_url,
  });
}

/** What a button press needs to open the form: its trigger, and the message to answer in. */
function openerOf(body: object, workspaceId: string, actor: Actor, number: number): Opener {
  const triggerId = "trigger_id" in body ? String(body.trigger_id) : "";
  const responseUrl = "response_url" in body ? String(body.response_url ?? "") : "";
  if (!triggerId || !responseUrl)
    throw badInput(`Run \`/coo plan G${number}\` to plan it from a channel or a DM with me.`);
  return { workspaceId, actor, number, triggerId, responseUrl };
}

function draftPressed(deps: Deps) {
  return defineButton(planButtons.draft, {
    async handle({ body, client, context, respond, value }) {
      const { workspaceId, actor } = scopeOf(context);
      const at = openerOf(body, workspaceId, await actor(), value.b);
      const reply = await startDraft(deps, client, at);
      if (deps.llm) await respond({ replace_original: false, ...reply });
    },
  });
}

function formPressed(deps: Deps) {
  return defineButton(planButtons.form, {
    async handle({ body, client, context, value }) {
      const { workspaceId, actor } = scopeOf(context);
      await openForm(deps, client, openerOf(body, workspaceId, await actor(), value.b));
    },
  });
}

function confirmPressed(deps: Deps) {
  return defineButton(planButtons.confirm, {
    async handle({ context, respond, value }) {
      const { workspaceId, actor } = scopeOf(context);
      const me = await actor();
      const result = await confirmPlan(deps, me, { workspaceId, draftId: value.d });
      await respond({ replace_original: true, text: planRecorded(result, me.timeZone, deps.clock.now()) });
    },
  });
}

function cancelPressed(deps: Deps) {
  return defineButton(planButtons.cancel, {
    async handle({ context, respond, value }) {
      const { workspaceId, actor } = scopeOf(context);
      const draft = await cancelPlan(deps, await actor(), { workspaceId, draftId: value.d });
      await respond({ replace_original: true, text: planCancelled(draft) });
    },
  });
}

type FormState = Record<
  string,
  Record<string, { value?: string | null; selected_user?: string | null; selected_date?: string | null }>
>;

/** The form's rows that have anything in them, with the row each came from. */
function rowsOf(values: FormState): { rows: DraftRow[]; at: number[] } {
  const field = (block: string) => values[block]?.value;
  const rows: DraftRow[] = [];
  const at: number[] = [];
  for (let i = 0; i < formRows; i++) {
    const n = i + 1;
    const row = {
      name: field(`name${n}`)?.value ?? "",
      ownerId: field(`owner${n}`)?.selected_user ?? null,
      title: field(`title${n}`)?.value ?? "",
      due: field(`date${n}`)?.selected_date ?? "",
    };
    if (row.name.trim() || row.ownerId || row.title.trim() || row.due) {
      rows.push(row);
      at.push(i);
    }
  }
  return { rows, at };
}

function planSubmitted(deps: Deps) {
  return defineModal(planForms.plan, {
    firstBlock: "name1",
    outdated: "This form is out of date; close it and run /coo plan again.",
    async submit({ ack, view, context, metadata }) {
      const { workspaceId, actor } = scopeOf(context);
      const me = await actor();
      const { rows, at } = rowsOf(view.state.values as FormState);
      let outcome: Awaited<ReturnType<typeof proposePlan>>;
      try {
        outcome = await proposePlan(deps, me, { workspaceId, number: metadata.b, rows });
      } catch (error) {
        if (!(error instanceof CooError)) throw error;
        await ack({
          response_action: "errors",
          errors: formErrors([{ row: 0, field: "name", message: error.userMessage }]),
        });
        return;
      }
      if (outcome.kind === "invalid") {
        const problems = outcome.problems.map((p) => ({ ...p, row: at[p.row] ?? p.row }));
        await ack({ response_action: "errors", errors: formErrors(problems) });
        return;
      }
      await ack();
      await respondTo(metadata.r, {
        replace_original: false,
        ...proposalMessage(outcome.proposal, me.timeZone, deps.clock.now()),
      });
    },
  });
}

export function registerPlans({ listeners }: Slack, deps: Deps): void {
  for (const control of [
    draftPressed(deps),
    formPressed(deps),
    confirmPressed(deps),
    cancelPressed(deps),
    planSubmitted(deps),
  ])
    control.register(listeners);
}

import { z } from "zod";
import type { ToolDefinition } from "../llm/client.js";
import { changeIntents, type Intent, intentNames, intentSchema, userId } from "./intents.js";

/*
 * What Claude may call: one read tool per question intent, one proposal tool
 * per change intent (it only proposes; a person confirms), and `find_work` to
 * look up commitments before naming one. No tool takes a workspace: every id
 * is read within the asker's. Every call is checked with the same zod
 * schemas the rules' reading is.
 */

const descriptions: Record<(typeof intentNames)[number], string> = {
  my_plate: "The asker's own open work due today, tomorrow, this week, or all of it.",
  person_work: "What a person (a Slack user id) is working on: their open commitments.",
  did_happen:
    "Whether something happened: the commitment whose title holds the words (of owner_id when given), done when, or still open and due when.",
  who_owns: "Who owns the workstream or commitment the words name.",
  who_covers:
    "Who is covering for a person while they are away: their away date, work handed on from them, their open handoffs.",
  blocking: "What is blocking or holding up the item the words name (open blockers); no words for all.",
  slipped: "What slipped: open commitments past their date, about the words when given.",
  at_risk: "What is at risk: overdue, due soon with no update, or drifting.",
  next_cadence: "When the next standup, review or planning is.",
  redate:
    "Propose a new date for a commitment (the asker confirms or the owner does). `when` is the date as the person said it.",
  reassign: "Propose handing a commitment to another person (Slack user id).",
  mark_done: "Propose marking a commitment done.",
  drop: "Propose dropping a commitment.",
  raise_blocker:
    "Propose raising a blocker for the asker: what is blocked, and who it waits on when a user is mentioned.",
  record_commitment:
    "Propose recording a commitment: what, by when (as said), and its owner when not the asker.",
  remind_me: "Propose a reminder for the asker: what, and when (as said, e.g. 'tomorrow 9am').",
};

const changes = new Set<string>(changeIntents);
/** The tool's name for an intent: proposals say so. */
export const toolName = (intent: string) => (changes.has(intent) ? `propose_${intent}` : intent);

const findWork = z
  .object({ words: z.array(z.string().min(1).max(40)).min(1).max(12), ownerId: userId.optional() })
  .strict();

function inputSchemaOf(name: (typeof intentNames)[number]): Record<string, unknown> {
  const option = intentSchema.options.find((o) => o.shape.name.value === name);
  if (!option) throw new Error(`no schema for ${name}`);
  const {
    $schema: _,
    properties,
    required,
    ...json
  } = z.toJSONSchema(option) as {
    $schema?: string;
    properties: Record<string, unknown>;
    required?: string[];
  };
  const { name: __, ...rest } = properties;
  return { ...json, properties: rest, required: (required ?? []).filter((r) => r !== "name") };
}

/** The fixed set of tools, in a fixed order (a stable prefix caches). */
export const toolDefinitions: ToolDefinition[] = [
  {
    name: "find_work",
    description:
      "Look up commitments (any status) whose titles hold the words, of ownerId when given: their ids (C12), titles, owners, status and dates. Use it to name the right commitment before proposing a change.",
    input_schema: (({ $schema: _, ...json }) => json)(z.toJSONSchema(findWork) as Record<string, unknown>),
  },
  ...intentNames.map((name) => ({
    name: toolName(name),
    description: descriptions[name],
    input_schema: inputSchemaOf(name),
  })),
];

/** What a tool call asks for, checked; or why it was refused. */
export type ToolCall =
  | { kind: "intent"; intent: Intent }
  | { kind: "find"; words: string[]; ownerId: string | undefined }
  | { kind: "refused"; why: string };

export function readToolCall(name: string, input: unknown): ToolCall {
  if (name === "find_work") {
    const checked = findWork.safeParse(input);
    return checked.success
      ? { kind: "find", words: checked.data.words, ownerId: checked.data.ownerId }
      : { kind: "refused", why: "find_work arguments did not fit" };
  }
  const intent = name.startsWith("propose_") ? name.slice("propose_".length) : name;
  if (!(intentNames as readonly string[]).includes(intent) || toolName(intent) !== name)
    return { kind: "refused", why: "unknown tool" };
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return { kind: "refused", why: "arguments are not an object" };
  const checked = intentSchema.safeParse({ ...input, name: intent });
  return checked.success
    ? { kind: "intent", intent: checked.data }
    : { kind: "refused", why: `${name} arguments did not fit` };
}

/** What Claude is told on each request (the fixed part sits in the cached system prompt). */
export const toolInstruction =
  "A teammate wrote this to you in Slack about operations. Call exactly one tool that answers it or proposes the change they ask for (use find_work first only when you need a commitment's id). People appear as <@USERID>; use those ids, never invent one.";

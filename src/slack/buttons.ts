import type { AllMiddlewareArgs, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from "@slack/bolt";
import type { z } from "zod";
import { badInput } from "../errors.js";
import { type ButtonStyle, button, readValue } from "./blocks.js";
import type { Listeners } from "./listeners.js";

type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/**
 * A button from one declaration: its action id and a zod schema for the
 * value it carries yield both the builder (what a message puts on screen)
 * and the handler (what a press does). A value that does not fit the schema
 * (forged, or from an older version of coo) is refused, never trusted.
 * `variants` are buttons of the same kind told apart by a suffix
 * (`commitments_page:next`).
 */
export function defineButton<S extends z.ZodType>(definition: {
  id: string;
  value: S;
  variants?: readonly string[];
  /** What a stale or forged press is told. */
  outdated?: string;
  handle(args: ActionArgs & { value: z.infer<S>; variant: string | undefined }): Promise<void>;
}) {
  const { id } = definition;
  const variants = definition.variants ?? [];
  return {
    id,
    /** The button for a message or a view. */
    element(label: string, value: z.input<S>, options: { style?: ButtonStyle; variant?: string } = {}) {
      const actionId = options.variant ? `${id}:${options.variant}` : id;
      return button(label, actionId, value, options.style);
    },
    register(listeners: Listeners): void {
      const pattern =
        variants.length > 0 ? new RegExp(`^${id}(?::(${variants.join("|")}))?$`) : (id as string | RegExp);
      listeners.action(pattern, async (args) => {
        await args.ack();
        const raw = "value" in args.action ? (args.action.value as string | undefined) : undefined;
        const value = readValue(definition.value, raw);
        if (value === undefined)
          throw badInput(definition.outdated ?? "That button is out of date. Run the command again.");
        const actionId = "action_id" in args.action ? args.action.action_id : id;
        const variant = actionId.startsWith(`${id}:`) ? actionId.slice(id.length + 1) : undefined;
        await definition.handle({ ...(args as ActionArgs), value, variant });
      });
    },
  };
}

/**
 * A modal from one declaration: the schema of what it carries in
 * `private_metadata` (which Slack hands back on submit) and what a
 * submission does. A modal whose metadata no longer fits is answered with
 * `outdated` under its first input.
 */
export function defineModal<S extends z.ZodType>(definition: {
  callbackId: string;
  metadata: S;
  /** The input block that carries the refusal of an out-of-date form. */
  firstBlock: string;
  outdated?: string;
  submit(args: ViewArgs & { metadata: z.infer<S> }): Promise<void>;
}) {
  return {
    callbackId: definition.callbackId,
    /** What to put in `private_metadata` (Slack takes at most 3,000 characters). */
    metadataOf(value: z.input<S>): string {
      return JSON.stringify(value);
    },
    register(listeners: Listeners): void {
      listeners.view(definition.callbackId, async (args) => {
        const metadata = readValue(definition.metadata, args.view.private_metadata);
        if (metadata === undefined) {
          await args.ack({
            response_action: "errors",
            errors: {
              [definition.firstBlock]:
                definition.outdated ?? "This form is out of date; close it and try again.",
            },
          });
          return;
        }
        await definition.submit({ ...(args as ViewArgs), metadata });
      });
    },
  };
}

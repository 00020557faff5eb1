import type { AllMiddlewareArgs, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from "@slack/bolt";
import type { z } from "zod";
import { badInput } from "../errors.js";
import { type ButtonSpec, type ModalSpec, readValue } from "./blocks.js";
import type { Listeners } from "./listeners.js";

type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/**
 * What a press of a button does. The button itself (its id, the schema of its
 * value, its variants) is a `ButtonSpec` declared once in the feature's
 * messages.ts, which builds it; this reads the value back with the same
 * schema. A value that does not fit (forged, or from an older version of coo)
 * is refused, never trusted.
 */
export function defineButton<S extends z.ZodType, V extends string>(
  spec: ButtonSpec<S, V>,
  definition: {
    /** What a stale or forged press is told. */
    outdated?: string;
    handle(args: ActionArgs & { value: z.infer<S>; variant: V | undefined }): Promise<void>;
  },
) {
  const { id, variants } = spec;
  return {
    id,
    register(listeners: Listeners): void {
      const pattern =
        variants.length > 0 ? new RegExp(`^${id}(?::(${variants.join("|")}))?$`) : (id as string | RegExp);
      listeners.action(pattern, async (args) => {
        await args.ack();
        const raw = "value" in args.action ? (args.action.value as string | undefined) : undefined;
        const value = readValue(spec.value, raw);
        if (value === undefined)
          throw badInput(definition.outdated ?? "That button is out of date. Run the command again.");
        const actionId = "action_id" in args.action ? args.action.action_id : id;
        const variant = actionId.startsWith(`${id}:`) ? (actionId.slice(id.length + 1) as V) : undefined;
        await definition.handle({ ...(args as ActionArgs), value, variant });
      });
    },
  };
}

/**
 * What a submission of a modal does. The modal's callback id and the schema
 * of what it carries in `private_metadata` are a `ModalSpec` declared in the
 * feature's messages.ts; a modal whose metadata no longer fits is answered
 * with `outdated` under its first input.
 */
export function defineModal<S extends z.ZodType>(
  spec: ModalSpec<S>,
  definition: {
    /** The input block that carries the refusal of an out-of-date form. */
    firstBlock: string;
    outdated?: string;
    submit(args: ViewArgs & { metadata: z.infer<S> }): Promise<void>;
  },
) {
  return {
    callbackId: spec.callbackId,
    register(listeners: Listeners): void {
      listeners.view(spec.callbackId, async (args) => {
        const metadata = readValue(spec.metadata, args.view.private_metadata);
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

import type { z } from "zod";
import { duration } from "../words.js";
import type { Block } from "./commands.js";
import { shorten, slackLimits } from "./limits.js";

/**
 * Small Block Kit helpers shared by the features. A section or context line
 * longer than Slack takes is shortened rather than refused with the whole
 * message; what is meant to be long goes through `fit.ts` instead.
 */

export const section = (text: string): Block => ({
  type: "section",
  text: { type: "mrkdwn", text: shorten(text, slackLimits.text) },
});
export const context = (text: string): Block => ({
  type: "context",
  elements: [{ type: "mrkdwn", text: shorten(text, slackLimits.text) }],
});
export const divider = (): Block => ({ type: "divider" });

export type ButtonStyle = "primary" | "danger" | undefined;

function button(text: string, actionId: string, value: unknown, style?: ButtonStyle) {
  return {
    type: "button" as const,
    text: { type: "plain_text" as const, text, emoji: true },
    action_id: actionId,
    value: JSON.stringify(value),
    ...(style ? { style } : {}),
  };
}

/** A button as a message carries it. */
export type ButtonElement = ReturnType<typeof button>;

export function actions(...elements: ButtonElement[]): Block {
  return { type: "actions", elements };
}

/**
 * What a message and the handler of its button share: the action id, a zod
 * schema for the value the button carries and the variants (buttons of the
 * same kind told apart by a suffix, `commitments_page:next`). Declared once,
 * in the feature's messages.ts; `element` is the only way a message builds a
 * button, so the value it puts there is checked against what the handler
 * (`defineButton` in src/slack/buttons.ts) reads.
 */
export type ButtonSpec<S extends z.ZodType = z.ZodType, V extends string = string> = {
  readonly id: string;
  readonly value: S;
  readonly variants: readonly V[];
  element(label: string, value: z.input<S>, options?: { style?: ButtonStyle; variant?: V }): ButtonElement;
};

export function buttonSpec<S extends z.ZodType, const V extends string = never>(spec: {
  id: string;
  value: S;
  variants?: readonly V[];
}): ButtonSpec<S, V> {
  const { id, value } = spec;
  return {
    id,
    value,
    variants: spec.variants ?? [],
    element(label, carried, options = {}) {
      return button(label, options.variant ? `${id}:${options.variant}` : id, carried, options.style);
    },
  };
}

/**
 * What a modal and its submission handler share: the callback id and a zod
 * schema for what it carries in `private_metadata` (which Slack hands back on
 * submit). `view` starts the modal a message builds; `defineModal` in
 * src/slack/buttons.ts reads it back.
 */
export type ModalSpec<S extends z.ZodType = z.ZodType> = {
  readonly callbackId: string;
  readonly metadata: S;
  /** The modal's `type`, `callback_id` and `private_metadata` (Slack takes at most 3,000 characters). */
  view(metadata: z.input<S>): { type: "modal"; callback_id: string; private_metadata: string };
};

export function modalSpec<S extends z.ZodType>(spec: { callbackId: string; metadata: S }): ModalSpec<S> {
  const { callbackId, metadata } = spec;
  return {
    callbackId,
    metadata,
    view: (carried) => ({
      type: "modal",
      callback_id: callbackId,
      private_metadata: JSON.stringify(carried),
    }),
  };
}

/** Reads a button's value with its schema; a forged or stale value is refused, not trusted. */
export function readValue<S extends z.ZodType>(schema: S, raw: string | undefined): z.infer<S> | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(raw ?? ""));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** How long something has been open, after "open": "just now", "for 5 minutes", "for 3 hours", "for 2 days". */
export function age(since: Date, now: Date): string {
  const ms = now.getTime() - since.getTime();
  return ms < 60_000 ? "just now" : `for ${duration(ms)}`;
}

export type Page = { offset: number; limit: number; total: number };

/**
 * "Showing 11–20 of 37" with Previous / Next buttons of `spec` (its variants
 * `prev` and `next`), each carrying `rest` and the offset it goes to as `p`.
 */
export function pager<S extends z.ZodType<{ p: number }, { p: number }>>(
  page: Page,
  spec: ButtonSpec<S, "prev" | "next">,
  rest: Omit<z.input<S>, "p">,
): Block[] {
  if (page.total <= page.limit && page.offset === 0) return [];
  const last = Math.min(page.offset + page.limit, page.total);
  const at = (p: number) => ({ ...rest, p }) as z.input<S>;
  const buttons = [
    ...(page.offset > 0
      ? [spec.element("Previous", at(Math.max(0, page.offset - page.limit)), { variant: "prev" })]
      : []),
    ...(last < page.total ? [spec.element("Next", at(page.offset + page.limit), { variant: "next" })] : []),
  ];
  return [
    context(`Showing ${page.offset + 1}–${last} of ${page.total}`),
    ...(buttons.length ? [actions(...buttons)] : []),
  ];
}

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

export function button(text: string, actionId: string, value: unknown, style?: ButtonStyle) {
  return {
    type: "button" as const,
    text: { type: "plain_text" as const, text, emoji: true },
    action_id: actionId,
    value: JSON.stringify(value),
    ...(style ? { style } : {}),
  };
}

export function actions(...elements: ReturnType<typeof button>[]): Block {
  return { type: "actions", elements };
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

/** "Showing 11–20 of 37" with Previous / Next buttons carrying `value(offset)`. */
export function pager(page: Page, actionId: string, value: (offset: number) => unknown): Block[] {
  if (page.total <= page.limit && page.offset === 0) return [];
  const last = Math.min(page.offset + page.limit, page.total);
  const buttons = [
    ...(page.offset > 0
      ? [button("Previous", `${actionId}:prev`, value(Math.max(0, page.offset - page.limit)))]
      : []),
    ...(last < page.total ? [button("Next", `${actionId}:next`, value(page.offset + page.limit))] : []),
  ];
  return [
    context(`Showing ${page.offset + 1}–${last} of ${page.total}`),
    ...(buttons.length ? [actions(...buttons)] : []),
  ];
}

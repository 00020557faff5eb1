import { z } from "zod";
import { isValidTimeZone } from "../clock.js";
import { echo } from "../slack/mentions.js";
import { dayNames } from "./slots.js";

/*
 * What a cadence command's slots hold beyond their shape (src/slack/grammar.ts
 * reads a time; days, a day and a zone are read here, each refusal with its
 * own words).
 */

export function dayIndex(word: string): number | undefined {
  const i = dayNames.indexOf(word.slice(0, 3) as (typeof dayNames)[number]);
  const full = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
  return i >= 0 && (word.length === 3 || full[i] === word) ? i : undefined;
}

/** "weekdays", "mon-fri", "daily", "mon,wed,fri", "friday"; undefined for anything else. */
export function readDays(text: string): number[] | undefined {
  const word = text.toLowerCase();
  if (word === "weekdays" || word === "mon-fri") return [1, 2, 3, 4, 5];
  if (word === "daily" || word === "everyday") return [0, 1, 2, 3, 4, 5, 6];
  const range = /^([a-z]+)-([a-z]+)$/.exec(word);
  if (range) {
    const from = dayIndex(range[1] ?? "");
    const to = dayIndex(range[2] ?? "");
    if (from !== undefined && to !== undefined && from <= to)
      return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  const list = word.split(",").map((d) => dayIndex(d.trim()));
  if (list.length > 0 && list.every((d) => d !== undefined)) return [...new Set(list as number[])].sort();
  return undefined;
}

/** Days of the week a standup runs on. */
export const daysSlot = z.string().transform((text, ctx): number[] => {
  const days = readDays(text);
  if (days) return days;
  ctx.addIssue({
    code: "custom",
    message: `${echo(text)} is not a set of days. Use \`weekdays\`, \`daily\`, \`mon-fri\` or \`mon,wed,fri\``,
  });
  return z.NEVER;
});

/** The one day of the week a review or a planning runs on. */
export const daySlot = z.string().transform((text, ctx): number => {
  const day = dayIndex(text.toLowerCase());
  if (day !== undefined) return day;
  ctx.addIssue({
    code: "custom",
    message: `${echo(text)} is not a day of the week. Use \`mon\` to \`sun\`, or the whole name`,
  });
  return z.NEVER;
});

/** An IANA time zone. */
export const zoneSlot = z.string().transform((text, ctx): string => {
  if (isValidTimeZone(text)) return text;
  ctx.addIssue({
    code: "custom",
    message: `${echo(text)} is not a time zone I know. Use an IANA name such as \`Europe/Berlin\` or \`America/New_York\``,
  });
  return z.NEVER;
});

import { isValidTimeZone } from "../clock.js";
import { badInput } from "../errors.js";
import { echo } from "../slack/mentions.js";
import { dayNames } from "./slots.js";

const timeExample = "a 24-hour time such as `09:30` or `16:00`";

export function parseTime(text: string, usage: string): string {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (!match || hour > 23 || minute > 59)
    throw badInput(`${echo(text)} is not a time. Use ${timeExample}: ${usage}`);
  return `${String(hour).padStart(2, "0")}:${match[2]}`;
}

function dayIndex(word: string): number | undefined {
  const i = dayNames.indexOf(word.slice(0, 3) as (typeof dayNames)[number]);
  const full = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
  return i >= 0 && (word.length === 3 || full[i] === word) ? i : undefined;
}

/** "weekdays", "mon-fri", "daily", "mon,wed,fri", "friday". */
export function parseDays(text: string, usage: string): number[] {
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
  throw badInput(
    `${echo(text)} is not a set of days. Use \`weekdays\`, \`daily\`, \`mon-fri\` or \`mon,wed,fri\`: ${usage}`,
  );
}

export function parseZone(text: string, usage: string): string {
  if (!isValidTimeZone(text)) {
    throw badInput(
      `${echo(text)} is not a time zone I know. Use an IANA name such as \`Europe/Berlin\` or \`America/New_York\`: ${usage}`,
    );
  }
  return text;
}

/** Splits off a trailing `tz <Area/City>`. */
export function takeZone(words: string[], usage: string): { words: string[]; timezone: string | undefined } {
  const at = words.findIndex((w) => w.toLowerCase() === "tz");
  if (at < 0) return { words, timezone: undefined };
  const zone = words[at + 1];
  if (!zone || words.length > at + 2) throw badInput(`Put the time zone last, after \`tz\`: ${usage}`);
  return { words: words.slice(0, at), timezone: parseZone(zone, usage) };
}

/** `/coo standup <HH:MM> [days] [tz <Area/City>]` */
export function parseStandup(args: string, usage: string) {
  const { words, timezone } = takeZone(args.trim().split(/\s+/).filter(Boolean), usage);
  if (words.length === 0) throw badInput(`When? ${usage}, e.g. \`/coo standup 09:30 weekdays\`.`);
  if (words.length > 2)
    throw badInput(`Too many words. ${usage}, e.g. \`/coo standup 09:30 mon,wed,fri tz Europe/Berlin\`.`);
  return {
    time: parseTime(words[0] ?? "", usage),
    days: words[1] ? parseDays(words[1], usage) : [1, 2, 3, 4, 5],
    timezone,
  };
}

/** `/coo review <day> <HH:MM> [tz ...]` and `/coo planning <day> <HH:MM> [tz ...]` */
export function parseWeekly(args: string, usage: string, example: string) {
  const { words, timezone } = takeZone(args.trim().split(/\s+/).filter(Boolean), usage);
  if (words.length !== 2) throw badInput(`Give a day and a time: ${usage}, e.g. ${example}.`);
  const day = dayIndex((words[0] ?? "").toLowerCase());
  if (day === undefined)
    throw badInput(`${echo(words[0] ?? "")} is not a day of the week. ${usage}, e.g. ${example}.`);
  return { days: [day], time: parseTime(words[1] ?? "", usage), timezone };
}

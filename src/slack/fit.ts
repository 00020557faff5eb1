import { context, section } from "./blocks.js";
import type { Block } from "./commands.js";

/**
 * Slack's limits on what coo composes (docs.slack.dev, Block Kit reference;
 * chat.postMessage). Over any of them Slack refuses the whole message, so
 * everything coo builds goes through the helpers below.
 */
export const slackLimits = {
  messageBlocks: 50,
  viewBlocks: 100,
  /** A section's text, and any other text object without a tighter limit. */
  text: 3000,
  contextElements: 10,
  buttonValue: 2000,
  /** A message's top-level `text`. */
  messageText: 40_000,
} as const;

/** Where a cut may not fall: inside a mention, channel, link or date `<...>`, or an entity like `&amp;`. */
function safeCut(text: string, at: number): number {
  const open = text.lastIndexOf("<", at - 1);
  if (open >= 0 && text.indexOf(">", open) >= at) at = open;
  const amp = text.lastIndexOf("&", at - 1);
  if (amp >= 0 && at - amp < 8 && /^&[#a-z0-9]*$/i.test(text.slice(amp, at))) at = amp;
  // Never between the two halves of a surrogate pair (an emoji).
  const code = text.charCodeAt(at - 1);
  if (code >= 0xd800 && code <= 0xdbff) at -= 1;
  return at;
}

/**
 * `text` in at most `max` characters: whole if it fits, otherwise cut at a
 * word boundary (never inside a mention, link or entity) and ended with "…".
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = max - 1;
  let at = safeCut(text, room);
  const space = text.lastIndexOf(" ", at);
  // Prefer the last whole word, unless that throws away most of the room.
  if (space > room / 2) at = safeCut(text, space);
  return `${text.slice(0, at).trimEnd()}…`;
}

/**
 * Lines joined with newlines into as few texts of at most `max` characters
 * as hold them, in order. A line is never split across two texts; one
 * longer than `max` on its own is shortened.
 */
export function packLines(lines: string[], max: number = slackLimits.text): string[] {
  const texts: string[] = [];
  let current: string | undefined;
  for (const raw of lines) {
    const line = shorten(raw, max);
    if (current !== undefined && current.length + 1 + line.length <= max) current += `\n${line}`;
    else {
      if (current !== undefined) texts.push(current);
      current = line;
    }
  }
  if (current !== undefined) texts.push(current);
  return texts;
}

/** Lines as section blocks, each within Slack's limit. */
export function sections(lines: string[]): Block[] {
  return packLines(lines).map(section);
}

/**
 * Lines as section blocks, at most `maxBlocks` of them: when they do not
 * all fit, as many whole lines as fit, then one line saying how many were
 * left out (`more(n)`). `unlisted` counts lines that exist but were never
 * passed (a query's limit): they are left out too.
 */
export function linesWithin(
  lines: string[],
  options: { maxBlocks: number; more: (left: number) => string; unlisted?: number },
): Block[] {
  const unlisted = options.unlisted ?? 0;
  const all = packLines(lines);
  if (all.length <= options.maxBlocks - (unlisted > 0 ? 1 : 0))
    return [...all.map(section), ...(unlisted > 0 ? [context(options.more(unlisted))] : [])];
  // Packing is greedy, so the lines that fill the first maxBlocks - 1
  // sections are a prefix: keep those, and leave room for the note.
  let kept = 0;
  let texts = 0;
  let length = 0;
  for (const line of lines) {
    const size = shorten(line, slackLimits.text).length;
    const fits = texts > 0 && length + 1 + size <= slackLimits.text;
    if (!fits && texts === options.maxBlocks - 1) break;
    length = fits ? length + 1 + size : size;
    if (!fits) texts++;
    kept++;
  }
  return [...sections(lines.slice(0, kept)), context(options.more(lines.length - kept + unlisted))];
}

/**
 * Items of one or more blocks each (a line and its buttons), after `head`:
 * as many whole items as fit in `maxBlocks`, then `more(n)` for the rest.
 */
export function itemsWithin(
  head: Block[],
  items: Block[][],
  options: { maxBlocks: number; more: (left: number) => string },
): Block[] {
  const blocks = [...head];
  const room = options.maxBlocks - head.length;
  const total = items.reduce((n, item) => n + item.length, 0);
  if (total <= room) return [...blocks, ...items.flat()];
  let used = 0;
  let shown = 0;
  for (const item of items) {
    if (used + item.length > room - 1) break;
    blocks.push(...item);
    used += item.length;
    shown++;
  }
  return [...blocks, context(options.more(items.length - shown))];
}

/** "<@U1> <@U2> and 280 others": the first `max` named, the rest counted. */
export function someOf(names: string[], max: number, separator = " "): string {
  if (names.length <= max) return names.join(separator);
  const rest = names.length - max;
  return `${names.slice(0, max).join(separator)} and ${rest.toLocaleString("en-US")} ${rest === 1 ? "other" : "others"}`;
}

/**
 * Blocks split into messages of at most `maxBlocks` each, at block
 * boundaries. Every message after the first starts with `continued(i, n)`
 * (1-based), so a reader of any one of them knows what it belongs to.
 */
export function intoMessages(
  blocks: Block[],
  continued: (index: number, total: number) => Block,
  maxBlocks: number = slackLimits.messageBlocks,
): Block[][] {
  if (blocks.length <= maxBlocks) return [blocks];
  const pages: Block[][] = [blocks.slice(0, maxBlocks)];
  for (let at = maxBlocks; at < blocks.length; at += maxBlocks - 1)
    pages.push(blocks.slice(at, at + maxBlocks - 1));
  return pages.map((page, i) => (i === 0 ? page : [continued(i + 1, pages.length), ...page]));
}

/** "1,000": counts as people read them. */
export const count = (n: number) => n.toLocaleString("en-US");

/** "1 commitment", "1,000 commitments". */
export const counted = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

import { context, section } from "./blocks.js";
import type { Block } from "./commands.js";
import { shorten, slackLimits } from "./limits.js";

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
 * Lines as section blocks, at most `maxBlocks` (a message's 50) of them: when they do not
 * all fit, as many whole lines as fit, then one line saying how many were
 * left out (`more(n)`). `unlisted` counts lines that exist but were never
 * passed (a query's limit): they are left out too.
 */
export function linesWithin(
  lines: string[],
  options: { more: (left: number) => string; maxBlocks?: number; unlisted?: number },
): Block[] {
  const maxBlocks = options.maxBlocks ?? slackLimits.messageBlocks;
  const unlisted = options.unlisted ?? 0;
  const all = packLines(lines);
  if (all.length <= maxBlocks - (unlisted > 0 ? 1 : 0))
    return [...all.map(section), ...(unlisted > 0 ? [context(options.more(unlisted))] : [])];
  // Packing is greedy, so the lines that fill the first maxBlocks - 1
  // sections are a prefix: keep those, and leave room for the note.
  let kept = 0;
  let texts = 0;
  let length = 0;
  for (const line of lines) {
    const size = shorten(line, slackLimits.text).length;
    const fits = texts > 0 && length + 1 + size <= slackLimits.text;
    if (!fits && texts === maxBlocks - 1) break;
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
  options: { more: (left: number) => string; maxBlocks?: number },
): Block[] {
  const blocks = [...head];
  const room = (options.maxBlocks ?? slackLimits.messageBlocks) - head.length;
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

import { expect, test } from "vitest";
import { context, section } from "../src/slack/blocks.js";
import { intoMessages, itemsWithin, linesWithin, packLines, sections, someOf } from "../src/slack/fit.js";
import { shorten } from "../src/slack/limits.js";
import { blocksProblems } from "./kit/block-kit.js";

const textsOf = (blocks: unknown[]) =>
  blocks.map((b) => {
    const block = b as { text?: { text: string }; elements?: Array<{ text: string }> };
    return block.text?.text ?? block.elements?.[0]?.text ?? "";
  });

test("shorten keeps what fits, cuts at a word, and never inside a mention, a link or an entity", () => {
  expect(shorten("ship the pricing page", 100)).toBe("ship the pricing page");
  expect(shorten("ship the pricing page", 15)).toBe("ship the…");
  const mention = "ask <@U0123456789> about it";
  for (let max = 5; max < mention.length; max++) {
    const cut = shorten(mention, max);
    expect(cut.length).toBeLessThanOrEqual(max);
    expect(cut).not.toMatch(/<[^>]*$/);
  }
  const entities = "Q&amp;A&amp;R&amp;D&amp;ops";
  for (let max = 3; max < entities.length; max++) expect(shorten(entities, max)).not.toMatch(/&[a-z]*…$/);
  // An emoji is not cut in half.
  expect(shorten(`${"x".repeat(9)}😀😀`, 11)).toBe(`${"x".repeat(9)}…`);
});

test("packLines fills sections under 3,000 characters in order, without splitting a line", () => {
  const lines = Array.from({ length: 400 }, (_, i) => `• <@U${i}>: ${"word ".repeat(i % 60)}end`);
  const texts = packLines(lines);
  for (const t of texts) expect(t.length).toBeLessThanOrEqual(3000);
  expect(texts.join("\n")).toBe(lines.join("\n"));
  // A single line over the limit on its own is shortened, not split.
  const [only] = packLines(["x ".repeat(2000)]);
  expect(only?.length).toBeLessThanOrEqual(3000);
  expect(only?.endsWith("…")).toBe(true);
  expect(blocksProblems(sections(lines), "message")).toEqual([]);
});

test("linesWithin keeps as many whole lines as fit in the blocks allowed and counts the rest", () => {
  const lines = Array.from({ length: 1000 }, (_, i) => `• item ${i} ${"y".repeat(290)}`);
  const blocks = linesWithin(lines, { maxBlocks: 50, more: (n) => `…and ${n} more` });
  expect(blocks).toHaveLength(50);
  expect(blocksProblems(blocks, "message")).toEqual([]);
  const texts = textsOf(blocks);
  const shownLines = texts.slice(0, -1).join("\n").split("\n");
  expect(shownLines).toEqual(lines.slice(0, shownLines.length));
  expect(texts.at(-1)).toBe(`…and ${1000 - shownLines.length} more`);
  // Few lines: all of them, no note.
  expect(textsOf(linesWithin(["a", "b"], { maxBlocks: 50, more: () => "never" }))).toEqual(["a\nb"]);
});

test("itemsWithin keeps whole items (a line and its buttons) and counts those left out", () => {
  const head = [{ type: "section" as const, text: { type: "mrkdwn" as const, text: "Heading" } }];
  const items = Array.from({ length: 30 }, (_, i) => [
    { type: "section" as const, text: { type: "mrkdwn" as const, text: `item ${i}` } },
    { type: "divider" as const },
  ]);
  const blocks = itemsWithin(head, items, { maxBlocks: 50, more: (n) => `and ${n} more` });
  expect(blocks.length).toBeLessThanOrEqual(50);
  expect(textsOf(blocks).at(-1)).toBe("and 6 more");
  expect(textsOf(blocks)).toContain("item 23");
  expect(textsOf(blocks)).not.toContain("item 24");
});

test("someOf names the first few and counts the rest", () => {
  expect(someOf(["a", "b"], 3)).toBe("a b");
  expect(someOf(["a", "b", "c", "d"], 2)).toBe("a b and 2 others");
  expect(someOf(["a", "b", "c"], 2, ", ")).toBe("a, b and 1 other");
  expect(someOf(Array(1000).fill("x"), 20)).toMatch(/ and 980 others$/);
});

test("intoMessages splits at 50 blocks and labels every later message", () => {
  const blocks = sections(Array.from({ length: 120 }, (_, i) => `${i} ${"z".repeat(2990)}`));
  const label = (i: number, n: number) => ({
    type: "context" as const,
    elements: [{ type: "mrkdwn" as const, text: `continued (${i} of ${n})` }],
  });
  const pages = intoMessages(blocks, label);
  expect(pages.map((p) => p.length)).toEqual([50, 50, 22]);
  expect(textsOf(pages[1] ?? [])[0]).toBe("continued (2 of 3)");
  expect(textsOf(pages[2] ?? [])[0]).toBe("continued (3 of 3)");
  for (const page of pages) expect(blocksProblems(page, "message")).toEqual([]);
  expect(intoMessages(blocks.slice(0, 3), label)).toEqual([blocks.slice(0, 3)]);
});

test("linesWithin counts lines that were never fetched with those left out for room", () => {
  const more = (n: number) => `…and ${n} more`;
  expect(textsOf(linesWithin(["a", "b"], { more, unlisted: 10 }))).toEqual(["a\nb", "…and 10 more"]);
  const long = Array.from({ length: 200 }, (_, i) => `${i} ${"w".repeat(1500)}`);
  const blocks = linesWithin(long, { more, unlisted: 10 });
  expect(blocks).toHaveLength(50);
  expect(textsOf(blocks).at(-1)).toBe(`…and ${200 - 49 + 10} more`);
});

test("a single section or context line never goes over Slack's 3,000 characters", () => {
  const long = `${"word ".repeat(700)}<@U1>`;
  expect(blocksProblems([section(long), context(long)], "message")).toEqual([]);
});

import type { SlashCommand, types, webApi } from "@slack/bolt";
import type { z } from "zod";
import { badInput } from "../errors.js";
import type { Actor } from "../policy.js";
import { parseWhen } from "../time/when.js";
import { type CommandSpec, grammar, type Values } from "./grammar.js";

export type Block = types.KnownBlock;

export type Reply = {
  text: string;
  blocks?: Block[];
  response_type?: "ephemeral" | "in_channel";
};

export type CommandInput = {
  /** The workspace Bolt authorized (never the payload's own team field). */
  workspaceId: string;
  userId: string;
  /** The person running the command, read once. */
  actor: () => Promise<Actor>;
  channelId: string;
  /** The text after the subcommand word, trimmed. */
  args: string;
  command: SlashCommand;
  client: webApi.WebClient;
};

export type Subcommand = {
  name: string;
  /** e.g. "commit <what> by <when> [for @owner]" */
  usage: string;
  summary: string;
  run(input: CommandInput): Promise<Reply>;
};

/** A date's shape, zone aside: the owner's zone reads it for real in the use case. */
const readsAsDate = (text: string) => parseWhen(text, { now: new Date(), timeZone: "UTC" }) !== undefined;

/**
 * A `/coo` command from one declaration: its pattern (src/slack/grammar.ts)
 * yields the parser and the usage line; `args` types what the parser read and
 * refuses what does not fit (a title too long, say) in the same words as the
 * parser does. `run` calls a use case and presents what it returns.
 */
export function defineCommand<S extends z.ZodType<Record<string, unknown>>>(
  definition: CommandSpec & {
    args: S;
    run(input: CommandInput, args: z.infer<S>): Promise<Reply>;
  },
): Subcommand {
  const read = grammar(definition);
  return {
    name: read.name,
    usage: read.usage,
    summary: read.summary,
    async run(input) {
      const values: Values = read.read(input.args, readsAsDate);
      const parsed = definition.args.safeParse(values);
      if (!parsed.success) {
        const problem = parsed.error.issues[0]?.message ?? "That does not read as a command";
        throw badInput(`${problem}: \`${definition.example}\``);
      }
      return definition.run(input, parsed.data);
    },
  };
}

/** Slack caps a slash command's text well above this; no coo command needs more. */
export const maxCommandText = 2000;

/** Every `/coo <word> ...` goes through here; features add their words with `add`. */
export class CommandRouter {
  private readonly subcommands = new Map<string, Subcommand>();

  add(subcommand: Subcommand): void {
    if (this.subcommands.has(subcommand.name)) throw new Error(`/coo ${subcommand.name} registered twice`);
    this.subcommands.set(subcommand.name, subcommand);
  }

  list(): Subcommand[] {
    return [...this.subcommands.values()];
  }

  /**
   * The command a mistyped word most likely meant: the fewest edits (a
   * letter added, dropped, changed or two swapped), at most one for words of
   * up to four letters and two for longer ones. Undefined when nothing is close.
   */
  closest(word: string): Subcommand | undefined {
    const typed = word.toLowerCase();
    const limit = typed.length <= 4 ? 1 : 2;
    let best: { subcommand: Subcommand; distance: number } | undefined;
    for (const subcommand of this.subcommands.values()) {
      const distance = editDistance(typed, subcommand.name);
      if (distance <= limit && (!best || distance < best.distance)) best = { subcommand, distance };
    }
    return best?.subcommand;
  }

  /** Splits "/coo word rest" into the subcommand and its arguments; undefined word means help. */
  resolve(text: string): { subcommand: Subcommand | undefined; word: string; args: string } {
    const trimmed = text.trim();
    if (trimmed.length > maxCommandText) {
      throw badInput(
        `That is ${trimmed.length} characters; /coo takes at most ${maxCommandText}. Say it shorter, e.g. \`/coo help\`.`,
      );
    }
    const [word = "", ...rest] = trimmed.split(/\s+/);
    const name = word.toLowerCase();
    return {
      subcommand: this.subcommands.get(name === "" ? "help" : name),
      word,
      args: rest.join(" ").trim(),
    };
  }
}

/** Edits between two words: insertions, deletions, substitutions and swaps of neighbours (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = value;
    }
  }
  return at(a.length, b.length);
}

import type { SlashCommand, types, webApi } from "@slack/bolt";

export type Block = types.KnownBlock;

import { badInput } from "../errors.js";
import type { Actor } from "../policy.js";

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

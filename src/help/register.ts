import type { Deps } from "../deps.js";
import type { Slack } from "../slack/app.js";
import { helpReply } from "./text.js";

export function register({ commands }: Slack, deps: Deps): void {
  commands.add({
    name: "help",
    usage: "help",
    summary: "what I do, what I leave to the CEO, CFO and CTO, and every command",
    run: async () => helpReply(deps.persona, commands.list()),
  });
}

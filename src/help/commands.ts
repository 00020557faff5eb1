import type { Deps } from "../deps.js";
import type { Slack } from "../slack/app.js";
import { helpReply } from "./messages.js";

export function register({ commands }: Slack, deps: Deps): void {
  // Whatever follows `/coo help` (`/coo help commit`), the whole help is the answer:
  // it is short, and every command's usage line comes from its own declaration.
  commands.add({
    name: "help",
    usage: "help",
    summary: "what I do, what I leave to the CEO, CFO and CTO, and every command",
    run: async () => helpReply(deps.persona, commands.list()),
  });
}

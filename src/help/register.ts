import type { Deps } from "../deps.js";
import type { Slack } from "../slack/app.js";
import { helpReply, mentionReply } from "./text.js";

export function register({ app, commands }: Slack, deps: Deps): void {
  commands.add({
    name: "help",
    usage: "help",
    summary: "what I do, what I leave to the CEO, CFO and CTO, and every command",
    run: async () => helpReply(deps.persona, commands.list()),
  });

  app.event("app_mention", async ({ event, say }) => {
    await say({ text: mentionReply(deps.persona), thread_ts: event.thread_ts ?? event.ts });
  });
}

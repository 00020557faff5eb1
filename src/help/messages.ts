import type { Persona } from "../persona/load.js";
import type { Block, Reply, Subcommand } from "../slack/commands.js";
import { sections } from "../slack/fit.js";

/** "What I do / what I don't" straight from roles/*.md, then the command list. */
export function helpReply(persona: Persona, commands: Subcommand[]): Reply {
  const coo = persona.coo;
  const mandate = coo.mandate.map((m) => `• ${m}`);
  const boundaries = coo.boundaries.map((b) => `• ${b}`);
  const lines = commands
    .slice()
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => `\`/coo ${c.usage}\`: ${c.summary}`);
  const does = mandate.join("\n");
  const doesnt = boundaries.join("\n");
  const list = lines.join("\n");
  // Each list packed into as many sections as it needs: Slack takes 3,000 characters a section.
  const blocks: Block[] = [
    {
      type: "section",
      text: { type: "mrkdwn", text: `*coo, your team's ${coo.title.toLowerCase()}.* ${coo.summary}` },
    },
    ...sections(["*What I do*", ...mandate]),
    ...sections(["*What I don't do: ask the CEO, CFO or CTO*", ...boundaries]),
    { type: "divider" },
    ...sections(["*Commands*", ...lines]),
  ];
  const text = [
    `coo: ${coo.summary}`,
    "What I do:",
    does,
    "What I don't do: ask the CEO, CFO or CTO",
    doesnt,
    "Commands:",
    list,
  ].join("\n");
  return { text, blocks, response_type: "ephemeral" };
}

/** The short answer to an @mention until routing gives mentions more to say. */
export function mentionReply(persona: Persona): string {
  return [
    `Hi, I'm coo. ${persona.coo.summary}`,
    "I keep track of who committed to what and by when, run standups and reviews, and chase blockers and stuck handoffs.",
    "Type `/coo help` to see what I can do. Questions about the mission go to the CEO, money to the CFO, architecture to the CTO.",
  ].join(" ");
}

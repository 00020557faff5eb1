// `npm run demo`: the real bot on the embedded database, talking to a fake
// Slack, driven through a scripted conversation. Prints the transcript.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.js";
import { startCoo } from "../src/coo.js";
import { createLog } from "../src/log.js";
import { FakeSlack, type SlackCall } from "../test/kit/fake-slack.js";
import { SlackClient } from "../test/kit/slack-client.js";

const people: Record<string, string> = { U_ALICE: "alice", U_BOB: "bob", U_CARA: "cara" };
const signingSecret = "demo-signing-secret";

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

/** Slack mrkdwn to terminal text: mentions by name, bullets kept. */
function plain(text: string): string {
  return text
    .replace(/<@(\w+)(\|[^>]+)?>/g, (_m, id: string) => `@${people[id] ?? id}`)
    .replace(/\*([^*\n]+)\*/g, "$1");
}

function blocksText(args: Record<string, unknown>): string {
  const blocks = args.blocks as
    | Array<{ type: string; text?: { text: string }; elements?: Array<{ text?: string }> }>
    | undefined;
  if (!blocks?.length) return String(args.text ?? "");
  return blocks
    .map((b) =>
      b.type === "divider" ? "" : (b.text?.text ?? b.elements?.map((e) => e.text ?? "").join(" ") ?? ""),
    )
    .join("\n");
}

function indent(text: string): string {
  return plain(text)
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), "coo-demo-"));
  const slack = await FakeSlack.start();
  const problems: string[] = [];
  const log = createLog({
    level: "error",
    write: (line) => {
      problems.push(line);
    },
  });
  console.log(
    bold("coo demo") + dim(`: the real bot, embedded database in ${dataDir}, a fake Slack workspace\n`),
  );
  const coo = await startCoo(
    loadConfig({
      SLACK_BOT_TOKEN: "xoxb-demo",
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.url,
      PORT: "0",
      DATA_DIR: dataDir,
    }),
    { log, slackRetries: 0 },
  );
  const client = new SlackClient(
    `http://127.0.0.1:${coo.port}`,
    signingSecret,
    { team: "T_DEMO", user: "U_ALICE", channel: "C_GENERAL" },
    (id) => slack.responseUrl(id),
  );

  let seen = 0;
  const newCalls = async (): Promise<SlackCall[]> => {
    await new Promise((r) => setTimeout(r, 150));
    const calls = slack.calls.slice(seen).filter((c) => c.method !== "auth.test");
    seen = slack.calls.length;
    return calls;
  };
  const show = (calls: SlackCall[]) => {
    for (const call of calls) {
      const where =
        call.method === "chat.postMessage"
          ? call.args.thread_ts
            ? "in the thread"
            : `in #${call.args.channel}`
          : call.method === "chat.postEphemeral" || call.method === "response_url"
            ? "only you can see this"
            : call.method;
      console.log(`  ${bold("coo")} ${dim(`(${where})`)}\n${indent(blocksText(call.args))}\n`);
    }
  };

  const command = async (user: string, text: string) => {
    console.log(`${bold(people[user] ?? user)}: /coo ${text}`);
    const res = await client.command(text, { user });
    const body = res.json as { text?: string; blocks?: unknown[] } | undefined;
    if (body?.text)
      console.log(
        `  ${bold("coo")} ${dim("(only you can see this)")}\n${indent(blocksText(body as Record<string, unknown>))}\n`,
      );
    show(await newCalls());
  };
  const mention = async (user: string, text: string) => {
    console.log(`${bold(people[user] ?? user)} in #C_GENERAL: @coo ${text}`);
    await client.mention(text, { user });
    show(await newCalls());
  };

  try {
    await command("U_ALICE", "help");
    await mention("U_BOB", "what do you do here?");
    await command("U_CARA", "fix the roadmap");

    console.log(`${bold("someone")}: a forged request with a bad signature`);
    const forged = await client.command("help", {}, { secret: "guessed-secret" });
    console.log(`  ${dim(`refused with HTTP ${forged.status}; nothing happened`)}\n`);

    console.log(`${bold("Slack")}: redelivers the last mention (X-Slack-Retry-Num: 1)`);
    const before = slack.callsTo("chat.postMessage").length;
    const eventId = "EvDEMO1";
    await client.event(
      {
        type: "app_mention",
        user: "U_BOB",
        text: "<@UCOO> hi",
        ts: "1764100000.000100",
        channel: "C_GENERAL",
      },
      { eventId },
    );
    await client.event(
      {
        type: "app_mention",
        user: "U_BOB",
        text: "<@UCOO> hi",
        ts: "1764100000.000100",
        channel: "C_GENERAL",
      },
      { eventId, retryNum: 1 },
    );
    await newCalls();
    console.log(
      `  ${dim(`replies sent: ${slack.callsTo("chat.postMessage").length - before} (the redelivery was recognised)`)}\n`,
    );
  } finally {
    await coo.stop();
    await slack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    console.error(`\n${problems.length} warning(s) or error(s) were logged:\n${problems.join("\n")}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

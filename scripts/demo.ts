// `npm run demo`: the real bot on the embedded database, talking to a fake
// Slack, driven through a scripted conversation. Prints the transcript.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { availability } from "../src/availability/use-cases.js";
import { nextSlot } from "../src/cadence/slots.js";
import { loadConfig } from "../src/config.js";
import { startCoo } from "../src/coo.js";
import { openSession } from "../src/dashboard/use-cases.js";
import { createLog } from "../src/log.js";
import { FakeSlack, type SlackCall } from "../test/kit/fake-slack.js";
import { example, GitHubClient, githubSecret } from "../test/kit/github.js";
import { LinearClient, linearIssue, linearSecret, pointAt } from "../test/kit/linear.js";
import { SlackClient } from "../test/kit/slack-client.js";

const people: Record<string, string> = { U0ALICE: "alice", U0BOB: "bob", U0CARA: "cara" };
const zones: Record<string, string> = { U0ALICE: "America/New_York", U0BOB: "Europe/Berlin", U0CARA: "UTC" };
const signingSecret = "demo-signing-secret";

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

/** Slack mrkdwn to terminal text: mentions by name, bullets kept. */
function plain(text: string): string {
  return text
    .replace(/<@(\w+)(\|[^>]+)?>/g, (_m, id: string) => `@${people[id] ?? id}`)
    .replace(/<!date\^\d+\^[^|]*\|([^>]+)>/g, "$1")
    .replace(/<#(\w+)(\|[^>]*)?>/g, "#$1")
    .replace(/\*([^*\n]+)\*/g, "$1");
}

type DemoBlock = {
  type: string;
  text?: { text: string };
  elements?: Array<{ text?: string | { text: string } }>;
  accessory?: { text?: { text: string } };
};

/** Blocks as a terminal shows them: text, context lines, and buttons as [Label]. */
function blocksText(args: Record<string, unknown>): string {
  const blocks = args.blocks as DemoBlock[] | undefined;
  if (!blocks?.length) return String(args.text ?? "");
  const label = (e: { text?: string | { text: string } }) =>
    typeof e.text === "string" ? e.text : `[${e.text?.text ?? ""}]`;
  return blocks
    .map((b) => {
      if (b.type === "divider") return "";
      if (b.type === "actions") return (b.elements ?? []).map(label).join(" ");
      const accessory = b.accessory?.text ? `   [${b.accessory.text.text}]` : "";
      return (b.text?.text ?? (b.elements ?? []).map(label).join(" ")) + accessory;
    })
    .join("\n");
}

/** A form as a terminal shows it: its title, then its fields' labels. */
function formText(view: unknown): string {
  const v = view as { title?: { text: string }; blocks?: Array<{ type: string; label?: { text: string } }> };
  const labels = (v.blocks ?? []).flatMap((b) => (b.type === "input" && b.label ? [b.label.text] : []));
  const fields = [...new Set(labels)];
  const rows = labels.length / Math.max(fields.length, 1);
  return `${v.title?.text ?? ""}: ${fields.join(" · ")}${rows > 1 ? ` (${rows} rows)` : ""}`;
}

function indent(text: string): string {
  return plain(text)
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), "coo-demo-"));
  // The demo moves time by hand so a day's standup fits in a few seconds.
  let now = new Date();
  const clock = { now: () => new Date(now) };
  const slack = await FakeSlack.start();
  slack.teamId = "T0DEMO";
  for (const [id, name] of Object.entries(people))
    slack.users.set(id, { id, name, tz: zones[id] ?? "UTC", is_admin: id === "U0ALICE" });
  slack.channel("C0GENERAL", { name: "general", members: Object.keys(people) });
  slack.channel("C0TEAM", { name: "team", members: Object.keys(people) });
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
      GITHUB_WEBHOOK_SECRET: githubSecret,
      LINEAR_WEBHOOK_SECRET: linearSecret,
      // The dashboard, behind Sign in with Slack (the demo opens a session directly).
      SLACK_CLIENT_ID: "1.2",
      SLACK_CLIENT_SECRET: "demo-client-secret",
      COO_PUBLIC_URL: "https://coo.example.com",
    }),
    { log, slackRetries: 0, clock, timers: false },
  );
  const client = new SlackClient(
    `http://127.0.0.1:${coo.port}`,
    signingSecret,
    { team: "T0DEMO", user: "U0ALICE", channel: "C0GENERAL" },
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
    const homes = new Set<string>();
    for (const call of calls) {
      if (call.method === "views.publish")
        homes.add(people[String(call.args.user_id)] ?? String(call.args.user_id));
      const channel = String(call.args.channel ?? "");
      const where =
        call.method === "chat.postMessage"
          ? call.args.thread_ts
            ? "in the thread"
            : channel.startsWith("D")
              ? `DM to ${people[channel.slice(1)] ?? channel}`
              : `in #${channel}`
          : call.method === "chat.postEphemeral" || call.method === "response_url"
            ? call.args.replace_original
              ? "the message updates in place"
              : "only you can see this"
            : call.method === "views.open"
              ? "opens a form"
              : undefined;
      const body = call.method === "views.open" ? formText(call.args.view) : blocksText(call.args);
      if (where) console.log(`  ${bold("coo")} ${dim(`(${where})`)}\n${indent(body)}\n`);
    }
    if (homes.size > 0) console.log(`  ${dim(`(Home tab refreshed for ${[...homes].join(", ")})`)}\n`);
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
    console.log(`${bold(people[user] ?? user)} in #C0GENERAL: @coo ${text}`);
    await client.mention(text, { user });
    show(await newCalls());
  };

  try {
    await command("U0ALICE", "help");
    await mention("U0BOB", "what do you do here?");
    await command("U0CARA", "fix the roadmap");

    await command("U0ALICE", "commit ship the pricing page by Friday");
    await command("U0ALICE", "commit review the vendor contract by tomorrow 5pm for <@U0BOB|bob>");
    await command("U0BOB", "blocker can't sign the contract waiting on <@U0ALICE|alice>");
    await command("U0CARA", "blocker staging is down waiting on the platform team");
    await command("U0CARA", "blockers");
    console.log(`${bold("alice")}: presses [Resolve] next to B1`);
    const mark = slack.calls.length;
    await client.press("blocker_resolve", { all: false, p: 0, n: 1 }, { user: "U0ALICE" });
    // The list redraws and bob hears, after the button's acknowledgement.
    await slack.waitFor("response_url", (c) => slack.calls.indexOf(c) >= mark);
    await slack.waitFor(
      "chat.postMessage",
      (c) => slack.calls.indexOf(c) >= mark && c.args.channel === "DU0BOB",
    );
    show(await newCalls());
    await command("U0ALICE", "commitments all");
    await command("U0BOB", "commit something by someday");

    console.log(dim("── a standup in #team ──\n"));
    slack.on("conversations.members", () => ({
      ok: true,
      members: Object.keys(people),
      response_metadata: { next_cursor: "" },
    }));
    const team = async (user: string, text: string) => {
      console.log(`${bold(people[user] ?? user)} in #C0TEAM: /coo ${text}`);
      const res = await client.command(text, { user, channel: "C0TEAM" });
      const body = res.json as Record<string, unknown> | undefined;
      if (body?.text)
        console.log(`  ${bold("coo")} ${dim("(only you can see this)")}\n${indent(blocksText(body))}\n`);
      show(await newCalls());
    };
    await team("U0ALICE", "standup 09:30 weekdays tz America/New_York");
    const cadence = await coo.deps.db.cadence.findFirstOrThrow({ where: { channelId: "C0TEAM" } });
    const slot = nextSlot(cadence, now);
    if (!slot) throw new Error("no next slot");
    now = slot;
    console.log(dim(`(the clock moves to ${slot.toISOString()}: 09:30 in New York)\n`));
    await coo.cadence.taskFor(cadence.id)?.execute();
    show(await newCalls());
    const run = await coo.deps.db.cadenceRun.findFirstOrThrow({ where: { cadenceId: cadence.id } });
    const answers: Array<[string, string]> = [
      ["U0ALICE", "Yesterday: pricing copy\nToday: ship the pricing page by Friday\nBlockers: none"],
      [
        "U0BOB",
        "Today: vendor contract review by tomorrow 5pm\nBlockers: waiting on <@U0CARA> for the signed NDA",
      ],
      ["U0CARA", "Today: fix the staging deploy. No blockers."],
    ];
    let n = 0;
    for (const [user, text] of answers) {
      console.log(`${bold(people[user] ?? user)} in the thread:\n${indent(text)}\n`);
      await client.event({
        type: "message",
        channel: "C0TEAM",
        channel_type: "channel",
        user,
        text,
        ts: `${Math.floor(slot.getTime() / 1000) + 60 * ++n}.000100`,
        thread_ts: run.rootTs,
      });
      await new Promise((r) => setTimeout(r, 300));
      show(await newCalls());
    }
    now = new Date(slot.getTime() + 4 * 3600_000);
    console.log(dim("(four hours later the standup closes)\n"));
    await coo.cadence.tick();
    show(await newCalls());

    console.log(dim("── chasing a commitment before it is late ──\n"));
    await team("U0ALICE", "commit publish the launch post by tomorrow 5pm");
    now = new Date(now.getTime() + 10 * 60_000);
    console.log(
      dim(
        "(ten minutes later the slip sweep runs: due by the end of the next working day, no update since it was made)\n",
      ),
    );
    await coo.sweeper.sweep();
    const nudge = await newCalls();
    show(nudge);
    const post = await coo.deps.db.commitment.findFirstOrThrow({
      where: { title: "publish the launch post" },
    });
    const sent = await coo.deps.db.outboxMessage.findFirstOrThrow({
      where: { userId: "U0ALICE", status: "sent" },
      orderBy: { id: "desc" },
    });
    const dm = nudge.find((c) => c.method === "chat.postMessage" && c.args.channel === sent.sentChannel);
    console.log(`${bold("alice")}: presses [Slip to…] in that DM`);
    await client.press(
      "commitment_slip",
      { t: "mine", p: 0, n: post.number },
      {
        user: "U0ALICE",
        message: {
          ts: sent.sentTs ?? "",
          channel: sent.sentChannel ?? "",
          blocks: (dm?.args.blocks ?? []) as unknown[],
        },
      },
    );
    const form = (await newCalls()).find((c) => c.method === "views.open");
    const view = form?.args.view as { callback_id: string; private_metadata: string };
    const newDate = new Date(post.dueAt.getTime() + 3 * 24 * 3600_000).toISOString().slice(0, 10);
    console.log(`  ${bold("coo")} ${dim("(opens a form: new date, time, why)")}\n`);
    console.log(`${bold("alice")}: picks ${newDate} 17:00, "the legal review moved to Monday", and submits`);
    await client.submitView(
      view.callback_id,
      view.private_metadata,
      {
        date: { type: "datepicker", selected_date: newDate },
        time: { type: "timepicker", selected_time: "17:00" },
        reason: { type: "plain_text_input", value: "the legal review moved to Monday" },
      },
      "U0ALICE",
    );
    show(await newCalls());
    await command("U0ALICE", `history C${post.number}`);

    console.log(dim("── questions that belong to someone else, and one that is mine ──\n"));
    await command("U0BOB", "seat cto <@U0BOB|bob>");
    console.log(dim("(alice is a workspace admin in Slack: admins seat the CEO, CFO and CTO)\n"));
    await command("U0ALICE", "seat cfo <@U0BOB|bob>");
    await command("U0ALICE", "seat ceo <@U0CARA|cara>");
    await mention("U0ALICE", "can we afford datadog at our current burn?");
    await mention("U0BOB", "should we go after enterprise customers next year or stay with smb?");
    await mention("U0CARA", "what's blocking the contract?");
    console.log(`${bold("alice")} in #C0GENERAL: @coo the cloud bill and the database choice, thoughts?`);
    await client.mention("the cloud bill and the database choice, thoughts?", { user: "U0ALICE" });
    const unsure = await newCalls();
    show(unsure);
    const lanes = unsure
      .flatMap(
        (c) => (c.args.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>) ?? [],
      )
      .flatMap((b) => b.elements ?? []);
    const cfo = lanes.find((b) => b.action_id === "route_choice:budget");
    console.log(`${bold("alice")}: presses [the CFO (money)]`);
    await client.press("route_choice:budget", JSON.parse(cfo?.value ?? "{}"), { user: "U0ALICE" });
    await slack.waitFor("chat.postMessage", (c) => c.args.channel === "DU0BOB");
    await slack.waitFor("response_url", (c) => String(c.args.text).includes("CFO"));
    show(await newCalls());

    console.log(dim("── asking in plain words: answers from the ledger, changes proposed ──\n"));
    await mention("U0ALICE", "what's on my plate this week?");
    console.log(
      `${bold("alice")} in #C0GENERAL: @coo push the pricing page to next tuesday, legal wants another pass`,
    );
    await client.mention("push the pricing page to next tuesday, legal wants another pass", {
      user: "U0ALICE",
    });
    const plainProposal = await newCalls();
    show(plainProposal);
    const p = Number(/\\*"p\\*":(\d+)/.exec(JSON.stringify(plainProposal.map((c) => c.args.blocks)))?.[1]);
    if (p) {
      console.log(`${bold("alice")} presses Confirm`);
      await client.press("proposal_confirm", { p }, { user: "U0ALICE" });
      show(await newCalls());
      console.log(`${bold("alice")} presses Confirm again`);
      await client.press("proposal_confirm", { p }, { user: "U0ALICE" });
      show(await newCalls());
    }
    console.log(
      `${bold("bob")} (DM to coo): waiting on <@U0CARA> for the signed NDA since Monday, legal keeps asking me`,
    );
    await client.event({
      type: "message",
      channel: "DU0BOB",
      channel_type: "im",
      user: "U0BOB",
      text: "waiting on <@U0CARA> for the signed NDA since Monday, legal keeps asking me",
      ts: `${Math.floor(now.getTime() / 1000)}.000900`,
    });
    const offer = (await newCalls()).find((c) => c.args.channel === "DU0BOB");
    if (offer) show([offer]);
    const choice = (
      offer?.args.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }> | undefined
    )
      ?.flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === "handoff_choice:nudge");
    console.log(`${bold("bob")}: presses [Record and nudge them]`);
    await client.press("handoff_choice:nudge", JSON.parse(choice?.value ?? "{}"), { user: "U0BOB" });
    show(await newCalls());
    await command("U0BOB", "handoffs");
    await command("U0ALICE", "handoffs");

    console.log(dim("── the CEO's bet, broken into workstreams, owners and dates ──\n"));
    await command("U0BOB", "bet win the enterprise segment by in 3 months");
    await command("U0CARA", "bet launch self-serve billing by in 3 weeks");
    await command("U0ALICE", "workstream billing owner <@U0ALICE|alice> for G1");
    await command("U0BOB", "workstream checkout owner <@U0BOB|bob> for G1");
    await command("U0ALICE", "commit stripe integration by in 5 days #billing");
    await command("U0ALICE", "commit invoice emails by in 2 weeks #billing");
    await command("U0BOB", "commit checkout redesign by in 16 days #checkout");
    await command("U0ALICE", "commit pricing copy for checkout by in 4 days #checkout");
    await command("U0CARA", "plan G1");
    console.log(
      dim("(alice's copy waits on legal: she moves it; bob owns #checkout, so he hears what it moves)\n"),
    );
    await command("U0ALICE", "slip C7 to in 4 weeks because legal has not reviewed the terms");
    await coo.deps.outbox.deliver();
    show(await newCalls());
    // A heads-up is unasked: it waits for bob's working hours (and his one DM a day).
    const bobBack = (await availability(coo.deps, "T0DEMO", ["U0BOB"], now)).get("U0BOB")?.nextAvailableAt;
    if (bobBack && bobBack > now) {
      console.log(
        dim("(bob is off in Berlin: his heads-up waits; the first sweep in his morning sends it)\n"),
      );
      now = new Date(bobBack.getTime() + 5 * 60_000);
      await coo.sweeper.sweep();
      show(await newCalls());
    }
    await command("U0CARA", "bets");

    console.log(dim("── a bet with nothing under it yet: coo drafts the plan ──\n"));
    // Without ANTHROPIC_API_KEY coo asks for the plan in a form; with one, Claude drafts it.
    const day = (n: number) => new Date(now.getTime() + n * 24 * 3600_000).toISOString().slice(0, 10);
    await command("U0CARA", `bet launch in Germany by ${day(90)}`);
    const bet = await coo.deps.db.bet.findFirstOrThrow({ where: { title: "launch in Germany" } });
    await command("U0CARA", `plan G${bet.number}`);
    const planForm = slack.callsTo("views.open").at(-1)?.args.view as {
      callback_id: string;
      private_metadata: string;
    };
    const parts = [
      { name: "payments", owner: "U0BOB", title: "payment provider signed", date: day(7) },
      { name: "localisation", owner: "U0ALICE", title: "German copy reviewed", date: day(14) },
    ];
    for (const p of parts)
      console.log(`${bold("cara")}: #${p.name}, owner ${people[p.owner]}, "${p.title}" by ${p.date}`);
    console.log(`${bold("cara")}: submits the form`);
    const values: Record<string, Record<string, unknown>> = {};
    parts.forEach((p, i) => {
      values[`name${i + 1}`] = { type: "plain_text_input", value: p.name };
      values[`owner${i + 1}`] = { type: "users_select", selected_user: p.owner };
      values[`title${i + 1}`] = { type: "plain_text_input", value: p.title };
      values[`date${i + 1}`] = { type: "datepicker", selected_date: p.date };
    });
    await client.submitView(planForm.callback_id, planForm.private_metadata, values, "U0CARA");
    const proposed = await slack.waitFor("response_url", (c) => String(c.args.text).includes("to confirm"));
    show(await newCalls());
    const confirm = (
      proposed.args.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>
    )
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === "plan_confirm");
    console.log(`${bold("cara")}: presses [Confirm]`);
    const pressed = slack.calls.length;
    await client.press("plan_confirm", JSON.parse(confirm?.value ?? "{}"), { user: "U0CARA" });
    for (const owner of ["U0BOB", "U0ALICE"])
      await slack.waitFor(
        "chat.postMessage",
        (c) => slack.calls.indexOf(c) >= pressed && c.args.channel === `D${owner}`,
      );
    show(await newCalls());
    const part = await coo.deps.db.outboxMessage.findFirstOrThrow({
      where: { userId: "U0BOB", text: { startsWith: `Your part of G${bet.number}` } },
    });
    const checkout = await coo.deps.db.commitment.findFirstOrThrow({
      where: { title: "payment provider signed" },
    });
    console.log(`${bold("bob")}: presses [Confirm] in that DM`);
    await client.press(
      "commitment_confirm",
      { t: "mine", p: 0, n: checkout.number },
      { user: "U0BOB", message: { ts: part.sentTs ?? "", channel: part.sentChannel ?? "", blocks: [] } },
    );
    await slack.waitFor("response_url", (c) =>
      String(c.args.text).startsWith(`Confirmed *C${checkout.number}*`),
    );
    show(await newCalls());
    await command("U0CARA", `plan G${bet.number}`);

    // Data out: a leader takes the ledger to a spreadsheet, and reads one person's story.
    await command("U0ALICE", "export commitments csv");
    const shared = await slack.waitFor(
      "files.completeUploadExternal",
      (c) => c.args.channel_id === "DU0ALICE",
    );
    const [exported] = JSON.parse(String(shared.args.files)) as Array<{ id: string }>;
    const upload = slack.uploads.get(exported?.id ?? "");
    const lines = (upload?.bytes?.toString("utf8") ?? "").split("\n");
    console.log(
      `  ${bold("coo")} ${dim(`(DM to ${people.U0ALICE}, a file: ${upload?.filename})`)}\n${indent(`${String(shared.args.initial_comment)}\n${lines[0]}`)}\n`,
    );
    await newCalls();
    await command("U0ALICE", "history <@U0BOB>");
    console.log(dim("── who is at work: working days, holidays, hours and leave ──\n"));
    await command("U0ALICE", "workdays sun-thu <@U0CARA|cara>");
    await command("U0ALICE", "holidays DE <@U0BOB|bob>");
    await command("U0BOB", "hours 10:00-18:30");
    await command("U0BOB", `commit renew the TLS certificates by ${day(10)}`);
    await command("U0BOB", `ooo from ${day(7)} until ${day(14)}`);
    await command("U0ALICE", "availability <@U0BOB|bob>");
    const back = (await availability(coo.deps, "T0DEMO", ["U0BOB"], now)).get("U0BOB")?.nextAvailableAt;
    if (back) now = back;
    console.log(
      dim(
        `(the clock moves to ${now.toISOString()}, when bob's day starts; the slip sweep tells him, once, what falls due while he is away)\n`,
      ),
    );
    await coo.sweeper.sweep();
    show(await newCalls());

    console.log(`${bold("alice")}: opens https://coo.example.com/app in a browser (signed in with Slack)`);
    const session = await openSession(coo.deps, { workspaceId: "T0DEMO", userId: "U0ALICE" });
    const html = await (
      await fetch(`http://127.0.0.1:${coo.port}/app`, { headers: { cookie: `coo_session=${session.token}` } })
    ).text();
    const text = (fragment: string) =>
      fragment
        .replace(/<\/t[dh]>\s*<t[dh][^>]*>/g, " · ")
        .replace(/<[^>]+>/g, "")
        .replace(/&amp;/g, "&")
        .replace(/\s+/g, " ")
        .trim();
    const summary = /<h2>Last twelve weeks<\/h2>\s*<p>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? "";
    const byPerson = /<h2>By person<\/h2>[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
    const rows = [...byPerson.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => text(m[1] ?? ""));
    console.log(
      `  ${bold("page")} ${dim("(the team view: a chart of twelve weeks, then each person; columns: planned · on time · late · slipped · dropped · on-time rate · standups answered)")}\n${indent([text(summary), ...rows].join("\n"))}\n`,
    );

    console.log(`${bold("someone")}: a forged request with a bad signature`);
    const forged = await client.command("help", {}, { secret: "guessed-secret" });
    console.log(`  ${dim(`refused with HTTP ${forged.status}; nothing happened`)}\n`);

    console.log(
      `${bold("someone")}: sends a signed \`/coo commit\` as alice, then replays the same request three times`,
    );
    const recorded = await coo.deps.db.commitment.count();
    const body = client.commandBody("commit order the team lunch by Friday", { user: "U0ALICE" });
    for (let i = 0; i < 4; i++) await client.post(body, "application/x-www-form-urlencoded");
    console.log(
      `  ${dim(`commitments recorded: ${(await coo.deps.db.commitment.count()) - recorded} (the replays were recognised and changed nothing)`)}\n`,
    );
    await newCalls();

    console.log(dim("── GitHub and Linear ──\n"));
    await command("U0ALICE", "github connect acme/website");
    await command("U0ALICE", "linear connect ENG");
    await command("U0BOB", "github me bob-codes");
    await command("U0ALICE", "commit ship acme/website#42 by Friday");
    const github = new GitHubClient(`http://127.0.0.1:${coo.port}`);
    const pr = (action: string) => {
      const p = example(action === "submitted" ? "pull_request_review" : "pull_request", action) as {
        repository: { full_name: string };
        pull_request: {
          number: number;
          html_url: string;
          title: string;
          body: string | null;
          merged?: boolean;
        };
        review?: { state: string; user: { login: string } };
      };
      p.repository.full_name = "acme/website";
      p.pull_request.number = 42;
      p.pull_request.html_url = "https://github.com/acme/website/pull/42";
      p.pull_request.body = null;
      return p;
    };
    const settle = async (pick: (c: SlackCall) => boolean) => {
      await slack.waitFor("chat.postMessage", pick);
      show(await newCalls());
    };
    console.log(`${bold("GitHub")}: bob-codes asks for changes on acme/website#42`);
    const reviewed = pr("submitted");
    if (reviewed.review)
      reviewed.review = { ...reviewed.review, state: "changes_requested", user: { login: "bob-codes" } };
    await github.deliver("pull_request_review", reviewed);
    await settle((c) => String(c.args.text).includes("asked for changes"));
    console.log(`${bold("GitHub")}: acme/website#42 is merged`);
    const merged = pr("closed");
    merged.pull_request.merged = true;
    await github.deliver("pull_request", merged);
    await settle((c) => String(c.args.text).includes("was merged"));

    await command("U0ALICE", "commit write the launch post ENG-8 by Friday");
    console.log(`${bold("Linear")}: ENG-8 gets a due date`);
    const dated = pointAt(linearIssue("issue-create"), "ENG", 8);
    dated.action = "update";
    dated.data.dueDate = new Date(now.getTime() + 9 * 86_400_000).toISOString().slice(0, 10);
    await new LinearClient(`http://127.0.0.1:${coo.port}`).deliver(dated);
    await settle((c) => String(c.args.text).includes("Use Linear's date?"));

    console.log(`${bold("Slack")}: redelivers the last mention (X-Slack-Retry-Num: 1)`);
    const before = slack.callsTo("chat.postMessage").length;
    const eventId = "EvDEMO1";
    await client.event(
      {
        type: "app_mention",
        user: "U0BOB",
        text: "<@UCOO> hi",
        ts: "1764100000.000100",
        channel: "C0GENERAL",
      },
      { eventId },
    );
    await client.event(
      {
        type: "app_mention",
        user: "U0BOB",
        text: "<@UCOO> hi",
        ts: "1764100000.000100",
        channel: "C0GENERAL",
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
    console.error(
      `\n${problems.length === 1 ? "1 warning or error was" : `${problems.length} warnings or errors were`} logged:\n${problems.join("\n")}`,
    );
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

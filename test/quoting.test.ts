import { beforeAll, expect, test } from "vitest";
import { quote } from "../src/slack/mentions.js";
import { replyTo, useBot } from "./kit/harness.js";
import type { SlackResponse } from "./kit/slack-client.js";
import { until } from "./kit/wait.js";

const h = useBot();

/** What Slack would turn into a ping to everyone, or a link whose label hides where it goes. */
const dangerous = ["<!channel>", "<!here>", "<!everyone>", "<!subteam", "<https://evil"];

/** Hostile text as Slack delivers it: special mentions and links arrive as control sequences. */
const hostile = [
  "<!channel>",
  "<!here> now",
  "<!everyone>",
  "<!subteam^S1|@eng>",
  "<https://evil.example|click me>",
  "<https://evil.example|Friday>",
];

/** Argument shapes that put the hostile text where each parser might echo it. */
const shapes = (x: string) => [
  x,
  `${x} by Friday`,
  `ship ${x} by Friday`,
  `x by ${x}`,
  `done ${x}`,
  `C1 ${x}`,
  `C1 to ${x}`,
  `C1 to Friday because ${x}`,
  `C1 for ${x}`,
  `C1 until ${x}`,
  `${x} waiting on the vendor`,
  `blocked waiting on ${x}`,
  `${x} from <@U2> to <@U3>`,
  `the keys from <@U2> to <@U3> since ${x}`,
  `pause ${x}`,
  `09:30 ${x}`,
  `fri ${x}`,
  `09:30 weekdays tz ${x}`,
  `until ${x}`,
  `ceo ${x}`,
  `grace ${x}`,
  `dm ${x}`,
];

/** Every string a person would read in a message, view or reply (not button values or metadata). */
function shown(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) shown(v, out);
  else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (key === "value" || key === "private_metadata" || key === "action_id" || key === "block_id")
        continue;
      if (typeof v === "string" && (key === "text" || key === "alt_text" || key === "fallback")) out.push(v);
      else shown(v, out);
    }
  }
  return out;
}

function leaks(texts: string[]): string[] {
  return texts.filter((t) => dangerous.some((d) => t.includes(d)));
}

/** Everything coo sent to Slack, as people would read it. */
const postedTexts = () => h.fakeSlack.calls.flatMap((c) => shown(c.args));

beforeAll(async () => {
  // A commitment, a blocker and a handoff to echo back, and a CFO to route questions to.
  await replyTo(h, await h.bot.slack.command("seat cfo <@U9>", { user: "U9" }));
  await replyTo(h, await h.bot.slack.command("commit <!channel> ship <https://evil.example|it> by Friday"));
  await replyTo(h, await h.bot.slack.command("blocker <!here> deploy waiting on <!subteam^S1|@eng>"));
});

test("quote() keeps real mentions and channel links, neutralises pings, shows where links go", () => {
  expect(quote("ask <@U123|dana> in <#C9|ops>")).toBe("ask <@U123> in <#C9|ops>");
  expect(quote("<!channel> <!here|here> <!everyone>")).not.toMatch(/<!/);
  expect(quote("<!channel>")).toMatch(/^@\S*channel$/);
  expect(quote("<!subteam^S1|@eng>")).toMatch(/^@\S*eng$/);
  expect(quote("<https://evil.example|Friday>")).toBe("Friday (https://evil.example)");
  expect(quote("<https://x.example/a?b=1&amp;c=2>")).toBe("https://x.example/a?b=1&amp;c=2");
  expect(quote("<!date^1764800000^{date_short}|Fri 4 Dec>")).toBe("Fri 4 Dec");
  expect(quote("R&amp;D & a<b > c &lt;ok&gt;")).toBe("R&amp;D &amp; a&lt;b &gt; c &lt;ok&gt;");
  expect(quote("<weird>")).toBe("&lt;weird&gt;");
});

test("no /coo subcommand echoes a ping to everyone or a disguised link, in its reply or anything it posts", async () => {
  const names = h.bot.coo.slack.commands.list().map((s) => s.name);
  expect(names.length).toBeGreaterThan(20);
  const replies: string[] = [];
  const ask = async (text: string) => {
    const res: SlackResponse = await h.bot.slack.command(text);
    expect(res.status).toBe(200);
    if (res.json) replies.push(...shown(res.json));
    else if (res.text) replies.push(res.text);
  };
  const lines = [...names, "nosuchcommand"].flatMap((name) =>
    hostile.flatMap((x) => shapes(x).map((args) => `${name} ${args}`)),
  );
  // A few at a time: every subcommand, every shape, every hostile string.
  for (let i = 0; i < lines.length; i += 8) await Promise.all(lines.slice(i, i + 8).map(ask));
  await h.bot.coo.deps.outbox.deliver([]);
  const all = [...replies, ...postedTexts()];
  expect(leaks(all)).toEqual([]);
  // The hostile text did reach places that echo it, shown for what it is.
  expect(all.some((t) => t.includes("(https://evil.example)"))).toBe(true);
  expect(all.some((t) => t.includes("I don't know `/coo nosuchcommand`"))).toBe(true);
  // About 3,700 signed requests: seconds alone, longer on a loaded machine.
}, 120_000);

test("@mentions and DMs with hostile text get replies that neither ping nor disguise links", async () => {
  let n = 0;
  const ts = () => `${Math.floor(Date.now() / 1000)}.${String(++n).padStart(6, "0")}`;
  const texts = [
    "<!channel> who owns <https://evil.example|the launch>?",
    "what is blocking <!here>?",
    "<!everyone> can we afford <https://evil.example|this tool> at our burn?",
    "any handoffs open <!subteam^S1|@eng>?",
    "<!channel> what is overdue?",
  ];
  for (const text of texts) {
    await h.bot.slack.mention(text, { ts: ts() });
    await h.bot.slack.event({
      type: "message",
      channel_type: "im",
      channel: "DU1",
      user: "U1",
      text,
      ts: ts(),
    });
  }
  await h.bot.slack.event({
    type: "message",
    channel_type: "im",
    channel: "DU1",
    user: "U1",
    text: "<!channel> still hasn't sent <https://evil.example|the keys> to <!here>",
    ts: ts(),
  });
  await h.fakeSlack.waitFor("chat.postMessage", (c) => String(c.args.text).startsWith("Sounds like"));
  await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU9");
  // Each mention and DM is answered through the outbox, in no set order: wait for all of them.
  await until(() => h.fakeSlack.callsTo("chat.postMessage").length >= texts.length * 2, 20_000);
  expect(leaks(postedTexts())).toEqual([]);
  expect(postedTexts().some((t) => t.includes("(https://evil.example)"))).toBe(true);
});

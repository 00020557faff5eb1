import { beforeAll, expect, test } from "vitest";
import { days } from "./kit/coo.js";
import { mentionOf, replyTo, useBot, wednesday } from "./kit/harness.js";
import { addCommitments, reserveNumbers } from "./kit/ledger.js";
import { textOf } from "./kit/messages.js";

// Plain-language operations with a key: the fake Anthropic server first picks
// the lane (operations), then calls the assistant's tools as the Messages API
// does. Claude only reads and proposes; what it sends is checked, and
// anything that does not fit falls back to the rules with a reply still sent.
const h = useBot({ anthropic: true, llmTimeoutMs: 400 });
const db = () => h.bot.coo.deps.db;
const fake = () => {
  if (!h.fakeAnthropic) throw new Error("no fake Anthropic");
  return h.fakeAnthropic;
};
const say = async (user: string, text: string) => replyTo(h, await h.bot.slack.command(text, { user }));
let ts = 1799500000;
const operations = { json: { category: "operations", confidence: 0.9, reason: "owners and dates" } };

type Posted = { text: string; blocks?: unknown[] };

async function ask(via: "mention" | "dm", text: string, user = "U1"): Promise<Posted> {
  const at = `${ts++}.000100`;
  if (via === "mention") await h.bot.slack.mention(text, { ts: at, user });
  else
    await h.bot.slack.event({ type: "message", channel: `D${user}`, channel_type: "im", user, text, ts: at });
  const reply = await h.fakeSlack.waitFor(
    "chat.postMessage",
    (c) =>
      via === "mention"
        ? c.args.thread_ts === at
        : c.args.channel === `D${user}` && c.args.thread_ts === undefined,
    10_000,
  );
  const args = reply.args as { text: string; blocks?: unknown[] };
  return { text: args.blocks ? textOf(args as never) : String(args.text), blocks: args.blocks };
}

const numberIn = (reply: string) => Number(/C(\d+)/.exec(reply)?.[1]);
const lastProposal = () => db().proposal.findFirst({ orderBy: { id: "desc" } });

let shortlist = 0;
let elsewhere = 0;

beforeAll(async () => {
  shortlist = numberIn(
    await say("U1", `commit send the vendor shortlist by Friday for ${mentionOf("U2", "bob")}`),
  );
  await say("U1", "commit write the launch deck by Friday");
  await say("U1", "commit update the pricing page by tomorrow");
  await say("U1", `blocker payments launch waiting on ${mentionOf("U3", "cara")}`);
  await say("U1", "standup 09:30 weekdays tz America/New_York");
  await addCommitments(db(), "T1", [
    { ownerId: "U3", title: "migrate the billing database", dueAt: new Date(wednesday.getTime() - days(2)) },
  ]);
  // Another workspace, whose commitment numbers run far past this one's.
  await db().workspace.create({ data: { id: "T2", name: "Other" } });
  await reserveNumbers(db(), "T2", "commitment", 900);
  await addCommitments(db(), "T2", [
    {
      ownerId: "UT2",
      title: "the other team's secret roadmap",
      dueAt: new Date(wednesday.getTime() + days(3)),
    },
  ]);
  elsewhere = (await db().commitment.findFirstOrThrow({ where: { workspaceId: "T2" } })).number;
  h.fakeSlack.users.set("UT2", { id: "UT2", name: "stranger", tz: "UTC", team_id: "T2" });
});

const cases: Array<[string, unknown, RegExp]> = [
  ["my_plate", { span: "tomorrow" }, /On your plate tomorrow[\s\S]*update the pricing page/],
  ["person_work", { userId: "U2" }, /<@U2> is working on[\s\S]*vendor shortlist/],
  [
    "did_happen",
    { words: ["vendor", "shortlist"], ownerId: "U2" },
    /^Not yet: \*C\d+\* send the vendor shortlist/,
  ],
  ["who_owns", { words: ["launch", "deck"] }, /\*C\d+\* write the launch deck · <@U1>/],
  ["who_covers", { userId: "U4" }, /<@U4> is not marked away\. Nobody has picked up their work/],
  ["blocking", { words: ["payments"] }, /Open blockers[\s\S]*payments launch/],
  ["slipped", { words: [] }, /\*Overdue\*[\s\S]*migrate the billing database/],
  ["at_risk", {}, /\*Overdue\* \(1\)[\s\S]*migrate the billing database/],
  [
    "next_cadence",
    { kind: "standup" },
    /^The next standup is Thu 3 Dec 09:30 \(America\/New_York\) in <#C1>/,
  ],
  [
    "propose_redate",
    { item: { words: ["launch", "deck"] }, when: "next thursday", reason: "feedback came late" },
    /^Move \*C\d+\* write the launch deck \(<@U1>\) from Fri 4 Dec to Thu 10 Dec 17:00/,
  ],
  [
    "propose_reassign",
    { item: { words: ["launch", "deck"] }, to: "U3" },
    /^Hand \*C\d+\* write the launch deck from <@U1> to <@U3>\?/,
  ],
  [
    "propose_mark_done",
    { item: { words: ["launch", "deck"] } },
    /^Mark \*C\d+\* write the launch deck \(<@U1>\) done\?/,
  ],
  [
    "propose_drop",
    { item: { words: ["launch", "deck"] } },
    /^Drop \*C\d+\* write the launch deck \(<@U1>\)\?/,
  ],
  [
    "propose_raise_blocker",
    { what: "the API keys", waitingOn: "U3" },
    /^Raise a blocker for <@U1>: the API keys, waiting on <@U3>\?/,
  ],
  [
    "propose_record_commitment",
    { title: "send the investor update", when: "friday" },
    /^Record that <@U1> will deliver send the investor update by Fri 4 Dec 17:00/,
  ],
  [
    "propose_remind_me",
    { what: "chase finance", when: "tomorrow 9am" },
    /^Remind <@U1> Thu 3 Dec 09:00 \(America\/New_York\): chase finance\?/,
  ],
];

for (const via of ["mention", "dm"] as const)
  for (const [tool, input, expected] of cases)
    test(`Claude calls ${tool} (${via === "mention" ? "@mention" : "DM"}): the reply comes from the ledger, in coo's words`, async () => {
      fake().answer(operations, { tools: [{ name: tool, input }] });
      const proposals = await db().proposal.count();
      const reply = await ask(via, "something about work, in whatever words");
      expect(reply.text).toMatch(expected);
      const request = fake().requests.at(-1)?.body as { tools: Array<{ name: string }> };
      expect(request.tools.map((t) => t.name)).toContain(tool);
      if (tool.startsWith("propose_")) {
        expect(await db().proposal.count()).toBe(proposals + 1);
        expect(await lastProposal()).toMatchObject({
          status: "proposed",
          decidedBy: "llm",
          workspaceId: "T1",
        });
      } else expect(await db().proposal.count()).toBe(proposals);
    });

test("Claude looks work up first: the tool_result answers its tool_use id in the next turn, then it proposes", async () => {
  fake().answer(
    operations,
    { tools: [{ name: "find_work", input: { words: ["vendor", "shortlist"] } }] },
    { tools: [{ name: "propose_mark_done", input: { item: { number: shortlist } } }] },
  );
  const reply = await ask("mention", "bob sent the shortlist, close it");
  expect(reply.text).toMatch(/^Mark \*C\d+\* send the vendor shortlist \(<@U2>\) done\?/);
  const second = fake().requests.at(-1)?.body as {
    messages: Array<{
      role: string;
      content: Array<{ type: string; id?: string; tool_use_id?: string; content?: string }>;
    }>;
  };
  const use = second.messages[1]?.content.find((b) => b.type === "tool_use");
  const result = second.messages[2]?.content[0];
  expect(second.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
  expect(result).toMatchObject({ type: "tool_result", tool_use_id: use?.id });
  expect(result?.content).toContain(`C${shortlist} "send the vendor shortlist"`);
  // Nothing changes until someone allowed confirms.
  expect(
    (await db().commitment.findFirstOrThrow({ where: { workspaceId: "T1", number: shortlist } })).status,
  ).toBe("open");
});

test("the fake refuses a tool_use left unanswered, as the Messages API does", async () => {
  const res = await fetch(`${fake().url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "claude-haiku-4-5",
      max_tokens: 10,
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "at_risk", input: {} }] },
        { role: "user", content: "and?" },
      ],
    }),
  });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
});

const fallbacks: Array<[string, { name: string; input: unknown }]> = [
  ["a tool it was never given", { name: "delete_everything", input: { all: true } }],
  ["a read tool dressed as a proposal", { name: "propose_at_risk", input: {} }],
  ["wrong argument types", { name: "my_plate", input: { span: 7 } }],
  ["arguments that are not an object", { name: "my_plate", input: "tomorrow" }],
  [
    "an extra argument (a workspace it may not name)",
    { name: "my_plate", input: { span: "tomorrow", workspaceId: "T2" } },
  ],
];

for (const [what, call] of fallbacks)
  test(`a tool call naming ${what} falls back to the rules, and the reply is still sent`, async () => {
    fake().answer(operations, { tools: [call] });
    const reply = await ask("dm", "what's on my plate tomorrow?");
    expect(reply.text).toMatch(/On your plate tomorrow[\s\S]*update the pricing page/);
  });

test("a commitment id of another workspace is not found here: rules answer, and nothing there changes", async () => {
  fake().answer(operations, {
    tools: [{ name: "propose_mark_done", input: { item: { number: elsewhere } } }],
  });
  const reply = await ask("mention", `mark C${elsewhere} done`);
  expect(reply.text).toMatch(new RegExp(`There is no commitment C${elsewhere} here`));
  expect(reply.text).not.toContain("secret roadmap");
  expect(await db().proposal.count({ where: { payload: { path: ["n"], equals: elsewhere } } })).toBe(0);
  expect((await db().commitment.findFirstOrThrow({ where: { workspaceId: "T2" } })).status).toBe("open");
});

test("a person of another workspace is refused: rules answer instead", async () => {
  fake().answer(operations, { tools: [{ name: "person_work", input: { userId: "UT2" } }] });
  const reply = await ask("mention", `what is ${mentionOf("U2")} working on`);
  expect(reply.text).toMatch(/<@U2> is working on/);
  expect(reply.text).not.toContain("secret roadmap");
});

test("errors, timeouts and answers with no tool call fall back to the rules", async () => {
  fake().answer(operations, { status: 500 }, { status: 500 });
  expect((await ask("dm", "what slipped?")).text).toMatch(/\*Overdue\*[\s\S]*migrate the billing database/);
  fake().answer(
    operations,
    { delayMs: 2000, after: { tools: [{ name: "at_risk", input: {} }] } },
    {
      delayMs: 2000,
      after: { tools: [{ name: "at_risk", input: {} }] },
    },
  );
  expect((await ask("dm", "what slipped?")).text).toMatch(/\*Overdue\*[\s\S]*migrate the billing database/);
  fake().answer(operations, { text: "Sure! Everything is fine." });
  expect((await ask("dm", "what slipped?")).text).toMatch(/\*Overdue\*[\s\S]*migrate the billing database/);
});

test("the stable prefix (tools, persona, guide) is marked for caching and a second call reads it from the cache", async () => {
  fake().answer(operations, { tools: [{ name: "at_risk", input: {} }] });
  await ask("dm", "anything at risk?");
  const first = fake().requests.length - 1;
  fake().answer(operations, { tools: [{ name: "at_risk", input: {} }] });
  await ask("mention", "anything at risk?");
  const second = fake().requests.length - 1;
  const body = fake().requests[second]?.body as {
    system: Array<{ cache_control?: unknown }>;
    tools: unknown[];
  };
  expect(body.system).toHaveLength(1);
  expect(body.system[0]?.cache_control).toEqual({ type: "ephemeral" });
  expect(fake().requests[first]?.body.system).toEqual(body.system);
  expect(fake().requests[first]?.body.tools).toEqual(body.tools);
  const usage = fake().usages.at(-1);
  expect(usage?.cache_read_input_tokens).toBeGreaterThanOrEqual(4096);
  expect(usage?.cache_creation_input_tokens).toBe(0);
  const metrics = await (await fetch(`${h.bot.baseUrl}/metrics`)).text();
  expect(metrics).toMatch(/coo_llm_tokens_per_call_count\{task="assistant",kind="cache_read"\} [1-9]/);
  expect(metrics).toMatch(/coo_llm_requests_per_call_count\{task="assistant"\} [1-9]/);
  expect(metrics).toContain("coo_llm_calls_per_standup_answer_count");
});

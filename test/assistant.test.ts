import { beforeAll, expect, test } from "vitest";
import { days } from "./kit/coo.js";
import { mentionOf, replyTo, useBot, wednesday } from "./kit/harness.js";
import { addCommitments } from "./kit/ledger.js";
import { textOf } from "./kit/messages.js";
import { until } from "./kit/wait.js";

// Plain-language operations with rules only (no key): each intent through a
// signed app_mention and a signed message.im, and proposals that change
// nothing until someone allowed presses Confirm.
const h = useBot();
const db = () => h.bot.coo.deps.db;
const say = async (user: string, text: string, channel?: string) =>
  replyTo(h, await h.bot.slack.command(text, { user, ...(channel ? { channel } : {}) }));
let ts = 1799000000;
const nextTs = () => `${ts++}.000100`;

type Posted = { text: string; blocks?: unknown[]; channel: string };

/** Asks coo by @mention in #general or by DM, and returns its reply there. */
async function ask(via: "mention" | "dm", text: string, user = "U1"): Promise<Posted> {
  const at = nextTs();
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
  const args = reply.args as { text: string; blocks?: unknown[]; channel: string };
  return {
    text: args.blocks ? textOf(args as never) : String(args.text),
    blocks: args.blocks,
    channel: args.channel,
  };
}

/** The proposal id a reply's Confirm button carries. */
function proposalOf(reply: Posted): number {
  const json = JSON.stringify(reply.blocks ?? []);
  const value =
    /"action_id":"proposal_confirm","value":"(\{[^"]*\\"p\\":(\d+)\})"/.exec(json) ??
    /\\"p\\":(\d+)/.exec(json);
  const id = Number(value?.[2] ?? value?.[1]);
  if (!id) throw new Error(`no proposal in ${json}`);
  return id;
}

const commitment = (number: number) =>
  db().commitment.findUniqueOrThrow({
    where: { workspaceId_number: { workspaceId: "T1", number } },
    include: { history: true },
  });
const numberIn = (reply: string) => Number(/C(\d+)/.exec(reply)?.[1]);

let shortlist = 0;
let deck = 0;
let pricing = 0;
let hiring = 0;

beforeAll(async () => {
  // U2 is "bob" to Slack: recording work for him reads his profile, so "bob" names him.
  shortlist = numberIn(
    await say("U1", `commit send the vendor shortlist by Friday for ${mentionOf("U2", "bob")}`),
  );
  deck = numberIn(await say("U1", "commit write the launch deck by Friday"));
  pricing = numberIn(await say("U1", "commit update the pricing page by tomorrow"));
  hiring = numberIn(await say("U4", "commit review the hiring plan by Friday"));
  await say("U4", `reassign C${hiring} to ${mentionOf("U3", "cara")}`);
  await db().person.updateMany({
    where: { workspaceId: "T1", slackUserId: "U4" },
    data: { oooUntil: new Date(wednesday.getTime() + days(6)) },
  });
  await addCommitments(db(), "T1", [
    { ownerId: "U3", title: "migrate the billing database", dueAt: new Date(wednesday.getTime() - days(2)) },
    {
      ownerId: "U2",
      title: "sign the SOC2 evidence",
      dueAt: new Date(wednesday.getTime() - days(9)),
      status: "done",
      doneAt: new Date(wednesday.getTime() - days(8)),
    },
  ]);
  await say("U1", `blocker payments launch waiting on ${mentionOf("U3", "cara")}`);
  await say("U1", "standup 09:30 weekdays tz America/New_York");
});

const questions: Array<[string, string, RegExp]> = [
  ["my_plate", "what's on my plate tomorrow?", /On your plate tomorrow[\s\S]*update the pricing page/],
  ["person_work", `what is ${mentionOf("U2")} working on`, /<@U2> is working on[\s\S]*vendor shortlist/],
  [
    "did_happen",
    "did bob send the vendor shortlist yet?",
    /^Not yet: \*C\d+\* send the vendor shortlist \(<@U2>\) is still open, due/,
  ],
  [
    "did_happen (done)",
    "did the soc2 evidence happen?",
    /^Yes: \*C\d+\* sign the SOC2 evidence \(<@U2>\) was marked done/,
  ],
  ["who_owns", "who owns the launch deck?", /\*C\d+\* write the launch deck · <@U1>/],
  [
    "who_covers",
    `who's covering for ${mentionOf("U4")} while he's on PTO`,
    /<@U4> is away until Tue 8 Dec[\s\S]*<@U3> took \*C\d+\* review the hiring plan/,
  ],
  ["blocking", "what's holding up the payments launch?", /Open blockers[\s\S]*payments launch/],
  ["slipped", "what slipped?", /\*Overdue\*[\s\S]*migrate the billing database/],
  ["at_risk", "what's at risk right now", /\*Overdue\* \(1\)[\s\S]*migrate the billing database/],
  [
    "next_cadence",
    "when's the next standup?",
    /^The next standup is Thu 3 Dec 09:30 \(America\/New_York\) in <#C1>/,
  ],
];

for (const via of ["mention", "dm"] as const)
  for (const [intent, text, expected] of questions)
    test(`${intent} by ${via === "mention" ? "@mention" : "DM"}: "${text}" is answered from the ledger`, async () => {
      const reply = await ask(via, text);
      expect(reply.text).toMatch(expected);
      expect(reply.blocks).toBeUndefined();
    });

const proposals: Array<[string, () => string, RegExp]> = [
  [
    "redate",
    () => "push the launch deck to next thursday, design feedback came late",
    /^Move \*C\d+\* write the launch deck \(<@U1>\) from Fri 4 Dec to Thu 10 Dec 17:00 \(America\/New_York\), because design feedback came late\?/,
  ],
  [
    "reassign",
    () => `hand the pricing page to ${mentionOf("U3")}`,
    /^Hand \*C\d+\* update the pricing page from <@U1> to <@U3>\?/,
  ],
  ["mark_done", () => `mark C${deck} done`, /^Mark \*C\d+\* write the launch deck \(<@U1>\) done\?/],
  [
    "drop",
    () => "drop the pricing page, we're not doing it",
    /^Drop \*C\d+\* update the pricing page \(<@U1>\)\?/,
  ],
  [
    "raise_blocker",
    () => `i'm blocked on the API keys from ${mentionOf("U3")}`,
    /^Raise a blocker for <@U1>: .*API keys.*, waiting on <@U3>\?/,
  ],
  [
    "record_commitment",
    () => "I'll send the investor update by friday",
    /^Record that <@U1> will deliver send the investor update by Fri 4 Dec 17:00/,
  ],
  [
    "remind_me",
    () => "remind me to chase finance tomorrow 9am",
    /^Remind <@U1> Thu 3 Dec 09:00 \(America\/New_York\): chase finance\?/,
  ],
];

for (const via of ["mention", "dm"] as const)
  for (const [intent, text, expected] of proposals)
    test(`${intent} by ${via === "mention" ? "@mention" : "DM"} is proposed with Confirm and Cancel, and changes nothing yet`, async () => {
      const before = await db().commitment.findMany({ where: { workspaceId: "T1" }, orderBy: { id: "asc" } });
      const blockers = await db().blocker.count();
      const reply = await ask(via, text());
      expect(reply.text).toMatch(expected);
      expect(JSON.stringify(reply.blocks)).toContain('"action_id":"proposal_confirm"');
      expect(JSON.stringify(reply.blocks)).toContain('"action_id":"proposal_cancel"');
      expect(
        await db().commitment.findMany({ where: { workspaceId: "T1" }, orderBy: { id: "asc" } }),
      ).toEqual(before);
      expect(await db().blocker.count()).toBe(blockers);
      expect(await db().proposal.findUniqueOrThrow({ where: { id: proposalOf(reply) } })).toMatchObject({
        kind: intent,
        status: "proposed",
        decidedBy: "rules",
      });
    });

test("Confirm by someone not allowed is refused in one line and changes nothing; the owner's Confirm changes it once", async () => {
  const reply = await ask("mention", `move C${deck} to next wednesday`, "U1");
  const p = proposalOf(reply);
  h.fakeSlack.reset();
  await h.bot.slack.press("proposal_confirm", { p }, { user: "U3" });
  const refusal = await h.fakeSlack.waitFor("response_url");
  expect(refusal.args.replace_original).toBe(false);
  expect(String(refusal.args.text)).toMatch(/^Only <@U1> \(the owner\), <@U1> \(who recorded it\)/);
  expect(String(refusal.args.text).split("\n")).toHaveLength(1);
  expect((await commitment(deck)).history.filter((c) => c.kind === "redated")).toHaveLength(0);
  expect((await db().proposal.findUniqueOrThrow({ where: { id: p } })).status).toBe("proposed");

  h.fakeSlack.reset();
  await h.bot.slack.press("proposal_confirm", { p }, { user: "U1" });
  const done = await h.fakeSlack.waitFor("response_url");
  expect(done.args.replace_original).toBe(true);
  expect(String(done.args.text)).toMatch(/moved \(confirmed by <@U1>\)/i);
  h.fakeSlack.reset();
  await h.bot.slack.press("proposal_confirm", { p }, { user: "U1" });
  expect(String((await h.fakeSlack.waitFor("response_url")).args.text)).toMatch(
    /already confirmed by <@U1>; nothing changed again/,
  );
  const c = await commitment(deck);
  expect(c.history.filter((x) => x.kind === "redated")).toHaveLength(1);
  expect(c.dueAt.toISOString()).toBe("2026-12-09T22:00:00.000Z");
});

test("a proposal confirmed twice at once changes once", async () => {
  const reply = await ask("dm", `mark C${pricing} done`, "U1");
  const p = proposalOf(reply);
  h.fakeSlack.reset();
  await Promise.all([
    h.bot.slack.press("proposal_confirm", { p }, { user: "U1" }),
    h.bot.slack.press("proposal_confirm", { p }, { user: "U1" }),
  ]);
  await until(async () => h.fakeSlack.callsTo("response_url").length === 2);
  const texts = h.fakeSlack.callsTo("response_url").map((c) => String(c.args.text));
  expect(texts.filter((t) => /marked done \(confirmed by <@U1>\)/i.test(t))).toHaveLength(1);
  expect(texts.filter((t) => /already confirmed/.test(t))).toHaveLength(1);
  const c = await commitment(pricing);
  expect(c.status).toBe("done");
  expect(c.history.filter((x) => x.kind === "done")).toHaveLength(1);
});

test("Cancel changes nothing, and a Confirm after it is refused", async () => {
  const reply = await ask("mention", `drop C${shortlist}`, "U1");
  const p = proposalOf(reply);
  h.fakeSlack.reset();
  await h.bot.slack.press("proposal_cancel", { p }, { user: "U1" });
  expect(String((await h.fakeSlack.waitFor("response_url")).args.text)).toBe(
    "Cancelled by <@U1>; nothing changed.",
  );
  h.fakeSlack.reset();
  await h.bot.slack.press("proposal_confirm", { p }, { user: "U1" });
  expect(String((await h.fakeSlack.waitFor("response_url")).args.text)).toMatch(
    /cancelled by <@U1>; nothing changed/,
  );
  expect((await commitment(shortlist)).status).toBe("open");
});

test("a reminder is only the asker's to confirm; confirmed, it is a job at the time asked that DMs them then", async () => {
  const reply = await ask("dm", "remind me to chase finance in 3 hours", "U1");
  const p = proposalOf(reply);
  h.fakeSlack.reset();
  await h.bot.slack.press("proposal_confirm", { p }, { user: "U2" });
  expect(String((await h.fakeSlack.waitFor("response_url")).args.text)).toBe(
    "Only <@U1>, who asked for it, can confirm or cancel this.",
  );
  expect(await db().outboxMessage.count({ where: { queue: "assistant.reminder" } })).toBe(0);
  h.fakeSlack.reset();
  const pressedAt = Date.now();
  await h.bot.slack.press("proposal_confirm", { p }, { user: "U1" });
  expect(String((await h.fakeSlack.waitFor("response_url")).args.text)).toMatch(
    /reminder set \(confirmed by <@U1>\)/i,
  );
  const job = await db().outboxMessage.findFirstOrThrow({
    where: { queue: "assistant.reminder", key: `reminder:${p}` },
  });
  // Three hours ahead, on the job system's clock; nothing is sent before then.
  expect(job.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(pressedAt + 3 * 3600_000 - 5000);
  expect(job.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + 3 * 3600_000 + 5000);
  expect(job.status).toBe("pending");
  // The time comes.
  await db().outboxMessage.update({ where: { id: job.id }, data: { nextAttemptAt: new Date() } });
  await h.bot.coo.deps.outbox.deliver([job.id]);
  const dm = await h.fakeSlack.waitFor(
    "chat.postMessage",
    (c) => c.args.channel === "DU1" && String(c.args.text).includes("remind you"),
  );
  expect(String(dm.args.text)).toBe(":alarm_clock: You asked me to remind you: chase finance");
});

test("a proposal names the item it would change; words that fit several open items ask which", async () => {
  await say("U1", "commit draft the launch faq by Friday");
  const reply = await ask("mention", "push the launch to monday");
  expect(reply.text).toMatch(
    /^Which one should I move\? Say it again with its id:(?=[\s\S]*launch deck)(?=[\s\S]*launch faq)/,
  );
  expect(reply.blocks).toBeUndefined();
});

import { beforeAll, describe, expect, test } from "vitest";
import type { Behaviour } from "./kit/fake-anthropic.js";
import type { SlackCall } from "./kit/fake-slack.js";
import { type Harness, mentionOf, replyTo, useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";

type Element = { action_id?: string; value?: string };
type View = { callback_id: string; private_metadata: string; blocks: Array<{ block_id?: string }> };

/** A reply's text, without what its blocks show. */
const headline = (text: string) => text.split("\n")[0];

const say = async (h: Harness, user: string, text: string) =>
  replyTo(h, await h.bot.slack.command(text, { user }));

/** U9 (an admin) seats U4 as CEO; U1, U2 and U3 have met coo, so Claude may name them. */
async function seatTheCeo(h: Harness) {
  await say(h, "U9", `seat ceo ${mentionOf("U4")}`);
  for (const user of ["U1", "U2", "U3"]) await say(h, user, "commitments");
}

/** The CEO makes a bet; its number. */
async function newBet(h: Harness, title: string): Promise<number> {
  const reply = await say(h, "U4", `bet ${title} by 2027-03-31`);
  const number = Number(/G(\d+)/.exec(reply)?.[1]);
  expect(number).toBeGreaterThan(0);
  return number;
}

const db = (h: Harness) => h.bot.coo.deps.db;

const betRow = (h: Harness, number: number) =>
  db(h).bet.findUniqueOrThrow({
    where: { workspaceId_number: { workspaceId: "T1", number } },
    include: { workstreams: true, planDrafts: true },
  });

/** What a plan recorded under a bet: its workstreams' names and their commitments. */
async function recordedUnder(h: Harness, number: number) {
  const bet = await betRow(h, number);
  const commitments = await h.bot.coo.deps.db.commitment.findMany({
    where: { workspaceId: "T1", workstream: { betId: bet.id } },
    include: { workstream: true, history: true },
    orderBy: { number: "asc" },
  });
  return { streams: bet.workstreams.map((w) => w.name).sort(), commitments, drafts: bet.planDrafts };
}

/** The buttons of a message (a call's arguments, or a command's answer). */
function elements(message: unknown): Element[] {
  const blocks = ((message as { blocks?: unknown[] })?.blocks ?? []) as Array<{ elements?: Element[] }>;
  return blocks.flatMap((b) => b.elements ?? []);
}

const buttonValue = (call: SlackCall, actionId: string) =>
  JSON.parse(elements(call.args).find((e) => e.action_id === actionId)?.value ?? "null");

/** The form's values as Slack sends them: `rows` filled in, the rest left empty. */
function filled(rows: Array<{ name?: string; owner?: string; title?: string; date?: string }>) {
  const values: Record<string, Record<string, unknown>> = {};
  for (let n = 1; n <= 4; n++) {
    const row = rows[n - 1] ?? {};
    values[`name${n}`] = { type: "plain_text_input", value: row.name ?? null };
    values[`owner${n}`] = { type: "users_select", selected_user: row.owner ?? null };
    values[`title${n}`] = { type: "plain_text_input", value: row.title ?? null };
    values[`date${n}`] = { type: "datepicker", selected_date: row.date ?? null };
  }
  return values;
}

async function openedForm(h: Harness): Promise<View> {
  const view = (await h.fakeSlack.waitFor("views.open")).args.view as View;
  expect(view.callback_id).toBe("bet_plan_modal");
  return view;
}

/** Submits the form as `user`; the draft it proposes, as posted back to the message it came from. */
async function propose(h: Harness, view: View, rows: Parameters<typeof filled>[0]) {
  const res = await h.bot.slack.submitView(view.callback_id, view.private_metadata, filled(rows), "U4");
  expect(res.json).toBeUndefined();
  return h.fakeSlack.waitFor("response_url", (c) => textOf(c.args).includes("to confirm"));
}

describe("without a key: the form", () => {
  const h = useBot();
  beforeAll(async () => {
    h.fakeSlack.users.set("UBOT", { id: "UBOT", name: "deploybot", tz: "UTC", is_bot: true });
    await seatTheCeo(h);
  });

  test("/coo plan on a bet with no workstreams opens the form; a submitted form is proposed and nothing is recorded until Confirm", async () => {
    const g = await newBet(h, "launch in Germany");
    expect(await say(h, "U4", `plan G${g}`)).toBe(`I opened a form for the plan of G${g}.`);
    const view = await openedForm(h);
    const draft = await propose(h, view, [
      { name: "checkout", owner: "U1", title: "payment provider signed", date: "2026-12-11" },
      { name: "Localisation", owner: "U2", title: "German copy reviewed", date: "2026-12-18" },
    ]);
    const text = textOf(draft.args);
    expect(text).toContain(`Plan for G${g}: 2 workstreams to confirm`);
    expect(text).toContain("*#checkout* · <@U1>, 0 open commitments due in the next four weeks");
    expect(text).toContain("First milestone: payment provider signed, due <!date^");
    expect(text).toContain("*#localisation* · <@U2>");
    const before = await recordedUnder(h, g);
    expect(before.streams).toEqual([]);
    expect(before.commitments).toEqual([]);
    expect(before.drafts.map((d) => d.status)).toEqual(["proposed"]);
    expect(buttonValue(draft, "plan_confirm")).toEqual({ d: before.drafts[0]?.id });
  });

  test("a draft that would put an owner over what they land says so; an owner with room gets no flag", async () => {
    for (let i = 1; i <= 5; i++) await say(h, "U3", `commit review batch ${i} by 2026-12-15`);
    const g = await newBet(h, "enter the Nordics");
    await say(h, "U4", `plan G${g}`);
    const draft = await propose(h, await openedForm(h), [
      { name: "nordics", owner: "U3", title: "distributor shortlist", date: "2026-12-16" },
      { name: "pricing", owner: "U1", title: "Nordic price list", date: "2026-12-16" },
    ]);
    const text = textOf(draft.args);
    expect(text).toContain("<@U3> has 6 due the week of Mon 14 Dec, against a team default of 5 a week.");
    expect(text).not.toContain("<@U1> has");
    // Confirmed, so the bet has a plan (and is not offered one in the tests below).
    await h.bot.slack.press("plan_confirm", buttonValue(draft, "plan_confirm"), { user: "U4" });
    await h.fakeSlack.waitFor("response_url", (c) => c.args.replace_original === true);
    expect((await recordedUnder(h, g)).streams).toEqual(["nordics", "pricing"]);
  });

  test("Confirm records the workstreams under the bet and each first milestone for its owner, and asks each owner once by DM; a second Confirm changes nothing and says so", async () => {
    const g = await newBet(h, "open a Berlin office");
    await say(h, "U4", `plan G${g}`);
    const draft = await propose(h, await openedForm(h), [
      { name: "office", owner: "U1", title: "lease signed", date: "2026-12-11" },
      { name: "hiring", owner: "U2", title: "first two offers out", date: "2026-12-16" },
      { name: "payroll", owner: "U2", title: "German payroll provider chosen", date: "2026-12-18" },
    ]);
    await h.bot.slack.press("plan_confirm", buttonValue(draft, "plan_confirm"), { user: "U4" });
    const done = await h.fakeSlack.waitFor("response_url", (c) => c.args.replace_original === true);
    expect(String(done.args.text)).toMatch(
      new RegExp(`^Recorded the plan for \\*G${g}\\* open a Berlin office: 3 workstreams`),
    );
    expect(String(done.args.text)).toContain("I asked 2 owners by DM to confirm or re-date their part.");
    const after = await recordedUnder(h, g);
    expect(after.streams).toEqual(["hiring", "office", "payroll"]);
    expect(
      after.commitments.map((c) => [c.workstream?.name, c.ownerId, c.title, c.dueAt.toISOString()]),
    ).toEqual([
      // 17:00 in each owner's zone: New York for U1, Berlin for U2.
      ["office", "U1", "lease signed", "2026-12-11T22:00:00.000Z"],
      ["hiring", "U2", "first two offers out", "2026-12-16T16:00:00.000Z"],
      ["payroll", "U2", "German payroll provider chosen", "2026-12-18T16:00:00.000Z"],
    ]);
    expect(after.commitments.every((c) => c.creatorId === "U4" && c.history[0]?.kind === "created")).toBe(
      true,
    );
    expect(after.drafts.map((d) => [d.status, d.decidedById])).toEqual([["confirmed", "U4"]]);
    const toU2 = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU2");
    expect(textOf(toU2.args)).toContain(`open a Berlin office: <@U4> planned it, and this part is yours`);
    expect(elements(toU2.args).map((e) => e.action_id)).toEqual([
      "commitment_confirm",
      "commitment_slip",
      "commitment_confirm",
      "commitment_slip",
    ]);
    const toU1 = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU1");
    const office = after.commitments[0]?.number;
    expect(buttonValue(toU1, "commitment_confirm")).toEqual({ t: "mine", p: 0, n: office });

    // A second press: refused, and nothing more is recorded or sent.
    await h.bot.slack.press("plan_confirm", buttonValue(draft, "plan_confirm"), { user: "U4" });
    const again = await h.fakeSlack.waitFor(
      "response_url",
      (c) => c !== done && String(c.args.text).includes("already confirmed"),
    );
    expect(String(again.args.text)).toBe(
      `This plan for G${g} was already confirmed by <@U4>; nothing changed. \`/coo plan G${g}\` shows it.`,
    );
    expect((await recordedUnder(h, g)).commitments).toHaveLength(3);
    const asks = await h.bot.coo.deps.db.outboxMessage.count({
      where: { workspaceId: "T1", text: { startsWith: `Your part of G${g}` } },
    });
    expect(asks).toBe(2);

    // The owner confirms their part from the DM, as in weekly planning.
    const dm = await h.bot.coo.deps.db.outboxMessage.findFirstOrThrow({
      where: { userId: "U1", text: { startsWith: `Your part of G${g}` } },
    });
    await h.bot.slack.press(
      "commitment_confirm",
      { t: "mine", p: 0, n: office },
      { user: "U1", message: { ts: dm.sentTs ?? "", channel: dm.sentChannel ?? "", blocks: [] } },
    );
    await h.fakeSlack.waitFor("response_url", (c) =>
      String(c.args.text).startsWith(`Confirmed *C${office}*`),
    );
    const confirmed = (await recordedUnder(h, g)).commitments[0]?.history.map((c) => [c.kind, c.actorId]);
    expect(confirmed).toEqual([
      ["created", "U4"],
      ["confirmed", "U1"],
    ]);
  });

  test("the form's bad input is answered under each field and nothing is written", async () => {
    const other = await newBet(h, "win the agency market");
    await say(h, "U4", `workstream growth owner ${mentionOf("U3")} for G${other}`);
    const g = await newBet(h, "ship the mobile app");
    await say(h, "U4", `plan G${g}`);
    const view = await openedForm(h);
    const res = await h.bot.slack.submitView(
      view.callback_id,
      view.private_metadata,
      filled([
        { name: "mobile app", owner: "UBOT", title: "beta on TestFlight", date: "2026-11-30" },
        { name: "growth", owner: "U2", title: "store listing", date: "2026-12-20" },
        { name: "android", title: "", date: "2026-12-20" },
      ]),
      "U4",
    );
    expect(res.json).toEqual({
      response_action: "errors",
      errors: {
        name1: '"mobile app" is not a workstream name: one word, letters, digits, - or _.',
        owner1: "This person is a bot; work goes to people.",
        date1: "That date has passed. Pick one ahead.",
        name2: `#growth already carries G${other}; pick another name.`,
        owner3: "#android has no owner: every workstream needs one.",
        title3: "Say what the first milestone is.",
      },
    });
    const after = await recordedUnder(h, g);
    expect([after.streams, after.commitments, after.drafts]).toEqual([[], [], []]);
  });

  test("Confirm pressed by someone who is not the CEO, an admin or an executive is refused and nothing is recorded", async () => {
    const g = await newBet(h, "sell to hospitals");
    await say(h, "U4", `plan G${g}`);
    const draft = await propose(h, await openedForm(h), [
      { name: "hospitals", owner: "U3", title: "three pilot hospitals named", date: "2026-12-15" },
    ]);
    await h.bot.slack.press("plan_confirm", buttonValue(draft, "plan_confirm"), { user: "U1" });
    const refusal = await h.fakeSlack.waitFor(
      "response_url",
      (c) => c.args.replace_original === false && c !== draft,
    );
    expect(String(refusal.args.text)).toBe(
      `Planning G${g} is for the CEO (<@U4>), an admin or the CFO or CTO: ask them to run \`/coo plan G${g}\`.`,
    );
    const after = await recordedUnder(h, g);
    expect([after.streams, after.commitments, after.drafts.map((d) => d.status)]).toEqual([
      [],
      [],
      ["proposed"],
    ]);
  });

  test("Cancel records nothing, and Confirm after Cancel changes nothing and says so", async () => {
    const g = await newBet(h, "halve support response times");
    await say(h, "U4", `plan G${g}`);
    const draft = await propose(h, await openedForm(h), [
      { name: "support", owner: "U2", title: "on-call rota live", date: "2026-12-10" },
    ]);
    await h.bot.slack.press("plan_cancel", buttonValue(draft, "plan_cancel"), { user: "U4" });
    const cancelled = await h.fakeSlack.waitFor("response_url", (c) => c.args.replace_original === true);
    expect(String(cancelled.args.text)).toBe(`Cancelled this plan for *G${g}*; nothing was recorded.`);
    await h.bot.slack.press("plan_confirm", buttonValue(draft, "plan_confirm"), { user: "U4" });
    const refused = await h.fakeSlack.waitFor("response_url", (c) =>
      String(c.args.text).includes("was cancelled"),
    );
    expect(String(refused.args.text)).toBe(
      `This plan for G${g} was cancelled by <@U4>; nothing changed. Draft a new one with \`/coo plan G${g}\`.`,
    );
    const after = await recordedUnder(h, g);
    expect([after.streams, after.commitments, after.drafts.map((d) => d.status)]).toEqual([
      [],
      [],
      ["cancelled"],
    ]);
  });

  test("Draft a plan shows under a new bet and under unplanned bets in /coo bets, and opens the same form", async () => {
    const made = await h.bot.slack.command("bet certify ISO 27001 by 2027-03-31", { user: "U4" });
    const g = Number(/G(\d+)/.exec(textOf(made.json))?.[1]);
    const [draft] = elements(made.json);
    expect([draft?.action_id, JSON.parse(draft?.value ?? "null")]).toEqual(["bet_plan_draft:1", { b: g }]);
    const list = await h.bot.slack.command("bets", { user: "U4" });
    const offered = elements(list.json).map((e) => JSON.parse(e.value ?? "null").b);
    expect(offered).toContain(g);
    // Bets that have a plan are not offered one.
    const planned = await db(h).bet.findMany({ where: { workspaceId: "T1", workstreams: { some: {} } } });
    expect(planned.length).toBeGreaterThan(0);
    expect(offered.filter((b) => planned.some((p) => p.number === b))).toEqual([]);
    await h.bot.slack.press(draft?.action_id ?? "", { b: g }, { user: "U4" });
    const view = await openedForm(h);
    expect(JSON.parse(view.private_metadata)).toMatchObject({ b: g });
  });
});

describe("with Claude", () => {
  // A 400 ms timeout keeps the timeout case quick; production uses 8 s.
  const h = useBot({ anthropic: true, llmTimeoutMs: 400 });
  beforeAll(async () => {
    await seatTheCeo(h);
    await say(h, "U2", "commit ship the pricing page by Friday");
  });

  test("a good draft is proposed with each owner's load; Claude was given the bet, the members and their load", async () => {
    const g = await newBet(h, "launch in Germany");
    h.fakeAnthropic?.answer({
      json: {
        workstreams: [
          { name: "emea-sales", owner_user_id: "U3", first_milestone: "ten German leads", due: "2026-12-18" },
          {
            name: "localisation",
            owner_user_id: "U2",
            first_milestone: "German site live",
            due: "2027-01-15",
          },
        ],
      },
    });
    const reply = await h.bot.slack.command(`plan G${g}`, { user: "U4" });
    const text = await replyTo(h, reply);
    expect(headline(text)).toBe(`Plan for G${g}: 2 workstreams to confirm`);
    const messages = (h.fakeAnthropic?.requests.at(-1)?.body.messages ?? []) as Array<{ content: string }>;
    const asked = messages[0];
    const given = JSON.parse(/<slack_text>([\s\S]*)<\/slack_text>/.exec(asked?.content ?? "")?.[1] ?? "{}");
    expect(given.bet).toEqual({ number: g, title: "launch in Germany", targetDate: "2027-03-31" });
    expect(given.members).toContainEqual({ userId: "U2", name: "bob", openNextFourWeeks: 1 });
    expect(given.members).toContainEqual({ userId: "U3", name: "cara", openNextFourWeeks: 0 });
    const after = await recordedUnder(h, g);
    expect([after.streams, after.commitments, after.drafts.map((d) => d.status)]).toEqual([
      [],
      [],
      ["proposed"],
    ]);
    const message = reply.json ?? (await h.fakeSlack.waitFor("response_url")).args;
    expect(textOf(message)).toContain(
      "*#localisation* · <@U2>, 1 open commitment due in the next four weeks",
    );
  });

  test("a draft that names someone who is not a member, or leaves a workstream without an owner, is refused with what was wrong; nothing is written and the form is offered", async () => {
    const g = await newBet(h, "enter the US market");
    h.fakeAnthropic?.answer({
      json: {
        workstreams: [
          {
            name: "us-sales",
            owner_user_id: "U999",
            first_milestone: "first US customer",
            due: "2027-01-29",
          },
          { name: "us-legal", owner_user_id: null, first_milestone: "Delaware entity", due: "2027-01-08" },
          { name: "us-ops", owner_user_id: "U1", first_milestone: "payroll", due: "2026-11-01" },
        ],
      },
    });
    const res = await h.bot.slack.command(`plan G${g}`, { user: "U4" });
    const text = await replyTo(h, res);
    expect(headline(text)).toBe(
      `Claude's draft for G${g} could not be used, so nothing was recorded: <@U999> is not a member of this workspace. #us-legal has no owner: every workstream needs one. That date has passed. Pick one ahead.`,
    );
    const message = res.json ?? (await h.fakeSlack.waitFor("response_url")).args;
    expect(
      ((message as { blocks: Array<{ elements?: Element[] }> }).blocks ?? [])
        .flatMap((b) => b.elements ?? [])
        .map((e) => e.action_id),
    ).toContain("bet_plan_form");
    const after = await recordedUnder(h, g);
    expect([after.streams, after.commitments, after.drafts]).toEqual([[], [], []]);
  });

  test("when Claude errors, times out or answers nonsense, the form is offered instead and nothing is written", async () => {
    const g = await newBet(h, "cut churn in half");
    const cases: Array<[string, Behaviour[]]> = [
      ["Claude did not answer", [{ status: 500 }, { status: 500 }]],
      [
        "Claude took too long",
        [
          { delayMs: 2000, after: { json: { workstreams: [] } } },
          { delayMs: 2000, after: { json: { workstreams: [] } } },
        ],
      ],
      ["Claude's answer did not make sense", [{ text: "Here is a great plan: hire more people!" }]],
      ["Claude's answer did not make sense", [{ json: { plan: "hire more people", owners: "everyone" } }]],
    ];
    for (const [why, answers] of cases) {
      h.fakeAnthropic?.answer(...answers);
      const text = await replyTo(h, await h.bot.slack.command(`plan G${g}`, { user: "U4" }));
      expect(headline(text)).toBe(
        `I couldn't draft a plan for G${g} (${why}), so nothing was recorded. Fill it in yourself:`,
      );
    }
    await h.bot.slack.press("bet_plan_form", { b: g }, { user: "U4" });
    const view = (await h.fakeSlack.waitFor("views.open")).args.view as View;
    expect(view.callback_id).toBe("bet_plan_modal");
    const after = await recordedUnder(h, g);
    expect([after.streams, after.commitments, after.drafts]).toEqual([[], [], []]);
  });
});

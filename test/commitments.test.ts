import { expect, test } from "vitest";
import { days } from "./kit/coo.js";
import { mentionOf, replyTo, useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";

const h = useBot();
const db = () => h.bot.coo.deps.db;
const as = (user: string, text: string, team = "T1") => h.bot.slack.command(text, { user, team });
const say = async (user: string, text: string, team = "T1") => replyTo(h, await as(user, text, team));
const commitment = (number: number, workspaceId = "T1") =>
  db().commitment.findUnique({
    where: { workspaceId_number: { workspaceId, number } },
    include: { history: true },
  });
const count = () => db().commitment.count();

test("/coo commit records a commitment due at the end of Friday in the owner's own time zone", async () => {
  const before = await count();
  const text = await say("U1", "commit ship the pricing page by Friday");
  expect(text).toMatch(
    /^Recorded \*C\d+\* ship the pricing page for you, due Fri 4 Dec 17:00 \(America\/New_York\)/,
  );
  const number = Number(/C(\d+)/.exec(text)?.[1]);
  const row = await commitment(number);
  expect(row).toMatchObject({
    title: "ship the pricing page",
    ownerId: "U1",
    creatorId: "U1",
    status: "open",
    channelId: "C1",
  });
  expect(row?.dueAt.toISOString()).toBe("2026-12-04T22:00:00.000Z");
  expect(row?.originalDueAt.toISOString()).toBe("2026-12-04T22:00:00.000Z");
  expect(row?.history.map((c) => c.kind)).toEqual(["created"]);
  expect(await count()).toBe(before + 1);
});

test("for @owner (escaped as <@U2|bob>) reads the date in the owner's zone and tells the owner by DM", async () => {
  const text = await say("U1", `commit review the contract by tomorrow 5pm for ${mentionOf("U2", "bob")}`);
  expect(text).toContain(`for <@U2>, due Thu 3 Dec 17:00 (Europe/Berlin)`);
  const number = Number(/C(\d+)/.exec(text)?.[1]);
  expect((await commitment(number))?.dueAt.toISOString()).toBe("2026-12-03T16:00:00.000Z");
  const dm = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU2");
  expect(String(dm.args.text)).toContain(`<@U1> recorded *C${number}* for you: review the contract`);
});

test("dates in several forms all work: an ISO date, 'in 3 days', a plain <@U2> mention before the date", async () => {
  for (const [typed, expected] of [
    ["commit draft launch plan by 2026-12-09", "2026-12-09T22:00:00.000Z"],
    ["commit tidy backlog by in 3 days", "2026-12-05T22:00:00.000Z"],
    [`commit send invoices for ${mentionOf("U2")} by monday 9am`, "2026-12-07T08:00:00.000Z"],
  ] as const) {
    const number = Number(/C(\d+)/.exec(await say("U1", typed))?.[1]);
    expect((await commitment(number))?.dueAt.toISOString()).toBe(expected);
  }
});

test("'by' inside the title is kept: only the last 'by ...' that reads as a date is the due date", async () => {
  const text = await say("U1", "commit write the guide by hand by Friday");
  expect(text).toContain("write the guide by hand for you");
});

test("bad commit input is refused with an example that works, and nothing is written", async () => {
  const before = await count();
  const cases: Array<[string, RegExp]> = [
    ["commit", /Say what, and by when: `\/coo commit ship the pricing page by Friday for @dana`/],
    ["commit ship it", /When is it due\? Add `by <when>`/],
    ["commit ship it by someday", /can't read "someday" as a date\. Try `Friday`, `tomorrow 5pm`/],
    ["commit ship it by yesterday", /"yesterday" is in the past/],
    ["commit ship it by 2026-01-05", /"2026-01-05" is in the past/],
    ["commit  by Friday", /Say what will be delivered/],
    [`commit ${"x".repeat(301)} by Friday`, /under 300 characters/],
    ["commit ship it by Friday #nosuchstream", /There is no workstream #nosuchstream/],
  ];
  for (const [typed, expected] of cases) {
    h.fakeSlack.reset();
    expect(await say("U1", typed)).toMatch(expected);
  }
  expect(await count()).toBe(before);
});

test("text over 2,000 characters is refused before anything is read", async () => {
  const before = await count();
  expect(await say("U1", `commit ${"y".repeat(2000)} by Friday`)).toMatch(/at most 2000/);
  expect(await count()).toBe(before);
});

test("/coo done marks it done once; a second done is refused and the history has one entry", async () => {
  const number = Number(/C(\d+)/.exec(await say("U1", "commit fix login bug by Friday"))?.[1]);
  expect(await say("U1", `done C${number}`)).toMatch(
    new RegExp(`\\*C${number}\\* fix login bug is done, on time`),
  );
  h.fakeSlack.reset();
  expect(await say("U1", `done #${number}`)).toMatch(new RegExp(`C${number} is already done`));
  const row = await commitment(number);
  expect(row?.status).toBe("done");
  expect(row?.history.filter((c) => c.kind === "done")).toHaveLength(1);
});

test("unknown and malformed ids are refused and change nothing", async () => {
  const mine = await db().commitment.count({ where: { workspaceId: "T1" } });
  for (const [typed, expected] of [
    [`done C${mine + 50}`, /There is no commitment C\d+ here/],
    ["done banana", /"banana" is not a commitment id/],
    ["done B3", /"B3" is not a commitment id/],
    ["done", /Which commitment\?/],
  ] as const) {
    h.fakeSlack.reset();
    expect(await say("U1", typed)).toMatch(expected);
  }
  expect(await db().commitment.count({ where: { workspaceId: "T1" } })).toBe(mine);
});

test("with one bot token, a payload naming another workspace is refused and writes nothing", async () => {
  const res = await as("U5", "commit other team work by Friday", "T2");
  expect(res.status).toBe(200);
  expect(res.json).toBeUndefined();
  expect(await db().commitment.count({ where: { workspaceId: "T2" } })).toBe(0);
  expect(h.bot.logs.some((l) => l.msg === "request for another workspace refused" && l.team === "T2")).toBe(
    true,
  );
});

test("only the owner, the creator, an admin or a seated human may change a commitment", async () => {
  const number = Number(
    /C(\d+)/.exec(await say("U1", `commit migrate billing by Friday for ${mentionOf("U2")}`))?.[1],
  );
  h.fakeSlack.reset();
  expect(await say("U3", `done C${number}`)).toMatch(
    /Only <@U2> \(the owner\), <@U1> \(who recorded it\), a workspace admin or the CEO, CFO or CTO can change/,
  );
  expect((await commitment(number))?.status).toBe("open");
  // The creator may re-date it, the admin may close it.
  expect(await say("U1", `slip C${number} to 2026-12-10 because vendor delay`)).toMatch(/moved from/);
  expect(await say("U9", `done C${number}`)).toMatch(/is done/);
  // A seated human (the CEO) may change anyone's.
  const second = Number(/C(\d+)/.exec(await say("U2", "commit write the runbook by Friday"))?.[1]);
  await db().person.update({
    where: { workspaceId_slackUserId: { workspaceId: "T1", slackUserId: "U3" } },
    data: { seat: "ceo" },
  });
  try {
    expect(await say("U3", `drop C${second} because not needed this quarter`)).toMatch(/Dropped/);
  } finally {
    await db().person.update({
      where: { workspaceId_slackUserId: { workspaceId: "T1", slackUserId: "U3" } },
      data: { seat: null },
    });
  }
});

test("/coo slip keeps the old date and the reason in the history; the original date stays for on-time", async () => {
  const number = Number(/C(\d+)/.exec(await say("U1", "commit load test by Friday"))?.[1]);
  const text = await say("U1", `slip C${number} to next tuesday because the vendor is late`);
  expect(text).toContain(
    "moved from Fri 4 Dec 17:00 (America/New_York) to Tue 8 Dec 17:00 (America/New_York) because the vendor is late",
  );
  const row = await commitment(number);
  expect(row?.dueAt.toISOString()).toBe("2026-12-08T22:00:00.000Z");
  expect(row?.originalDueAt.toISOString()).toBe("2026-12-04T22:00:00.000Z");
  const slip = row?.history.find((c) => c.kind === "redated");
  expect(slip).toMatchObject({ actorId: "U1", reason: "the vendor is late" });
  expect(slip?.fromDueAt?.toISOString()).toBe("2026-12-04T22:00:00.000Z");
  expect(slip?.toDueAt?.toISOString()).toBe("2026-12-08T22:00:00.000Z");
});

test("a slip to the past, to the same date or without a date is refused and changes nothing", async () => {
  const number = Number(/C(\d+)/.exec(await say("U1", "commit polish docs by Friday"))?.[1]);
  for (const [typed, expected] of [
    [`slip C${number} to yesterday`, /is in the past/],
    [`slip C${number} to Friday`, /already due then/],
    [`slip C${number}`, /Which commitment, and to when\?/],
    [`slip C${number} to whenever`, /can't read "whenever" as a date/],
  ] as const) {
    h.fakeSlack.reset();
    expect(await say("U1", typed)).toMatch(expected);
  }
  const row = await commitment(number);
  expect(row?.dueAt.toISOString()).toBe("2026-12-04T22:00:00.000Z");
  expect(row?.history).toHaveLength(1);
});

test("/coo drop and /coo reassign record who, what and why", async () => {
  const a = Number(/C(\d+)/.exec(await say("U1", "commit old idea by Friday"))?.[1]);
  expect(await say("U1", `drop C${a} because the customer cancelled`)).toContain(
    "because the customer cancelled",
  );
  expect((await commitment(a))?.history.at(-1)).toMatchObject({
    kind: "dropped",
    reason: "the customer cancelled",
  });
  h.fakeSlack.reset();
  expect(await say("U1", `done C${a}`)).toMatch(/was dropped/);

  const b = Number(/C(\d+)/.exec(await say("U1", "commit hand over on-call by Friday"))?.[1]);
  expect(await say("U1", `reassign C${b} to ${mentionOf("U2", "bob")} because I am on leave`)).toContain(
    "now belongs to <@U2>",
  );
  const row = await commitment(b);
  expect(row?.ownerId).toBe("U2");
  expect(row?.history.at(-1)).toMatchObject({
    kind: "reassigned",
    fromOwnerId: "U1",
    toOwnerId: "U2",
    reason: "I am on leave",
  });
  await h.fakeSlack.waitFor(
    "chat.postMessage",
    (c) => c.args.channel === "DU2" && String(c.args.text).includes(`C${b}`),
  );
});

test("/coo commitments lists open ones soonest first, marks overdue, and filters by person, workstream or all", async () => {
  expect(await say("U3", "workstream growth")).toMatch(/Created #growth, owned by <@U3>/);
  const late = Number(/C(\d+)/.exec(await say("U3", "commit growth report by Thursday #growth"))?.[1]);
  const soon = Number(/C(\d+)/.exec(await say("U3", "commit growth deck by Friday #growth"))?.[1]);
  const later = Number(/C(\d+)/.exec(await say("U3", "commit growth plan by 2026-12-20"))?.[1]);
  h.clock.advance(days(1.5)); // Thursday evening: the Thursday one is overdue.

  const mine = await as("U3", "commitments");
  const text = (mine.json as { blocks: Array<{ text?: { text: string } }> }).blocks
    .map((b) => b.text?.text ?? "")
    .join("\n");
  const order = [late, soon, later].map((n) => text.indexOf(`*C${n}*`));
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((x, y) => x - y)).toEqual(order);
  expect(text).toMatch(new RegExp(`\\*C${late}\\*[^\\n]*\\n[^\\n]*:warning: \\*overdue\\*`));
  expect(text).not.toMatch(new RegExp(`\\*C${soon}\\*[^\\n]*\\n[^\\n]*overdue`));

  const stream = await say("U1", "commitments #growth");
  expect(stream).toContain(`*C${late}*`);
  expect(stream).not.toContain(`*C${later}*`);
  expect(await say("U1", `commitments ${mentionOf("U3", "cara")}`)).toContain(`*C${later}*`);
  expect(await say("U1", "commitments all")).toMatch(/\*All open commitments\* \(\d+\)/);
  h.fakeSlack.reset();
  expect(await say("U1", "commitments everything please")).toMatch(/for a person, a workstream or everyone/);
});

test("long lists are paginated ten at a time with a Next button", async () => {
  for (let i = 0; i < 12; i++)
    await as("U9", `commit task ${i} by 2026-12-${String(10 + i).padStart(2, "0")}`);
  const res = await as("U9", "commitments");
  const reply = res.json as {
    blocks: Array<{ type: string; elements?: Array<{ action_id?: string; value?: string }> }>;
  };
  const buttons = reply.blocks.flatMap((b) => b.elements ?? []);
  expect(buttons.filter((e) => e.action_id === "commitment_done")).toHaveLength(10);
  expect(textOf(reply)).toContain("Showing 1–10 of 12");
  const next = buttons.find((e) => e.action_id === "commitments_page:next");
  expect(JSON.parse(next?.value ?? "{}")).toEqual({ t: "mine", p: 10 });
});

test("/coo status shows open work, the on-time rate against the first promised date, and blockers", async () => {
  const on = Number(/C(\d+)/.exec(await say("U4", "commit ship A by Friday"))?.[1]);
  const slipped = Number(/C(\d+)/.exec(await say("U4", "commit ship B by Thursday"))?.[1]);
  await say("U4", "commit ship C by 2026-12-20");
  await say("U4", `slip C${slipped} to 2026-12-09 because scope grew`);
  await say("U4", `done C${on}`);
  h.clock.advance(days(7)); // past the first date of B
  await say("U4", `done C${slipped}`);
  await say("U1", `blocker waiting for the staging db waiting on ${mentionOf("U4")}`);
  const text = await say("U1", `status ${mentionOf("U4", "bob")}`);
  expect(text).toMatch(/on time 50% \(1 of 2 done in the last 90 days by the first date promised\)/);
  expect(text).toMatch(/1 slipped/);
  expect(text).toContain("ship C");
  expect(text).toContain("waiting for the staging db");
  h.fakeSlack.reset();
  expect(await say("U1", "status everyone")).toMatch(/Whose status\?/);
});

test("/coo workstream creates one with an owner; only its owner, an admin or a seat may hand it over", async () => {
  expect(await say("U1", `workstream payments owner ${mentionOf("U2", "bob")}`)).toMatch(
    /Created #payments, owned by <@U2>/,
  );
  h.fakeSlack.reset();
  expect(await say("U3", `workstream payments owner ${mentionOf("U3")}`)).toMatch(
    /#payments belongs to <@U2>/,
  );
  expect(await say("U2", `workstream #payments ${mentionOf("U1")}`)).toMatch(
    /#payments is now owned by <@U1> \(was <@U2>\)/,
  );
  h.fakeSlack.reset();
  expect(await say("U1", "workstream two words")).toMatch(/Name it in one word/);
  await say("U1", "commit settle invoices by Friday #payments");
  expect(await say("U3", "workstreams")).toMatch(/\*#payments\* owned by <@U1>: 1 open/);
  const row = await db().workstream.findUnique({
    where: { workspaceId_name: { workspaceId: "T1", name: "payments" } },
  });
  expect(row?.ownerId).toBe("U1");
});

test("'by Friday' typed on a Friday afternoon is due today at 17:00, not next week", async () => {
  h.clock.set("2026-12-04T21:30:00Z"); // Fri 16:30 in New York
  const text = await say("U1", "commit send the deck by Friday");
  expect(text).toMatch(/due Fri 4 Dec 17:00 \(America\/New_York\)/);
});

test("a due date on the owner's weekend is recorded, named, and the next working day suggested", async () => {
  h.clock.set("2026-12-04T15:00:00Z"); // Fri 10:00 in New York
  const text = await say("U1", "commit publish the post by tomorrow 5pm");
  const number = Number(/C(\d+)/.exec(text)?.[1]);
  expect(text).toMatch(/due Sat 5 Dec 17:00 \(America\/New_York\)/);
  expect(text).toContain(
    `That's a Saturday. If you meant the next working day: \`/coo slip C${number} to Mon 7 Dec 17:00\``,
  );
  expect((await commitment(number))?.dueAt.toISOString()).toBe("2026-12-05T22:00:00.000Z");
  // The suggestion works as typed.
  expect(await say("U1", `slip C${number} to Mon 7 Dec 17:00`)).toMatch(/to Mon 7 Dec 17:00/);
  // A weekday date says nothing of the kind; a slip onto a Sunday does.
  expect(await say("U1", "commit write the notes by Monday")).not.toContain("That's a");
  expect(await say("U1", `slip C${number} to Sunday`)).toContain("That's a Sunday.");
});

test("a list of one says so: 1 open commitment", async () => {
  h.fakeSlack.users.set("U7", { id: "U7", name: "gus", tz: "UTC" });
  await say("U7", "commit water the plants by Friday");
  const reply = (await as("U7", "commitments")).json as { text: string };
  expect(reply.text).toBe("1 open commitment");
});

test("/coo history tells a commitment's changes in words, dated in the reader's own zone, never as raw timestamps", async () => {
  h.clock.set("2026-12-02T15:00:00Z"); // Wed 10:00 in New York, 16:00 in Berlin
  const n = Number(/C(\d+)/.exec(await say("U1", "commit publish the launch post by Friday"))?.[1]);
  h.clock.set("2026-12-03T14:30:00Z");
  await say("U1", `slip C${n} to 2026-12-07 because the legal review moved to Monday`);
  h.clock.set("2026-12-03T15:00:00Z");
  await say("U1", `reassign C${n} to ${mentionOf("U3")} because cara owns launches`);
  const text = await say("U2", `history C${n}`);
  expect(text).toContain(`*C${n}* publish the launch post`);
  expect(text).toContain("Times in Europe/Berlin");
  expect(text).toContain("Wed 2 Dec 16:00 · <@U1> recorded it, due Fri 4 Dec 23:00");
  expect(text).toContain(
    'Thu 3 Dec 15:30 · <@U1> re-dated it from Fri 4 Dec 23:00 to Mon 7 Dec 23:00 because "the legal review moved to Monday"',
  );
  expect(text).toContain(
    'Thu 3 Dec 16:00 · <@U1> handed it from <@U1> to <@U3> because "cara owns launches"',
  );
  expect(text).not.toMatch(/\d{4}-\d\d-\d\dT/);
  expect(await say("U2", "history")).toMatch(
    /Which commitment\? `\/coo history <id> \| @person \[since <when>\]`/,
  );
  expect(await say("U2", "history C99999")).toMatch(/There is no commitment C99999 here/);
});

test("a long history shows the latest twenty changes and says how many there are", async () => {
  h.clock.set("2026-12-02T15:00:00Z");
  const n = Number(/C(\d+)/.exec(await say("U1", "commit settle the date by 2027-01-04"))?.[1]);
  for (let i = 0; i < 22; i++) await say("U1", `slip C${n} to 2027-01-${String(5 + i).padStart(2, "0")}`);
  const reply = (await as("U1", `history C${n}`)).json as { text: string; blocks: unknown[] };
  expect(reply.text).toBe(`History of C${n}: 23 changes`);
  expect(textOf(reply)).toContain("the latest 20 of 23 changes");
  expect(reply.blocks).toHaveLength(22);
  expect(textOf(reply)).toContain("re-dated it from Mon 25 Jan 2027 17:00 to Tue 26 Jan 2027 17:00");
});

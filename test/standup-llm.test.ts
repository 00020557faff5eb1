import { beforeAll, expect, test } from "vitest";
import { scheduleCadence, settle, threadReply } from "./kit/cadence.js";
import { replyTo, useBot } from "./kit/harness.js";

const h = useBot({ anthropic: true });
const db = () => h.bot.coo.deps.db;
let rootTs = "";
let ts = 1796200000;

beforeAll(async () => {
  h.fakeSlack.channel("C30", { members: ["U1", "U2"] });
  const cadence = await scheduleCadence(h, "standup 09:30 weekdays tz America/New_York", "C30");
  h.clock.set(new Date("2026-12-03T14:30:00Z"));
  await h.bot.coo.cadence.taskFor(cadence.id)?.execute();
  rootTs = (await db().cadenceRun.findFirstOrThrow({ where: { cadenceId: cadence.id } })).rootTs ?? "";
});

async function answer(text: string) {
  const messageTs = `${ts++}.000100`;
  await threadReply(h, { channel: "C30", threadTs: rootTs, user: "U1", text, ts: messageTs });
  // The answer row gets its permalink once the extraction is done (after any LLM retries).
  for (let i = 0; i < 100; i++) {
    const row = await db().standupAnswer.findFirst({ where: { messageTs, permalink: { not: null } } });
    if (row) return row;
    await settle(50);
  }
  throw new Error("the answer was never processed");
}

test("with a key, Claude reads the answer; its dates still go through our parser", async () => {
  h.clock.set(new Date("2026-12-03T15:00:00Z"));
  h.fakeAnthropic?.answer({
    json: {
      commitments: [
        { title: "Finish the onboarding emails", due: "Friday" },
        { title: "Something already late", due: "yesterday" },
      ],
      blockers: [{ text: "Need sign-off on the copy", waiting_on_user_id: "U2", waiting_on_other: null }],
    },
  });
  const row = await answer(
    "Going to wrap the onboarding emails before the weekend, Friday at the latest. Need <@U2> to sign off the copy.",
  );
  expect(row.commitmentNumbers).toHaveLength(1);
  expect(row.blockerNumbers).toHaveLength(1);
  const c = await db().commitment.findFirstOrThrow({
    where: { workspaceId: "T1", number: row.commitmentNumbers[0] },
  });
  expect(c.title).toBe("Finish the onboarding emails");
  expect(c.dueAt.toISOString()).toBe("2026-12-04T22:00:00.000Z");
  const b = await db().blocker.findFirstOrThrow({
    where: { workspaceId: "T1", number: row.blockerNumbers[0] },
  });
  expect(b).toMatchObject({ waitingOnId: "U2", reporterId: "U1" });
  const request = h.fakeAnthropic?.requests.at(-1);
  expect(JSON.stringify(request?.body.messages)).toContain("Need <@U2> to sign off the copy");
});

test("a user id Claude names that the text does not mention is dropped, not trusted", async () => {
  h.fakeAnthropic?.answer({
    json: {
      commitments: [],
      blockers: [{ text: "blocked on access", waiting_on_user_id: "U999", waiting_on_other: null }],
    },
  });
  const row = await answer("blocked on access to the billing dashboard");
  const b = await db().blocker.findFirstOrThrow({
    where: { workspaceId: "T1", number: row.blockerNumbers[0] },
  });
  expect(b.waitingOnId).toBeNull();
});

test("when the API fails or answers nonsense, the rules read the answer instead", async () => {
  h.fakeAnthropic?.answer({ status: 500 }, { status: 500 });
  const failed = await answer("Today: write the FAQ by Friday\nBlockers: none");
  expect(failed.commitmentNumbers).toHaveLength(1);
  h.fakeAnthropic?.answer({ text: "I think they will write tests by Friday!" });
  const nonsense = await answer("Today: write tests by Friday\nBlockers: waiting on <@U2>");
  expect(nonsense.commitmentNumbers).toHaveLength(1);
  expect(nonsense.blockerNumbers).toHaveLength(1);
  expect(h.bot.logs.some((l) => l.msg === "llm call failed; using rules")).toBe(true);
});

test("a promise Claude reads that names work already on the owner's ledger, due the same day, is linked, not added twice", async () => {
  h.clock.set(new Date("2026-12-03T16:00:00Z"));
  await replyTo(
    h,
    await h.bot.slack.command("commit vendor contract review by tomorrow 5pm", { user: "U1" }),
  );
  const existing = await db().commitment.findFirstOrThrow({ where: { title: "vendor contract review" } });
  const before = await db().commitment.count({ where: { ownerId: "U1" } });
  h.fakeAnthropic?.answer({
    json: {
      commitments: [{ title: "Review the vendor contracts", due: "tomorrow 5pm" }],
      blockers: [],
    },
  });
  const row = await answer("Reviewing the vendor's contract, done by tomorrow 5pm.");
  expect(row.commitmentNumbers).toEqual([]);
  expect(await db().commitment.count({ where: { ownerId: "U1" } })).toBe(before);
  expect(await db().commitmentMention.count({ where: { commitmentId: existing.id } })).toBe(1);
});

import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { startTestCoo, TestClock, type TestCoo } from "./coo.js";
import { anyDatabase, type TestDatabase } from "./database.js";
import { FakeAnthropic } from "./fake-anthropic.js";
import { FakeSlack } from "./fake-slack.js";
import { textOf } from "./messages.js";
import type { SlackResponse } from "./slack-client.js";

/** Wednesday 2 December 2026, 15:00 UTC: 10:00 in New York, 16:00 in Berlin. */
export const wednesday = new Date("2026-12-02T15:00:00Z");

export type Harness = {
  fakeSlack: FakeSlack;
  fakeAnthropic: FakeAnthropic | undefined;
  bot: TestCoo;
  clock: TestClock;
  db: TestDatabase;
};

/** The people of the harness's workspace. */
export const cast = ["U1", "U2", "U3", "U4", "U9"];

/**
 * One bot per test file on its own database, with a hand-moved clock and a
 * small cast: U1 (New York), U2 and U4 (Berlin), U3 (New York), U9 (an admin),
 * all in #general (C1) with coo. A test that uses another channel declares it
 * (`h.fakeSlack.channel("C20", { members: [...] })`), as a workspace would have it.
 * The clock goes back to Wednesday before every test. A test fails if coo
 * sent Slack a payload Slack would refuse for its shape or size, or used a
 * channel the test never declared.
 */
export function useBot(
  options: { env?: Record<string, string>; anthropic?: boolean; llmTimeoutMs?: number } = {},
): Harness {
  const h = { clock: new TestClock(wednesday) } as Harness;
  beforeAll(async () => {
    h.fakeSlack = await FakeSlack.start();
    h.fakeSlack.users.set("U1", { id: "U1", name: "alice", tz: "America/New_York" });
    h.fakeSlack.users.set("U2", { id: "U2", name: "bob", tz: "Europe/Berlin" });
    h.fakeSlack.users.set("U3", { id: "U3", name: "cara", tz: "America/New_York" });
    h.fakeSlack.users.set("U4", { id: "U4", name: "dan", tz: "Europe/Berlin" });
    h.fakeSlack.users.set("U9", { id: "U9", name: "root", tz: "UTC", is_admin: true });
    h.fakeSlack.channel("C1", { name: "general", members: cast });
    h.db = await anyDatabase();
    if (options.anthropic) h.fakeAnthropic = await FakeAnthropic.start();
    h.bot = await startTestCoo({
      database: h.db.config,
      fakeSlack: h.fakeSlack,
      coo: { clock: h.clock, ...(options.llmTimeoutMs ? { llmTimeoutMs: options.llmTimeoutMs } : {}) },
      ...(options.env ? { env: options.env } : {}),
      ...(h.fakeAnthropic ? { fakeAnthropic: h.fakeAnthropic } : {}),
    });
  });
  afterAll(async () => {
    await h.bot?.stop();
    await h.db?.drop();
    await h.fakeSlack?.stop();
    await h.fakeAnthropic?.stop();
  });
  beforeEach(() => {
    h.clock.set(wednesday);
    h.fakeSlack.reset();
  });
  afterEach(() => {
    assertSlackWouldAccept(h.fakeSlack);
  });
  return h;
}

/** The reply a command acked with, or the refusal posted to its response_url. */
export async function replyTo(h: Harness, res: SlackResponse & { responseId: string }): Promise<string> {
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text}`);
  if (res.json) return textOf(res.json);
  const posted = await h.fakeSlack.waitFor("response_url", (c) => c.args.id === res.responseId);
  return String(posted.args.text);
}

export const mentionOf = (id: string, name?: string) => (name ? `<@${id}|${name}>` : `<@${id}>`);

/** Fails with what Slack would have refused, or which channels a test forgot to declare. */
export function assertSlackWouldAccept(fake: FakeSlack): void {
  const malformed = fake.malformed.splice(0);
  const undeclared = [...fake.undeclared];
  fake.undeclared.clear();
  if (malformed.length > 0) {
    const lines = malformed.map((m) => `${m.method} → ${m.error}: ${m.problems.slice(0, 5).join("; ")}`);
    throw new Error(`Slack would have refused ${malformed.length} payload(s):\n${lines.join("\n")}`);
  }
  if (undeclared.length > 0)
    throw new Error(
      `coo used channel(s) ${undeclared.join(", ")} that the test never declared: h.fakeSlack.channel(id, { members })`,
    );
}

import { afterAll, beforeAll, beforeEach } from "vitest";
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

/**
 * One bot per test file on its own database, with a hand-moved clock and a
 * small cast: U1 (New York), U2 and U4 (Berlin), U3 (New York), U9 (an admin).
 * The clock goes back to Wednesday before every test.
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

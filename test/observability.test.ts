import { beforeAll, expect, test } from "vitest";
import { enqueue } from "../src/jobs/outbox.js";
import { useBot } from "./kit/harness.js";

const h = useBot();
beforeAll(() => {
  h.fakeSlack.channel("C300", { members: ["U1"] });
});

test("/metrics reports requests, ack latency, outbox depth, runs, pings and LLM calls in Prometheus format", async () => {
  await h.bot.slack.command("help");
  await h.bot.slack.command("blockers");
  const res = await fetch(`${h.bot.baseUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  const text = await res.text();
  expect(text).toMatch(/coo_http_requests_total\{route="POST \/slack\/events",status="200"\} [1-9]/);
  expect(text).toMatch(/coo_slack_ack_seconds_count\{kind="command"\} [1-9]/);
  expect(text).toMatch(/coo_slack_ack_seconds_bucket\{le="0.1",kind="command"\}/);
  expect(text).toContain("coo_outbox_depth 0");
  for (const name of [
    "coo_scheduled_runs_total",
    "coo_pings_sent_total",
    "coo_llm_calls_total",
    "coo_outbox_sent_total",
  ]) {
    expect(text).toContain(`# TYPE ${name}`);
  }
  expect(text).toContain("coo_process_resident_memory_bytes");
});

test("/readyz is 200 when the database and Slack answer, 503 when Slack does not", async () => {
  h.fakeSlack.failNext("auth.test", { ok: false, error: "invalid_auth" });
  const down = await fetch(`${h.bot.baseUrl}/readyz`);
  expect(down.status).toBe(503);
  expect(await down.json()).toEqual({ status: "not_ready", database: "up", slack: "down" });
  const ok = await fetch(`${h.bot.baseUrl}/readyz`);
  expect(ok.status).toBe(200);
  expect(await ok.json()).toEqual({ status: "ready", database: "up", slack: "up" });
});

test("a 5 MB request body is refused with 413 before anything reads it", async () => {
  const body = "x".repeat(5 * 1024 * 1024);
  const res = await h.bot.slack.post(body, "application/x-www-form-urlencoded");
  expect(res.status).toBe(413);
  expect(h.fakeSlack.calls.filter((c) => c.method !== "auth.test")).toEqual([]);
});

test("/metrics counts the 429s Slack answered the outbox with, and what it then sent", async () => {
  await h.bot.slack.command("help");
  h.fakeSlack.failNext("chat.postMessage", { status: 429, retryAfter: 0 }, 2);
  const deps = h.bot.coo.deps;
  const ids = await deps.db.$transaction((tx) =>
    enqueue(tx, [{ workspaceId: "T1", channel: "C300", text: "through two 429s" }]),
  );
  await deps.outbox.deliver(ids);
  const text = await (await fetch(`${h.bot.baseUrl}/metrics`)).text();
  expect(text).toMatch(/^coo_outbox_rate_limited_total 2$/m);
  expect(text).toMatch(/^coo_outbox_sent_total [1-9]/m);
});

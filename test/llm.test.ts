import { afterAll, beforeAll, expect, test } from "vitest";
import { z } from "zod";
import { loadConfig } from "../src/config.js";
import { createLlm, type Llm } from "../src/llm/client.js";
import { createLog } from "../src/log.js";
import { FakeAnthropic } from "./kit/fake-anthropic.js";

const schema = z.object({
  category: z.enum(["mission", "budget", "operations"]),
  confidence: z.number().min(0).max(1),
});
const quiet = createLog({ level: "error", write: () => {} });

let fake: FakeAnthropic;
let llm: Llm;

beforeAll(async () => {
  fake = await FakeAnthropic.start();
  const config = loadConfig({
    SLACK_BOT_TOKEN: "xoxb-1",
    SLACK_SIGNING_SECRET: "s",
    ANTHROPIC_API_KEY: "sk-ant-test",
    ANTHROPIC_BASE_URL: fake.url,
  });
  const made = createLlm({
    config: config.anthropic,
    systemPrompt: "You are coo.",
    log: quiet,
    timeoutMs: 300,
  });
  if (!made) throw new Error("expected an LLM client");
  llm = made;
});

afterAll(async () => {
  await fake?.stop();
});

const ask = () =>
  llm.structured({ task: "test", schema, instruction: "Classify.", input: "how much runway?" });

test("without an API key there is no LLM client and features use their rules", () => {
  const config = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" });
  expect(createLlm({ config: config.anthropic, systemPrompt: "x", log: quiet })).toBeUndefined();
});

test("a structured answer is parsed and validated; the persona goes as a cached system block", async () => {
  fake.answer({ json: { category: "budget", confidence: 0.9 } });
  expect(await ask()).toEqual({ ok: true, value: { category: "budget", confidence: 0.9 } });
  const request = fake.requests.at(-1);
  expect(request?.headers["x-api-key"] ?? request?.headers.authorization).toBeDefined();
  expect(request?.body.system).toEqual([
    { type: "text", text: "You are coo.", cache_control: { type: "ephemeral" } },
  ]);
  expect(request?.body.model).toBe("claude-haiku-5-5");
  expect(JSON.stringify(request?.body.messages)).toContain("<slack_text>\\nhow much runway?\\n</slack_text>");
  expect((request?.body.output_config as { format?: { type: string } } | undefined)?.format?.type).toBe(
    "json_schema",
  );
});

test("an API error comes back as a failure, not an exception", async () => {
  fake.answer({ status: 500 }, { status: 500 });
  expect(await ask()).toEqual({ ok: false, reason: "error" });
});

test("a slow API comes back as a timeout", async () => {
  fake.answer(
    { delayMs: 1500, after: { json: { category: "budget", confidence: 1 } } },
    {
      delayMs: 1500,
      after: { json: { category: "budget", confidence: 1 } },
    },
  );
  expect(await ask()).toEqual({ ok: false, reason: "timeout" });
});

test("an answer that is not JSON comes back as unparseable", async () => {
  fake.answer({ text: "Sure! I think it's budget." });
  expect(await ask()).toEqual({ ok: false, reason: "unparseable" });
});

test("JSON outside the allowed set comes back as unparseable", async () => {
  fake.answer({ json: { category: "delete_everything", confidence: 2 } });
  expect(await ask()).toEqual({ ok: false, reason: "unparseable" });
});

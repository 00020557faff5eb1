import type { z } from "zod";
import type { Config } from "../config.js";
import { type Level, type Log, withoutText } from "../log.js";

export type LlmFailure = "error" | "timeout" | "unparseable";
export type LlmResult<T> = { ok: true; value: T } | { ok: false; reason: LlmFailure };

export type Llm = {
  model: string;
  /**
   * One structured answer. The result is validated against `schema`; anything
   * else (API error, timeout, a shape that does not parse) comes back as a
   * failure for the caller to answer with its deterministic rules.
   */
  structured<S extends z.ZodType>(request: {
    task: string;
    schema: S;
    instruction: string;
    input: string;
    maxTokens?: number;
  }): Promise<LlmResult<z.infer<S>>>;
};

/** Returns undefined when no API key is configured: every feature then runs on rules alone. */
export function createLlm(options: {
  config: Config["anthropic"];
  systemPrompt: string;
  log: Log;
  /** The SDK's own lines go to `log` from this level up. */
  logLevel?: Level;
  /** Debug lines show the text sent to Claude and its answer (off unless asked for). */
  messageText?: boolean;
  timeoutMs?: number;
  /** Counts calls by task and result. */
  onCall?: (task: string, result: "ok" | LlmFailure) => void;
}): Llm | undefined {
  const { config, systemPrompt, log } = options;
  if (!config) return undefined;
  const timeoutMs = options.timeoutMs ?? 8000;
  // The SDK (about 270 modules) is loaded by the first call, not at start (decision 0034).
  let ready: Promise<{ client: InstanceType<Sdk["Anthropic"]>; sdk: Sdk }> | undefined;
  const connect = () => {
    ready ??= loadSdk().then((sdk) => ({
      sdk,
      client: new sdk.Anthropic({
        apiKey: config.apiKey,
        ...(config.baseUrl ? { baseURL: config.baseUrl } : {}),
        maxRetries: 1,
        timeout: timeoutMs,
        // The SDK logs through ours (redacted, JSON lines), at our level rather than ANTHROPIC_LOG's;
        // at debug its request lines carry the prompt, kept only when message texts are asked for.
        logLevel: options.logLevel ?? "warn",
        logger: sdkLogger(log, options.messageText ?? false),
      }),
    }));
    return ready;
  };
  return {
    model: config.model,
    async structured({ task, schema, instruction, input, maxTokens = 512 }) {
      const started = Date.now();
      let Anthropic: Sdk["Anthropic"] | undefined;
      try {
        const { client, sdk } = await connect();
        Anthropic = sdk.Anthropic;
        const message = await client.messages.parse({
          model: config.model,
          max_tokens: maxTokens,
          // The persona is the same on every call: cache it.
          system: [{ type: "text", text: systemPrompt, cache_control: { type: "ephemeral" } }],
          messages: [{ role: "user", content: `${instruction}\n\n<slack_text>\n${input}\n</slack_text>` }],
          output_config: { format: sdk.zodOutputFormat(schema) },
        });
        const checked = schema.safeParse(message.parsed_output);
        if (!checked.success) {
          options.onCall?.(task, "unparseable");
          log.warn("llm answer did not match the schema", { task, ms: Date.now() - started });
          return { ok: false, reason: "unparseable" };
        }
        log.debug("llm answered", {
          task,
          ms: Date.now() - started,
          cacheRead: message.usage.cache_read_input_tokens ?? 0,
          ...(options.messageText ? { input, answer: checked.data } : {}),
        });
        options.onCall?.(task, "ok");
        return { ok: true, value: checked.data };
      } catch (error) {
        const reason: LlmFailure = !Anthropic
          ? "error"
          : error instanceof Anthropic.APIConnectionTimeoutError
            ? "timeout"
            : error instanceof Anthropic.APIError || error instanceof Anthropic.APIConnectionError
              ? "error"
              : "unparseable";
        options.onCall?.(task, reason);
        log.warn("llm call failed; using rules", {
          task,
          reason,
          ms: Date.now() - started,
          error: String(error),
        });
        return { ok: false, reason };
      }
    },
  };
}

type Sdk = Awaited<ReturnType<typeof loadSdk>>;

async function loadSdk() {
  const [{ default: Anthropic }, { zodOutputFormat }] = await Promise.all([
    import("@anthropic-ai/sdk"),
    import("@anthropic-ai/sdk/helpers/zod"),
  ]);
  return { Anthropic, zodOutputFormat };
}

function sdkLogger(log: Log, messageText: boolean) {
  const line =
    (level: Level) =>
    (message: string, ...details: unknown[]) =>
      log[level](message, {
        source: "anthropic",
        ...(details.length > 0 ? { details: messageText ? details : withoutText(details) } : {}),
      });
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

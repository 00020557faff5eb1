import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** What /metrics reports, in Prometheus text format. */
export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(options: { outboxDepth: () => Promise<number> }) {
  const registry = new Registry();
  const llmCalls = new Counter({
    name: "coo_llm_calls_total",
    help: "Calls to Claude, by task and result (ok, error, timeout, unparseable)",
    labelNames: ["task", "result"] as const,
    registers: [registry],
  });
  const llmTokens = new Histogram({
    name: "coo_llm_tokens_per_call",
    help: "Tokens one call to Claude used, by task and kind (input, output, cache_read, cache_creation)",
    labelNames: ["task", "kind"] as const,
    buckets: [0, 50, 100, 250, 500, 1000, 2000, 4000, 8000, 16000],
    registers: [registry],
  });
  const llmRequests = new Histogram({
    name: "coo_llm_requests_per_call",
    help: "HTTP requests to the Anthropic API one call made (retries and tool turns count), by task",
    labelNames: ["task"] as const,
    buckets: [0, 1, 2, 3, 4, 6],
    registers: [registry],
  });
  const standupCalls = new Histogram({
    name: "coo_llm_calls_per_standup_answer",
    help: "Requests to the Anthropic API made to read one standup answer (0 on rules alone is not counted)",
    buckets: [0, 1, 2, 3, 4],
    registers: [registry],
  });
  collectDefaultMetrics({ register: registry, prefix: "coo_" });
  return {
    registry,
    requests: new Counter({
      name: "coo_http_requests_total",
      help: "HTTP requests served, by route and status",
      labelNames: ["route", "status"] as const,
      registers: [registry],
    }),
    ackSeconds: new Histogram({
      name: "coo_slack_ack_seconds",
      help: "Time from a Slack request arriving to its acknowledgement",
      labelNames: ["kind"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3],
      registers: [registry],
    }),
    shed: new Counter({
      name: "coo_slack_requests_shed_total",
      help: "Slack requests answered busy without being run (too many in flight), by kind",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    connectionsDropped: new Counter({
      name: "coo_http_connections_dropped_total",
      help: "HTTP connections closed on arrival because the server had its maximum open",
      registers: [registry],
    }),
    outboxDepth: new Gauge({
      name: "coo_outbox_depth",
      help: "Messages waiting to be sent to Slack",
      registers: [registry],
      async collect() {
        this.set(await options.outboxDepth());
      },
    }),
    outboxSent: new Counter({
      name: "coo_outbox_sent_total",
      help: "Messages sent to Slack",
      registers: [registry],
    }),
    outboxRateLimited: new Counter({
      name: "coo_outbox_rate_limited_total",
      help: "Posts Slack answered with 429 (each is retried after Retry-After)",
      registers: [registry],
    }),
    outboxFailed: new Counter({
      name: "coo_outbox_failed_total",
      help: "Messages that could not be sent, by Slack error",
      labelNames: ["error"] as const,
      registers: [registry],
    }),
    scheduledRuns: new Counter({
      name: "coo_scheduled_runs_total",
      help: "Cadence runs opened, by kind",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    pings: new Counter({
      name: "coo_pings_sent_total",
      help: "Slip and handoff escalation steps sent",
      registers: [registry],
    }),
    llmCalls,
    llmTokens,
    /** One call to Claude done: counted, with its tokens and requests. */
    llmCall(
      task: string,
      result: string,
      usage: { input: number; output: number; cacheRead: number; cacheCreation: number } | undefined,
      requests: number,
    ): void {
      llmCalls.inc({ task, result });
      llmRequests.observe({ task }, requests);
      if (task === "standup-extract") standupCalls.observe(requests);
      if (!usage) return;
      llmTokens.observe({ task, kind: "input" }, usage.input);
      llmTokens.observe({ task, kind: "output" }, usage.output);
      llmTokens.observe({ task, kind: "cache_read" }, usage.cacheRead);
      llmTokens.observe({ task, kind: "cache_creation" }, usage.cacheCreation);
    },
  };
}

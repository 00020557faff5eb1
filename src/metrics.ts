import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** What /metrics reports, in Prometheus text format. */
export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(options: { outboxDepth: () => Promise<number> }) {
  const registry = new Registry();
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
    llmCalls: new Counter({
      name: "coo_llm_calls_total",
      help: "Calls to Claude, by task and result (ok, error, timeout, unparseable)",
      labelNames: ["task", "result"] as const,
      registers: [registry],
    }),
  };
}

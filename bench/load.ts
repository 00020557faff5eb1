// The load generator, on its own thread so that sending requests does not
// compete with the app under test for its event loop (the app gets a core,
// as it would in production). Requests are signed and shaped by the tests'
// Slack client; they go over a keep-alive agent, which costs the thread less
// than fetch.
//
// In: LoadJob. Out: { latencies: number[] (ms), errors, firstError? }.
// `{i}` in `text` becomes a running number, so every commitment is new.

import { Agent, request } from "node:http";
import { parentPort, workerData } from "node:worker_threads";
import { SlackClient, sign } from "../test/kit/slack-client.js";

export type LoadJob = {
  url: string;
  secret: string;
  team: string;
  user: string;
  channel: string;
  text: string;
  /** An answer counts as an error unless it is HTTP 200 and contains this. */
  expect: string;
  seconds: number;
  concurrency: number;
};

const job = workerData as LoadJob;
const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
const target = new URL("/slack/events", job.url);
const slack = new SlackClient(job.url, job.secret, { team: job.team, user: job.user, channel: job.channel });

function send(body: string): Promise<{ status: number; text: string }> {
  const timestamp = Math.floor(Date.now() / 1000);
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(body),
          "x-slack-request-timestamp": String(timestamp),
          "x-slack-signature": sign(job.secret, timestamp, body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const latencies: number[] = [];
let errors = 0;
let firstError: string | undefined;
let i = 0;
const end = Date.now() + job.seconds * 1000;
await Promise.all(
  Array.from({ length: job.concurrency }, async () => {
    while (Date.now() < end) {
      const body = slack.commandBody(job.text.replace("{i}", String(i++)));
      const start = performance.now();
      try {
        const res = await send(body);
        latencies.push(performance.now() - start);
        if (res.status !== 200 || !res.text.includes(job.expect)) {
          errors++;
          firstError ??= `HTTP ${res.status}: ${res.text.slice(0, 200)}`;
        }
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
    }
  }),
);
agent.destroy();
parentPort?.postMessage({ latencies, errors, firstError });

// The load generator, on its own thread so that sending requests does not
// compete with the app under test for its event loop (the app gets a core,
// as it would in production). Plain JavaScript: a worker needs no loader.
//
// In: { url, secret, team, user, channel, text, expect, seconds, concurrency }.
// Out: { latencies: number[] (ms), errors: number, firstError?: string }.
// `{i}` in `text` becomes a running number, so every commitment is new.

import { createHmac } from "node:crypto";
import { Agent, request } from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const job = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
const target = new URL("/slack/events", job.url);
let counter = 0;

function commandBody(text) {
  counter++;
  return new URLSearchParams({
    token: "legacy",
    team_id: job.team,
    team_domain: "bench",
    channel_id: job.channel,
    channel_name: "bench",
    user_id: job.user,
    user_name: "bench",
    command: "/coo",
    text,
    api_app_id: "A1",
    response_url: `${job.url}/bench-response/${counter}`,
    trigger_id: `TR${counter}`,
  }).toString();
}

function send(body) {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac("sha256", job.secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
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
          "x-slack-signature": signature,
        },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const latencies = [];
let errors = 0;
let firstError;
let i = 0;
const end = Date.now() + job.seconds * 1000;
await Promise.all(
  Array.from({ length: job.concurrency }, async () => {
    while (Date.now() < end) {
      const body = commandBody(job.text.replace("{i}", String(i++)));
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
parentPort.postMessage({ latencies, errors, firstError });

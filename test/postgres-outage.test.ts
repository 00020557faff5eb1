import { expect, test } from "vitest";
import { enqueue } from "../src/slack/outbox.js";
import { startTestCoo } from "./kit/coo.js";
import { postgresAvailable, postgresDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { TcpProxy } from "./kit/tcp-proxy.js";

test.runIf(postgresAvailable())(
  "Postgres restarting under load: the bot reconnects, and nothing it said was recorded is lost",
  async () => {
    const db = await postgresDatabase();
    const proxy = await TcpProxy.start({ port: Number(new URL(db.url ?? "").port || 5432) });
    const fakeSlack = await FakeSlack.start();
    const bot = await startTestCoo({
      database: { kind: "postgres", url: proxy.urlFor(db.url ?? "") },
      fakeSlack,
    });
    try {
      await bot.slack.command("help");
      const replies: string[] = [];
      const load = (async () => {
        for (let i = 0; i < 60; i++) {
          const res = await bot.slack.command(`commit load item ${i} by Friday`);
          replies.push(res.json ? String((res.json as { text: string }).text) : "failed");
          await new Promise((r) => setTimeout(r, 75));
        }
      })();
      await new Promise((r) => setTimeout(r, 200));
      await proxy.restart(1500);
      await load;
      const health = await fetch(`${bot.baseUrl}/healthz`);
      expect(health.status).toBe(200);
      const recorded = replies.filter((r) => r.startsWith("Recorded"));
      expect(recorded.length).toBeGreaterThan(10);
      for (const reply of recorded) {
        const number = Number(/C(\d+)/.exec(reply)?.[1]);
        expect(await bot.coo.deps.db.commitment.count({ where: { workspaceId: "T1", number } })).toBe(1);
      }
      // A message queued after the restart goes out: the outbox reconnects too.
      const ids = await bot.coo.deps.db.$transaction((tx) =>
        enqueue(tx, [{ workspaceId: "T1", channel: "C9", text: "after the restart" }]),
      );
      await bot.coo.deps.outbox.deliver(ids);
      expect(fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === "C9")).toHaveLength(1);
    } finally {
      await bot.stop();
      await proxy.close();
      await fakeSlack.stop();
      await db.drop();
    }
  },
  60_000,
);

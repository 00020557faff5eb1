import pg from "pg";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { startTestCoo } from "./kit/coo.js";
import { pgliteDatabase, postgresAvailable, postgresDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";

let fakeSlack: FakeSlack;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
});

afterAll(async () => {
  await fakeSlack?.stop();
});

async function healthz(baseUrl: string) {
  const res = await fetch(`${baseUrl}/healthz`);
  return { status: res.status, body: await res.json() };
}

test("/healthz answers 200 on the embedded database", async () => {
  const db = await pgliteDatabase();
  const bot = await startTestCoo({ database: db.config, fakeSlack });
  try {
    expect(await healthz(bot.baseUrl)).toEqual({ status: 200, body: { status: "ok", database: "up" } });
  } finally {
    await bot.stop();
    await db.drop();
  }
});

test("/healthz answers 503 once the embedded database is closed", async () => {
  const db = await pgliteDatabase();
  const bot = await startTestCoo({ database: db.config, fakeSlack });
  try {
    await bot.coo.database.close();
    expect(await healthz(bot.baseUrl)).toEqual({
      status: 503,
      body: { status: "unavailable", database: "down" },
    });
  } finally {
    await bot.coo.slack.receiver?.stop();
    await db.drop();
  }
});

test.runIf(postgresAvailable())(
  "/healthz answers 200 on Postgres, and 503 when the database goes away",
  async () => {
    const db = await postgresDatabase();
    const bot = await startTestCoo({ database: db.config, fakeSlack });
    try {
      expect(await healthz(bot.baseUrl)).toEqual({ status: 200, body: { status: "ok", database: "up" } });
      const info = inject("postgres");
      const admin = new pg.Client({ connectionString: info?.adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE "${new URL(db.url ?? "").pathname.slice(1)}" WITH (FORCE)`);
      await admin.end();
      expect(await healthz(bot.baseUrl)).toEqual({
        status: 503,
        body: { status: "unavailable", database: "down" },
      });
    } finally {
      await bot.stop().catch(() => {});
      await db.drop();
    }
  },
);

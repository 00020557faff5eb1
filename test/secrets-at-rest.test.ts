import { afterAll, beforeAll, expect, test } from "vitest";
import { createKeyring, open } from "../src/secrets.js";
import { startTestCoo, type TestCoo } from "./kit/coo.js";
import { anyDatabase, type TestDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { textOf } from "./kit/messages.js";
import { installThroughOAuth, oauthEnv } from "./kit/oauth.js";

// Keys as `openssl rand -base64 32` prints them.
const keyA = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
const keyB = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const keyC = "8J+UkPCflJDwn5SQ8J+UkPCflJDwn5SQ8J+UkPCflJA=";
const idOf = (key: string) => createKeyring(key).current.id;

let fakeSlack: FakeSlack;
let db: TestDatabase;
let bot: TestCoo | undefined;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  db = await anyDatabase();
});

afterAll(async () => {
  await bot?.stop();
  await db?.drop();
  await fakeSlack?.stop();
});

/** (Re)starts coo in OAuth mode on the same database. */
async function restart(key: string, oldKeys: string[] = []): Promise<TestCoo> {
  await bot?.stop();
  bot = await startTestCoo({ database: db.config, fakeSlack, env: oauthEnv(key, oldKeys) });
  return bot;
}

/** The rows exactly as the database holds them. */
async function rawRows(b: TestCoo) {
  return b.coo.deps.db.$queryRaw<Array<{ id: string; botToken: string; data: string }>>`
    SELECT id, "botToken", data::text AS data FROM "Installation" ORDER BY id`;
}

/** What a command was answered with: its ack, or what was posted to its response_url. */
async function answerTo(res: Awaited<ReturnType<TestCoo["slack"]["command"]>>): Promise<string> {
  if (res.json) return textOf(res.json);
  const posted = await fakeSlack.waitFor("response_url", (c) => c.args.id === res.responseId);
  return String(posted.args.text);
}

/** A `/coo commit` from the workspace, with a DM to someone else through the outbox; answered with its token. */
async function servedWithItsToken(b: TestCoo, team: string): Promise<void> {
  fakeSlack.reset();
  for (const id of [`U${team}1`, `U${team}2`]) fakeSlack.users.set(id, { id, team_id: team });
  const reply = await answerTo(
    await b.slack.command(`commit ship the ${team} thing by Friday for <@U${team}2>`, {
      team,
      user: `U${team}1`,
    }),
  );
  expect(reply).toMatch(/Recorded \*C\d+\*/);
  const dm = await fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === `DU${team}2`);
  expect(dm.token).toBe(`xoxb-${team}-token`);
  expect(fakeSlack.callsTo("users.info").every((c) => c.token === `xoxb-${team}-token`)).toBe(true);
}

const logged = (b: TestCoo, msg: string) => b.logs.filter((l) => l.msg === msg);

test("an OAuth install keeps no token in the database in plain text, and the workspace is served with its own", async () => {
  const b = await restart(keyA);
  await installThroughOAuth(b.baseUrl, "TA");
  const [row] = await rawRows(b);
  expect(row?.id).toBe("TA");
  expect(JSON.stringify(row)).not.toMatch(/xox[a-z]-/);
  expect(row?.botToken).toMatch(new RegExp(`^v1:${idOf(keyA)}:`));
  expect(JSON.parse(row?.data ?? "{}")).toEqual({
    sealed: expect.stringMatching(new RegExp(`^v1:${idOf(keyA)}:`)),
  });
  await servedWithItsToken(b, "TA");
  // Nothing secret was even offered to the logger: no line needed redacting.
  const lines = JSON.stringify(b.logs);
  expect(lines).not.toContain("[redacted]");
  expect(lines).not.toContain("client-secret-value");
  expect(lines).not.toContain(keyA);
});

test("restarted with a new key and the old one for reading, coo re-encrypts the rows under the new key and keeps serving", async () => {
  const b = await restart(keyB, [keyA]);
  expect(logged(b, "stored tokens re-encrypted with the current key")).toEqual([
    expect.objectContaining({ level: "info", installations: 1, fromOldKeys: 1, fromPlainText: 0 }),
  ]);
  const [row] = await rawRows(b);
  expect(row?.botToken).toMatch(new RegExp(`^v1:${idOf(keyB)}:`));
  expect(JSON.parse(row?.data ?? "{}").sealed).toMatch(new RegExp(`^v1:${idOf(keyB)}:`));
  await servedWithItsToken(b, "TA");
  // The old key is no longer needed.
  const after = await restart(keyB);
  expect(logged(after, "stored tokens re-encrypted with the current key")).toEqual([]);
  await servedWithItsToken(after, "TA");
});

test("a database written before tokens were encrypted is encrypted at start", async () => {
  const b = await restart(keyB);
  await installThroughOAuth(b.baseUrl, "TP");
  // Put TP's row back the way coo used to write it: the token and Slack's installation object in clear.
  const [, plain] = await rawRows(b);
  const installation = open(
    createKeyring(keyB),
    JSON.parse(plain?.data ?? "{}").sealed,
    "installation:TP:data",
  );
  await b.coo.deps.db.$executeRaw`
    UPDATE "Installation" SET "botToken" = 'xoxb-TP-token', data = ${installation}::jsonb WHERE id = 'TP'`;
  expect((await rawRows(b))[1]?.data).toContain("xoxb-TP-token");

  const again = await restart(keyB);
  expect(logged(again, "stored tokens re-encrypted with the current key")).toEqual([
    expect.objectContaining({ installations: 1, fromOldKeys: 0, fromPlainText: 1 }),
  ]);
  const rows = await rawRows(again);
  expect(JSON.stringify(rows)).not.toMatch(/xox[a-z]-/);
  await servedWithItsToken(again, "TP");
});

test("with a key that opens nothing, each such workspace is reported and told; the others keep working", async () => {
  const b = await restart(keyC);
  const reports = logged(b, "a stored installation cannot be decrypted");
  expect(reports.map((r) => r.installation)).toEqual(["TA", "TP"]);
  expect(reports[0]).toMatchObject({ level: "error", keyId: idOf(keyB) });
  expect(String(reports[0]?.fix)).toContain("COO_ENCRYPTION_OLD_KEYS");
  // A new workspace installs and is served.
  await installThroughOAuth(b.baseUrl, "TD");
  await servedWithItsToken(b, "TD");
  // The unreadable one is told what is wrong, and nothing is recorded for it.
  fakeSlack.reset();
  const answer = await answerTo(
    await b.slack.command("commit ship it by Friday", { team: "TA", user: "UTA1" }),
  );
  expect(answer).toMatch(/cannot read this workspace's stored Slack credentials/);
  expect(await b.coo.deps.db.commitment.count({ where: { workspaceId: "TA", title: "ship it" } })).toBe(0);
});

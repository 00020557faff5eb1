import { createHash } from "node:crypto";
import { expect, test } from "vitest";
import { replyTo, useBot } from "./kit/harness.js";
import { addBlockers } from "./kit/ledger.js";

const h = useBot({ env: { COO_PUBLIC_URL: "https://coo.example.com" } });
const db = () => h.bot.coo.deps.db;
const say = async (user: string, text: string) => replyTo(h, await h.bot.slack.command(text, { user }));

async function commit(user: string, title: string): Promise<string> {
  const text = await say(user, `commit ${title} by Friday`);
  const id = /\*(C\d+)\*/.exec(text)?.[1];
  if (!id) throw new Error(`no commitment in: ${text}`);
  return id;
}

/** RFC 4180, as csv-stringify writes it: quoted fields may hold commas, quotes and newlines. */
function readCsv(text: string): Array<Record<string, string>> {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += ch;
  }
  const [header = [], ...rows] = records;
  return rows.map((r) => Object.fromEntries(header.map((k, i) => [k, r[i] ?? ""])));
}

/** The file the last export put in `user`'s DM, as the fake's upload flow received it. */
async function fileIn(user: string): Promise<{ name: string; text: string; comment: string | undefined }> {
  const done = await h.fakeSlack.waitFor(
    "files.completeUploadExternal",
    (c) => c.args.channel_id === `D${user}`,
  );
  const [file] = JSON.parse(String(done.args.files)) as Array<{ id: string }>;
  const upload = h.fakeSlack.uploads.get(file?.id ?? "");
  if (!upload?.bytes) throw new Error("the file was never uploaded");
  return { name: upload.filename, text: upload.bytes.toString("utf8"), comment: upload.initialComment };
}

async function api(path: string, token?: string) {
  const res = await fetch(`${h.bot.baseUrl}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return {
    status: res.status,
    json: (await res.json()) as { data: Array<Record<string, unknown>>; next: string | null; error?: string },
  };
}

async function newToken(user = "U9", label = "reporting"): Promise<string> {
  const text = await say(user, `api token create ${label}`);
  const token = /`(coo_[^`]+)`/.exec(text)?.[1];
  if (!token) throw new Error(`no token in: ${text}`);
  return token;
}

test("/coo export sends an admin a CSV of every commitment, with its history, through Slack's upload flow", async () => {
  const mine = await commit("U1", "ship the pricing page");
  const theirs = await commit("U2", "write the launch post");
  await say("U2", `slip ${theirs} to next Tuesday because legal review`);

  const reply = await say("U9", "export commitments csv");
  expect(reply).toContain("arrives in your DM");
  const file = await fileIn("U9");
  expect(file.name).toMatch(/^coo-commitments-\d{4}-\d{2}-\d{2}\.csv$/);
  expect(h.fakeSlack.callsTo("files.getUploadURLExternal")).toHaveLength(1);

  const rows = readCsv(file.text);
  const inDb = await db().commitment.findMany({
    where: { workspaceId: "T1" },
    include: { history: true },
    orderBy: { id: "asc" },
  });
  expect(rows.map((r) => r.id)).toEqual(inDb.map((c) => `C${c.number}`));
  expect(rows.map((r) => r.title)).toEqual(inDb.map((c) => c.title));
  expect(rows.map((r) => r.ownerId)).toEqual(inDb.map((c) => c.ownerId));
  expect(rows.map((r) => r.dueAt)).toEqual(inDb.map((c) => c.dueAt.toISOString()));
  const slipped = rows.find((r) => r.id === theirs);
  expect(slipped?.history).toContain("kind=redated");
  expect(slipped?.history).toContain("reason=legal review");
  expect(rows.some((r) => r.id === mine)).toBe(true);
  expect(file.comment).toBe(`Your commitments export: ${rows.length} rows.`);
});

test("a plain member cannot export someone else's work; asking for everyone's gets their own", async () => {
  await commit("U1", "prepare the board deck");
  await commit("U3", "renew the certificates");
  const jobs = () => db().outboxMessage.count({ where: { queue: "export_file" } });
  const before = await jobs();
  const refused = await say("U3", "export commitments for <@U1>");
  expect(refused).toContain("can export their work");
  expect(await jobs()).toBe(before);

  await say("U3", "export commitments json");
  const file = await fileIn("U3");
  const rows = JSON.parse(file.text) as Array<{ id: string; ownerId: string }>;
  const own = await db().commitment.findMany({
    where: { workspaceId: "T1", ownerId: "U3" },
    orderBy: { id: "asc" },
  });
  expect(rows.map((r) => r.id)).toEqual(own.map((c) => `C${c.number}`));
  expect(rows.every((r) => r.ownerId === "U3")).toBe(true);
});

test("an export that finds nothing says so in a DM instead of sending an empty file", async () => {
  await say("U4", "export blockers since 2026-11-30");
  const dm = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU4");
  expect(String(dm.args.text)).toContain("Nothing to export");
  expect(h.fakeSlack.callsTo("files.getUploadURLExternal")).toHaveLength(0);
});

test("API tokens are made and revoked by admins only, shown once and kept hashed", async () => {
  expect(await say("U2", "api token create mine")).toContain("Only a workspace admin or the CEO, CFO or CTO");
  const token = await newToken("U9", "warehouse");
  const row = await db().apiToken.findFirstOrThrow({ where: { label: "warehouse" } });
  expect(row.hash).toBe(createHash("sha256").update(token).digest("hex"));
  expect(JSON.stringify(row)).not.toContain(token.split("_")[2]);
  const list = await say("U9", "api tokens");
  expect(list).toContain("warehouse");
  expect(list).not.toContain(token);
  const api1 = await api("/api/v1/people", token);
  expect(api1.status).toBe(200);
  expect(JSON.stringify(h.bot.logs)).not.toContain(token.split("_")[2]);
});

test("the API pages through commitments with a next link, and filters by person", async () => {
  for (let i = 0; i < 5; i++) await commit(i % 2 ? "U1" : "U2", `api page item ${i}`);
  const token = await newToken();
  const seen: string[] = [];
  let path: string | null = "/api/v1/commitments?limit=2";
  let pages = 0;
  while (path) {
    const page = await api(path, token);
    expect(page.status).toBe(200);
    expect(page.json.data.length).toBeLessThanOrEqual(2);
    seen.push(...page.json.data.map((c) => String(c.id)));
    path = page.json.next;
    pages++;
  }
  const inDb = await db().commitment.findMany({ where: { workspaceId: "T1" }, orderBy: { id: "asc" } });
  expect(seen).toEqual(inDb.map((c) => `C${c.number}`));
  expect(pages).toBe(Math.ceil(inDb.length / 2));

  const u1 = await api("/api/v1/commitments?person=U1&limit=500", token);
  expect(u1.json.data.map((c) => c.id)).toEqual(
    inDb.filter((c) => c.ownerId === "U1").map((c) => `C${c.number}`),
  );
  const people = await api("/api/v1/people", token);
  expect(people.json.data.map((p) => p.id)).toContain("U1");
  const bad = await api("/api/v1/commitments?from=yesterday", token);
  expect(bad.status).toBe(400);
});

test("the API refuses a request without a token, with an unknown one and with a revoked one", async () => {
  for (const kind of ["commitments", "blockers", "standups", "handoffs", "people"]) {
    const none = await api(`/api/v1/${kind}`);
    expect(none.status).toBe(401);
    expect(none.json.error).toBe("unauthorized");
  }
  const token = await newToken("U9", "to revoke");
  expect((await api("/api/v1/blockers", token)).status).toBe(200);
  const forged = `${token.slice(0, -4)}AAAA`;
  expect((await api("/api/v1/blockers", forged)).status).toBe(401);
  expect((await api("/api/v1/blockers", "coo_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).status).toBe(
    401,
  );

  const row = await db().apiToken.findFirstOrThrow({ where: { label: "to revoke" } });
  expect(await say("U9", "api tokens")).toContain(`*T${row.number}*`);
  expect(await say("U9", `api token revoke T${row.number}`)).toContain("is revoked");
  const revoked = await api("/api/v1/blockers", token);
  expect(revoked.status).toBe(401);
  expect(revoked.json.data).toBeUndefined();
});

test("a token of another workspace sees nothing of this one", async () => {
  await commit("U1", "this workspace's secret plan");
  await db().workspace.upsert({ where: { id: "T2" }, create: { id: "T2" }, update: {} });
  await db().commitment.create({
    data: {
      workspaceId: "T2",
      number: 1,
      title: "the other team's work",
      ownerId: "U1",
      creatorId: "U1",
      dueAt: new Date("2026-12-10T17:00:00Z"),
      originalDueAt: new Date("2026-12-10T17:00:00Z"),
    },
  });
  const other = "coo_0123456789ab_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
  await db().apiToken.create({
    data: {
      workspaceId: "T2",
      number: 1,
      label: "theirs",
      prefix: "0123456789ab",
      hash: createHash("sha256").update(other).digest("hex"),
      createdById: "U1",
    },
  });
  for (const kind of ["commitments", "blockers", "standups", "handoffs", "people"]) {
    const page = await api(`/api/v1/${kind}?person=U1&limit=500`, other);
    expect(page.status).toBe(200);
    expect(JSON.stringify(page.json.data)).not.toContain("secret plan");
    if (kind === "commitments") expect(page.json.data.map((c) => c.title)).toEqual(["the other team's work"]);
    else if (kind === "people") expect(page.json.data).toEqual([]);
  }
  const ours = await api("/api/v1/commitments?limit=500", await newToken());
  expect(ours.json.data.map((c) => c.title)).not.toContain("the other team's work");
});

test("/coo history @person lists their commitments and what happened, with a link to their page", async () => {
  const id = await commit("U4", "migrate the billing tables");
  await say("U4", `slip ${id} to next Wednesday because the vendor is late`);
  const text = await say("U1", "history <@U4> since Monday");
  expect(text).toContain(id);
  expect(text).toContain("migrate the billing tables");
  expect(text).toContain("vendor is late");
  expect(text).toContain("https://coo.example.com/app/people/U4");
  // The commitment form of the same command still works.
  expect(await say("U1", `history ${id}`)).toContain(`History of ${id}`);
});

test("the API filters by dates and workstream, and never shows a private handoff", async () => {
  await say("U1", "workstream payments");
  const inStream = await commit("U1", "settle the card fees #payments");
  await commit("U1", "tidy the office");
  const token = await newToken();
  const streamed = await api("/api/v1/commitments?workstream=payments&limit=500", token);
  expect(streamed.json.data.map((c) => c.id)).toEqual([inStream]);
  expect(streamed.json.data[0]?.workstream).toBe("payments");
  expect((await api("/api/v1/commitments?workstream=nowhere", token)).status).toBe(404);

  const [old] = await addBlockers(db(), "T1", [
    { reporterId: "U2", text: "waiting on the auditors", openedAt: new Date("2026-10-01T10:00:00Z") },
  ]);
  const [recent] = await addBlockers(db(), "T1", [
    { reporterId: "U2", text: "the staging database is down", openedAt: new Date("2026-12-01T10:00:00Z") },
  ]);
  const october = await api("/api/v1/blockers?from=2026-10-01&to=2026-11-01&limit=500", token);
  expect(october.json.data.map((b) => b.id)).toEqual([`B${old}`]);
  const december = await api("/api/v1/blockers?from=2026-12-01T00:00:00Z&person=U2", token);
  expect(december.json.data.map((b) => b.id)).toContain(`B${recent}`);
  expect(december.json.data.map((b) => b.id)).not.toContain(`B${old}`);

  const at = new Date("2026-12-01T09:00:00Z");
  const handoff = (number: number, shared: boolean, what: string) => ({
    workspaceId: "T1",
    number,
    what,
    fromId: "U3",
    toId: "U4",
    reporterId: "U4",
    shared,
    since: at,
    createdAt: at,
  });
  await db().handoff.createMany({
    data: [handoff(901, true, "the shared specs"), handoff(902, false, "the private grumble")],
  });
  const handoffs = await api("/api/v1/handoffs?limit=500", token);
  expect(handoffs.json.data.map((x) => x.what)).toContain("the shared specs");
  expect(JSON.stringify(handoffs.json.data)).not.toContain("private grumble");
  // In an export, the people on a private handoff see it; an admin who is not on it does not.
  await say("U4", "export handoffs json");
  expect((await fileIn("U4")).text).toContain("private grumble");
  await say("U9", "export handoffs json");
  expect((await fileIn("U9")).text).not.toContain("private grumble");
});

test("standup answers export with their standup and what they recorded, checked against the database", async () => {
  await db().workspace.upsert({ where: { id: "T1" }, create: { id: "T1" }, update: {} });
  const cadence = await db().cadence.create({
    data: {
      workspaceId: "T1",
      number: 9901,
      channelId: "C1",
      kind: "standup",
      time: "09:30",
      days: [1, 2, 3, 4, 5],
      timezone: "UTC",
      questions: ["What will you do today?"],
      createdById: "U9",
    },
  });
  const run = await db().cadenceRun.create({
    data: {
      workspaceId: "T1",
      cadenceId: cadence.id,
      slot: new Date("2026-12-01T09:30:00Z"),
      channelId: "C1",
      participants: ["U1", "U2"],
    },
  });
  await db().standupAnswer.createMany({
    data: [
      {
        workspaceId: "T1",
        runId: run.id,
        userId: "U1",
        text: "finish the invoices, then lunch",
        messageTs: "1.1",
        via: "thread",
        commitmentNumbers: [3],
        blockerNumbers: [],
      },
      {
        workspaceId: "T1",
        runId: run.id,
        userId: "U2",
        text: 'blocked on "legal"',
        messageTs: "1.2",
        via: "dm",
        commitmentNumbers: [],
        blockerNumbers: [4],
      },
    ],
  });
  await say("U9", "export standups");
  const rows = readCsv((await fileIn("U9")).text);
  const inDb = await db().standupAnswer.findMany({ where: { workspaceId: "T1" }, orderBy: { id: "asc" } });
  expect(rows.map((r) => [r.userId, r.text, r.via])).toEqual(inDb.map((a) => [a.userId, a.text, a.via]));
  expect(rows.map((r) => r.standupAt)).toEqual(inDb.map(() => "2026-12-01T09:30:00.000Z"));
  expect(rows.find((r) => r.userId === "U1")?.commitments).toBe("C3");
  expect(rows.find((r) => r.userId === "U2")?.blockers).toBe("B4");
});

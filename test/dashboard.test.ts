import { beforeAll, expect, test } from "vitest";
import { csrfOf, get, pair, post, signIn, useDashboard } from "./kit/dashboard.js";
import { addBlockers, addCommitments } from "./kit/ledger.js";

// The dashboard by plain HTTP: Sign in with Slack through the fake provider,
// who sees what, and forms that refuse what coo's own page did not send.
const h = useDashboard();
const db = () => h.bot.coo.deps.db;
const day = 24 * 3600_000;

beforeAll(async () => {
  await db().workspace.upsert({ where: { id: "T1" }, create: { id: "T1", name: "Acme" }, update: {} });
  const now = Date.now();
  await addCommitments(db(), "T1", [
    { ownerId: "U1", title: "Vendor shortlist <script>alert(1)</script>", dueAt: new Date(now + 2 * day) },
    {
      ownerId: "U1",
      title: "Launch deck",
      dueAt: new Date(now - 10 * day),
      status: "done",
      doneAt: new Date(now - 11 * day),
    },
    { ownerId: "U2", title: "Berlin office lease", dueAt: new Date(now - 3 * day) },
  ]);
  await addBlockers(db(), "T1", [
    { reporterId: "U2", text: "Waiting on legal", openedAt: new Date(now - 4 * day) },
  ]);
});

const sessions = () => db().webSession.count();

test("no session: /app and a person's page send the browser to Slack's authorize URL, with state, nonce and PKCE; nothing shown", async () => {
  for (const path of ["/app", "/app/people/U1"]) {
    const page = await get(`${h.publicUrl}${path}`);
    expect(page.status).toBe(303);
    expect(page.text).toBe("");
    const to = new URL(page.location ?? "");
    expect(to.origin + to.pathname).toBe(`${h.oidc.url}/openid/connect/authorize`);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      client_id: "1111.2222",
      redirect_uri: `${h.publicUrl}/app/auth/callback`,
      scope: "openid email profile",
      response_type: "code",
      code_challenge_method: "S256",
    });
    expect(to.searchParams.get("state")).toMatch(/.{20,}/);
    expect(to.searchParams.get("nonce")).toMatch(/.{20,}/);
    expect(to.searchParams.get("code_challenge")).toMatch(/.{40,}/);
    expect(page.cookies[0]).toMatch(
      /^coo_signin=.+; Path=\/app\/auth; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/,
    );
  }
});

test("signing in sets an HttpOnly, Secure, SameSite=Lax session cookie kept only as its hash, and lands on the page asked for", async () => {
  const before = await sessions();
  const s = await signIn(h, { team: "T1", user: "U1", name: "alice" }, "/app/people/U1");
  expect(s.callback.status).toBe(303);
  expect(s.callback.location).toBe("/app/people/U1");
  const set = s.callback.cookies.find((c) => c.startsWith("coo_session=")) ?? "";
  expect(set).toMatch(/; Path=\/app; Max-Age=604800; HttpOnly; Secure; SameSite=Lax$/);
  expect(await sessions()).toBe(before + 1);
  const token = (s.cookie ?? "").split("=")[1] ?? "";
  expect(await db().webSession.count({ where: { id: token } })).toBe(0);
  const page = await get(`${h.publicUrl}/app/people/U1`, s.cookie);
  expect(page.status).toBe(200);
  expect(page.text).toContain("<svg");
  // Typed text is shown as text, never as markup.
  expect(page.text).toContain("Vendor shortlist &lt;script&gt;alert(1)&lt;/script&gt;");
  expect(page.text).not.toContain("<script>");
  expect(page.text).not.toContain(token);
});

test("a callback replayed, or arriving without the browser's sign-in cookie, is refused and opens no session", async () => {
  const s = await signIn(h, { team: "T1", user: "U1" });
  expect(s.callback.status).toBe(303);
  const before = await sessions();
  const replay = await get(s.atSlack.location ?? "", s.signInCookie);
  expect(replay.status).toBe(400);
  // A link someone else started (no coo_signin cookie in this browser): login CSRF.
  h.oidc.next = { team: "T1", user: "U1" };
  const first = await get(`${h.publicUrl}/app`);
  const atSlack = await get(first.location ?? "");
  const foreign = await get(atSlack.location ?? "");
  expect(foreign.status).toBe(400);
  expect(foreign.cookies.some((c) => c.startsWith("coo_session="))).toBe(false);
  expect(await sessions()).toBe(before);
});

test("someone from a workspace coo does not serve is refused, and no session is written", async () => {
  const before = await sessions();
  const s = await signIn(h, { team: "T777", user: "U7" });
  expect(s.callback.status).toBe(403);
  expect(s.cookie).toBeUndefined();
  expect(await sessions()).toBe(before);
});

test("a session from another workspace sees that workspace only: another team's people and titles are not there", async () => {
  await db().workspace.upsert({ where: { id: "T2" }, create: { id: "T2", name: "Other" }, update: {} });
  // coo serves T2 as well (as with OAuth installs): its admin can be read from Slack.
  h.fakeSlack.users.set("U71", {
    id: "U71",
    name: "vera",
    tz: "UTC",
    is_admin: true,
    team_id: "T2",
    connected: true,
  });
  const s = await signIn(h, { team: "T2", user: "U71" });
  expect(s.cookie).toBeDefined();
  const team = await get(`${h.publicUrl}/app`, s.cookie);
  expect(team.status).toBe(200);
  expect(team.text).not.toContain("Vendor shortlist");
  expect(team.text).not.toContain("Berlin office lease");
  const person = await get(`${h.publicUrl}/app/people/U1`, s.cookie);
  expect(person.status).toBe(404);
  expect(person.text).not.toContain("Vendor shortlist");
});

test("a plain member sees their own page but not someone else's until they share a team (a channel with a cadence)", async () => {
  const s = await signIn(h, { team: "T1", user: "U2" });
  expect((await get(`${h.publicUrl}/app/people/U2`, s.cookie)).status).toBe(200);
  const other = await get(`${h.publicUrl}/app/people/U1`, s.cookie);
  expect(other.status).toBe(403);
  expect(other.text).not.toContain("Vendor shortlist");
  const team = await get(`${h.publicUrl}/app`, s.cookie);
  expect(team.text).toContain("Waiting on legal");
  expect(team.text).not.toContain("Vendor shortlist");
  // A standup in #general, where U1 and U2 both are: now they are one team.
  const k = await db().cadence.create({
    data: {
      workspaceId: "T1",
      number: 901,
      channelId: "C1",
      kind: "standup",
      time: "09:00",
      days: [1, 2, 3, 4, 5],
      timezone: "UTC",
      questions: ["What today?"],
      createdById: "U1",
    },
  });
  try {
    expect((await get(`${h.publicUrl}/app/people/U1`, s.cookie)).status).toBe(200);
  } finally {
    await db().cadence.delete({ where: { id: k.id } });
  }
});

test("a workspace admin sees everyone: the team view names every person's work", async () => {
  const s = await signIn(h, { team: "T1", user: "U9" });
  const team = await get(`${h.publicUrl}/app`, s.cookie);
  expect(team.status).toBe(200);
  expect(team.text).toContain("You see everyone in Acme");
  expect(team.text).toContain('href="/app/people/U1"');
  expect(team.text).toContain('href="/app/people/U2"');
  expect((await get(`${h.publicUrl}/app/people/U1`, s.cookie)).status).toBe(200);
  const review = await get(`${h.publicUrl}/app/reviews/2026-11-29`, s.cookie);
  expect(review.status).toBe(200);
  expect(review.text).toContain("Weekly review");
});

test("sign-out with a forged or missing CSRF token is refused and the session stays; with the page's token it ends the session", async () => {
  const s = await signIn(h, { team: "T1", user: "U1" });
  const page = await get(`${h.publicUrl}/app`, s.cookie);
  const csrf = csrfOf(page.text);
  expect(csrf.length).toBeGreaterThan(20);
  const count = await sessions();
  for (const forged of [{ csrf: "forged-token-0000000000000000" }, {} as Record<string, string>]) {
    const refused = await post(`${h.publicUrl}/app/auth/signout`, forged, s.cookie);
    expect(refused.status).toBe(403);
  }
  // The right token without the session cookie (a form on another site) is refused too.
  expect((await post(`${h.publicUrl}/app/auth/signout`, { csrf })).status).toBe(403);
  expect(await sessions()).toBe(count);
  expect((await get(`${h.publicUrl}/app`, s.cookie)).status).toBe(200);

  const out = await post(`${h.publicUrl}/app/auth/signout`, { csrf }, s.cookie);
  expect(out.status).toBe(200);
  expect(out.text).toContain("Signed out");
  expect(out.cookies.map(pair)).toContain("coo_session=");
  expect(await sessions()).toBe(count - 1);
  expect((await get(`${h.publicUrl}/app`, s.cookie)).status).toBe(303);
});

test("the App Home links to the person's page and the team view when the dashboard is set up", async () => {
  await h.bot.slack.event({
    type: "app_home_opened",
    user: "U1",
    channel: "DU1",
    tab: "home",
    event_ts: "1.2",
  });
  const call = await h.fakeSlack.waitFor("views.publish", (c) => c.args.user_id === "U1");
  const text = JSON.stringify(call.args.view);
  expect(text).toContain(`<${h.publicUrl}/app/people/U1|Your work on the dashboard>`);
  expect(text).toContain(`<${h.publicUrl}/app|The team's last twelve weeks>`);
});

const idsIn = (csv: string) => [...csv.matchAll(/^(C\d+),/gm)].map((m) => m[1]).sort();

test("exports from the pages: a member's CSV has their own commitments only; an admin's, filtered by person, matches the database", async () => {
  const member = await signIn(h, { team: "T1", user: "U2" });
  const own = await get(`${h.publicUrl}/app/export/commitments.csv`, member.cookie);
  expect(own.status).toBe(200);
  const u2 = await db().commitment.findMany({ where: { workspaceId: "T1", ownerId: "U2" } });
  expect(idsIn(own.text)).toEqual(u2.map((c) => `C${c.number}`).sort());
  // Asking for someone else's work is the export feature's call: refused for a plain member.
  expect((await get(`${h.publicUrl}/app/export/commitments.csv?person=U1`, member.cookie)).status).toBe(403);

  const admin = await signIn(h, { team: "T1", user: "U9" });
  const team = await get(`${h.publicUrl}/app`, admin.cookie);
  expect(team.text).toContain('href="/app/export/commitments.csv?from=');
  const u1File = await get(`${h.publicUrl}/app/export/commitments.csv?person=U1`, admin.cookie);
  const u1 = await db().commitment.findMany({ where: { workspaceId: "T1", ownerId: "U1" } });
  expect(idsIn(u1File.text)).toEqual(u1.map((c) => `C${c.number}`).sort());
  const json = await get(`${h.publicUrl}/app/export/blockers.json`, admin.cookie);
  expect(json.status).toBe(200);
  expect(JSON.stringify(JSON.parse(json.text))).toContain("Waiting on legal");
  // No session: off to sign in, no file.
  const anonymous = await get(`${h.publicUrl}/app/export/commitments.csv`);
  expect(anonymous.status).toBe(303);
  expect(anonymous.text).toBe("");
});

test("API tokens: an admin creates one (shown once), the API takes it, revoking it shuts the API to it; forged CSRF or a plain member writes nothing", async () => {
  const admin = await signIn(h, { team: "T1", user: "U9" });
  const list = await get(`${h.publicUrl}/app/tokens`, admin.cookie);
  expect(list.status).toBe(200);
  const csrf = csrfOf(list.text);
  const before = await db().apiToken.count();
  expect(
    (await post(`${h.publicUrl}/app/tokens/create`, { csrf: "forged", label: "x" }, admin.cookie)).status,
  ).toBe(403);
  const member = await signIn(h, { team: "T1", user: "U2" });
  const memberCsrf = csrfOf((await get(`${h.publicUrl}/app`, member.cookie)).text);
  expect((await get(`${h.publicUrl}/app/tokens`, member.cookie)).status).toBe(403);
  expect(
    (await post(`${h.publicUrl}/app/tokens/create`, { csrf: memberCsrf, label: "mine" }, member.cookie))
      .status,
  ).toBe(403);
  expect(await db().apiToken.count()).toBe(before);

  const made = await post(`${h.publicUrl}/app/tokens/create`, { csrf, label: "reporting" }, admin.cookie);
  expect(made.status).toBe(200);
  const token = /<code id="token">([^<]+)<\/code>/.exec(made.text)?.[1] ?? "";
  expect(token).toMatch(/^coo_/);
  expect(await db().apiToken.count()).toBe(before + 1);
  const again = await get(`${h.publicUrl}/app/tokens`, admin.cookie);
  expect(again.text).toContain("reporting");
  expect(again.text).not.toContain(token);
  const api = () =>
    fetch(`${h.publicUrl}/api/v1/commitments`, { headers: { authorization: `Bearer ${token}` } });
  expect((await api()).status).toBe(200);
  const id = /name="id" value="(T\d+)"/.exec(again.text)?.[1] ?? "";
  expect((await post(`${h.publicUrl}/app/tokens/revoke`, { csrf: "forged", id }, admin.cookie)).status).toBe(
    403,
  );
  expect((await api()).status).toBe(200);
  const revoked = await post(`${h.publicUrl}/app/tokens/revoke`, { csrf, id }, admin.cookie);
  expect(revoked.status).toBe(303);
  expect((await api()).status).toBe(401);
});

import { afterAll, beforeAll } from "vitest";
import type { Db } from "../../src/db/open.js";
import { FakeSlackOidc, freePort, type OidcUser } from "./fake-slack-oidc.js";
import { type Harness, useBot } from "./harness.js";
import { addBlockers, addCommitments } from "./ledger.js";

export const clientId = "1111.2222";
export const clientSecret = "test-client-secret-for-sign-in";

export type DashboardHarness = Harness & { oidc: FakeSlackOidc; publicUrl: string };

/**
 * The harness's bot with the dashboard on: one bot token beside the app's
 * client id and secret (single-token mode), its public address known before
 * it starts (Slack redirects back to it), and the fake Slack OpenID provider
 * as the issuer.
 */
export function useDashboard(): DashboardHarness {
  const env: Record<string, string> = {};
  const extra = {} as { oidc: FakeSlackOidc; publicUrl: string };
  beforeAll(async () => {
    const port = await freePort();
    extra.publicUrl = `http://localhost:${port}`;
    extra.oidc = await FakeSlackOidc.start({
      id: clientId,
      secret: clientSecret,
      redirectUris: [`${extra.publicUrl}/app/auth/callback`],
    });
    Object.assign(env, {
      PORT: String(port),
      SLACK_CLIENT_ID: clientId,
      SLACK_CLIENT_SECRET: clientSecret,
      COO_PUBLIC_URL: extra.publicUrl,
      COO_OIDC_ISSUER: extra.oidc.url,
    });
  });
  const h = useBot({ env }) as DashboardHarness;
  beforeAll(() => {
    h.oidc = extra.oidc;
    h.publicUrl = extra.publicUrl;
  });
  afterAll(async () => {
    await extra.oidc?.stop();
  });
  return h;
}

export type Page = { status: number; text: string; location: string | undefined; cookies: string[] };

export async function get(url: string, cookie?: string): Promise<Page> {
  const res = await fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {} });
  return {
    status: res.status,
    text: await res.text(),
    location: res.headers.get("location") ?? undefined,
    cookies: res.headers.getSetCookie(),
  };
}

export async function post(url: string, form: Record<string, string>, cookie?: string): Promise<Page> {
  const res = await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: res.status,
    text: await res.text(),
    location: res.headers.get("location") ?? undefined,
    cookies: res.headers.getSetCookie(),
  };
}

/** "name=value" of a Set-Cookie line. */
export const pair = (setCookie: string) => setCookie.split(";")[0] ?? "";

/**
 * Signs `user` in as a browser would, by plain HTTP: /app sends it to the
 * provider, which sends it back to the callback with a code. Returns the
 * session cookie ("coo_session=...") and the pages on the way.
 */
export async function signIn(h: DashboardHarness, user: OidcUser, start = "/app") {
  h.oidc.next = user;
  const first = await get(`${h.publicUrl}${start}`);
  const signInCookie = pair(first.cookies[0] ?? "");
  const atSlack = await get(first.location ?? "");
  const callback = await get(atSlack.location ?? "", signInCookie);
  const session = callback.cookies.find((c) => c.startsWith("coo_session="));
  return { first, atSlack, callback, cookie: session ? pair(session) : undefined, signInCookie };
}

export const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

/**
 * Twelve weeks of a small team's work (deterministic): two workstreams,
 * commitments landed on time, late, slipped and dropped, a daily standup
 * with answers, open blockers and two commitments on the slip ladder.
 */
export async function seedTeam(db: Db, workspaceId: string, now: Date) {
  const people = ["U1", "U2", "U3", "U4"];
  const names = ["alice", "bob", "cara", "dan"];
  for (const [i, slackUserId] of people.entries())
    await db.person.upsert({
      where: { workspaceId_slackUserId: { workspaceId, slackUserId } },
      create: { workspaceId, slackUserId, displayName: names[i] ?? null },
      update: { displayName: names[i] ?? null },
    });
  const streams = await Promise.all(
    [
      { name: "launch", ownerId: "U1" },
      { name: "billing", ownerId: "U2" },
    ].map((w) => db.workstream.create({ data: { workspaceId, ...w } })),
  );
  const titles = [
    "Vendor shortlist",
    "Pricing page copy",
    "Invoice export",
    "Onboarding email",
    "Load test",
    "Launch deck",
  ];
  const seeds: Parameters<typeof addCommitments>[2] = [];
  for (let week = 0; week < 12; week++) {
    for (let i = 0; i < 4 + ((week * 7) % 5); i++) {
      const ownerId = people[(week + i) % people.length] as string;
      const due = new Date(
        now.getTime() - (11 - week) * 7 * 86_400_000 - ((i * 13) % 5) * 86_400_000 + 86_400_000,
      );
      const roll = (week * 31 + i * 17) % 10;
      const past = due < now;
      const status = !past ? "open" : roll < 6 ? "done" : roll < 8 ? "open" : roll < 9 ? "done" : "dropped";
      seeds.push({
        ownerId,
        title: `${titles[(week + i) % titles.length]} (${week + 1}.${i + 1})`,
        dueAt: status === "open" && past ? new Date(due.getTime() + 5 * 86_400_000) : due,
        originalDueAt: due,
        status,
        ...(status === "done"
          ? { doneAt: new Date(due.getTime() + (roll < 6 ? -86_400_000 : 2 * 86_400_000)) }
          : {}),
        workstreamId: (streams[(i + week) % 2] as { id: number }).id,
        channelId: "C1",
      });
    }
  }
  const numbers = await addCommitments(db, workspaceId, seeds);
  await addBlockers(db, workspaceId, [
    {
      reporterId: "U2",
      text: "Waiting on legal for the vendor contract",
      openedAt: new Date(now.getTime() - 9 * 86_400_000),
      waitingOnId: "U3",
    },
    { reporterId: "U4", text: "Staging is down", openedAt: new Date(now.getTime() - 2 * 86_400_000) },
  ]);
  const late = await db.commitment.findMany({
    where: { workspaceId, status: "open", dueAt: { lt: now } },
    take: 2,
    orderBy: { number: "asc" },
  });
  for (const [i, c] of late.entries())
    await db.escalation.create({
      data: {
        workspaceId,
        commitmentId: c.id,
        step: i === 0 ? "tell_lead" : "dm_owner",
        dueAt: c.dueAt,
        reason: "overdue",
        recipientId: c.ownerId,
        sweepId: "seed",
        sentAt: new Date(now.getTime() - 3600_000),
      },
    });
  const cadence = await db.cadence.create({
    data: {
      workspaceId,
      number: 1,
      channelId: "C1",
      kind: "standup",
      time: "09:00",
      days: [1, 2, 3, 4, 5],
      timezone: "UTC",
      questions: ["What will you do today?"],
      createdById: "U1",
    },
  });
  for (let d = 1; d <= 20; d++) {
    const slot = new Date(now.getTime() - d * 86_400_000);
    const run = await db.cadenceRun.create({
      data: {
        workspaceId,
        cadenceId: cadence.id,
        slot,
        status: "closed",
        channelId: "C1",
        participants: people,
      },
    });
    const answering = people.filter((_, i) => (d + i) % (i + 2) !== 0);
    await db.standupAnswer.createMany({
      data: answering.map((userId) => ({
        workspaceId,
        runId: run.id,
        userId,
        text: "on it",
        messageTs: `${slot.getTime() / 1000}.${userId}`,
        via: "thread" as const,
      })),
    });
  }
  return { numbers, streams };
}

import { mkdir, readFile } from "node:fs/promises";
import { beforeAll, expect, test } from "vitest";
import { browserAvailable, openBrowser } from "./kit/browser.js";
import { seedTeam, useDashboard } from "./kit/dashboard.js";

// The dashboard in a real browser (Debian's Chromium through playwright-core),
// signing in through the fake Slack OpenID provider. Screenshots of each page
// go to test-results/screenshots/ (docs/screenshots/ keeps two for the README).
const h = useDashboard();
const shots = new URL("../test-results/screenshots/", import.meta.url).pathname;
const run = browserAvailable();

beforeAll(async () => {
  await h.bot.coo.deps.db.workspace.upsert({
    where: { id: "T1" },
    create: { id: "T1", name: "Acme" },
    update: {},
  });
  await seedTeam(h.bot.coo.deps.db, "T1", h.clock.now());
  await mkdir(shots, { recursive: true });
});

test.skipIf(!run)(
  "sign in with Slack, see the charts, export a CSV, open a person, sign out",
  async () => {
    h.oidc.next = { team: "T1", user: "U9", name: "root" };
    const browser = await openBrowser();
    try {
      const page = await browser.context.newPage();
      // No session: off to Slack (the fake signs U9 in at once) and back to the team view.
      await page.goto(`${h.publicUrl}/app`);
      await page.waitForURL(`${h.publicUrl}/app`);
      expect(h.oidc.calls.map((c) => c.path)).toEqual(
        expect.arrayContaining(["/openid/connect/authorize", "/api/openid.connect.token"]),
      );
      const cookies = await browser.context.cookies();
      expect(cookies.find((c) => c.name === "coo_session")).toMatchObject({
        httpOnly: true,
        secure: true,
        sameSite: "Lax",
        path: "/app",
      });
      await expect.poll(() => page.locator("svg.chart rect").count()).toBeGreaterThan(10);
      expect(await page.locator("h1").textContent()).toBe("Are we landing what we promised?");
      expect(await page.getByText("You see everyone in Acme").count()).toBe(1);
      await page.screenshot({ path: `${shots}team.png`, fullPage: true });

      // Export bob's commitments as CSV from his page below; first the team's, from the team view.
      const [file] = await Promise.all([
        page.waitForEvent("download"),
        page.locator('a[href^="/app/export/commitments.csv"]').first().click(),
      ]);
      const csv = await readFile((await file.path()) ?? "", "utf8");
      const from = new URL(
        `${h.publicUrl}${await page.locator('a[href^="/app/export/commitments.csv"]').first().getAttribute("href")}`,
      ).searchParams.get("from");
      const inDb = await h.bot.coo.deps.db.commitment.findMany({ where: { workspaceId: "T1" } });
      const ids = [...csv.matchAll(/^(C\d+),/gm)].map((m) => m[1]);
      expect(ids.length).toBeGreaterThan(20);
      expect(new Set(ids)).toEqual(
        new Set(inDb.filter((c) => ids.includes(`C${c.number}`)).map((c) => `C${c.number}`)),
      );
      expect(from).toMatch(/^\d{4}-\d{2}-\d{2}$/);

      await page.getByRole("link", { name: "bob" }).first().click();
      await page.waitForURL(`${h.publicUrl}/app/people/U2`);
      expect(await page.locator("h1").textContent()).toBe("bob");
      expect(await page.locator("svg.chart").count()).toBe(1);
      expect(await page.getByText("Waiting on legal for the vendor contract").count()).toBe(1);
      await page.screenshot({ path: `${shots}person.png`, fullPage: true });
      const [bobs] = await Promise.all([
        page.waitForEvent("download"),
        page.locator('a[href^="/app/export/commitments.csv?person=U2"]').click(),
      ]);
      const bobCsv = await readFile((await bobs.path()) ?? "", "utf8");
      const bobRows = [...bobCsv.matchAll(/^(C\d+),/gm)].map((m) => m[1]).sort();
      const bobInDb = await h.bot.coo.deps.db.commitment.findMany({
        where: { workspaceId: "T1", ownerId: "U2" },
      });
      expect(bobRows.length).toBeGreaterThan(0);
      for (const id of bobRows) expect(bobInDb.map((c) => `C${c.number}`)).toContain(id);

      await page.goto(`${h.publicUrl}/app/workstreams/launch`);
      expect(await page.locator("h1").textContent()).toBe("#launch");
      await page.screenshot({ path: `${shots}workstream.png`, fullPage: true });

      await page.goto(`${h.publicUrl}/app/reviews/2026-11-29`);
      expect(await page.locator("h1").textContent()).toContain("Weekly review");
      await page.screenshot({ path: `${shots}review.png`, fullPage: true });

      // On a phone the page fits the screen; wide tables scroll inside their box.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${h.publicUrl}/app`);
      expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
      await page.screenshot({ path: `${shots}team-phone.png`, fullPage: true });
      await page.setViewportSize({ width: 1100, height: 900 });

      const before = await h.bot.coo.deps.db.webSession.count();
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByText("You are signed out").waitFor();
      await page.screenshot({ path: `${shots}signed-out.png` });
      expect(await h.bot.coo.deps.db.webSession.count()).toBe(before - 1);
      expect((await browser.context.cookies()).find((c) => c.name === "coo_session")).toBeUndefined();
    } finally {
      await browser.close();
    }
  },
  60_000,
);

import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/**
 * Debian's Chromium, driven by playwright-core (no browser download).
 * scripts/ensure-browser.mjs installs it before the tests when it can; when
 * it is missing the browser tests are skipped with a note, unless
 * COO_TEST_BROWSER=required (CI), which makes a missing browser fatal.
 */
export const chromiumPath = process.env.COO_CHROMIUM_PATH ?? "/usr/bin/chromium";
export const browserRequired = process.env.COO_TEST_BROWSER === "required";

export function browserAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (browserRequired)
    throw new Error(
      `COO_TEST_BROWSER=required but there is no browser at ${chromiumPath}: run \`apt-get install -y chromium\` (or node scripts/ensure-browser.mjs as root)`,
    );
  console.warn(
    `browser tests skipped: no Chromium at ${chromiumPath}. Install it with \`apt-get install -y chromium\` (npm test does it when run as root).`,
  );
  return false;
}

const flags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A browser with a fresh profile (its own user-data-dir), removed on close. */
export async function openBrowser(viewport = { width: 1100, height: 900 }) {
  const dir = await mkdtemp(join(tmpdir(), "coo-chromium-"));
  const context: BrowserContext = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath,
    headless: true,
    args: flags,
    viewport,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

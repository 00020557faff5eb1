// Run before the tests (`npm test`): the browser tests drive Debian's Chromium
// with playwright-core. When /usr/bin/chromium is missing and we are root on a
// Debian-like system, install it; otherwise say what the tests will do.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.COO_CHROMIUM_PATH ?? "/usr/bin/chromium";
const required = process.env.COO_TEST_BROWSER === "required";

if (existsSync(path)) process.exit(0);
const root = typeof process.getuid === "function" && process.getuid() === 0;
if (root && existsSync("/usr/bin/apt-get")) {
  console.log(`ensure-browser: no Chromium at ${path}; installing Debian's chromium package`);
  try {
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  } catch (error) {
    console.error(`ensure-browser: apt-get install chromium failed: ${error.message}`);
  }
}
if (existsSync(path)) process.exit(0);
const note = `ensure-browser: no Chromium at ${path}; the browser tests will be skipped (install it with \`sudo apt-get install -y chromium\`)`;
if (required) {
  console.error(`${note.replace("will be skipped", "cannot run")}, and COO_TEST_BROWSER=required`);
  process.exit(1);
}
console.warn(note);

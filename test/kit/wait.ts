/** Polls `check` until it holds; fails the test with a clear error when it never does. */
export async function until(check: () => Promise<boolean> | boolean, ms = 8000, every = 50): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out after ${ms} ms waiting`);
}

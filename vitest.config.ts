import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/kit/global-setup.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Processes the tests start (npm start, src/main.ts) read no developer's .env.
    env: { COO_ENV_FILE: "/dev/null" },
    // Flat, readable output in CI and locally.
    reporters: ["default"],
  },
});

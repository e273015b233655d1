import { defineConfig } from "vitest/config";

// CI asks for a JSON report too (VITEST_JSON), to print the one summary line it reads.
const jsonReport = process.env.VITEST_JSON;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The browser suite needs Chromium and a build: npm run test:e2e (vitest.e2e.config.ts).
    exclude: ["test/e2e/**", "**/node_modules/**"],
    setupFiles: ["test/support/fast-check-setup.ts"],
    // Says once that the PostgreSQL suites were skipped, when DATABASE_URL is not set.
    globalSetup: ["test/support/postgres-notice.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    reporters: jsonReport ? ["default", "json"] : ["default"],
    outputFile: jsonReport ? { json: jsonReport } : undefined,
  },
});

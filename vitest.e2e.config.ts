import { defineConfig } from "vitest/config";

// The browser suite: real headless Chromium (Debian's /usr/bin/chromium) against the real service, built
// first (npm run test:e2e). CI asks for a JSON report too (VITEST_JSON), for its summary line.
const jsonReport = process.env.VITEST_JSON;

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: jsonReport ? ["default", "json"] : ["default"],
    outputFile: jsonReport ? { json: jsonReport } : undefined,
  },
});

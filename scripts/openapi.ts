// Writes the service's OpenAPI document, exactly as GET /openapi.json answers it, to the file named by the
// first argument: `npm run lint:openapi` lints that file with Redocly (redocly.yaml).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { buildApp } from "../src/app.js";
import { openStorageAndPool } from "../src/storage-and-pool.js";

const [out] = process.argv.slice(2);
if (!out) throw new Error("usage: node dist/scripts/openapi.js OUT.json");

const dir = mkdtempSync(join(tmpdir(), "openapi-"));
const logger = pino({ level: "silent" });
// The pool is never started: the document needs the routes, not the workers.
const { storage, jobs } = openStorageAndPool(dir, logger, {
  size: 1,
  queueLimit: 1,
  timeLimitSeconds: 1,
  graceSeconds: 1,
});
try {
  const app = await buildApp({
    storage,
    jobs,
    logger,
    tokens: undefined,
    bodyLimit: 1024,
    rateLimit: { max: 1, timeWindowMs: 1000 },
  });
  const response = await app.inject({ method: "GET", url: "/openapi.json" });
  if (response.statusCode !== 200) throw new Error(`GET /openapi.json answered ${response.statusCode}`);
  writeFileSync(out, `${JSON.stringify(response.json(), null, 2)}\n`);
  await app.close();
} finally {
  await jobs.close(0);
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}

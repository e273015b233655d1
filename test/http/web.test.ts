import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { SolvePool } from "../../src/jobs/pool.js";
import { SqliteStorage } from "../../src/storage/sqlite.js";

// The service serves the built page at / beside the API, without shadowing it.

const dir = mkdtempSync(join(tmpdir(), "planner-web-"));
const webRoot = join(dir, "web");
let app: Awaited<ReturnType<typeof buildApp>>;
let storage: SqliteStorage;
let jobs: SolvePool;

beforeAll(async () => {
  mkdirSync(join(webRoot, "assets"), { recursive: true });
  writeFileSync(join(webRoot, "index.html"), "<!doctype html><title>工作台</title>");
  writeFileSync(join(webRoot, "assets", "index-abc123.js"), "console.log(1)");
  const logger = pino({ level: "silent" });
  storage = SqliteStorage.open(join(dir, "planner.sqlite"));
  jobs = new SolvePool({
    storage,
    log: logger,
    size: 1,
    queueLimit: 1,
    timeLimitSeconds: 1,
    graceSeconds: 1,
  });
  app = await buildApp({
    storage,
    jobs,
    logger,
    tokens: undefined,
    bodyLimit: 1024 * 1024,
    rateLimit: { max: 1000, timeWindowMs: 60_000 },
    webRoot,
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await jobs.close(0);
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the workbench page", () => {
  it("is served at / as HTML that is always revalidated", async () => {
    const response = await app.inject({ url: "/" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/html");
    expect(response.body).toContain("工作台");
    expect(response.headers["cache-control"]).toBe("no-cache");
  });

  it("serves hashed assets as immutable", async () => {
    const response = await app.inject({ url: "/assets/index-abc123.js" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["cache-control"]).toContain("immutable");
  });

  it("lets the page run: same-origin scripts, inline styles, no forced https", async () => {
    const csp = String((await app.inject({ url: "/" })).headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("'unsafe-inline'");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("leaves the API, the docs and unknown paths as they were", async () => {
    expect((await app.inject({ url: "/v1/plans" })).json()).toMatchObject({ total: 0, items: [] });
    expect((await app.inject({ url: "/openapi.json" })).json().openapi).toBe("3.1.0");
    expect((await app.inject({ url: "/docs/" })).statusCode).toBe(200);
    const missing = await app.inject({ url: "/nope" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe("NOT_FOUND");
  });
});

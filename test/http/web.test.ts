import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type TestService } from "../support/service.js";

// The service serves the built page at / beside the API, without shadowing it.

const dir = mkdtempSync(join(tmpdir(), "planner-web-"));
const webRoot = join(dir, "web");
let service: TestService;
let app: TestService["app"];

beforeAll(async () => {
  mkdirSync(join(webRoot, "assets"), { recursive: true });
  writeFileSync(join(webRoot, "index.html"), "<!doctype html><title>工作台</title>");
  writeFileSync(join(webRoot, "assets", "index-abc123.js"), "console.log(1)");
  service = await startService({ tokens: false, webRoot });
  app = service.app;
});
afterAll(async () => {
  await service.close();
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

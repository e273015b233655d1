import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPlan, startService, type TestService, viewer } from "../support/service.js";

const plan = readPlan("tiny-e");

describe("with tokens configured", () => {
  let service: TestService;
  let planId: string;

  beforeAll(async () => {
    service = await startService();
    planId = await service.postPlan(plan);
  });
  afterAll(async () => {
    await service.close();
  });

  it("answers 401 without a token, with a Bearer challenge", async () => {
    const response = await service.app.inject({ method: "GET", url: `/v1/plans/${planId}` });
    expect(response.statusCode).toBe(401);
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(response.json().code).toBe("UNAUTHORIZED");
  });

  it("answers 401 for an unknown token or another scheme", async () => {
    for (const authorization of [
      "Bearer not-a-configured-token",
      "Basic dXNlcjpwYXNz",
      `Token ${"x".repeat(20)}`,
    ]) {
      const response = await service.app.inject({
        method: "GET",
        url: `/v1/plans/${planId}`,
        headers: { authorization },
      });
      expect(response.statusCode, authorization).toBe(401);
    }
  });

  it("lets a viewer read but not write (403)", async () => {
    const reads = [
      ["GET", `/v1/plans/${planId}`],
      ["GET", `/v1/plans/${planId}/schedules`],
    ] as const;
    for (const [method, url] of reads) {
      expect((await service.app.inject({ method, url, headers: viewer })).statusCode, url).toBe(200);
    }
    const writes = [
      ["POST", "/v1/plans", plan],
      ["POST", `/v1/plans/${planId}/solve`, undefined],
      ["DELETE", "/v1/jobs/job_any", undefined],
    ] as const;
    for (const [method, url, payload] of writes) {
      const response = await service.app.inject({
        method,
        url,
        headers: viewer,
        ...(payload && { payload }),
      });
      expect(response.statusCode, url).toBe(403);
      expect(response.json().code).toBe("FORBIDDEN");
    }
  });

  it("lets a planner write", async () => {
    const response = await service.sendPlan(plan);
    expect(response.statusCode).toBe(201);
  });

  it("checks credentials before reading the body", async () => {
    const response = await service.sendPlanText("not json", "application/json", viewer);
    expect(response.statusCode).toBe(403);
  });

  it("leaves health and documentation public", async () => {
    for (const url of ["/healthz", "/openapi.json", "/docs/"]) {
      expect((await service.app.inject({ method: "GET", url })).statusCode, url).toBe(200);
    }
  });
});

describe("without tokens (loopback only)", () => {
  it("treats every caller as a planner", async () => {
    const open = await startService({ tokens: false });
    try {
      const created = await open.app.inject({ method: "POST", url: "/v1/plans", payload: plan });
      expect(created.statusCode).toBe(201);
      const read = await open.app.inject({ method: "GET", url: `/v1/plans/${created.json().id}` });
      expect(read.json().personalData).toBe("included");
    } finally {
      await open.close();
    }
  });
});

import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CANDIDATES } from "../../solver/index.js";
import { parsePlan, parseSchedule } from "../../src/contract/index.js";
import { draftedBatches } from "../support/schedules.js";
import { planner, readPlan, startService, type TestService, viewer } from "../support/service.js";

let service: TestService;
const plan = readPlan("tiny-e");

beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service.close();
});

describe("POST /v1/plans", () => {
  it("stores a plan and answers 201 with its id", async () => {
    const response = await service.sendPlan(plan);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ id: expect.stringMatching(/^pln_[0-9a-z]{16}$/) });
  });

  it("answers 400 with every problem and its path, as parsePlan reports them", async () => {
    const broken = structuredClone(plan) as {
      policy: Record<string, unknown>;
      venues: Record<string, unknown>[];
      cadres: Record<string, unknown>[];
    };
    broken.policy.maxDays = 9;
    delete broken.venues[0]?.capacityPerBatch;
    if (broken.cadres[0]) broken.cadres[0].birthDate = "1950-02-30";
    const response = await service.sendPlan(broken);
    expect(response.statusCode).toBe(400);
    const body = response.json();
    const expected = parsePlan(broken);
    expect(expected.ok).toBe(false);
    expect(body).toEqual({
      code: "INVALID_REQUEST",
      message: expect.any(String),
      problems: expected.ok ? [] : expected.problems,
    });
    expect(body.problems.map((p: { path: string }) => p.path)).toEqual(
      expect.arrayContaining(["/policy/maxDays", "/venues/0/capacityPerBatch", "/cadres/0/birthDate"]),
    );
  });

  it("answers 400 INVALID_JSON for a body that is not JSON", async () => {
    const response = await service.sendPlanText('{"version": 1,', "application/json");
    expect(response.statusCode).toBe(400);
    expect(response.json().problems).toEqual([
      { path: "", code: "INVALID_JSON", message: expect.any(String) },
    ]);
  });

  it("answers 415 for a body that is not declared JSON", async () => {
    const response = await service.sendPlanText("a,b", "text/csv");
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });
});

describe("GET /v1/plans/{id}", () => {
  it("gives a planner the plan whole and a viewer the plan without personal data", async () => {
    const id = await service.postPlan(plan);
    const whole = await service.app.inject({ method: "GET", url: `/v1/plans/${id}`, headers: planner });
    expect(whole.statusCode).toBe(200);
    expect(whole.json()).toEqual({
      id,
      createdAt: expect.any(String),
      personalData: "included",
      latestJob: null,
      scheduleCount: 0,
      plan,
    });

    const stripped = await service.app.inject({ method: "GET", url: `/v1/plans/${id}`, headers: viewer });
    expect(stripped.statusCode).toBe(200);
    const body = stripped.json();
    expect(body.personalData).toBe("withheld");
    const people = [...body.plan.cadres, ...body.plan.staff];
    expect(people.length).toBeGreaterThan(0);
    for (const person of people) {
      expect(person).not.toHaveProperty("name");
      expect(person).not.toHaveProperty("birthDate");
      expect(person).not.toHaveProperty("health");
    }
    expect(body.plan.cadres.map((c: { id: string }) => c.id)).toEqual(
      (plan.cadres as { id: string }[]).map((c) => c.id),
    );
    expect(body.plan.venues).toEqual(plan.venues);
  });

  it("answers 404 for an unknown plan", async () => {
    const response = await service.app.inject({ method: "GET", url: "/v1/plans/pln_nope", headers: viewer });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ code: "NOT_FOUND", message: expect.any(String) });
  });
});

describe("solving", () => {
  let planId: string;
  let jobId: string;
  let scheduleId: string;
  let scheduleIds: string[];

  const validate = (body: { plan: unknown; schedule: unknown }) =>
    service.app.inject({ method: "POST", url: "/v1/validate", headers: viewer, payload: body });

  beforeAll(async () => {
    planId = await service.postPlan(plan);
    jobId = await service.solve(planId);
  });

  it("runs the job to success with every candidate, priority first", async () => {
    const job = await service.waitForJob(jobId);
    const id = expect.stringMatching(/^sch_[0-9a-z]{16}$/);
    expect(job).toEqual({
      id: jobId,
      kind: "solve",
      planId,
      status: "succeeded",
      createdAt: expect.any(String),
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      result: {
        scheduleIds: [id, id, id, id],
        candidates: CANDIDATES.map((candidate) => ({
          candidate,
          scheduleId: id,
          status: expect.any(String),
          kpis: expect.objectContaining({ scheduled: expect.any(Number) }),
        })),
      },
    });
    scheduleIds = (job.result as { scheduleIds: string[] }).scheduleIds;
    scheduleId = scheduleIds[0] as string;
  });

  it("serves a planner the schedule byte for byte as stored, in the contract's shape", async () => {
    const response = await service.getSchedule(scheduleId, planner);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(
      response.rawPayload.equals((await service.storage.getScheduleJson(scheduleId)) ?? Buffer.alloc(0)),
    ).toBe(true);
    const parsed = parseSchedule(response.json());
    expect(parsed.ok).toBe(true);
    expect(response.json()).toMatchObject({ planId, scheduleId, candidate: "priority" });
  });

  it("lists the plan's schedules with their summaries, and the plan shows its state", async () => {
    const schedules = await Promise.all(
      scheduleIds.map(async (id) => (await service.getSchedule(id, viewer)).json()),
    );
    const list = await service.app.inject({
      method: "GET",
      url: `/v1/plans/${planId}/schedules`,
      headers: viewer,
    });
    expect(list.statusCode).toBe(200);
    // Other fields (e.g. replanned versions) may come beside these.
    expect(list.json()).toMatchObject({
      planId,
      schedules: schedules.map((schedule) => ({
        scheduleId: schedule.scheduleId,
        candidate: schedule.candidate,
        jobId,
        status: schedule.status,
        createdAt: expect.any(String),
        summary: schedule.summary,
      })),
    });
    expect(schedules.map((s) => s.candidate)).toEqual([...CANDIDATES]);
    const state = (
      await service.app.inject({ method: "GET", url: `/v1/plans/${planId}`, headers: viewer })
    ).json();
    expect(state).toMatchObject({ latestJob: { id: jobId, status: "succeeded" }, scheduleCount: 4 });
  });

  it("validates a schedule: valid as solved, violations once tampered with", async () => {
    const schedule = (await service.getSchedule(scheduleId, viewer)).json();
    const valid = await validate({ plan, schedule });
    expect(valid.statusCode).toBe(200);
    expect(valid.json()).toMatchObject({ valid: true, violations: [], mismatches: [] });

    expect(schedule.batches.length).toBeGreaterThan(0);
    schedule.batches[0].staffIds = [];
    const invalid = await validate({ plan, schedule });
    expect(invalid.statusCode).toBe(200);
    expect(invalid.json().valid).toBe(false);
    for (const violation of invalid.json().violations) {
      expect(violation).toMatchObject({
        rule: expect.any(String),
        article: expect.any(Number),
        message: expect.stringMatching(/\p{Script=Han}/u),
      });
    }
  });

  it("answers 400 when the validated plan or schedule breaks the contract", async () => {
    const response = await validate({ plan: { ...plan, version: 2 }, schedule: { status: "done" } });
    expect(response.statusCode).toBe(400);
    const paths = response.json().problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(expect.arrayContaining(["/plan/version", "/schedule/status", "/schedule/batches"]));
  });

  it("validates a planner's draft of batches only, and points at a stated cost that is wrong", async () => {
    const schedule = (await service.getSchedule(scheduleId, viewer)).json();
    const batches = draftedBatches(schedule);
    const clean = await validate({ plan, schedule: { batches } });
    expect(clean.statusCode).toBe(200);
    expect(clean.json()).toMatchObject({ valid: true, violations: [], mismatches: [] });
    expect(clean.json().schedule.summary).toEqual(schedule.summary);

    const wrongCost = { total: schedule.batches[0].cost.total + 100 };
    const stated = [{ ...batches[0], cost: wrongCost }, ...batches.slice(1)];
    const wrong = await validate({ plan, schedule: { batches: stated } });
    expect(wrong.statusCode).toBe(200);
    expect(wrong.json().valid).toBe(false);
    expect(wrong.json().mismatches).toEqual([
      {
        path: "/schedule/batches/0/cost/total",
        code: "DERIVED_MISMATCH",
        message: expect.stringMatching(/\p{Script=Han}/u),
      },
    ]);
  });

  it("answers POST /v1/validate's unreadable bodies as POST /v1/plans does: 400 INVALID_JSON, 415, 413", async () => {
    const send = (payload: string, contentType: string) =>
      service.app.inject({
        method: "POST",
        url: "/v1/validate",
        headers: { ...viewer, "content-type": contentType },
        payload,
      });
    for (const text of ['{"plan": {', ""]) {
      const response = await send(text, "application/json");
      expect(response.statusCode, text).toBe(400);
      expect(response.json()).toEqual({
        code: "INVALID_REQUEST",
        message: expect.any(String),
        problems: [{ path: "", code: "INVALID_JSON", message: expect.any(String) }],
      });
    }
    expect((await send("a,b", "text/csv")).statusCode).toBe(415);
    const small = await startService({ bodyLimit: 1024 });
    try {
      const response = await small.app.inject({
        method: "POST",
        url: "/v1/validate",
        headers: viewer,
        payload: { plan, schedule: {} },
      });
      expect(response.statusCode).toBe(413);
    } finally {
      await small.close();
    }
  });

  it("answers 404 for unknown plans, jobs and schedules", async () => {
    for (const [method, url] of [
      ["POST", "/v1/plans/pln_nope/solve"],
      ["GET", "/v1/plans/pln_nope/schedules"],
      ["GET", "/v1/jobs/job_nope"],
      ["DELETE", "/v1/jobs/job_nope"],
      ["GET", "/v1/schedules/sch_nope"],
      ["GET", "/v1/nothing-here"],
    ] as const) {
      const response = await service.app.inject({ method, url, headers: planner });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().code).toBe("NOT_FOUND");
    }
  });

  it("answers 409 when canceling a job that has ended", async () => {
    const response = await service.app.inject({
      method: "DELETE",
      url: `/v1/jobs/${jobId}`,
      headers: planner,
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe("CONFLICT");
  });
});

describe("service endpoints", () => {
  it("GET /healthz answers 200 without credentials", async () => {
    const response = await service.app.inject({ method: "GET", url: "/healthz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok", database: "up", queue: "up" });
  });

  it("GET /metrics answers Prometheus text: jobs by state, queue depth, solve seconds, HTTP latency", async () => {
    await service.app.inject({ method: "GET", url: "/v1/plans/pln_nope", headers: viewer });
    const response = await service.app.inject({ method: "GET", url: "/metrics" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/plain/);
    expect(response.body).toMatch(/^planner_jobs\{state="succeeded"\} \d+$/m);
    expect(response.body).toMatch(/^planner_queue_depth \d+$/m);
    expect(response.body).toContain("# TYPE planner_solve_seconds histogram");
    expect(response.body).toMatch(
      /^planner_http_request_seconds_count\{method="GET",route="\/v1\/plans\/:id",status="404"\} [1-9]/m,
    );
    expect(response.body).not.toContain("pln_nope");
  });

  it("GET /openapi.json is a valid OpenAPI document listing every endpoint", async () => {
    const response = await service.app.inject({ method: "GET", url: "/openapi.json" });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    await SwaggerParser.validate(structuredClone(document));
    expect(Object.keys(document.paths).sort()).toEqual([
      "/healthz",
      "/metrics",
      "/v1/cycles/{cycleId}",
      "/v1/cycles/{cycleId}/nominees",
      "/v1/cycles/{cycleId}/nominees.xlsx",
      "/v1/jobs/{jobId}",
      "/v1/plans",
      "/v1/plans/{id}",
      "/v1/plans/{id}/batches/{batchId}/dossier",
      "/v1/plans/{id}/compare",
      "/v1/plans/{id}/eligibility",
      "/v1/plans/{id}/evaluation",
      "/v1/plans/{id}/evaluation.xlsx",
      "/v1/plans/{id}/events",
      "/v1/plans/{id}/frontier",
      "/v1/plans/{id}/readiness",
      "/v1/plans/{id}/recommendations",
      "/v1/plans/{id}/recommendations/workbook",
      "/v1/plans/{id}/recommendations/{cadreId}",
      "/v1/plans/{id}/replan",
      "/v1/plans/{id}/schedules",
      "/v1/plans/{id}/solve",
      "/v1/plans/{id}/survey",
      "/v1/plans/{id}/survey.xlsx",
      "/v1/plans/{id}/validate",
      "/v1/plans/{id}/what-if",
      "/v1/roster/import",
      "/v1/schedules/{scheduleId}",
      "/v1/schedules/{scheduleId}/bottlenecks",
      "/v1/schedules/{scheduleId}/export.csv",
      "/v1/schedules/{scheduleId}/export.xlsx",
      "/v1/session",
      "/v1/templates/roster.xlsx",
      "/v1/validate",
    ]);
    // The request body is documented from the very schema that validates it, named so clients share it.
    const planBody = document.paths["/v1/plans"].post.requestBody.content["application/json"].schema;
    expect(planBody).toEqual({ $ref: "#/components/schemas/PlanInput" });
    const plan = document.components.schemas.PlanInput;
    expect(plan.required).toEqual(expect.arrayContaining(["version", "cadres", "venues", "staff"]));
    expect(plan.properties.cadres.items).toEqual({ $ref: "#/components/schemas/CadreInput" });
    const validateBody = document.paths["/v1/validate"].post.requestBody.content["application/json"].schema;
    expect(validateBody.properties.plan).toEqual({ $ref: "#/components/schemas/PlanInput" });
  });

  it("names every operation, groups it under a described tag and documents every error status it can answer", async () => {
    const document = (await service.app.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(document.servers).toEqual([expect.objectContaining({ url: "/" })]);
    const tags = new Set(document.tags.map((t: { name: string; description: string }) => t.name));
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods as Record<string, Record<string, unknown>>).map(([method, op]) => ({
        path,
        method,
        op,
      })),
    );
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size, "operation ids are unique").toBe(operations.length);
    for (const { path, method, op } of operations) {
      const where = `${method} ${path}`;
      expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
      expect(
        (op.tags as string[]).every((tag) => tags.has(tag)),
        where,
      ).toBe(true);
      const statuses = Object.keys(op.responses as object);
      expect(statuses, where).toEqual(expect.arrayContaining(["429", "500"]));
      if (path.includes("{")) expect(statuses, where).toEqual(expect.arrayContaining(["404", "414"]));
      if (method !== "get") expect(statuses, where).toEqual(expect.arrayContaining(["400", "413", "415"]));
    }
    expect(ids).toEqual(
      expect.arrayContaining(["createPlan", "getPlan", "solvePlan", "getJob", "cancelJob", "getSchedule"]),
    );
  });

  it("GET /docs renders the documentation", async () => {
    const response = await service.app.inject({ method: "GET", url: "/docs/" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/text\/html/);
    expect(response.body).toContain("swagger");
  });

  it("sends security headers and a request id", async () => {
    const response = await service.app.inject({ method: "GET", url: "/healthz" });
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-security-policy"]).toBeDefined();
    expect(response.headers["x-request-id"]).toEqual(expect.any(String));
  });
});

describe("limits and failures", () => {
  it("answers 413 past the body limit", async () => {
    const small = await startService({ bodyLimit: 1024 });
    try {
      const response = await small.sendPlan(plan);
      expect(response.statusCode).toBe(413);
      expect(response.json().code).toBe("PAYLOAD_TOO_LARGE");
    } finally {
      await small.close();
    }
  });

  it("answers 429 with Retry-After past the rate limit", async () => {
    const limited = await startService({ rateLimitMax: 2 });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof limited.app.inject>> | undefined;
      for (let i = 0; i < 3; i++) {
        last = await limited.app.inject({ method: "GET", url: "/v1/plans/pln_nope", headers: viewer });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([404, 404, 429]);
      expect(last?.headers["retry-after"]).toBeDefined();
      expect(last?.json().code).toBe("TOO_MANY_REQUESTS");
    } finally {
      await limited.close();
    }
  });

  it("answers 500 without a word about internals", async () => {
    const broken = await startService();
    try {
      await broken.storage.close();
      const response = await broken.app.inject({ method: "GET", url: "/v1/plans/pln_x", headers: viewer });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ code: "INTERNAL", message: "服务内部错误" });
      expect(response.body).not.toMatch(/database|sqlite|Error/i);
      // …and health says it cannot take work.
      expect((await broken.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(503);
    } finally {
      await broken.app.close();
      await broken.jobs.close(0);
    }
  });

  it("answers 503 to a solve once the workers are stopping", async () => {
    const stopping = await startService();
    try {
      const planId = await stopping.postPlan(plan);
      await stopping.jobs.close(0);
      const response = await stopping.app.inject({
        method: "POST",
        url: `/v1/plans/${planId}/solve`,
        headers: planner,
      });
      expect(response.statusCode).toBe(503);
      expect(response.json().code).toBe("UNAVAILABLE");
      expect((await stopping.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(503);
    } finally {
      await stopping.close();
    }
  });
});

import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bottlenecks, CANDIDATES, type Plan, type Schedule, validateSchedule } from "../../solver/index.js";
import { planner, startService, type TestService, viewer } from "../support/service.js";

// The solve job's four candidates, the comparison of them, and the bottleneck report, through the API with
// real workers. The tight-budget example: its budget binds, so the candidates differ where it matters.

const plan = JSON.parse(
  readFileSync(new URL("../../spec/examples/tight-budget-city.json", import.meta.url), "utf8"),
) as Plan;

let service: TestService;
let planId: string;
let jobId: string;
let result: {
  scheduleIds: string[];
  candidates: { candidate: string; scheduleId: string; status: string; kpis: Record<string, unknown> }[];
};

beforeAll(async () => {
  service = await startService({ pool: { size: 2 } });
  planId = await service.postPlan(plan);
});
afterAll(async () => {
  await service.close();
});

async function get(url: string, headers = viewer) {
  return service.app.inject({ method: "GET", url, headers });
}

describe("the solve job", () => {
  it("answers 404 on compare before any solve succeeded", async () => {
    const response = await get(`/v1/plans/${planId}/compare`);
    expect(response.statusCode).toBe(404);
    expect((await get("/v1/plans/pln_nope/compare")).statusCode).toBe(404);
  });

  it("spreads the candidates over the workers and yields all four, priority first", async () => {
    jobId = await service.solve(planId);
    let mostRunning = 0;
    for (;;) {
      const job = (await service.getJob(jobId)).json();
      if (job.progress) {
        expect(job.progress).toMatchObject({ tasks: 4, tasksDone: expect.any(Number) });
        mostRunning = Math.max(mostRunning, job.progress.tasksRunning);
      }
      if (job.status !== "queued" && job.status !== "running") {
        expect(job.status).toBe("succeeded");
        result = job.result;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(mostRunning).toBe(2);
    expect(result.candidates.map((c) => c.candidate)).toEqual([...CANDIDATES]);
    expect(result.scheduleIds).toEqual(result.candidates.map((c) => c.scheduleId));
  });

  it("stores every candidate with its KPIs, and the validator accepts each", async () => {
    for (const entry of result.candidates) {
      const schedule = (await get(`/v1/schedules/${entry.scheduleId}`, planner)).json() as Schedule;
      expect(schedule.candidate).toBe(entry.candidate);
      expect(schedule.kpis).toEqual(entry.kpis);
      expect(validateSchedule(plan, schedule), entry.candidate).toEqual([]);
    }
  });

  it("puts the candidates side by side on compare, for viewers too", async () => {
    const response = await get(`/v1/plans/${planId}/compare`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      planId,
      jobId,
      solvedAt: expect.any(String),
      priority: result.scheduleIds[0],
      candidates: result.candidates,
    });
  });

  it("reports the bottlenecks of a schedule: here the budget binds", async () => {
    const priorityId = result.scheduleIds[0] ?? "";
    const schedule = (await get(`/v1/schedules/${priorityId}`, planner)).json() as Schedule;
    const response = await get(`/v1/schedules/${priorityId}/bottlenecks`);
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toEqual({ scheduleId: priorityId, ...bottlenecks(plan, schedule) });
    expect(report.budget.binding).toBe(true);
    expect(report.binding.map((b: { resource: string }) => b.resource)).toContain("BUDGET");
    expect((await get("/v1/schedules/sch_nope/bottlenecks")).statusCode).toBe(404);
  });
});

import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FrontierStep, type Plan, type Schedule, solvePlan } from "../../solver/index.js";
import { withCheaperContractedVenue } from "../support/plans.js";
import { expectSameSchedule, explainedSchedule } from "../support/same-schedule.js";
import { gaveWay, planner, startService, type TestService, viewer } from "../support/service.js";

// The budget frontier through the API with real workers, on the small-city example: computed in the
// background when the plan is stored, answered whole or for one budget, and in step with what-if runs.

const plan = JSON.parse(
  readFileSync(new URL("../../spec/examples/small-city.json", import.meta.url), "utf8"),
) as Plan;

let service: TestService;
let planId: string;

beforeAll(async () => {
  service = await startService({ frontier: true, pool: { size: 2 } });
  planId = await service.postPlan(plan);
});
afterAll(async () => {
  await service.close();
});

function getFrontier(query = "", id = planId, headers = viewer) {
  return service.app.inject({ method: "GET", url: `/v1/plans/${id}/frontier${query}`, headers });
}

/** A budget sweep's runs, once its job has succeeded. */
async function whatIfRuns(budgets: number[], id = planId) {
  const response = await service.app.inject({
    method: "POST",
    url: `/v1/plans/${id}/what-if`,
    headers: planner,
    payload: { budgets },
  });
  expect(response.statusCode, response.body).toBe(202);
  const job = await service.waitForJob(response.json().jobId, 120_000);
  expect(job).toMatchObject({ status: "succeeded" });
  return (job.result as { runs: { budget: number; scheduleId: string; scheduledByTier: number[] }[] }).runs;
}

/** What any optimal schedule at a budget has alike: coverage, cost and the share of system-owned places. */
const optimum = (s: Schedule) => [
  s.status,
  s.summary.scheduledByTier,
  s.summary.totalCost,
  s.kpis?.systemVenueShare,
];

/** Polls until the frontier is no longer being computed; the answers seen on the way. */
async function settled(id = planId): Promise<{ body: Record<string, unknown>; seen: string[] }> {
  const seen: string[] = [];
  const until = Date.now() + 240_000;
  for (;;) {
    const response = await getFrontier("", id);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    seen.push(body.state);
    if (body.state !== "computing") return { body, seen };
    expect(Array.isArray(body.steps)).toBe(true);
    if (Date.now() > until) throw new Error("frontier still computing");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("GET /v1/plans/{id}/frontier", () => {
  let steps: FrontierStep[];

  it("answers 409 for a budget while the frontier is computed, then the whole frontier once ready", async () => {
    const early = await getFrontier("?budget=50000");
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toMatch(/预算前沿/);
    // Background work: the plan is not "solving" and has no latest job for it.
    const stored = await service.app.inject({ method: "GET", url: `/v1/plans/${planId}`, headers: viewer });
    expect(stored.json().latestJob).toBeNull();
    const list = await service.app.inject({ method: "GET", url: "/v1/plans", headers: viewer });
    expect(list.json().items).toEqual([expect.objectContaining({ id: planId, state: "unsolved" })]);
    const { body, seen } = await settled();
    expect(seen[0]).toBe("computing");
    expect(body).toMatchObject({ planId, state: "ready", complete: true, proven: true });
    expect(body.message).toMatch(/预算前沿/);
    steps = body.steps as FrontierStep[];
    expect(steps.length).toBeGreaterThan(2);
    expect(steps[0]?.budget).toBe(0);
    expect(steps.every((s) => s.proven)).toBe(true);
    const job = await service.waitForJob(body.jobId as string);
    expect(job).toMatchObject({ kind: "frontier", status: "succeeded" });
  });

  it("answers the step a budget buys, and the next one", async () => {
    for (const [i, step] of steps.entries()) {
      const at = await getFrontier(`?budget=${step.budget}`);
      expect(at.statusCode, at.body).toBe(200);
      expect(at.json()).toMatchObject({ planId, budget: step.budget, step, nextStep: steps[i + 1] ?? null });
      if (i > 0) expect((await getFrontier(`?budget=${step.budget - 1}`)).json().step).toEqual(steps[i - 1]);
    }
    expect((await getFrontier("?budget=10000000000")).json().step).toEqual(steps.at(-1));
  });

  it("reads at each what-if budget the coverage that run reaches", async () => {
    const runs = await whatIfRuns([steps[3]?.budget ?? 0, (steps[5]?.budget ?? 0) - 1, plan.budget.total]);
    expect(runs).toHaveLength(3);
    for (const run of runs) {
      const at = (await getFrontier(`?budget=${run.budget}`)).json();
      expect(at.step.scheduledByTier, `budget ${run.budget}`).toEqual(run.scheduledByTier);
    }
  }, 180_000);

  it("solves each what-if budget from the ready frontier: the full optimum, the same alone or with others", async () => {
    const budgets = [steps[2]?.budget ?? 0, (steps[4]?.budget ?? 0) + 500, plan.budget.total];
    const sweep = await whatIfRuns(budgets);
    for (const [i, run] of sweep.entries()) {
      const budget = budgets[i] ?? 0;
      const inSweep = await explainedSchedule(service, run.scheduleId);
      if (inSweep === undefined) throw new Error(`no reasons for budget ${budget}`);
      // Its coverage came from the frontier: no coverage stage was solved.
      for (const stage of inSweep.solver.stages as { name: string; status: string }[])
        if (stage.name.startsWith("tier"))
          expect(stage.status, `${stage.name} at ${budget}`).toBe("reached-ceiling");
      const full = await solvePlan(
        { ...plan, budget: { ...plan.budget, total: budget } },
        {
          planId,
          scheduleId: "full",
        },
      );
      expect(optimum(inSweep), `at ${budget}`).toEqual(optimum(full));
      const [alone] = await whatIfRuns([budget]);
      const aloneSchedule = await explainedSchedule(service, alone?.scheduleId ?? "");
      if (aloneSchedule === undefined) throw new Error(`no reasons for budget ${budget} alone`);
      expectSameSchedule(aloneSchedule, inSweep, `budget ${budget}`);
    }
  }, 300_000);

  it("queues the places curve after the frontier: a what-if past the most coverage's least cost then solves nothing", async () => {
    const traded = withCheaperContractedVenue(plan);
    const id = await service.postPlan(traded);
    // The frontier's answer says where the places curve is, and gives its steps once ready.
    const until = Date.now() + 240_000;
    let places = (await getFrontier("", id)).json().places;
    while (places.state !== "ready") {
      expect(["none", "computing"]).toContain(places.state);
      if (places.state === "computing") expect(places.fraction).toBeGreaterThanOrEqual(0);
      if (Date.now() > until) throw new Error("places curve still computing");
      await new Promise((resolve) => setTimeout(resolve, 100));
      places = (await getFrontier("", id)).json().places;
    }
    expect((await settled(id)).body).toMatchObject({ state: "ready", proven: true });
    const job = await service.waitForJob(places.jobId);
    expect(job).toMatchObject({ kind: "frontier-places", status: "succeeded", result: { proven: true } });
    // The stored job also keeps each step's schedule; the frontier's answer leaves those out.
    expect((job.result as { steps: unknown[] }).steps).toMatchObject(places.steps);
    const curve = places.steps as { budget: number; systemPlaces: number }[];
    expect(curve.length).toBeGreaterThan(2);
    const budget = Math.floor(((curve[1]?.budget ?? 0) + (curve[2]?.budget ?? 0)) / 2);
    const [run] = await whatIfRuns([budget], id);
    const schedule = await explainedSchedule(service, run?.scheduleId ?? "");
    if (schedule === undefined) throw new Error(`no reasons for budget ${budget}`);
    for (const stage of schedule.solver.stages as { name: string; status: string }[])
      expect(stage.status, stage.name).toBe("reached-ceiling");
    const full = await solvePlan(
      { ...traded, budget: { ...traded.budget, total: budget } },
      { planId: id, scheduleId: "full" },
    );
    expect(optimum(schedule)).toEqual(optimum(full));
  }, 300_000);

  it("refuses a bad budget and a missing plan", async () => {
    for (const query of ["?budget=-1", "?budget=abc", "?budget=1e11"]) {
      const response = await getFrontier(query);
      expect(response.statusCode, query).toBe(400);
    }
    for (const query of ["", "?budget=5"]) {
      const response = await getFrontier(query, "pln_missing");
      expect(response.statusCode).toBe(404);
      expect(response.json().message).toMatch(/计划/);
    }
  });

  it("computes the frontier again when the plan changes, stopping the one in progress", async () => {
    const first = (await getFrontier()).json().jobId as string;
    const patch = (policy: Plan["policy"]) =>
      service.app.inject({
        method: "PATCH",
        url: `/v1/plans/${planId}`,
        headers: planner,
        payload: { policy },
      });
    expect((await patch({ ...plan.policy, minBatchSize: 12 })).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = (await getFrontier()).json();
    expect(second.jobId).not.toBe(first);
    expect((await patch({ ...plan.policy, minBatchSize: 11 })).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await service.waitForJob(second.jobId)).status).toBe("canceled");
    const { body } = await settled();
    expect(body).toMatchObject({ state: "ready", complete: true });
    expect(body.jobId).not.toBe(second.jobId);
  }, 300_000);

  it("computes the frontier again when events are recorded", async () => {
    const before = (await settled()).body;
    const withdrawn = plan.cadres[0]?.id as string;
    const recorded = await service.app.inject({
      method: "POST",
      url: `/v1/plans/${planId}/events`,
      headers: planner,
      payload: { type: "cadre_withdrew", cadreId: withdrawn },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { body } = await settled();
    expect(body).toMatchObject({ state: "ready", complete: true });
    expect(body.jobId).not.toBe(before.jobId);
  }, 300_000);

  it("gives its one worker up to a solve somebody asks for, and goes on from its last step after it", async () => {
    const logLines: string[] = [];
    const single = await startService({ frontier: true, pool: { size: 1 }, logLines });
    try {
      const id = await single.postPlan(plan);
      const view = () =>
        single.app.inject({ method: "GET", url: `/v1/plans/${id}/frontier`, headers: viewer });
      const frontierJob = (await view()).json().jobId as string;
      const status = async () => (await single.getJob(frontierJob)).json().status;
      // Until the first part has found a step or two: it has a checkpoint to go on from.
      const found = () => single.jobs.progress(frontierJob)?.partial as FrontierStep[] | undefined;
      for (let i = 0; i < 2000 && (found()?.length ?? 0) < 3; i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      const solved = await single.waitForJob(await single.solve(id), 120_000);
      expect(solved.status).toBe("succeeded");
      expect(await status()).toBe("running");
      expect(gaveWay(logLines)).toEqual([
        expect.objectContaining({ jobId: frontierJob, fromCheckpoint: true }),
      ]);
      const ready = await single.waitForJob(frontierJob, 240_000);
      expect(ready).toMatchObject({ status: "succeeded", result: { complete: true, proven: true } });
      expect((ready.result as { steps: FrontierStep[] }).steps).toEqual(steps);
    } finally {
      await single.close();
    }
  }, 400_000);

  it("answers none for a plan whose frontier was never computed", async () => {
    const quiet = await startService();
    try {
      const id = await quiet.postPlan(plan);
      const response = await quiet.app.inject({
        method: "GET",
        url: `/v1/plans/${id}/frontier`,
        headers: viewer,
      });
      expect(response.json()).toMatchObject({ state: "none", steps: [] });
      const at = await quiet.app.inject({
        method: "GET",
        url: `/v1/plans/${id}/frontier?budget=1`,
        headers: viewer,
      });
      expect(at.statusCode).toBe(409);
    } finally {
      await quiet.close();
    }
  });

  it("drops the frontier it keeps in memory once another instance has queued a newer one", async () => {
    expect((await settled()).body.state).toBe("ready");
    const step = steps[2] as FrontierStep;
    expect((await getFrontier(`?budget=${step.budget}`)).statusCode).toBe(200);
    // What another instance does when the plan changes there: a newer frontier job for the plan.
    const jobId = "job_from_another_instance";
    const at = new Date().toISOString();
    expect(
      await service.storage.insertJob({ id: jobId, planId, kind: "frontier", createdAt: at }, () => true),
    ).toEqual({
      inserted: true,
    });
    try {
      expect((await getFrontier(`?budget=${step.budget}`)).statusCode).toBe(409);
      expect((await getFrontier()).json()).toMatchObject({ state: "computing", jobId });
    } finally {
      await service.storage.endJob(jobId, at, "canceled", null);
    }
    // Canceled, it stands as the latest: the plan's frontier is to be computed again, not read from memory.
    expect((await getFrontier()).json()).toMatchObject({ state: "failed", jobId });
  });
});

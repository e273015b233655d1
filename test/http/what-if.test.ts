import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Plan, type Schedule, solvePlan, validateSchedule } from "../../solver/index.js";
import { applyMergePatch } from "../../src/contract/merge-patch.js";
import { compareLex } from "../support/compare-lex.js";
import { expectSameSchedule, explainedSchedule } from "../support/same-schedule.js";
import { planner, readPlan, startService, type TestService, viewer } from "../support/service.js";

// What-if runs through the API with real workers, on the tight-budget example (its budget binds).

const plan = JSON.parse(
  readFileSync(new URL("../../spec/examples/tight-budget-city.json", import.meta.url), "utf8"),
) as Plan;

interface Run {
  budget: number;
  name: string;
  scheduleId: string;
  scheduledByTier: number[];
  scheduled: number;
  totalCost: number;
  batches: number;
  marginalCostPerCadre: number | null;
  kpis: { batches: number };
}
interface LeastBudget {
  tiers: number;
  budget: number;
  scheduledByTier: number[];
  proven: boolean;
}

let service: TestService;
let planId: string;

beforeAll(async () => {
  service = await startService({ pool: { size: 2 } });
  planId = await service.postPlan(plan);
});
afterAll(async () => {
  await service.close();
});

function whatIf(body: unknown, id = planId) {
  return service.app.inject({
    method: "POST",
    url: `/v1/plans/${id}/what-if`,
    headers: planner,
    payload: body as object,
  });
}

async function runWhatIf(body: unknown, id = planId): Promise<Record<string, unknown>> {
  const response = await whatIf(body, id);
  expect(response.statusCode, response.body).toBe(202);
  const job = await service.waitForJob(response.json().jobId, 120_000);
  expect(job).toMatchObject({ kind: "what-if", status: "succeeded" });
  return job;
}

async function schedule(id: string): Promise<Schedule> {
  return (await service.getSchedule(id, planner)).json();
}

function withBudget(total: number): Plan {
  return { ...plan, budget: { ...plan.budget, total } };
}

describe("a budget sweep", () => {
  let runs: Run[];
  let least: LeastBudget[];

  it("runs every budget once, ascending, with the least budget per tier prefix", async () => {
    const job = await runWhatIf({ budgets: [140_000, 0, 20_000, 40_000, 65_000, 100_000, 65_000] });
    const result = job.result as { scheduleIds: string[]; runs: Run[]; leastBudgetForTiers: LeastBudget[] };
    runs = result.runs;
    least = result.leastBudgetForTiers;
    expect(runs.map((r) => r.budget)).toEqual([0, 20_000, 40_000, 65_000, 100_000, 140_000]);
    expect(result.scheduleIds).toEqual(runs.map((r) => r.scheduleId));
    for (const run of runs) {
      expect(run).toMatchObject({
        scheduledByTier: expect.any(Array),
        scheduled: expect.any(Number),
        totalCost: expect.any(Number),
        batches: run.kpis.batches,
      });
      expect(run.totalCost).toBeLessThanOrEqual(run.budget);
    }
    // Tiers 1, 5 and 6 have nobody eligible in this plan.
    expect(least.map((l) => l.tiers)).toEqual([2, 3, 4]);
  });

  it("is monotone: more money never covers fewer, lexicographically", () => {
    for (let i = 1; i < runs.length; i++) {
      const [before, after] = [runs[i - 1] as Run, runs[i] as Run];
      expect(
        Math.sign(compareLex(after.scheduledByTier, before.scheduledByTier)),
        `${before.budget} → ${after.budget}`,
      ).toBe(after.scheduledByTier.join() === before.scheduledByTier.join() ? 0 : 1);
    }
    expect(runs[0]?.scheduled).toBe(0);
    expect(runs.at(-1)?.scheduled).toBeGreaterThan(runs[3]?.scheduled ?? 0);
  });

  it("gives the marginal cost of each extra cadre against the budget before", () => {
    expect(runs[0]?.marginalCostPerCadre).toBeNull();
    for (let i = 1; i < runs.length; i++) {
      const [before, after] = [runs[i - 1] as Run, runs[i] as Run];
      const extra = after.scheduled - before.scheduled;
      expect(after.marginalCostPerCadre).toBe(
        extra === 0 ? null : Math.round(((after.totalCost - before.totalCost) / extra) * 100) / 100,
      );
    }
    expect(runs.some((r) => r.marginalCostPerCadre !== null)).toBe(true);
  });

  it("stores each run's schedule, for the plan with that budget, and lists it with its label", async () => {
    for (const run of runs) {
      const stored = await schedule(run.scheduleId);
      expect(stored).toMatchObject({ planId, candidate: "priority" });
      expect(stored.summary).toMatchObject({ budget: run.budget, scheduledByTier: run.scheduledByTier });
      expect(validateSchedule(withBudget(run.budget), stored)).toEqual([]);
    }
    const list = (
      await service.app.inject({ method: "GET", url: `/v1/plans/${planId}/schedules`, headers: viewer })
    ).json();
    const labels = list.schedules.map((s: { run?: string }) => s.run);
    for (const run of runs) expect(labels).toContain(`budget=${run.budget}`);
    // The bottleneck report reads the run's own plan: its budget, not the stored one.
    const report = (
      await service.app.inject({
        method: "GET",
        url: `/v1/schedules/${runs.at(-1)?.scheduleId}/bottlenecks`,
        headers: viewer,
      })
    ).json();
    expect(report.budget.total).toBe(140_000);
  });

  it("finds each least budget exactly: tiers 1..k at their most there, and not 1 yuan less", async () => {
    for (const { tiers, budget, scheduledByTier } of least) {
      const prefix = (byTier: readonly number[]) => byTier.slice(0, tiers);
      const at = await solvePlan(withBudget(budget), { planId, scheduleId: `at-${tiers}` });
      expect(prefix(at.summary.scheduledByTier), `tiers 1..${tiers} at ${budget}`).toEqual(
        prefix(scheduledByTier),
      );
      if (budget === 0) continue;
      const below = await solvePlan(withBudget(budget - 1), { planId, scheduleId: `below-${tiers}` });
      expect(
        Math.sign(compareLex(prefix(below.summary.scheduledByTier), prefix(scheduledByTier))),
        `tiers 1..${tiers} at ${budget - 1}`,
      ).toBe(-1);
    }
  });

  it("expands a range into budgets, reusing the least budgets of the same stored plan", async () => {
    const response = await whatIf({ range: { from: 0, to: 45_000, step: 20_000 } });
    const { jobId } = response.json();
    const job = await service.waitForJob(jobId, 120_000);
    const result = job.result as { runs: Run[]; leastBudgetForTiers: LeastBudget[] };
    expect(result.runs.map((r) => r.budget)).toEqual([0, 20_000, 40_000]);
    expect(result.leastBudgetForTiers).toEqual(least);
    // Three solves and no least-budget task: the first sweep's answer stands for the same plan.
    const kinds = (await service.storage.listSchedules(planId)).filter((s) => s.jobId === jobId);
    expect(kinds).toHaveLength(3);
    runs.push(...result.runs);
  });

  // Solves cut short by their time limit (a loaded machine) may end anywhere: only proven ones compare.
  it("stores each schedule at once and writes its reasons in afterwards", async () => {
    let compared = 0;
    for (const run of runs.slice(0, 4)) {
      const explained = await explainedSchedule(service, run.scheduleId);
      const direct = await solvePlan(withBudget(run.budget), { planId, scheduleId: run.scheduleId });
      if (explained?.status !== "optimal" || direct.status !== "optimal") continue;
      // The same schedule as the one solved with its reasons at once, apart from the time and the ids.
      expectSameSchedule(explained, direct, `budget ${run.budget}`);
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  }, 300_000);

  it("gives each budget the same schedule whether asked alone or with others", async () => {
    let compared = 0;
    for (const run of runs.slice(0, 4)) {
      const job = await runWhatIf({ budgets: [run.budget] });
      const [alone] = (job.result as { runs: Run[] }).runs;
      const [a, b] = [
        await explainedSchedule(service, alone?.scheduleId ?? ""),
        await schedule(run.scheduleId),
      ];
      if (a?.status !== "optimal" || b.status !== "optimal") continue;
      expectSameSchedule(a, b, `budget ${run.budget}`);
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  }, 300_000);
});

describe("scenarios", () => {
  const biggerV01 = plan.venues.map((v) => (v.id === "V01" ? { ...v, capacityPerBatch: 40 } : v));
  const scenarios = [
    { name: "baseline", patch: {} },
    { name: "more money", patch: { budget: { total: 100_000 } } },
    {
      name: "bigger V01, by id",
      patch: { budget: { total: 100_000 }, venues: { V01: { capacityPerBatch: 40 } } },
    },
    { name: "bigger V01, whole list", patch: { budget: { total: 100_000 }, venues: biggerV01 } },
    { name: "spring only", patch: { planningWindow: { end: "2027-06-30" } } },
    {
      name: "medic S001 away all spring",
      patch: { staff: { S001: { unavailable: [{ start: "2027-03-01", end: "2027-06-30" }] } } },
    },
  ];
  let runs: Run[];

  it("runs each scenario side by side, each on the patched plan", async () => {
    const job = await runWhatIf({ scenarios });
    runs = (job.result as { runs: Run[] }).runs;
    expect(runs.map((r) => r.name)).toEqual(scenarios.map((s) => s.name));
    for (const [i, run] of runs.entries()) {
      const patched = applyMergePatch(plan, scenarios[i]?.patch) as Plan;
      const stored = await schedule(run.scheduleId);
      expect(validateSchedule(patched, stored), run.name).toEqual([]);
      expect(stored.summary.scheduledByTier).toEqual(run.scheduledByTier);
    }
    expect(runs[1]?.scheduled).toBeGreaterThan(runs[0]?.scheduled ?? 0);
    const spring = await schedule(runs[4]?.scheduleId ?? "");
    for (const batch of spring.batches) expect(batch.end <= "2027-06-30").toBe(true);
    const medicAway = await schedule(runs[5]?.scheduleId ?? "");
    for (const batch of medicAway.batches)
      if (batch.start <= "2027-06-30") expect(batch.staffIds).not.toContain("S001");
  });

  it("patches a venue by id exactly as a whole venues list does", () => {
    const [byId, whole] = [runs[2] as Run, runs[3] as Run];
    expect({ ...byId, name: "", scheduleId: "" }).toEqual({ ...whole, name: "", scheduleId: "" });
  });

  it("answers 400 for a patch that breaks the contract, with paths into the patch, and queues nothing", async () => {
    const before = (
      await service.app.inject({ method: "GET", url: `/v1/plans/${planId}`, headers: viewer })
    ).json().latestJob;
    const response = await whatIf({
      scenarios: [
        { name: "fine", patch: { budget: { total: 1 } } },
        {
          name: "broken",
          patch: {
            budget: { total: -1 },
            policy: { maxDays: 9 },
            venues: { V02: { capacityPerBatch: "many" } },
            planningWindow: { end: null },
          },
        },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe("INVALID_REQUEST");
    const paths = response.json().problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/scenarios/1/patch/budget/total",
        "/scenarios/1/patch/policy/maxDays",
        "/scenarios/1/patch/venues/V02/capacityPerBatch",
        "/scenarios/1/patch/planningWindow/end",
      ]),
    );
    expect(paths.every((path: string) => path.startsWith("/scenarios/1/patch/"))).toBe(true);
    const after = (
      await service.app.inject({ method: "GET", url: `/v1/plans/${planId}`, headers: viewer })
    ).json().latestJob;
    expect(after).toEqual(before);
  });
});

describe("the request", () => {
  it("answers 400 unless exactly one well-formed form is given", async () => {
    const cases: [unknown, string][] = [
      [{}, ""],
      [{ budgets: [1], scenarios: [{ name: "a", patch: {} }] }, ""],
      [{ budgets: [] }, "/budgets"],
      [{ budgets: [-1] }, "/budgets/0"],
      [{ budgets: Array.from({ length: 51 }, (_, i) => i) }, "/budgets"],
      [{ range: { from: 0, to: 100, step: 1 } }, "/range/step"],
      [{ range: { from: 10, to: 0, step: 1 } }, "/range/to"],
      [{ range: { from: 0, to: 10, step: 0 } }, "/range/step"],
      [{ scenarios: [] }, "/scenarios"],
      [{ scenarios: [{ name: "a", patch: [] }] }, "/scenarios/0/patch"],
      [
        {
          scenarios: [
            { name: "a", patch: {} },
            { name: "a", patch: {} },
          ],
        },
        "/scenarios/1/name",
      ],
    ];
    for (const [body, path] of cases) {
      const response = await whatIf(body);
      expect(response.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(response.json().problems.map((p: { path: string }) => p.path)).toContain(path);
    }
  });

  it("answers 404 for an unknown plan and 403 for a viewer", async () => {
    expect((await whatIf({ budgets: [1] }, "pln_nope")).statusCode).toBe(404);
    expect((await whatIf({ scenarios: [{ name: "a", patch: {} }] }, "pln_nope")).statusCode).toBe(404);
    const response = await service.app.inject({
      method: "POST",
      url: `/v1/plans/${planId}/what-if`,
      headers: viewer,
      payload: { budgets: [1] },
    });
    expect(response.statusCode).toBe(403);
  });
});

describe("canceling a what-if job", () => {
  it("stops all its runs, stores nothing, and the pool goes on", async () => {
    const city = await service.postPlan(readPlan("city"));
    const response = await whatIf({ range: { from: 100_000, to: 1_000_000, step: 100_000 } }, city);
    expect(response.statusCode).toBe(202);
    const { jobId } = response.json();
    // Both workers busy with its runs.
    for (let i = 0; ; i++) {
      const job = (await service.getJob(jobId)).json();
      if (job.progress?.tasksRunning === 2) break;
      expect(job.status).not.toMatch(/succeeded|failed/);
      if (i > 2000) throw new Error("never ran on two workers");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const canceled = await service.app.inject({
      method: "DELETE",
      url: `/v1/jobs/${jobId}`,
      headers: planner,
    });
    expect(canceled.statusCode).toBe(200);
    expect(canceled.json()).toMatchObject({ status: "canceled" });
    expect(service.jobs.progress(jobId)).toBeUndefined();

    // Both workers were replaced; the next job runs to the end and the canceled one stored nothing.
    const next = await runWhatIf({ budgets: [0, 65_000] });
    expect((next.result as { runs: Run[] }).runs).toHaveLength(2);
    expect((await service.getJob(jobId)).json().status).toBe("canceled");
    expect(await service.storage.listSchedules(city)).toEqual([]);
  });
});

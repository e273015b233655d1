import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  budgetFrontier,
  type Frontier,
  type FrontierCheckpoint,
  type FrontierOptions,
  frontierAt,
  joinFrontiers,
  type KnownCoverage,
  knownCoverageAt,
  leastBudgetForTiers,
  type Plan,
  type Schedule,
  solvePlan,
  validateSchedule,
} from "../../../solver/index.js";
import { compareLex } from "../../support/compare-lex.js";
import { bruteForce } from "../../support/reference/bruteforce.js";
import { microPlans } from "../../support/reference/micro.js";

// The budget frontier against what it claims: at each breakpoint B the lexicographic maximum is the step's
// vector, and at B − 1 the step before's. The maximum only grows with the budget, so checking both ends of
// every step checks the whole curve. On micro plans the maximum is the brute-force reference's; on the
// bureau's examples it is the priority solve's.

const withBudget = (plan: Plan, total: number): Plan => ({ ...plan, budget: { ...plan.budget, total } });

/** The curve's shape, whatever the plan. */
function checkShape(frontier: Frontier): void {
  const [first, ...rest] = frontier.steps;
  expect(first?.budget).toBe(0);
  rest.forEach((step, i) => {
    const before = frontier.steps[i];
    if (before === undefined) throw new Error("unreachable");
    expect(step.budget).toBeGreaterThan(before.budget);
    expect(Number.isInteger(step.budget)).toBe(true);
    expect(compareLex(step.scheduledByTier, before.scheduledByTier)).toBeGreaterThan(0);
    expect(step.scheduled).toBe(step.scheduledByTier.reduce((a, b) => a + b, 0));
  });
}

/** The frontier computed as `of` parts, one after another here, and joined. */
async function inParts(plan: Plan, of: number): Promise<Frontier> {
  const parts: Frontier[] = [];
  for (let index = 0; index < of; index++)
    parts.push(await budgetFrontier(plan, { backend: "highs", timeLimitSeconds: 600, part: { index, of } }));
  return joinFrontiers(parts);
}

/** The frontier (or a part), and where it stood after each of its steps. */
async function withCheckpoints(
  plan: Plan,
  options: FrontierOptions,
): Promise<{ frontier: Frontier; checkpoints: FrontierCheckpoint[] }> {
  const checkpoints: FrontierCheckpoint[] = [];
  const frontier = await budgetFrontier(plan, { ...options, onStep: (_, __, c) => checkpoints.push(c) });
  return { frontier, checkpoints };
}

/** What a frontier answers, whatever the run behind it: not its seconds, solves or schedules. */
const answer = (f: Frontier) => ({
  steps: f.steps,
  complete: f.complete,
  proven: f.proven,
  leastBudgetForTiers: f.leastBudgetForTiers,
  unlimited: f.unlimited?.budget,
  range: f.range,
  starts: f.starts.length,
});

describe("the frontier against brute force on micro plans", () => {
  const seen = { runs: 0, steps: 0 };
  afterAll(() => {
    // Not vacuous: most plans have a frontier of more than one step.
    expect(seen.steps).toBeGreaterThan(2 * seen.runs);
  });

  it("equals the brute-force curve at every breakpoint and one yuan below it", async () => {
    await fc.assert(
      fc.asyncProperty(microPlans, async (plan) => {
        const frontier = await budgetFrontier(plan, { backend: "highs", timeLimitSeconds: 60 });
        seen.runs++;
        seen.steps += frontier.steps.length;
        expect(frontier.complete).toBe(true);
        expect(frontier.proven).toBe(true);
        checkShape(frontier);
        frontier.steps.forEach((step, i) => {
          expect(bruteForce(withBudget(plan, step.budget)).vector, `at ${step.budget}`).toEqual(
            step.scheduledByTier,
          );
          const before = frontier.steps[i - 1];
          if (before)
            expect(bruteForce(withBudget(plan, step.budget - 1)).vector, `at ${step.budget - 1}`).toEqual(
              before.scheduledByTier,
            );
        });
        // Past the last step, no budget buys more.
        const last = frontier.steps.at(-1);
        expect(bruteForce(withBudget(plan, 10_000_000)).vector).toEqual(last?.scheduledByTier);
        // Computed in two parts and joined, it is the same curve.
        expect((await inParts(plan, 2)).steps).toEqual(frontier.steps);
      }),
      { numRuns: 40 },
    );
  });
});

const examplesDir = new URL("../../../spec/examples/", import.meta.url);
const load = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, examplesDir), "utf8")) as Plan;

async function priorityVector(plan: Plan, budget: number): Promise<number[]> {
  // The reasons' re-solves say why cadres stay home; the coverage is the same without them, at a third of the time.
  const schedule = await solvePlan(withBudget(plan, budget), {
    planId: "frontier",
    scheduleId: `at-${budget}`,
    backend: "highs",
    reasons: "later",
  });
  expect(schedule.solver.provenOptimal).toBe(true);
  return schedule.summary.scheduledByTier;
}

// Every breakpoint of every example, each at B and B − 1: two priority solves a step, and city-2027 has a
// step for nearly every cadre it schedules (130).
describe.each(["small-city", "tight-budget-city", "city-2027"])("the frontier of example %s", (name) => {
  const plan = load(name);
  let computed: Promise<Frontier> | undefined;
  const frontier = () => {
    computed ??= budgetFrontier(plan, { backend: "highs", timeLimitSeconds: 600 });
    return computed;
  };

  it("is complete and proven, and ends at the plan's optimum at its own budget's cap", async () => {
    const f = await frontier();
    expect(f.complete).toBe(true);
    expect(f.proven).toBe(true);
    checkShape(f);
    const last = f.steps.at(-1);
    expect(await priorityVector(plan, 10_000_000)).toEqual(last?.scheduledByTier);
    // The plan's own budget reads off the curve as the priority solve reaches it.
    expect(frontierAt(f.steps, plan.budget.total)?.scheduledByTier).toEqual(
      await priorityVector(plan, plan.budget.total),
    );
  }, 900_000);

  it("is the same computed in parts and joined", async () => {
    const [whole, joined] = [await frontier(), await inParts(plan, 3)];
    expect(joined.steps).toEqual(whole.steps);
    expect(joined).toMatchObject({ complete: true, proven: true, range: { from: 0, to: null } });
    expect(joined.leastBudgetForTiers).toEqual(whole.leastBudgetForTiers);
    expect(joined.unlimited?.budget).toBe(whole.unlimited?.budget);
    expect(joined.starts).toHaveLength(joined.steps.length);
  }, 900_000);

  it("checks at each breakpoint B and at B − 1", async () => {
    const f = await frontier();
    for (const [i, step] of f.steps.entries()) {
      if (i === 0) continue;
      expect(await priorityVector(plan, step.budget), `at ${step.budget}`).toEqual(step.scheduledByTier);
      expect(await priorityVector(plan, step.budget - 1), `at ${step.budget - 1}`).toEqual(
        f.steps[i - 1]?.scheduledByTier,
      );
    }
  }, 900_000);
});

// A frontier part that gives its worker up (to a what-if somebody waits for) goes on from its last checkpoint.
describe("the frontier from a checkpoint", () => {
  it("on micro plans, goes on from any checkpoint, of the whole or of a part, to the same frontier", async () => {
    await fc.assert(
      fc.asyncProperty(microPlans, async (plan) => {
        for (const part of [undefined, { index: 1, of: 2 }]) {
          const options = { backend: "highs" as const, timeLimitSeconds: 60, part };
          const { frontier, checkpoints } = await withCheckpoints(plan, options);
          for (const [i, resume] of checkpoints.entries()) {
            const resumed = await withCheckpoints(plan, { ...options, resume });
            expect(answer(resumed.frontier), `from checkpoint ${i}`).toEqual(answer(frontier));
            // It went on from there, not from the beginning: the same checkpoints from this one on.
            expect(resumed.checkpoints.map((c) => c.steps)).toEqual(checkpoints.slice(i).map((c) => c.steps));
          }
        }
      }),
      { numRuns: 15 },
    );
  });

  it("of small-city goes on from half way to the same frontier", async () => {
    const plan = load("small-city");
    const options = { backend: "highs" as const, timeLimitSeconds: 600 };
    const { frontier, checkpoints } = await withCheckpoints(plan, options);
    const half = Math.floor(checkpoints.length / 2);
    const resume = checkpoints[half];
    if (resume === undefined) throw new Error("no checkpoint");
    expect(resume.steps.length).toBeGreaterThan(5);
    const resumed = await withCheckpoints(plan, { ...options, resume });
    expect(answer(resumed.frontier)).toEqual(answer(frontier));
    expect(resumed.checkpoints.map((c) => c.steps)).toEqual(checkpoints.slice(half).map((c) => c.steps));
  }, 900_000);
});

// A what-if budget's solve told what the frontier proved (knownCoverageAt) skips the coverage stages and,
// from the unlimited priority schedule's cost on, every stage; it must reach the same optimum as a full solve.
describe("a priority solve told the frontier's coverage", () => {
  const plan = load("small-city");
  let computed: Promise<Frontier> | undefined;
  const frontier = () => {
    computed ??= budgetFrontier(plan, { backend: "highs", timeLimitSeconds: 600 });
    return computed;
  };
  const solveAt = (budget: number, known?: KnownCoverage) =>
    solvePlan(withBudget(plan, budget), { planId: "known", scheduleId: `at-${budget}`, known });
  const optimum = (s: Schedule) => ({
    status: s.status,
    scheduledByTier: s.summary.scheduledByTier,
    systemVenueShare: s.kpis?.systemVenueShare,
    totalCost: s.summary.totalCost,
  });
  const stageStatuses = (s: Schedule) =>
    Object.fromEntries(
      (s.solver.stages as { name: string; status: string }[]).map((t) => [t.name, t.status]),
    );

  it("reaches the full solve's coverage, system-owned places and cost at every kind of budget", async () => {
    const f = await frontier();
    const unlimited = f.unlimited;
    if (unlimited === null) throw new Error("the unlimited priority schedule was not proven");
    const budgets = [
      ...f.steps.filter((_, i) => i > 0 && i % 4 === 1).flatMap((s) => [s.budget, s.budget + 999]),
      unlimited.budget - 1,
      unlimited.budget,
      plan.budget.total,
    ];
    for (const budget of budgets) {
      const known = knownCoverageAt(f, budget);
      if (known === undefined) throw new Error(`nothing known at ${budget}`);
      const [told, full] = [await solveAt(budget, known), await solveAt(budget)];
      expect(optimum(told), `at ${budget}`).toEqual(optimum(full));
      expect(validateSchedule(withBudget(plan, budget), told)).toEqual([]);
      const statuses = stageStatuses(told);
      // It was told: every coverage stage ended at the known maximum without a solve.
      for (const [name, status] of Object.entries(statuses))
        if (name.startsWith("tier")) expect(status, `${name} at ${budget}`).toBe("reached-ceiling");
      if (budget >= unlimited.budget)
        expect(Object.values(statuses).every((s) => s === "reached-ceiling")).toBe(true);
    }
  }, 600_000);

  it("is not told a schedule that does not fit its budget, nor that schedule's coverage", async () => {
    const f = await frontier();
    const high = f.steps.at(-1);
    const low = f.steps[1];
    if (high === undefined || low === undefined) throw new Error("too few steps");
    const known = knownCoverageAt(f, high.budget);
    const [told, full] = [await solveAt(low.budget, known), await solveAt(low.budget)];
    expect(told.batches).toEqual(full.batches);
    expect(told.summary.scheduledByTier).toEqual(low.scheduledByTier);
  }, 120_000);

  it("gives the least budget per tier prefix that leastBudgetForTiers computes", async () => {
    const f = await frontier();
    expect(f.leastBudgetForTiers).toEqual(await leastBudgetForTiers(plan, { backend: "highs" }));
  }, 120_000);
});

describe("the frontier under a time limit", () => {
  it("returns the steps found so far, the proven ones as the full frontier has them, and says it stopped", async () => {
    const plan = load("small-city");
    const full = await budgetFrontier(plan, { backend: "highs" });
    const cut = await budgetFrontier(plan, { backend: "highs", timeLimitSeconds: 1.5 });
    expect(cut.complete).toBe(false);
    expect(cut.proven).toBe(false);
    expect(cut.steps.at(-1)?.proven).toBe(false);
    for (const [i, step] of cut.steps.entries()) if (step.proven) expect(step).toEqual(full.steps[i]);
  }, 120_000);
});

describe("frontierAt", () => {
  const steps = [0, 100, 250].map((budget, i) => ({
    budget,
    scheduledByTier: [i, 0, 0, 0, 0, 0],
    scheduled: i,
    proven: true,
    marginalCostPerCadre: null,
  }));

  it("answers the last step at or below the budget", () => {
    expect(frontierAt(steps, 0)?.budget).toBe(0);
    expect(frontierAt(steps, 99)?.budget).toBe(0);
    expect(frontierAt(steps, 100)?.budget).toBe(100);
    expect(frontierAt(steps, 249)?.budget).toBe(100);
    expect(frontierAt(steps, 1e9)?.budget).toBe(250);
    expect(frontierAt(steps, -1)).toBeUndefined();
    expect(frontierAt([], 5)).toBeUndefined();
  });
});

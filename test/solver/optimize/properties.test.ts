import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generatePlan } from "../../../fixtures/generate.js";
import {
  assessEligibility,
  batchCost,
  countByTier,
  type Plan,
  type Schedule,
  solvePlan,
  validateSchedule,
} from "../../../solver/index.js";
import { compareLex } from "../../support/compare-lex.js";

// Properties of the optimizer's schedules on plans it has never seen: tiny plans from the project's own
// generator, drawn by seed. Whatever it returns is valid, adds up, and responds to more money with at
// least as much coverage.

const TIMEOUT_MS = 120_000;

const tinyOptions = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  level: fc.constantFrom("city", "county") as fc.Arbitrary<"city" | "county">,
  county: fc.constantFrom("任城区", "邹城市", "嘉祥县"),
  cadres: fc.integer({ min: 12, max: 40 }),
  venues: fc.integer({ min: 1, max: 2 }),
  staff: fc.integer({ min: 2, max: 4 }),
  budgetTightness: fc.constantFrom(0.5, 0.7, 0.9, 1.2),
});

type TinyOptions = typeof tinyOptions extends fc.Arbitrary<infer T> ? T : never;

function tinyPlan(o: TinyOptions): Plan {
  return generatePlan({
    seed: o.seed,
    level: o.level,
    ...(o.level === "county" ? { county: o.county } : {}),
    cadres: o.cadres,
    venues: o.venues,
    staff: o.staff,
    budgetTightness: o.budgetTightness,
    profile: "tiny",
  });
}

function solve(plan: Plan): Promise<Schedule> {
  return solvePlan(plan, { planId: "prop", scheduleId: "prop-1", backend: "highs" });
}

function checkSchedule(plan: Plan, s: Schedule): void {
  expect(validateSchedule(plan, s)).toEqual([]);

  // Costs: each batch at the cost standard, the sum is the total, within the budget.
  const venues = new Map(plan.venues.map((v) => [v.id, v]));
  let sum = 0;
  for (const b of s.batches) {
    const venue = venues.get(b.venueId);
    expect(venue, b.venueId).toBeDefined();
    if (venue) expect(b.cost).toEqual(batchCost(plan, venue, b.cadreIds.length, b.staffIds.length));
    expect(b.cost.total).toBe(b.cost.fixed + b.cost.cadres + b.cost.staff);
    sum += b.cost.total;
  }
  expect(s.summary.totalCost).toBe(sum);
  expect(s.summary.budget).toBe(plan.budget.total);
  expect(s.summary.totalCost).toBeLessThanOrEqual(plan.budget.total);

  // Nobody twice, and the counts by tier are those of the batches.
  const scheduled = s.batches.flatMap((b) => b.cadreIds);
  expect(new Set(scheduled).size).toBe(scheduled.length);
  const { eligible } = assessEligibility(plan);
  const byId = new Map(eligible.map((e) => [e.cadre.id, e]));
  const scheduledEligible = scheduled.map((id) => byId.get(id));
  expect(scheduledEligible.every((e) => e !== undefined)).toBe(true);
  expect(s.summary.scheduledByTier).toEqual(countByTier(scheduledEligible.filter((e) => e !== undefined)));
  expect(s.summary.eligibleByTier).toEqual(countByTier(eligible));
  s.summary.scheduledByTier.forEach((n, i) => {
    expect(n).toBeLessThanOrEqual(s.summary.eligibleByTier[i] ?? 0);
  });
  expect(s.summary.scheduled).toBe(scheduled.length);

  // Every eligible cadre is scheduled or unscheduled, exactly once.
  const unscheduled = s.unscheduled.map((u) => u.cadreId);
  expect([...scheduled, ...unscheduled].sort()).toEqual(eligible.map((e) => e.cadre.id).sort());

  // The status says what the solver proved.
  if (s.status === "optimal") expect(s.solver.provenOptimal).toBe(true);
  if (s.solver.provenOptimal) expect(s.status).toBe("optimal");
  expect(["optimal", "timedout", "feasible"]).toContain(s.status);
}

describe("optimizer properties on generated tiny plans", () => {
  it(
    "returns valid schedules whose costs, counts and status add up",
    async () => {
      let someoneScheduled = 0;
      await fc.assert(
        fc.asyncProperty(tinyOptions, async (o) => {
          const plan = tinyPlan(o);
          const s = await solve(plan);
          checkSchedule(plan, s);
          if (s.summary.scheduled > 0) someoneScheduled++;
        }),
        { numRuns: 20 },
      );
      expect(someoneScheduled).toBeGreaterThanOrEqual(5);
    },
    TIMEOUT_MS,
  );

  it(
    "never covers less, lexicographically, with a larger budget",
    async () => {
      let budgetMattered = 0;
      await fc.assert(
        fc.asyncProperty(
          tinyOptions,
          fc.integer({ min: 1, max: 20_000 }),
          fc.constantFrom(0.4, 0.6, 0.8, 1),
          async (o, raise, cut) => {
            const base = tinyPlan(o);
            const low: Plan = {
              ...base,
              budget: { ...base.budget, total: Math.round(base.budget.total * cut) },
            };
            const high: Plan = { ...base, budget: { ...base.budget, total: low.budget.total + raise } };
            const atLow = await solve(low);
            const atHigh = await solve(high);
            checkSchedule(low, atLow);
            checkSchedule(high, atHigh);
            // Only proven optima are bound to be monotone; tiny plans are always proven.
            expect(atLow.status).toBe("optimal");
            expect(atHigh.status).toBe("optimal");
            expect(
              compareLex(atHigh.summary.scheduledByTier, atLow.summary.scheduledByTier),
              `${JSON.stringify(atHigh.summary.scheduledByTier)} at ${high.budget.total} < ${JSON.stringify(atLow.summary.scheduledByTier)} at ${low.budget.total}`,
            ).toBeGreaterThanOrEqual(0);
            if (compareLex(atHigh.summary.scheduledByTier, atLow.summary.scheduledByTier) > 0)
              budgetMattered++;
          },
        ),
        { numRuns: 15 },
      );
      // Not vacuous: in some runs the extra money buys coverage.
      expect(budgetMattered).toBeGreaterThanOrEqual(1);
    },
    TIMEOUT_MS,
  );
});

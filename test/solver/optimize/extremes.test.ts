import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generatePlan } from "../../../fixtures/generate.js";
import { type Plan, solvePlan, validateSchedule } from "../../../solver/index.js";
import {
  MAX_CAPACITY_PER_BATCH,
  MAX_CONCURRENT_BATCHES,
  MAX_COUNT,
  MAX_YUAN,
  parsePlan,
} from "../../../src/contract/index.js";

// Every plan the contract accepts solves to a schedule or to `infeasible`, never to an internal error: tiny
// plans with the numbers pushed to the contract's bounds (src/contract/bounds.ts). Capacity 2^53 − 1 used
// to make HiGHS fail inside the solve.

const TIMEOUT_MS = 120_000;

const money = fc.constantFrom(0, 0.01, 1, MAX_YUAN / 2, MAX_YUAN);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const extremes = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  total: money,
  perPersonPerDay: maybe(money),
  perPersonPerTrip: maybe(money),
  insurancePerPerson: maybe(money),
  staffPerDay: maybe(money),
  price: maybe(money),
  transport: maybe(money),
  fixed: maybe(money),
  capacity: fc.constantFrom(1, 5, MAX_CAPACITY_PER_BATCH),
  concurrent: maybe(fc.constantFrom(1, MAX_CONCURRENT_BATCHES)),
  minBatchSize: maybe(fc.constantFrom(1, 5, MAX_CAPACITY_PER_BATCH)),
  staffMaxBatches: maybe(fc.constantFrom(1, MAX_COUNT)),
});

type Extremes = typeof extremes extends fc.Arbitrary<infer T> ? T : never;

/** Drops the undefined entries: the contract has absent fields, not undefined ones. */
function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

function extremePlan(x: Extremes): Plan {
  const plan = generatePlan({
    seed: x.seed,
    level: "city",
    cadres: 12,
    venues: 1,
    staff: 3,
    profile: "tiny",
  });
  return {
    ...plan,
    policy: defined({ ...plan.policy, minBatchSize: x.minBatchSize, staffMaxBatches: x.staffMaxBatches }),
    budget: defined({
      ...plan.budget,
      total: x.total,
      costStandard: defined({ perPersonPerDay: x.perPersonPerDay, perPersonPerTrip: x.perPersonPerTrip }),
      insurancePerPerson: x.insurancePerPerson,
      staffPerDay: x.staffPerDay,
    }),
    venues: plan.venues.map((venue) =>
      defined({
        ...venue,
        capacityPerBatch: x.capacity,
        maxConcurrentBatches: x.concurrent,
        pricePerPersonDay: x.price,
        transportPerPerson: x.transport,
        fixedCostPerBatch: x.fixed,
      }),
    ),
  };
}

describe("plans at the contract's bounds", () => {
  it(
    "solve to a valid schedule or to infeasible, never to an error",
    async () => {
      await fc.assert(
        fc.asyncProperty(extremes, async (x) => {
          const plan = extremePlan(x);
          const parsed = parsePlan(plan);
          expect(parsed.ok, JSON.stringify(parsed.ok ? [] : parsed.problems)).toBe(true);
          const schedule = await solvePlan(plan, {
            planId: "bounds",
            scheduleId: "bounds-1",
            backend: "highs",
            timeLimitSeconds: 5,
          });
          expect(["optimal", "feasible", "timedout", "infeasible"]).toContain(schedule.status);
          expect(validateSchedule(plan, schedule)).toEqual([]);
          expect(Number.isFinite(schedule.summary.totalCost)).toBe(true);
          expect(schedule.summary.totalCost).toBeLessThanOrEqual(plan.budget.total);
        }),
        { numRuns: 25 },
      );
    },
    TIMEOUT_MS,
  );
});

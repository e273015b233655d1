import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { type Plan, solvePlan, validateSchedule } from "../../../solver/index.js";
import { bruteForce } from "../../support/reference/bruteforce.js";
import { crowdedMicroPlans, type MicroSeed, microPlan, microPlans } from "../../support/reference/micro.js";

// The optimizer against an independent brute-force reference on plans small enough to enumerate: the
// tier vector it reaches is the lexicographic maximum over every valid schedule, and it says so.

const TIMEOUT_MS = 120_000;

async function optimize(plan: Plan) {
  return solvePlan(plan, { planId: "micro", scheduleId: "micro-1", backend: "highs" });
}

/** Runs of a property, and how many of them were not trivial, so that a vacuous pass is caught. */
interface Tally {
  runs: number;
  someoneScheduled: number;
  multiBatch: number;
}

function tally(): Tally {
  return { runs: 0, someoneScheduled: 0, multiBatch: 0 };
}

async function checkAgainstReference(plan: Plan, counts: Tally): Promise<void> {
  const reference = bruteForce(plan);
  // The reference's own witness is a valid schedule, inversions aside.
  expect(validateSchedule(plan, reference.schedule).filter((v) => v.rule !== "PRIORITY_INVERSION")).toEqual(
    [],
  );
  const schedule = await optimize(plan);
  counts.runs++;
  if (reference.vector.some((n) => n > 0)) counts.someoneScheduled++;
  if (reference.schedule.batches.length > 1) counts.multiBatch++;
  expect(schedule.summary.scheduledByTier, JSON.stringify(plan)).toEqual(reference.vector);
  expect(schedule.status).toBe("optimal");
  expect(schedule.solver.provenOptimal).toBe(true);
}

describe("the brute-force reference itself", () => {
  const seed: MicroSeed = {
    days: 3,
    starts: { kind: "consecutive", count: 2 },
    maxConcurrent: undefined,
    capacity: 5,
    minBatchSize: 5,
    ratio: { min: 5, max: 10 },
    requireMedicalStaff: true,
    staffMaxBatches: undefined,
    price: 200,
    transport: 100,
    fixed: 0,
    ownership: "system",
    staff: [
      { medical: true, unavailable: undefined },
      { medical: false, unavailable: undefined },
    ],
    cadres: ([1, 4, 3, 2, 3, 2] as const).map((tier) => ({
      tier,
      ageLimit: undefined,
      unavailable: undefined,
      lastTrip: undefined,
      birthYear: 1955,
    })),
    withIneligible: true,
    budgetPlaces: undefined,
  };

  it("fills one batch of five with the best tiers", () => {
    expect(bruteForce(microPlan(seed)).vector).toEqual([1, 2, 2, 0, 0, 0]);
  });

  it("finds nothing when the only medical staff member is away on every start", () => {
    const away: MicroSeed = {
      ...seed,
      staff: [
        { medical: true, unavailable: { off: 0, len: 5 } },
        { medical: false, unavailable: undefined },
      ],
    };
    expect(bruteForce(microPlan(away)).vector).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("stops at the budget", () => {
    // Four places fit the budget, and a batch needs five.
    expect(bruteForce(microPlan({ ...seed, budgetPlaces: { places: 4, slack: 0 } })).vector).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
  });

  it("runs two batches when the cadres and a second medical staff member allow it", () => {
    const two: MicroSeed = {
      ...seed,
      maxConcurrent: 2,
      staff: [
        { medical: true, unavailable: undefined },
        { medical: true, unavailable: undefined },
      ],
      cadres: [...seed.cadres, ...seed.cadres],
    };
    const result = bruteForce(microPlan(two));
    expect(result.vector).toEqual([2, 4, 4, 0, 0, 0]);
    expect(result.schedule.batches).toHaveLength(2);
  });
});

describe("optimizer vs brute force on micro plans", () => {
  const mixed = tally();
  const crowded = tally();

  it(
    "reaches the brute-force tier vector on generated micro plans, proven optimal",
    async () => {
      await fc.assert(
        fc.asyncProperty(microPlans, (plan) => checkAgainstReference(plan, mixed)),
        { numRuns: 60 },
      );
      // Not vacuous: a fair share of the plans schedule someone.
      expect(mixed.someoneScheduled).toBeGreaterThanOrEqual(Math.ceil(mixed.runs / 5));
    },
    TIMEOUT_MS,
  );

  it(
    "reaches the brute-force tier vector on crowded micro plans (parallel and successive batches)",
    async () => {
      await fc.assert(
        fc.asyncProperty(crowdedMicroPlans, (plan) => checkAgainstReference(plan, crowded)),
        { numRuns: 25 },
      );
      expect(crowded.someoneScheduled).toBeGreaterThanOrEqual(Math.ceil(crowded.runs / 2));
      expect(crowded.multiBatch).toBeGreaterThanOrEqual(1);
    },
    TIMEOUT_MS,
  );

  afterAll(() => {
    console.info(
      `micro plans: ${mixed.someoneScheduled}/${mixed.runs} schedule someone (${mixed.multiBatch} with 2+ batches); ` +
        `crowded: ${crowded.someoneScheduled}/${crowded.runs} (${crowded.multiBatch} with 2+ batches)`,
    );
  });
});

describe.each(["tiny-a", "tiny-b", "tiny-c", "tiny-d", "tiny-e"])(
  "optimizer vs brute force on %s",
  (name) => {
    it(
      "reaches the brute-force tier vector, proven optimal",
      async () => {
        const plan = JSON.parse(
          readFileSync(new URL(`../../../fixtures/plans/${name}.json`, import.meta.url), "utf8"),
        ) as Plan;
        await checkAgainstReference(plan, tally());
      },
      TIMEOUT_MS,
    );
  },
);

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  assessEligibility,
  type Plan,
  type Schedule,
  solvePlan,
  validateSchedule,
} from "../../../solver/index.js";
import { compareLex } from "../../support/compare-lex.js";

// The optimizer against the bureau's examples: it reaches the published tier vectors, accounts for every
// cadre, and gives the same schedule twice for the same plan.

// The bureau's examples live in the repo (spec/examples), so a clone on its own has them.
const examplesDir = new URL("../../../spec/examples/", import.meta.url);
const EXAMPLES = ["small-city", "tight-budget-city", "county", "city-2027"] as const;
const UNSCHEDULED_REASONS = new Set(["BUDGET", "CAPACITY", "STAFF", "NO_COMPATIBLE_BATCH", "PRIORITY"]);
const TIMEOUT_MS = 120_000;

interface Expected {
  eligibleByTier: number[];
  optimalScheduledByTier: number[];
  provenOptimal: boolean;
}

function load<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(file, examplesDir), "utf8")) as T;
}

describe.each(EXAMPLES)("optimizer on example %s", (name) => {
  const plan = load<Plan>(`${name}.json`);
  const expected = load<Expected>(`${name}.expected.json`);
  let solved: Promise<Schedule> | undefined;
  // One solve per example, shared by the assertions below.
  const schedule = () => {
    solved ??= solvePlan(plan, { planId: name, scheduleId: `${name}-1`, backend: "highs" });
    return solved;
  };

  it(
    expected.provenOptimal ? "reaches the proven optimum by tier" : "reaches at least the best known by tier",
    async () => {
      const s = await schedule();
      expect(s.summary.eligibleByTier).toEqual(expected.eligibleByTier);
      if (expected.provenOptimal) expect(s.summary.scheduledByTier).toEqual(expected.optimalScheduledByTier);
      else
        expect(
          compareLex(s.summary.scheduledByTier, expected.optimalScheduledByTier),
          `${JSON.stringify(s.summary.scheduledByTier)} is below the best known ${JSON.stringify(expected.optimalScheduledByTier)}`,
        ).toBeGreaterThanOrEqual(0);
    },
    TIMEOUT_MS,
  );

  it(
    "reports the status the solver proved",
    async () => {
      const s = await schedule();
      expect(["optimal", "feasible", "timedout", "infeasible"]).toContain(s.status);
      if (s.status === "optimal") expect(s.solver.provenOptimal).toBe(true);
      if (s.solver.provenOptimal) expect(s.status).toBe("optimal");
      expect(s.solver.backend).toMatch(/highs/i);
    },
    TIMEOUT_MS,
  );

  it(
    "accounts for every cadre: scheduled, unscheduled with reasons, or ineligible",
    async () => {
      const s = await schedule();
      const { eligible, ineligible } = assessEligibility(plan);
      const scheduled = s.batches.flatMap((b) => b.cadreIds);
      expect(new Set(scheduled).size).toBe(scheduled.length);
      const unscheduled = s.unscheduled.map((u) => u.cadreId);
      expect(new Set(unscheduled).size).toBe(unscheduled.length);
      const eligibleIds = eligible.map((e) => e.cadre.id).sort();
      expect([...scheduled, ...unscheduled].sort()).toEqual(eligibleIds);
      const tierOf = new Map(eligible.map((e) => [e.cadre.id, e.tier]));
      for (const u of s.unscheduled) {
        expect(u.tier, u.cadreId).toBe(tierOf.get(u.cadreId));
        expect(u.reasons.length, `${u.cadreId} has no reason`).toBeGreaterThanOrEqual(1);
        for (const r of u.reasons) expect(UNSCHEDULED_REASONS.has(r), `${u.cadreId}: ${r}`).toBe(true);
      }
      expect(s.ineligible.map((i) => i.cadreId).sort()).toEqual(ineligible.map((i) => i.cadre.id).sort());
      for (const i of s.ineligible) expect(i.reasons.length).toBeGreaterThanOrEqual(1);
      expect(s.summary.scheduled).toBe(scheduled.length);
      expect(s.summary.eligible).toBe(eligible.length);
    },
    TIMEOUT_MS,
  );

  it(
    "passes the validator",
    async () => {
      expect(validateSchedule(plan, await schedule())).toEqual([]);
    },
    TIMEOUT_MS,
  );
});

describe("optimizer determinism", () => {
  it(
    "gives small-city the same schedule byte for byte, wall time aside",
    async () => {
      const plan = load<Plan>("small-city.json");
      const run = async () => {
        const s = await solvePlan(plan, { planId: "p", scheduleId: "s", backend: "highs" });
        const { seconds: _seconds, ...solver } = s.solver;
        return JSON.stringify({ ...s, solver });
      };
      const first = await run();
      const second = await run();
      expect(second).toBe(first);
    },
    TIMEOUT_MS,
  );
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  budgetFrontier,
  type Frontier,
  joinPlacesCurves,
  type KnownCoverage,
  knownCoverageAt,
  type PlacesCheckpoint,
  type PlacesCurve,
  type Plan,
  placesCurve,
  type Schedule,
  solvePlan,
  validateSchedule,
} from "../../../solver/index.js";
import { withCheaperContractedVenue } from "../../support/plans.js";

// The places curve of the most coverage against full priority solves. On small-city with a cheaper contracted
// venue beside the bureau's own, the most coverage is cheapest in the contracted one, and each more place in
// a system-owned venue costs more: at each step's budget B the priority solve reaches the step's places and
// cost, at B − 1 the step before's, and a solve told the curve's schedule (knownCoverageAt) solves no stage.

const example = JSON.parse(
  readFileSync(new URL("../../../spec/examples/small-city.json", import.meta.url), "utf8"),
) as Plan;
const plan = withCheaperContractedVenue(example);
const withBudget = (total: number): Plan => ({ ...plan, budget: { ...plan.budget, total } });

let computed: Promise<[Frontier, PlacesCurve]> | undefined;
const both = () => {
  computed ??= Promise.all([
    budgetFrontier(plan, { backend: "highs", timeLimitSeconds: 600 }),
    placesCurve(plan, { backend: "highs", timeLimitSeconds: 600 }),
  ]);
  return computed;
};

/** Cadres of the schedule in system-owned venues. */
const systemPlaces = (schedule: Schedule) =>
  schedule.batches
    .filter((b) => plan.venues.find((v) => v.id === b.venueId)?.ownership === "system")
    .reduce((sum, b) => sum + b.cadreIds.length, 0);

const optimum = (s: Schedule) => ({
  status: s.status,
  scheduledByTier: s.summary.scheduledByTier,
  systemPlaces: systemPlaces(s),
  totalCost: s.summary.totalCost,
});

const solveAt = (budget: number, known?: KnownCoverage) =>
  solvePlan(withBudget(budget), { planId: "places", scheduleId: `at-${budget}`, known });

describe("the places curve of the most coverage", () => {
  it("runs from the frontier's last step to the unlimited priority schedule, each step more places for more money", async () => {
    const [frontier, curve] = await both();
    expect(curve.proven).toBe(true);
    expect(curve.scheduledByTier).toEqual(frontier.steps.at(-1)?.scheduledByTier);
    expect(curve.steps[0]?.budget).toBe(frontier.steps.at(-1)?.budget);
    expect(curve.steps.at(-1)?.budget).toBe(frontier.unlimited?.budget);
    // Not vacuous: places are traded against money here.
    expect(curve.steps.length).toBeGreaterThan(2);
    curve.steps.forEach((step, i) => {
      const before = curve.steps[i - 1];
      if (before === undefined) return;
      expect(step.budget).toBeGreaterThan(before.budget);
      expect(step.systemPlaces).toBeGreaterThan(before.systemPlaces);
    });
  }, 300_000);

  it("is the same computed in parts and joined", async () => {
    const [, whole] = await both();
    const steps = (c: PlacesCurve) => c.steps.map(({ budget, systemPlaces }) => ({ budget, systemPlaces }));
    for (const of of [2, 3]) {
      const parts: PlacesCurve[] = [];
      for (let index = 0; index < of; index++)
        parts.push(await placesCurve(plan, { backend: "highs", timeLimitSeconds: 600, part: { index, of } }));
      const joined = joinPlacesCurves(parts);
      expect(joined.proven, `${of} parts`).toBe(true);
      expect(steps(joined), `${of} parts`).toEqual(steps(whole));
    }
  }, 600_000);

  it("goes on from any checkpoint, of the whole or of a part, to the same curve", async () => {
    const steps = (c: PlacesCurve) => c.steps.map(({ budget, systemPlaces }) => ({ budget, systemPlaces }));
    for (const part of [undefined, { index: 1, of: 2 }]) {
      const checkpoints: PlacesCheckpoint[] = [];
      const options = { backend: "highs" as const, timeLimitSeconds: 600, part };
      const whole = await placesCurve(plan, { ...options, onStep: (c) => checkpoints.push(c) });
      expect(checkpoints.length, `part ${part?.index}`).toBeGreaterThan(1);
      for (const [i, resume] of checkpoints.entries()) {
        const later: PlacesCheckpoint[] = [];
        const resumed = await placesCurve(plan, { ...options, resume, onStep: (c) => later.push(c) });
        expect(steps(resumed), `part ${part?.index} from checkpoint ${i}`).toEqual(steps(whole));
        expect(resumed).toMatchObject({ proven: whole.proven, range: whole.range, solves: whole.solves });
        // It went on from there, not from the beginning: the same checkpoints after this one.
        expect(later.map((c) => c.found.length)).toEqual(checkpoints.slice(i + 1).map((c) => c.found.length));
      }
    }
  }, 600_000);

  it("gives a solve at each step's budget, one yuan below it and between steps the full solve's optimum, with no stage solved", async () => {
    const [frontier, curve] = await both();
    for (const [i, step] of curve.steps.entries()) {
      const next = curve.steps[i + 1];
      const budgets = [step.budget, ...(i > 0 ? [step.budget - 1] : [])];
      if (next !== undefined) budgets.push(Math.floor((step.budget + next.budget) / 2));
      for (const budget of budgets) {
        const known = knownCoverageAt(frontier, budget, curve);
        expect(known?.optimal, `at ${budget}`).toBe(true);
        const [told, full] = [await solveAt(budget, known), await solveAt(budget)];
        expect(optimum(told), `at ${budget}`).toEqual(optimum(full));
        // The step's budget buys its places; one yuan less buys the step before's.
        const placesHere = budget < step.budget ? curve.steps[i - 1]?.systemPlaces : step.systemPlaces;
        expect(systemPlaces(full), `at ${budget}`).toBe(placesHere);
        expect(validateSchedule(withBudget(budget), told)).toEqual([]);
        for (const stage of told.solver.stages as { name: string; status: string }[])
          expect(stage.status, `${stage.name} at ${budget}`).toBe("reached-ceiling");
      }
    }
  }, 600_000);

  it("is not read for a frontier it does not answer", async () => {
    const [frontier, curve] = await both();
    const budget = curve.steps[1]?.budget ?? 0;
    const other = { ...curve, scheduledByTier: curve.scheduledByTier.map((n, i) => (i === 0 ? n - 1 : n)) };
    expect(knownCoverageAt(frontier, budget, other)?.optimal).toBeUndefined();
    expect(knownCoverageAt(frontier, budget, { ...curve, proven: false })?.optimal).toBeUndefined();
    expect(knownCoverageAt(frontier, budget, curve)?.optimal).toBe(true);
  }, 300_000);
});

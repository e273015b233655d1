import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assessEligibility, countByTier, eligibilityReport, type Plan } from "../../solver/index.js";

// The bureau's examples live in the repo (spec/examples), so a clone on its own has them.
const examplesDir = new URL("../../spec/examples/", import.meta.url);
const EXAMPLES = ["small-city", "tight-budget-city", "county", "city-2027"] as const;

interface Expected {
  eligibleByTier: number[];
  excludedVenues: Record<string, string[]>;
  eligible: Record<string, { tier: number; rank: number }>;
  ineligible: Record<string, string[]>;
}

function load<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(file, examplesDir), "utf8")) as T;
}

describe.each(EXAMPLES)("example %s", (name) => {
  const plan = load<Plan>(`${name}.json`);
  const expected = load<Expected>(`${name}.expected.json`);
  const report = eligibilityReport(plan);

  it("gives every eligible cadre the expected tier and rank", () => {
    const actual = Object.fromEntries(
      report.eligible.map((e) => [e.cadreId, { tier: e.tier, rank: e.rank }]),
    );
    expect(actual).toEqual(expected.eligible);
  });

  it("gives every ineligible cadre exactly the expected set of codes", () => {
    // Sets, not lists: the spec asks for every reason, not an order.
    const actual = Object.fromEntries(
      report.ineligible.map((i) => [i.cadreId, i.reasons.map((r) => r.code).sort()]),
    );
    const wanted = Object.fromEntries(
      Object.entries(expected.ineligible).map(([id, codes]) => [id, [...codes].sort()]),
    );
    expect(actual).toEqual(wanted);
  });

  it("reports each cadre once, eligible or not", () => {
    const ids = [...report.eligible.map((e) => e.cadreId), ...report.ineligible.map((i) => i.cadreId)];
    expect(new Set(ids).size).toBe(plan.cadres.length);
    expect(ids.length).toBe(plan.cadres.length);
  });

  it("excludes exactly the expected venues, with their codes", () => {
    const actual = Object.fromEntries(
      report.excludedVenues.map((v) => [v.venueId, v.reasons.map((r) => r.code).sort()]),
    );
    const wanted = Object.fromEntries(
      Object.entries(expected.excludedVenues).map(([id, codes]) => [id, [...codes].sort()]),
    );
    expect(actual).toEqual(wanted);
  });

  it("counts the eligible by tier", () => {
    expect(countByTier(assessEligibility(plan).eligible)).toEqual(expected.eligibleByTier);
  });
});

import { describe, expect, it } from "vitest";
import { type Plan, type ScheduleSummary, scheduleKpis } from "../../solver/index.js";
import { kpisSchema } from "../../src/contract/api.js";

const plan = { cadres: [], budget: { total: 10_000 } } as unknown as Plan;
const summary: ScheduleSummary = {
  eligibleByTier: [0, 4, 3, 0, 2, 0],
  scheduledByTier: [0, 4, 1, 0, 0, 0],
  eligible: 9,
  scheduled: 5,
  totalCost: 6_000,
  budget: 10_000,
  systemVenueShare: 1,
};

describe("coverage by tier", () => {
  it("is null for a tier with nobody eligible, not 1: nothing was covered there", () => {
    const kpis = scheduleKpis(plan, { batches: [], summary });
    expect(kpis.coverageByTier).toEqual([null, 1, 0.3333, null, 0, null]);
  });

  it("passes the response schema with its nulls", () => {
    const kpis = scheduleKpis(plan, { batches: [], summary });
    expect(kpisSchema.safeParse(kpis).success).toBe(true);
  });
});

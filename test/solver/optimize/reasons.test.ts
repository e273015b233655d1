import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Plan, solvePlan } from "../../../solver/index.js";

describe("unscheduled reasons when a batch's minimum size is what binds", () => {
  // 6 cadres, one staff member and a 1:5 ratio: C07 fits only one start, and a batch there cannot reach five
  // cadres without those ranked before C07, who are placed on another start. No resource, even all three
  // unlimited, gets C07 on a trip, so neither BUDGET nor CAPACITY nor STAFF may be claimed.
  it("names PRIORITY, and the reasons are proven", async () => {
    const plan = JSON.parse(
      readFileSync(
        new URL("../../support/reference/plans/jslp-phase1-cycling.json", import.meta.url),
        "utf8",
      ),
    ) as Plan;
    const schedule = await solvePlan(plan, { planId: "p", scheduleId: "s" });
    expect(schedule.unscheduled.map((u) => [u.cadreId, u.reasons])).toEqual([["C07", ["PRIORITY"]]]);
    expect(schedule.solver.unscheduledReasonsProven).toBe(true);
  });
});

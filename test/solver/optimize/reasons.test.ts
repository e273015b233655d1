import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  explainSchedule,
  type Plan,
  REASONS_PENDING_SENTENCE,
  ScheduleChangedError,
  solvePlan,
} from "../../../solver/index.js";

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

describe("unscheduled reasons left for later", () => {
  // Tiny-d at a budget that binds: cadres wait for BUDGET among other reasons.
  const tiny = JSON.parse(
    readFileSync(new URL("../../../fixtures/plans/tiny-d.json", import.meta.url), "utf8"),
  ) as Plan;
  const plan: Plan = { ...tiny, budget: { ...tiny.budget, total: Math.round(tiny.budget.total / 3) } };

  it("gives the schedule at once, saying its reasons are pending, and explainSchedule adds them", async () => {
    const options = { planId: "p", scheduleId: "s" };
    const now = await solvePlan(plan, options);
    const later = await solvePlan(plan, { ...options, reasons: "later" });
    expect(now.unscheduled.some((u) => u.reasons.includes("BUDGET"))).toBe(true);
    expect(later.solver).toMatchObject({ unscheduledReasonsPending: true, unscheduledReasonsProven: false });
    expect(later.batches).toEqual(now.batches);
    for (const u of later.unscheduled) {
      // Only what the plan alone says is there at once; the sentence says the rest is coming.
      expect(
        u.reasons.filter((r) => r !== "NO_COMPATIBLE_BATCH" && r !== "STAFF" && r !== "CAPACITY"),
      ).toEqual([]);
      if (u.reasons.length === 0) expect(u.explanation).toBe(REASONS_PENDING_SENTENCE);
    }
    const explained = await explainSchedule(plan, later, {});
    expect(explained.solver.unscheduledReasonsPending).toBeUndefined();
    const without = (s: typeof now) => ({ ...s, solver: { ...s.solver, seconds: 0 } });
    expect(without(explained)).toEqual(without(now));
  });

  it("refuses to explain a schedule its plan no longer gives", async () => {
    const later = await solvePlan(plan, { planId: "p", scheduleId: "s", reasons: "later" });
    const richer = { ...plan, budget: { ...plan.budget, total: tiny.budget.total } };
    await expect(explainSchedule(richer, later, {})).rejects.toBeInstanceOf(ScheduleChangedError);
  });
});

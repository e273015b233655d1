import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Plan, Schedule } from "../../solver/index.js";
import { validateDraft } from "../../src/contract/draft.js";
import { parsePlan, parseScheduleDraft } from "../../src/contract/index.js";
import { withoutHealthReasons } from "../../src/contract/privacy.js";
import { draftedBatches } from "../support/schedules.js";

// A planner's own draft: only the batches (venue, dates, cadres, staff); the rest is computed and, where
// given, checked. The solved tiny-d schedule is the reference: its derived parts are what the core computes.

const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const parsedPlan = parsePlan(read("../../fixtures/plans/tiny-d.json"));
if (!parsedPlan.ok) throw new Error("tiny-d breaks the contract");
const plan = parsedPlan.plan as Plan;
const solved = read("../excel/golden/tiny-d.schedule.json") as Schedule;

/** The solved schedule's batches as a planner would draft them: no ids, no costs, nothing else. */
function batchesOnly(): Record<string, unknown> {
  return {
    batches: draftedBatches(solved),
  };
}

function check(draft: unknown, at?: string) {
  const parsed = parseScheduleDraft(draft);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return validateDraft(plan, parsed.schedule, at);
}

describe("a draft with only its batches", () => {
  it("parses, is completed as the solver completes its own, and is valid", () => {
    const verdict = check(batchesOnly());
    expect(verdict).toMatchObject({ valid: true, violations: [], mismatches: [] });
    const { schedule } = verdict;
    expect(schedule.batches.map((b) => b.id)).toEqual(["B01", "B02"]);
    expect(schedule.batches.map((b) => b.cost)).toEqual(solved.batches.map((b) => b.cost));
    expect(schedule.summary).toEqual(solved.summary);
    expect(schedule.kpis).toEqual(solved.kpis);
    expect(schedule.ineligible).toEqual(solved.ineligible);
    expect(schedule.excludedVenues).toEqual(solved.excludedVenues);
    expect(schedule.unscheduled.map((u) => [u.cadreId, u.tier]).sort()).toEqual(
      solved.unscheduled.map((u) => [u.cadreId, u.tier]).sort(),
    );
  });

  it("breaking a rule gives the referee's violation", () => {
    const draft = batchesOnly() as { batches: { staffIds: string[] }[] };
    (draft.batches[1] as { staffIds: string[] }).staffIds = [];
    const verdict = check(draft);
    expect(verdict.valid).toBe(false);
    expect(verdict.mismatches).toEqual([]);
    expect(verdict.violations).toContainEqual(
      expect.objectContaining({ rule: "STAFF_RATIO", batchId: "B02", message: expect.any(String) }),
    );
  });

  it("a missing venue, date or cadre list still breaks the contract, at its path", () => {
    const draft = batchesOnly() as { batches: Record<string, unknown>[] };
    delete draft.batches[0]?.venueId;
    const parsed = parseScheduleDraft(draft);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.problems.map((p) => `${p.path} ${p.code}`)).toEqual(["/batches/0/venueId REQUIRED"]);
  });
});

describe("given derived values are checked against the computed ones", () => {
  it("the solver's own schedule, every field given, has no mismatch", () => {
    expect(check(solved)).toMatchObject({ valid: true, violations: [], mismatches: [] });
  });

  it("a viewer's copy, health reasons withheld, still has no mismatch", () => {
    const shown = withoutHealthReasons(solved as never);
    expect(JSON.stringify(shown)).toContain("ART7_HEALTH_WITHHELD");
    expect(check(shown).mismatches).toEqual([]);
  });

  it("a batch cost and a summary total that differ are mismatches at their paths, in Chinese", () => {
    const draft = batchesOnly() as { batches: Record<string, unknown>[]; summary?: unknown };
    (draft.batches[0] as Record<string, unknown>).cost = { total: 13_000 };
    draft.summary = { totalCost: 27_698.004, scheduled: 15 };
    const verdict = check(draft, "/schedule");
    expect(verdict.valid).toBe(false);
    expect(verdict.mismatches).toEqual([
      {
        path: "/schedule/batches/0/cost/total",
        code: "DERIVED_MISMATCH",
        message: expect.stringContaining("13849"),
      },
      {
        path: "/schedule/summary/scheduled",
        code: "DERIVED_MISMATCH",
        message: expect.stringMatching(/已安排人数.*15.*14/),
      },
    ]);
    // The referee judges the schedule as stated: a stated batch cost off the standard is Art. 14's rule too.
    expect(verdict.violations.map((v) => v.rule)).toEqual(["COST_MISMATCH"]);
    // Given parts stay; the missing ones are filled in.
    expect(verdict.schedule.batches[0]?.cost).toEqual({
      fixed: 0,
      cadres: 12_236,
      staff: 1613,
      total: 13_000,
    });
  });

  it("lists that leave out or add people, or state other reasons, are mismatches", () => {
    const [first, second, ...rest] = solved.unscheduled;
    const draft = {
      ...batchesOnly(),
      unscheduled: [{ ...first, cadreId: "C00002" }, ...rest],
      ineligible: solved.ineligible.map((e, i) => (i === 0 ? { ...e, reasons: [] } : e)),
    };
    const paths = check(draft).mismatches.map((m) => m.path);
    expect(paths).toEqual(["/unscheduled/0", "/unscheduled", "/ineligible/0/reasons"]);
    expect(check(draft).mismatches[1]?.message).toContain(`${first?.cadreId}、${second?.cadreId}`);
  });
});

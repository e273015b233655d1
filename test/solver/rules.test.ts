import { describe, expect, it } from "vitest";
import { toDayRange } from "../../solver/dates.js";
import { isQualifiedMedicFor, isWithinAgeOn, staffFitsDates } from "../../solver/fit.js";
import {
  assessEligibility,
  batchCost,
  type Cadre,
  cadreTripCost,
  ELIGIBILITY_CODES,
  effectivePolicy,
  excludedVenues,
  type Honor,
  type Plan,
  possibleStarts,
  RULE_CODES,
  type ScheduledBatch,
  type Staff,
  solvePlan,
  staffTripCost,
  toDay,
  toIso,
  type Venue,
  validateSchedule,
} from "../../solver/index.js";
import {
  APPLIED,
  CYCLE_2027,
  HEALTHY,
  JINING_CITY,
  POLICY_AT_ARTICLE_LIMITS,
  RENCHENG_COUNTY,
  RENCHENG_PLACEMENT,
} from "../support/plans.js";

// Timefold-style: each rule alone, on a tiny plan that is valid until the one test changes one thing.
// 2027-03-01 is a Monday; the window covers March and April 2027.

const WINDOW = { start: "2027-03-01", end: "2027-04-30" };

function venue(over: Partial<Venue> = {}): Venue {
  return {
    id: "V1",
    ownership: "system",
    province: "山东省",
    city: "泰安市",
    days: 5,
    capacityPerBatch: 30,
    maxConcurrentBatches: 1,
    pricePerPersonDay: 200,
    transportPerPerson: 100,
    fixedCostPerBatch: 1000,
    ...over,
  };
}

function staff(id: string, medical: boolean, over: Partial<Staff> = {}): Staff {
  return { id, medical, ...over };
}

function cadre(id: string, over: Partial<Cadre> = {}): Cadre {
  return {
    id,
    category: "retired_cadre",
    placement: RENCHENG_PLACEMENT,
    birthDate: "1950-01-01",
    honors: [{ kind: "honorary_title", period: "service" }],
    nominee: null,
    health: HEALTHY,
    application: APPLIED,
    history: [],
    ...over,
  };
}

/** C01…Cn, all tier 2, each a day younger than the last: rank = id order. */
function roster(n: number, over: Partial<Cadre> = {}): Cadre[] {
  return ids(1, n).map((id, i) => cadre(id, { birthDate: toIso(toDay("1950-01-01") + i), ...over }));
}

/** n cadre ids from C{from}. */
function ids(from: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `C${String(from + i).padStart(2, "0")}`);
}

function basePlan(over: Partial<Plan> = {}): Plan {
  return {
    version: 1,
    organizer: JINING_CITY,
    cycle: CYCLE_2027,
    planningWindow: WINDOW,
    policy: { ...POLICY_AT_ARTICLE_LIMITS, minBatchSize: 1 },
    budget: { total: 1_000_000, insurancePerPerson: 30, staffPerDay: 300, includeStaffCosts: true },
    venues: [venue()],
    staff: [staff("S1", true), staff("S2", false)],
    cadres: [cadre("C01"), cadre("C02", { birthDate: "1951-01-01" })],
    ...over,
  };
}

function countyPlan(over: Partial<Plan> = {}): Plan {
  return basePlan({ organizer: RENCHENG_COUNTY, ...over });
}

/** Enough people for batches: 12 cadres, two medical staff and one who is not. */
function batchPlan(over: Partial<Plan> = {}): Plan {
  return basePlan({
    staff: [staff("S1", true), staff("S2", true), staff("S3", false)],
    cadres: roster(12),
    ...over,
  });
}

function policyWith(over: NonNullable<Plan["policy"]>): Plan["policy"] {
  return { ...basePlan().policy, ...over };
}

interface BatchSpec {
  id?: string;
  venueId?: string;
  start: string;
  end?: string;
  cadreIds: readonly string[];
  staffIds?: readonly string[];
}

/** A batch as a correct planner states it: end from the venue's days, cost from the cost rules. */
function batch(plan: Plan, spec: BatchSpec): ScheduledBatch {
  const v = plan.venues.find((x) => x.id === (spec.venueId ?? "V1")) as Venue;
  const staffIds = spec.staffIds ?? ["S1"];
  return {
    id: spec.id ?? "B1",
    venueId: v.id,
    start: spec.start,
    end: spec.end ?? toIso(toDay(spec.start) + v.days - 1),
    cadreIds: spec.cadreIds,
    staffIds,
    cost: batchCost(plan, v, spec.cadreIds.length, staffIds.length),
  };
}

/** The distinct rule codes the validator reports, sorted. */
function rules(plan: Plan, batches: readonly ScheduledBatch[]): string[] {
  return [...new Set(validateSchedule(plan, { batches }).map((v) => v.rule))].sort();
}

function codesOf(plan: Plan, c: Cadre): string[] {
  const { ineligible } = assessEligibility({ ...plan, cadres: [c] });
  return ineligible[0]?.reasons.map((r) => r.code) ?? [];
}

function tierOf(plan: Plan, c: Cadre): number | null {
  return assessEligibility({ ...plan, cadres: [c] }).eligible[0]?.tier ?? null;
}

function venueCodes(plan: Plan): Record<string, string[]> {
  return Object.fromEntries(excludedVenues(plan).map((e) => [e.venue.id, e.reasons.map((r) => r.code)]));
}

const fitsOn = (plan: Plan, c: Cadre, iso: string): boolean =>
  isWithinAgeOn(c, effectivePolicy(plan), toDay(iso));

describe("the fixtures themselves", () => {
  it("basePlan: both cadres eligible, no venue excluded", () => {
    const plan = basePlan();
    expect(assessEligibility(plan).ineligible).toEqual([]);
    expect(assessEligibility(plan).eligible.map((e) => e.cadre.id)).toEqual(["C01", "C02"]);
    expect(excludedVenues(plan)).toEqual([]);
  });

  it("batchPlan: one batch of the top five with a medical staff member is valid", () => {
    const plan = batchPlan();
    expect(rules(plan, [batch(plan, { start: "2027-03-01", cadreIds: ids(1, 5) })])).toEqual([]);
  });
});

describe("age limit on the start date (Art. 7, isWithinAgeOn / CADRE_AGE)", () => {
  const plan = basePlan();

  it("fits on the 81st birthday and not the day after", () => {
    const c = cadre("C01", { birthDate: "1950-03-12" });
    expect(fitsOn(plan, c, "2031-03-11")).toBe(true);
    expect(fitsOn(plan, c, "2031-03-12")).toBe(true);
    expect(fitsOn(plan, c, "2031-03-13")).toBe(false);
  });

  it("a policy maxAge above 80 is clamped to 80", () => {
    const loose = basePlan({ policy: policyWith({ maxAge: 85 }) });
    expect(fitsOn(loose, cadre("C01", { birthDate: "1950-03-12" }), "2031-03-13")).toBe(false);
  });

  it("policy.maxAge 75 moves the last day to the 76th birthday", () => {
    const tight = basePlan({ policy: policyWith({ maxAge: 75 }) });
    const c = cadre("C01", { birthDate: "1950-03-12" });
    expect(fitsOn(tight, c, "2026-03-12")).toBe(true);
    expect(fitsOn(tight, c, "2026-03-13")).toBe(false);
  });

  it("born 29 February: the 81st birthday in a common year is 28 February", () => {
    const c = cadre("C01", { birthDate: "1948-02-29" });
    expect(fitsOn(plan, c, "2029-02-28")).toBe(true);
    expect(fitsOn(plan, c, "2029-03-01")).toBe(false);
  });

  it("born 29 February, maxAge 79: the 80th birthday falls on a real 29 February (2028)", () => {
    const tight = basePlan({ policy: policyWith({ maxAge: 79 }) });
    const c = cadre("C01", { birthDate: "1948-02-29" });
    expect(fitsOn(tight, c, "2028-02-28")).toBe(true);
    expect(fitsOn(tight, c, "2028-02-29")).toBe(true);
    expect(fitsOn(tight, c, "2028-03-01")).toBe(false);
  });

  it("leap year: born 28 February, 29 February 2028 is already the day after the birthday", () => {
    const c = cadre("C01", { birthDate: "1947-02-28" });
    expect(fitsOn(plan, c, "2028-02-28")).toBe(true);
    expect(fitsOn(plan, c, "2028-02-29")).toBe(false);
  });

  it("leap year: born 1 March, 29 February 2028 is still before the birthday", () => {
    const c = cadre("C01", { birthDate: "1947-03-01" });
    expect(fitsOn(plan, c, "2028-02-29")).toBe(true);
    expect(fitsOn(plan, c, "2028-03-01")).toBe(true);
    expect(fitsOn(plan, c, "2028-03-02")).toBe(false);
  });

  it("validator: start on the 81st birthday is fine, the day after is CADRE_AGE", () => {
    // C01 turns 81 on Wed 2027-03-10, inside the window, so stays eligible.
    const p = batchPlan({ cadres: [cadre("C01", { birthDate: "1946-03-10" }), ...roster(12).slice(1)] });
    expect(rules(p, [batch(p, { start: "2027-03-10", cadreIds: ids(1, 5) })])).toEqual([]);
    const late = validateSchedule(p, { batches: [batch(p, { start: "2027-03-11", cadreIds: ids(1, 5) })] });
    expect(late.map((v) => [v.rule, v.cadreId])).toEqual([["CADRE_AGE", "C01"]]);
  });

  it("validator, 29 February: a batch starting 2029-02-28 fits, 2029-03-01 does not", () => {
    const p = batchPlan({
      cycle: { id: "2029", start: "2029-01-01", end: "2029-12-31" },
      planningWindow: { start: "2029-02-01", end: "2029-04-30" },
      cadres: [cadre("C01", { birthDate: "1948-02-29" }), ...roster(12).slice(1)],
    });
    expect(rules(p, [batch(p, { start: "2029-02-28", cadreIds: ids(1, 5) })])).toEqual([]);
    expect(rules(p, [batch(p, { start: "2029-03-01", cadreIds: ids(1, 5) })])).toEqual(["CADRE_AGE"]);
  });
});

describe("ART7_AGE: over the limit on every day of the window", () => {
  const plan = basePlan(); // window starts 2027-03-01

  it("81st birthday the day before the window's first day: ART7_AGE", () => {
    expect(codesOf(plan, cadre("C01", { birthDate: "1946-02-28" }))).toEqual(["ART7_AGE"]);
  });

  it("81st birthday on the window's first day: eligible", () => {
    expect(codesOf(plan, cadre("C01", { birthDate: "1946-03-01" }))).toEqual([]);
  });

  it("born 29 February: window from 2029-02-28 eligible, from 2029-03-01 ART7_AGE", () => {
    const c = cadre("C01", { birthDate: "1948-02-29" });
    const at = (start: string) =>
      basePlan({
        cycle: { id: "2029", start: "2029-01-01", end: "2029-12-31" },
        planningWindow: { start, end: "2029-06-30" },
      });
    expect(codesOf(at("2029-02-28"), c)).toEqual([]);
    expect(codesOf(at("2029-03-01"), c)).toEqual(["ART7_AGE"]);
  });

  it("uses the plan's tighter maxAge", () => {
    const tight = basePlan({ policy: policyWith({ maxAge: 79 }) });
    // 80th birthday 2027-02-28, the day before the window.
    expect(codesOf(tight, cadre("C01", { birthDate: "1947-02-28" }))).toEqual(["ART7_AGE"]);
    expect(codesOf(tight, cadre("C01", { birthDate: "1947-03-01" }))).toEqual([]);
  });
});

describe("trip length (Art. 6): 7 versus 8 days", () => {
  it("a 7-day venue is allowed, an 8-day venue is ART6_TOO_LONG", () => {
    expect(venueCodes(basePlan({ venues: [venue({ days: 7 })] }))).toEqual({});
    expect(venueCodes(basePlan({ venues: [venue({ days: 8 })] }))).toEqual({ V1: ["ART6_TOO_LONG"] });
  });

  it("policy.maxDays 6 excludes a 7-day venue", () => {
    const plan = basePlan({ policy: policyWith({ maxDays: 6 }), venues: [venue({ days: 7 })] });
    expect(venueCodes(plan)).toEqual({ V1: ["ART6_TOO_LONG"] });
  });

  it("a policy.maxDays above 7 cannot let an 8-day venue in", () => {
    const plan = basePlan({ policy: policyWith({ maxDays: 9 }), venues: [venue({ days: 8 })] });
    expect(venueCodes(plan)).toEqual({ V1: ["ART6_TOO_LONG"] });
  });

  it("validator: a batch of the venue's 7 days is fine", () => {
    const plan = batchPlan({ venues: [venue({ days: 7 })] });
    expect(rules(plan, [batch(plan, { start: "2027-03-01", cadreIds: ids(1, 5) })])).toEqual([]);
  });

  it("validator: BATCH_LENGTH when end − start + 1 ≠ venue.days, longer or shorter", () => {
    const plan = batchPlan();
    const cadreIds = ids(1, 5);
    expect(rules(plan, [batch(plan, { start: "2027-03-01", end: "2027-03-06", cadreIds })])).toEqual([
      "BATCH_LENGTH",
    ]);
    expect(rules(plan, [batch(plan, { start: "2027-03-01", end: "2027-03-04", cadreIds })])).toEqual([
      "BATCH_LENGTH",
    ]);
  });

  it("validator: an 8-day batch at an 8-day venue breaks both the length and the venue rule", () => {
    const plan = batchPlan({ venues: [venue({ days: 8 })] });
    expect(rules(plan, [batch(plan, { start: "2027-03-01", cadreIds: ids(1, 5) })])).toEqual([
      "BATCH_LENGTH",
      "VENUE_EXCLUDED",
    ]);
  });
});

describe("staff ratio (Art. 10): 5S ≤ N ≤ 10S", () => {
  const plan = batchPlan();
  const run = (n: number, staffIds: string[], p: Plan = plan) =>
    rules(p, [batch(p, { start: "2027-03-01", cadreIds: ids(1, n), staffIds })]);

  it("N = 5S is fine, N = 5S − 1 is STAFF_RATIO", () => {
    expect(run(10, ["S1", "S2"])).toEqual([]);
    expect(run(9, ["S1", "S2"])).toEqual(["STAFF_RATIO"]);
    expect(run(5, ["S1"])).toEqual([]);
    expect(run(4, ["S1"])).toEqual(["STAFF_RATIO"]);
  });

  it("N = 10S is fine, N = 10S + 1 is STAFF_RATIO", () => {
    expect(run(10, ["S1"])).toEqual([]);
    expect(run(11, ["S1"])).toEqual(["STAFF_RATIO"]);
  });

  it("a plan may narrow the range", () => {
    const narrow = batchPlan({ policy: policyWith({ cadresPerStaff: { min: 6, max: 8 } }) });
    expect(run(5, ["S1"], narrow)).toEqual(["STAFF_RATIO"]);
    expect(run(6, ["S1"], narrow)).toEqual([]);
    expect(run(8, ["S1"], narrow)).toEqual([]);
    expect(run(9, ["S1"], narrow)).toEqual(["STAFF_RATIO"]);
  });

  it("a plan cannot widen it past [5, 10]", () => {
    const wide = batchPlan({ policy: policyWith({ cadresPerStaff: { min: 3, max: 12 } }) });
    expect(run(4, ["S1"], wide)).toEqual(["STAFF_RATIO"]);
    expect(run(11, ["S1"], wide)).toEqual(["STAFF_RATIO"]);
  });

  it("no staff at all is STAFF_RATIO (and no medical cover)", () => {
    expect(run(5, [])).toEqual(["MEDICAL_COVER", "STAFF_RATIO"]);
  });
});

describe("staff overlap (Art. 10)", () => {
  // Two concurrent batches allowed, so only the staff rule can bite.
  const plan = batchPlan({ venues: [venue({ maxConcurrentBatches: 2 })] });

  it("the end day of one batch is the start day of the other: STAFF_OVERLAP", () => {
    const a = batch(plan, { id: "A", start: "2027-03-01", cadreIds: ids(1, 5) });
    const b = batch(plan, { id: "B", start: "2027-03-05", cadreIds: ids(6, 5) });
    const found = validateSchedule(plan, { batches: [a, b] });
    expect(found.map((v) => [v.rule, v.staffId])).toEqual([["STAFF_OVERLAP", "S1"]]);
  });

  it("adjacent batches that share no day are fine", () => {
    const a = batch(plan, { id: "A", start: "2027-03-01", cadreIds: ids(1, 5) });
    const b = batch(plan, { id: "B", start: "2027-03-06", cadreIds: ids(6, 5) });
    expect(rules(plan, [a, b])).toEqual([]);
  });

  it("one person listed twice in one batch: STAFF_DUPLICATE_IN_BATCH", () => {
    const a = batch(plan, { start: "2027-03-01", cadreIds: ids(1, 10), staffIds: ["S1", "S1"] });
    expect(rules(plan, [a])).toEqual(["STAFF_DUPLICATE_IN_BATCH"]);
  });
});

describe("venue blackout (Art. 6)", () => {
  // Five-day trips; blackout 15–17 March.
  const v = venue({ blackout: [{ start: "2027-03-15", end: "2027-03-17" }] });
  const plan = batchPlan({ venues: [v] });
  const starts = possibleStarts(plan, v);
  const run = (start: string) => rules(plan, [batch(plan, { start, cadreIds: ids(1, 5) })]);

  it("ending the day before the blackout: fine", () => {
    expect(starts).toContain(toDay("2027-03-10"));
    expect(run("2027-03-10")).toEqual([]);
  });

  it("ending on its first day: BATCH_BLACKOUT", () => {
    expect(starts).not.toContain(toDay("2027-03-11"));
    expect(run("2027-03-11")).toEqual(["BATCH_BLACKOUT"]);
  });

  it("starting on its last day: BATCH_BLACKOUT", () => {
    expect(starts).not.toContain(toDay("2027-03-17"));
    expect(run("2027-03-17")).toEqual(["BATCH_BLACKOUT"]);
  });

  it("starting the day after: fine", () => {
    expect(starts).toContain(toDay("2027-03-18"));
    expect(run("2027-03-18")).toEqual([]);
  });

  it("possibleStarts skips exactly the starts that touch the blackout", () => {
    const around = starts.filter((d) => d >= toDay("2027-03-10") && d <= toDay("2027-03-18"));
    expect(around.map(toIso)).toEqual(["2027-03-10", "2027-03-18"]);
  });
});

describe("departure weekdays (Art. 6)", () => {
  const monday = venue({ startWeekdays: [1] });

  it("startWeekdays [1]: a Monday start is fine, a Tuesday start is BATCH_WEEKDAY", () => {
    const plan = batchPlan({ venues: [monday] });
    expect(rules(plan, [batch(plan, { start: "2027-03-01", cadreIds: ids(1, 5) })])).toEqual([]);
    expect(rules(plan, [batch(plan, { start: "2027-03-02", cadreIds: ids(1, 5) })])).toEqual([
      "BATCH_WEEKDAY",
    ]);
  });

  it("possibleStarts offers only Mondays whose trip fits in the window", () => {
    const plan = batchPlan({ venues: [monday] });
    expect(possibleStarts(plan, monday).map(toIso)).toEqual([
      "2027-03-01",
      "2027-03-08",
      "2027-03-15",
      "2027-03-22",
      "2027-03-29",
      "2027-04-05",
      "2027-04-12",
      "2027-04-19",
      "2027-04-26",
    ]);
  });

  it("startWeekdays [7] means Sunday", () => {
    const sunday = venue({ startWeekdays: [7] });
    const plan = batchPlan({ venues: [sunday] });
    expect(possibleStarts(plan, sunday).map(toIso)[0]).toBe("2027-03-07");
  });

  it.each([
    ["absent", undefined],
    ["empty", []],
  ])("startWeekdays %s: any day", (_, weekdays) => {
    const v = venue({ startWeekdays: weekdays });
    const plan = batchPlan({ venues: [v] });
    // 61 window days, 5-day trips: 57 starts, every one of them.
    expect(possibleStarts(plan, v)).toHaveLength(57);
    expect(rules(plan, [batch(plan, { start: "2027-03-02", cadreIds: ids(1, 5) })])).toEqual([]);
  });
});

describe("batch window (Art. 6)", () => {
  it("a trip running past the planning window: BATCH_WINDOW, and no such start offered", () => {
    const plan = batchPlan();
    // Staff without `available` are bound to the window too, so they are out of range as well.
    expect(rules(plan, [batch(plan, { start: "2027-04-27", cadreIds: ids(1, 5) })])).toEqual([
      "BATCH_WINDOW",
      "STAFF_AVAILABILITY",
    ]);
    expect(possibleStarts(plan, venue()).map(toIso).at(-1)).toBe("2027-04-26");
  });

  it("a trip straddling two adjacent available ranges is inside neither: BATCH_WINDOW", () => {
    const v = venue({
      available: [
        { start: "2027-03-01", end: "2027-03-10" },
        { start: "2027-03-11", end: "2027-03-31" },
      ],
    });
    const plan = batchPlan({ venues: [v] });
    expect(rules(plan, [batch(plan, { start: "2027-03-06", cadreIds: ids(1, 5) })])).toEqual([]);
    expect(rules(plan, [batch(plan, { start: "2027-03-08", cadreIds: ids(1, 5) })])).toEqual([
      "BATCH_WINDOW",
    ]);
    expect(possibleStarts(plan, v).map(toIso)).not.toContain("2027-03-07");
  });
});

describe("ART2_NOT_IN_SCOPE (Art. 2, 18)", () => {
  const plan = basePlan();
  const place = (over: Partial<Cadre["placement"]>): Cadre["placement"] => ({
    ...cadre("x").placement,
    ...over,
  });

  it("retired_nco is in scope", () => {
    expect(codesOf(plan, cadre("C01", { category: "retired_nco" }))).toEqual([]);
  });

  it.each([
    ["not managed by veteran affairs", { managedByVeteranAffairs: false }],
    ["another province", { province: "河南省" }],
    ["another city", { city: "济南市" }],
  ])("%s", (_, over) => {
    expect(codesOf(plan, cadre("C01", { placement: place(over) }))).toEqual(["ART2_NOT_IN_SCOPE"]);
  });

  it("a city organizer takes any county of its city", () => {
    expect(codesOf(plan, cadre("C01", { placement: place({ county: "兖州区" }) }))).toEqual([]);
  });

  it("a county organizer: another county, or none, is out of scope", () => {
    const county = countyPlan();
    expect(codesOf(county, cadre("C01"))).toEqual([]);
    expect(codesOf(county, cadre("C01", { placement: place({ county: "兖州区" }) }))).toEqual([
      "ART2_NOT_IN_SCOPE",
    ]);
    expect(codesOf(county, cadre("C01", { placement: place({ county: null }) }))).toEqual([
      "ART2_NOT_IN_SCOPE",
    ]);
  });
});

describe("ART4_NO_QUALIFYING_HONOR (Art. 4)", () => {
  const corps: Honor = { kind: "commendation", period: "service", level: "corps" };
  const countyLevel: [string, Honor][] = [
    ["peacetime merit class 3", { kind: "merit", class: 3, wartime: false, period: "service" }],
    [
      "deputy military region commendation",
      { kind: "commendation", period: "service", level: "deputy_military_region" },
    ],
    ["county post-transfer commendation", { kind: "commendation", period: "post_transfer", level: "county" }],
    ["county advanced cadre", { kind: "advanced_cadre", level: "county" }],
  ];

  it("no honors, or an empty list", () => {
    expect(codesOf(basePlan(), cadre("C01", { honors: undefined }))).toEqual(["ART4_NO_QUALIFYING_HONOR"]);
    expect(codesOf(basePlan(), cadre("C01", { honors: [] }))).toEqual(["ART4_NO_QUALIFYING_HONOR"]);
  });

  it("a corps commendation qualifies nowhere", () => {
    const c = cadre("C01", { honors: [corps] });
    expect(codesOf(basePlan(), c)).toEqual(["ART4_NO_QUALIFYING_HONOR"]);
    expect(codesOf(countyPlan(), c)).toEqual(["ART4_NO_QUALIFYING_HONOR"]);
  });

  it.each(countyLevel)("%s does not qualify at a city organizer", (_, honor) => {
    expect(codesOf(basePlan(), cadre("C01", { honors: [honor] }))).toEqual(["ART4_NO_QUALIFYING_HONOR"]);
  });

  it("a county expansion record counts for nothing at a city organizer", () => {
    const c = cadre("C01", {
      honors: [],
      countyExpansion: {
        grounds: ["combat"],
        approvedBy: "party_group",
        publicNoticeEnded: "2026-12-20",
        objection: false,
      },
    });
    expect(codesOf(basePlan(), c)).toEqual(["ART4_NO_QUALIFYING_HONOR"]);
  });

  it("a nominee without a qualifying honor is still ineligible", () => {
    expect(codesOf(basePlan(), cadre("C01", { honors: [], nominee: "ministerial" }))).toEqual([
      "ART4_NO_QUALIFYING_HONOR",
    ]);
  });
});

describe("ART4_EXPANSION_NOT_APPROVED (Art. 4 ¶2) and tier 6", () => {
  const complete = {
    grounds: ["combat", "service_length"] as const,
    approvedBy: "management_committee" as const,
    publicNoticeEnded: "2026-12-20",
    objection: false,
  };
  const withExpansion = (over: Partial<Cadre["countyExpansion"] & object>) =>
    cadre("C01", { honors: [], countyExpansion: { ...complete, ...over } });

  it("a complete expansion at a county organizer is tier 6", () => {
    expect(tierOf(countyPlan(), withExpansion({}))).toBe(6);
    expect(tierOf(countyPlan(), withExpansion({ approvedBy: "party_group" }))).toBe(6);
  });

  it.each([
    ["no grounds", { grounds: undefined }],
    ["empty grounds", { grounds: [] }],
    ["no approval", { approvedBy: null }],
    ["approval absent", { approvedBy: undefined }],
    ["no public notice", { publicNoticeEnded: null }],
    ["public notice absent", { publicNoticeEnded: undefined }],
    ["an objection", { objection: true }],
  ])("%s: ART4_EXPANSION_NOT_APPROVED in place of ART4_NO_QUALIFYING_HONOR", (_, over) => {
    expect(codesOf(countyPlan(), withExpansion(over))).toEqual(["ART4_EXPANSION_NOT_APPROVED"]);
  });

  it("no expansion record at a county organizer: ART4_NO_QUALIFYING_HONOR", () => {
    expect(codesOf(countyPlan(), cadre("C01", { honors: [], countyExpansion: null }))).toEqual([
      "ART4_NO_QUALIFYING_HONOR",
    ]);
  });

  it("an incomplete expansion does not matter when an honor qualifies", () => {
    expect(tierOf(countyPlan(), cadre("C01", { countyExpansion: { ...complete, objection: true } }))).toBe(2);
  });
});

describe("ART7_HEALTH_UNDECLARED / ART7_HEALTH_EXCLUDED (Art. 7, 17)", () => {
  const plan = basePlan();

  it.each([
    ["absent", undefined],
    ["null", null],
  ])("health %s: ART7_HEALTH_UNDECLARED", (_, health) => {
    expect(codesOf(plan, cadre("C01", { health }))).toEqual(["ART7_HEALTH_UNDECLARED"]);
  });

  it("declared with nothing set counts as declared and healthy", () => {
    expect(codesOf(plan, cadre("C01", { health: {} }))).toEqual([]);
  });

  it.each(["infectiousDisease", "mentalIllness", "criticalIllness"] as const)(
    "%s: ART7_HEALTH_EXCLUDED",
    (illness) => {
      const health = { ...HEALTHY, [illness]: true };
      expect(codesOf(plan, cadre("C01", { health }))).toEqual(["ART7_HEALTH_EXCLUDED"]);
    },
  );
});

describe("ART7_NOT_APPLIED (Art. 7)", () => {
  const plan = basePlan();

  it.each(["voluntary", "familyConsent", "institutionApproved"] as const)("%s false or absent", (flag) => {
    expect(codesOf(plan, cadre("C01", { application: { ...APPLIED, [flag]: false } }))).toEqual([
      "ART7_NOT_APPLIED",
    ]);
    expect(codesOf(plan, cadre("C01", { application: { ...APPLIED, [flag]: undefined } }))).toEqual([
      "ART7_NOT_APPLIED",
    ]);
  });

  it("no application at all", () => {
    expect(codesOf(plan, cadre("C01", { application: null }))).toEqual(["ART7_NOT_APPLIED"]);
    expect(codesOf(plan, cadre("C01", { application: undefined }))).toEqual(["ART7_NOT_APPLIED"]);
  });
});

describe("ART8_ALREADY_IN_CYCLE (Art. 8)", () => {
  const plan = basePlan();

  it.each(["city", "county", "provincial", "ministerial"] as const)(
    "a %s convalescence in this cycle",
    (level) => {
      const history = [{ cycleId: "2027", level, start: "2027-01-10", end: "2027-01-15" }];
      expect(codesOf(plan, cadre("C01", { history }))).toEqual(["ART8_ALREADY_IN_CYCLE"]);
    },
  );

  it("one in another cycle does not count", () => {
    const history = [{ cycleId: "2025", level: "city" as const, start: "2025-05-12", end: "2025-05-18" }];
    expect(codesOf(plan, cadre("C01", { history }))).toEqual([]);
  });

  it("taken by another plan of the cycle: the reason names that plan and batch, and the referee agrees", () => {
    const taken = {
      cadreId: "C01",
      planId: "pln_city",
      planName: "2027年市级计划",
      level: "city" as const,
      batchId: "B03",
    };
    const county = countyPlan({ cadres: roster(12), committedElsewhere: [taken] });
    const { ineligible } = assessEligibility(county);
    expect(ineligible.map((i) => [i.cadre.id, i.reasons])).toEqual([
      [
        "C01",
        [
          {
            code: "ART8_ALREADY_IN_CYCLE",
            article: 8,
            message: expect.stringContaining("市级计划「2027年市级计划」（pln_city）批次 B03"),
            source: { planId: "pln_city", level: "city", batchId: "B03" },
          },
        ],
      ],
    ]);
    // C01 may not go, and C02 going in C01's place is no priority inversion.
    expect(rules(county, [batch(county, { start: "2027-03-01", cadreIds: ids(1, 5) })])).toContain(
      "CADRE_INELIGIBLE",
    );
    expect(rules(county, [batch(county, { start: "2027-03-01", cadreIds: ids(2, 5) })])).toEqual([]);
  });
});

describe("every reason reported together (RULES.md §1)", () => {
  const everything = (over: Partial<Cadre>) =>
    cadre("C01", {
      placement: { province: "河南省", city: "郑州市", managedByVeteranAffairs: false },
      honors: [],
      birthDate: "1940-01-01",
      application: { voluntary: false },
      history: [{ cycleId: "2027", level: "provincial", start: "2027-01-10" }],
      ...over,
    });

  it("undeclared health with every other reason", () => {
    const { ineligible } = assessEligibility({ ...basePlan(), cadres: [everything({ health: undefined })] });
    expect(ineligible[0]?.reasons).toEqual(
      [
        "ART2_NOT_IN_SCOPE",
        "ART4_NO_QUALIFYING_HONOR",
        "ART7_AGE",
        "ART7_HEALTH_UNDECLARED",
        "ART7_NOT_APPLIED",
        "ART8_ALREADY_IN_CYCLE",
      ].map((code) => ({ code, ...ELIGIBILITY_CODES[code as keyof typeof ELIGIBILITY_CODES] })),
    );
  });

  it("excluded health with every other reason, expansion variant at a county organizer", () => {
    const c = everything({
      health: { infectiousDisease: true, mentalIllness: true, criticalIllness: true },
      countyExpansion: { grounds: ["combat"], approvedBy: null },
    });
    expect(codesOf(countyPlan(), c)).toEqual([
      "ART2_NOT_IN_SCOPE",
      "ART4_EXPANSION_NOT_APPROVED",
      "ART7_AGE",
      "ART7_HEALTH_EXCLUDED",
      "ART7_NOT_APPLIED",
      "ART8_ALREADY_IN_CYCLE",
    ]);
  });
});

describe("honor tiers (RULES.md §2)", () => {
  const rows: [string, Honor, number | null, number | null][] = [
    // [label, honor, tier at a city organizer, tier at a county organizer]
    ["honorary title", { kind: "honorary_title", period: "service" }, 2, 2],
    ["merit class 1", { kind: "merit", class: 1, wartime: false, period: "service" }, 2, 2],
    ["wartime merit class 1", { kind: "merit", class: 1, wartime: true, period: "service" }, 2, 2],
    ["wartime merit class 2", { kind: "merit", class: 2, wartime: true, period: "service" }, 2, 2],
    ["merit class 2", { kind: "merit", class: 2, wartime: false, period: "service" }, 3, 3],
    ["wartime merit class 3", { kind: "merit", class: 3, wartime: true, period: "service" }, 3, 3],
    ["CMC commendation", { kind: "commendation", period: "service", level: "cmc" }, 3, 3],
    [
      "military region commendation",
      { kind: "commendation", period: "service", level: "military_region" },
      3,
      3,
    ],
    ["national post-transfer", { kind: "commendation", period: "post_transfer", level: "national" }, 4, 4],
    [
      "provincial post-transfer",
      { kind: "commendation", period: "post_transfer", level: "provincial" },
      4,
      4,
    ],
    ["city post-transfer", { kind: "commendation", period: "post_transfer", level: "city" }, 4, 4],
    ["ministry advanced cadre", { kind: "advanced_cadre", level: "ministry" }, 4, 4],
    ["provincial advanced cadre", { kind: "advanced_cadre", level: "provincial" }, 4, 4],
    ["city advanced cadre", { kind: "advanced_cadre", level: "city" }, 4, 4],
    ["peacetime merit class 3", { kind: "merit", class: 3, wartime: false, period: "service" }, null, 5],
    ["merit class 3, wartime absent", { kind: "merit", class: 3, period: "service" }, null, 5],
    [
      "deputy military region commendation",
      { kind: "commendation", period: "service", level: "deputy_military_region" },
      null,
      5,
    ],
    ["county post-transfer", { kind: "commendation", period: "post_transfer", level: "county" }, null, 5],
    ["county advanced cadre", { kind: "advanced_cadre", level: "county" }, null, 5],
    ["corps commendation", { kind: "commendation", period: "service", level: "corps" }, null, null],
  ];

  it.each(rows)("%s: city tier %s, county tier %s", (_, honor, city, county) => {
    expect(tierOf(basePlan(), cadre("C01", { honors: [honor] }))).toBe(city);
    expect(tierOf(countyPlan(), cadre("C01", { honors: [honor] }))).toBe(county);
  });

  it("the best honor decides", () => {
    const honors: Honor[] = [
      { kind: "advanced_cadre", level: "county" },
      { kind: "merit", class: 2, wartime: false, period: "service" },
      { kind: "commendation", period: "post_transfer", level: "city" },
    ];
    expect(tierOf(basePlan(), cadre("C01", { honors }))).toBe(3);
  });

  it("a county honor plus a complete expansion is tier 5, not 6", () => {
    const c = cadre("C01", {
      honors: [{ kind: "advanced_cadre", level: "county" }],
      countyExpansion: { grounds: ["combat"], approvedBy: "party_group", publicNoticeEnded: "2026-12-20" },
    });
    expect(tierOf(countyPlan(), c)).toBe(5);
  });

  it.each(["ministerial", "provincial"] as const)(
    "a %s nominee who is otherwise eligible is tier 1",
    (nominee) => {
      const c = cadre("C01", { nominee, honors: [{ kind: "advanced_cadre", level: "city" }] });
      expect(tierOf(basePlan(), c)).toBe(1);
      expect(
        tierOf(
          countyPlan(),
          cadre("C01", { nominee, honors: [{ kind: "advanced_cadre", level: "county" }] }),
        ),
      ).toBe(1);
    },
  );

  it("a nominee who is otherwise ineligible is not tier 1 but ineligible", () => {
    expect(codesOf(basePlan(), cadre("C01", { nominee: "ministerial", health: undefined }))).toEqual([
      "ART7_HEALTH_UNDECLARED",
    ]);
  });

  it("a city plan has tiers 1–4 only", () => {
    const all: Honor[] = rows.map((r) => r[1]);
    const plan = basePlan({ cadres: all.map((h, i) => cadre(`C${i}`, { honors: [h] })) });
    const tiers = new Set(assessEligibility(plan).eligible.map((e) => e.tier));
    expect([...tiers].sort()).toEqual([2, 3, 4]);
  });
});

describe("rank inside a tier (RULES.md §2)", () => {
  const order = (cadres: Cadre[]) =>
    assessEligibility(basePlan({ cadres })).eligible.map((e) => [e.cadre.id, e.tier, e.rank]);
  const trip = (start: string, end?: string) => ({ cycleId: "2024", level: "city" as const, start, end });

  it("never-been first, even when younger", () => {
    const been = cadre("A", { birthDate: "1948-01-01", history: [trip("2010-05-01", "2010-05-07")] });
    const never = cadre("B", { birthDate: "1955-01-01" });
    expect(order([been, never])).toEqual([
      ["B", 2, 1],
      ["A", 2, 2],
    ]);
  });

  it("then furthest back, using end where given and start where not", () => {
    // X started earlier but ended later than Y's start: Y's last day is further back.
    const x = cadre("X", { history: [trip("2023-05-01", "2023-05-07")] });
    const y = cadre("Y", { history: [trip("2023-05-05")] });
    expect(order([x, y]).map((r) => r[0])).toEqual(["Y", "X"]);
  });

  it("the latest of several trips decides", () => {
    const many = cadre("M", {
      history: [trip("2015-05-01", "2015-05-07"), trip("2025-05-01", "2025-05-07")],
    });
    const one = cadre("O", { history: [trip("2020-05-01", "2020-05-07")] });
    expect(order([many, one]).map((r) => r[0])).toEqual(["O", "M"]);
  });

  it("then the older, then id ascending", () => {
    const young = cadre("A", { birthDate: "1952-01-01" });
    const oldB = cadre("B", { birthDate: "1948-06-01" });
    const oldC = cadre("C", { birthDate: "1948-06-01" });
    expect(order([oldC, young, oldB])).toEqual([
      ["B", 2, 1],
      ["C", 2, 2],
      ["A", 2, 3],
    ]);
  });

  it("ranks restart at 1 in each tier", () => {
    const t4 = cadre("T4", { honors: [{ kind: "advanced_cadre", level: "city" }] });
    const t2 = cadre("T2", { birthDate: "1955-01-01" });
    const t1 = cadre("T1", { nominee: "provincial", birthDate: "1956-01-01" });
    expect(order([t4, t2, t1])).toEqual([
      ["T1", 1, 1],
      ["T2", 2, 1],
      ["T4", 4, 1],
    ]);
  });
});

describe("venue exclusions (Art. 6, 14)", () => {
  // Cadre trip at venue(): 5 × 200 + 100 + 30 insurance = 1130.
  it("out of province: ART6_OUT_OF_PROVINCE unless allowOutOfProvince", () => {
    const away = venue({ province: "江苏省" });
    expect(venueCodes(basePlan({ venues: [away] }))).toEqual({ V1: ["ART6_OUT_OF_PROVINCE"] });
    expect(
      venueCodes(basePlan({ venues: [away], policy: policyWith({ allowOutOfProvince: true }) })),
    ).toEqual({});
  });

  it("per-day standard: exactly cost ÷ days is allowed, lower is ART14_OVER_COST_STANDARD", () => {
    const at = (perPersonPerDay: number) =>
      venueCodes(basePlan({ budget: { ...basePlan().budget, costStandard: { perPersonPerDay } } }));
    expect(at(226)).toEqual({});
    expect(at(225.8)).toEqual({ V1: ["ART14_OVER_COST_STANDARD"] }); // 1129 per trip
  });

  it("per-trip standard: equal is allowed, one yuan under is ART14_OVER_COST_STANDARD", () => {
    const at = (perPersonPerTrip: number) =>
      venueCodes(basePlan({ budget: { ...basePlan().budget, costStandard: { perPersonPerTrip } } }));
    expect(at(1130)).toEqual({});
    expect(at(1129)).toEqual({ V1: ["ART14_OVER_COST_STANDARD"] });
  });

  it("either standard alone is enough to exclude", () => {
    const budget = { ...basePlan().budget, costStandard: { perPersonPerDay: 1000, perPersonPerTrip: 1129 } };
    expect(venueCodes(basePlan({ budget }))).toEqual({ V1: ["ART14_OVER_COST_STANDARD"] });
  });

  it("every reason together, in table order; the validator refuses the venue", () => {
    const v = venue({ province: "江苏省", days: 8 });
    const plan = batchPlan({
      venues: [v],
      budget: { ...basePlan().budget, costStandard: { perPersonPerTrip: 1 } },
    });
    expect(venueCodes(plan)).toEqual({
      V1: ["ART6_OUT_OF_PROVINCE", "ART6_TOO_LONG", "ART14_OVER_COST_STANDARD"],
    });
    const ok = batchPlan({ venues: [venue({ province: "江苏省" })] });
    expect(rules(ok, [batch(ok, { start: "2027-03-01", cadreIds: ids(1, 5) })])).toEqual(["VENUE_EXCLUDED"]);
  });
});

describe("costs (RULES.md §5)", () => {
  const plan = basePlan();
  const v = venue();

  it("cadre trip: days × price + transport + insurance", () => {
    expect(cadreTripCost(plan, v)).toBe(5 * 200 + 100 + 30);
  });

  it("staff trip: days × staffPerDay + transport", () => {
    expect(staffTripCost(plan, v)).toBe(5 * 300 + 100);
  });

  it("staff trip is 0 when includeStaffCosts is false, and counted when absent", () => {
    expect(staffTripCost(basePlan({ budget: { ...plan.budget, includeStaffCosts: false } }), v)).toBe(0);
    expect(staffTripCost(basePlan({ budget: { total: 1, staffPerDay: 300 } }), v)).toBe(1600);
  });

  it("absent amounts are 0", () => {
    const bare: Venue = {
      id: "V0",
      ownership: "contracted",
      province: "山东省",
      days: 4,
      capacityPerBatch: 10,
    };
    const noBudgetAmounts = basePlan({ budget: { total: 1000 } });
    expect(cadreTripCost(noBudgetAmounts, bare)).toBe(0);
    expect(staffTripCost(noBudgetAmounts, bare)).toBe(0);
    expect(batchCost(noBudgetAmounts, bare, 10, 2)).toEqual({ fixed: 0, cadres: 0, staff: 0, total: 0 });
    expect(cadreTripCost(noBudgetAmounts, v)).toBe(1100);
  });

  it("batch: fixed + N × cadre trip + S × staff trip", () => {
    expect(batchCost(plan, v, 10, 2)).toEqual({ fixed: 1000, cadres: 11_300, staff: 3200, total: 15_500 });
  });
});

describe("venue load (RULES.md §4)", () => {
  const two = (p: Plan, secondStart: string) => [
    batch(p, { id: "A", start: "2027-03-01", cadreIds: ids(1, 5), staffIds: ["S1"] }),
    batch(p, { id: "B", start: secondStart, cadreIds: ids(6, 5), staffIds: ["S2"] }),
  ];

  it("maxConcurrentBatches 1: batches sharing one day are VENUE_LOAD, adjacent ones are fine", () => {
    const plan = batchPlan();
    expect(rules(plan, two(plan, "2027-03-05"))).toEqual(["VENUE_LOAD"]);
    expect(rules(plan, two(plan, "2027-03-06"))).toEqual([]);
  });

  it("absent maxConcurrentBatches means 1", () => {
    const plan = batchPlan({ venues: [venue({ maxConcurrentBatches: undefined })] });
    expect(rules(plan, two(plan, "2027-03-03"))).toEqual(["VENUE_LOAD"]);
  });

  it("maxConcurrentBatches 2: two at once are fine, a third is VENUE_LOAD", () => {
    const plan = batchPlan({
      venues: [venue({ maxConcurrentBatches: 2 })],
      staff: [staff("S1", true), staff("S2", true), staff("S3", true)],
      cadres: roster(15),
    });
    const pair = two(plan, "2027-03-03");
    expect(rules(plan, pair)).toEqual([]);
    const third = batch(plan, { id: "C", start: "2027-03-05", cadreIds: ids(11, 5), staffIds: ["S3"] });
    expect(rules(plan, [...pair, third])).toEqual(["VENUE_LOAD"]);
  });

  it("different venues do not share a load", () => {
    const plan = batchPlan({ venues: [venue(), venue({ id: "V2" })] });
    const a = batch(plan, { id: "A", start: "2027-03-01", cadreIds: ids(1, 5), staffIds: ["S1"] });
    const b = batch(plan, {
      id: "B",
      venueId: "V2",
      start: "2027-03-01",
      cadreIds: ids(6, 5),
      staffIds: ["S2"],
    });
    expect(rules(plan, [a, b])).toEqual([]);
  });
});

describe("batch size (Art. 6)", () => {
  it("minBatchSize: one below is BATCH_SIZE, exactly is fine", () => {
    const plan = batchPlan({ policy: policyWith({ minBatchSize: 6 }) });
    expect(rules(plan, [batch(plan, { start: "2027-03-01", cadreIds: ids(1, 5) })])).toEqual(["BATCH_SIZE"]);
    expect(rules(plan, [batch(plan, { start: "2027-03-01", cadreIds: ids(1, 6) })])).toEqual([]);
  });

  it("capacityPerBatch: exactly is fine, one over is BATCH_SIZE", () => {
    const plan = batchPlan({ venues: [venue({ capacityPerBatch: 5 })] });
    expect(rules(plan, [batch(plan, { start: "2027-03-01", cadreIds: ids(1, 5) })])).toEqual([]);
    expect(rules(plan, [batch(plan, { start: "2027-03-01", cadreIds: ids(1, 6) })])).toEqual(["BATCH_SIZE"]);
  });
});

describe("medical cover (Art. 10)", () => {
  const only = (p: Plan) =>
    rules(p, [batch(p, { start: "2027-03-01", cadreIds: ids(1, 5), staffIds: ["S3"] })]);

  it("requireMedicalStaff true: a batch without medical staff is MEDICAL_COVER", () => {
    expect(only(batchPlan())).toEqual(["MEDICAL_COVER"]);
  });

  it("requireMedicalStaff absent defaults to true", () => {
    expect(only(batchPlan({ policy: policyWith({ requireMedicalStaff: undefined }) }))).toEqual([
      "MEDICAL_COVER",
    ]);
  });

  it("requireMedicalStaff false: fine", () => {
    expect(only(batchPlan({ policy: policyWith({ requireMedicalStaff: false }) }))).toEqual([]);
  });

  // The batch runs 2027-03-01 … 2027-03-05.
  const qualified = (validUntil: string) =>
    staff("S1", true, { qualification: { type: "nurse", certificate: "N-1", validUntil } });
  const withMedic = (medic: Staff) => {
    const plan = batchPlan({ staff: [medic, staff("S3", false)] });
    return rules(plan, [batch(plan, { start: "2027-03-01", cadreIds: ids(1, 5), staffIds: ["S1"] })]);
  };

  it("a certificate valid through the batch's last day counts; one lapsing the day before does not", () => {
    expect(withMedic(qualified("2027-03-05"))).toEqual([]);
    expect(withMedic(qualified("2027-03-04"))).toEqual(["MEDICAL_COVER"]);
    expect(
      isQualifiedMedicFor(qualified("2027-03-04"), toDayRange({ start: "2027-03-01", end: "2027-03-04" })),
    ).toBe(true);
  });

  it("a medic without a recorded qualification counts, as the plan states (no data: the old reading)", () => {
    expect(withMedic(staff("S1", true))).toEqual([]);
  });

  it("the optimizer agrees: with its only medic's certificate lapsing, no batch runs", async () => {
    const solve = (medic: Staff) => {
      const plan = batchPlan({ staff: [medic, staff("S3", false)] });
      return solvePlan(plan, { planId: "p", scheduleId: "s", backend: "highs" }).then((schedule) => {
        expect(validateSchedule(plan, schedule)).toEqual([]);
        return schedule.batches.length;
      });
    };
    expect(await solve(qualified("2027-12-31"))).toBeGreaterThan(0);
    expect(await solve(qualified("2027-03-03"))).toBe(0);
  });
});

describe("staff availability (Art. 10)", () => {
  const run = (s1: Staff) => {
    const plan = batchPlan({ staff: [s1, staff("S2", true), staff("S3", false)] });
    return rules(plan, [batch(plan, { start: "2027-03-01", cadreIds: ids(1, 5) })]);
  };

  it("available ranges: inside one is fine, partly outside is STAFF_AVAILABILITY", () => {
    expect(run(staff("S1", true, { available: [{ start: "2027-03-01", end: "2027-03-05" }] }))).toEqual([]);
    expect(run(staff("S1", true, { available: [{ start: "2027-03-02", end: "2027-03-31" }] }))).toEqual([
      "STAFF_AVAILABILITY",
    ]);
  });

  it("empty available means the planning window", () => {
    expect(run(staff("S1", true, { available: [] }))).toEqual([]);
  });

  it("an unavailable day on the batch's last day is STAFF_AVAILABILITY, the day after is fine", () => {
    expect(run(staff("S1", true, { unavailable: [{ start: "2027-03-05", end: "2027-03-06" }] }))).toEqual([
      "STAFF_AVAILABILITY",
    ]);
    expect(run(staff("S1", true, { unavailable: [{ start: "2027-03-06", end: "2027-03-10" }] }))).toEqual([]);
  });

  it("staffFitsDates agrees", () => {
    const plan = batchPlan();
    const dates = { start: toDay("2027-03-01"), end: toDay("2027-03-05") };
    expect(staffFitsDates(plan, staff("S1", true), dates)).toBe(true);
    const away = staff("S1", true, { unavailable: [{ start: "2027-02-20", end: "2027-03-01" }] });
    expect(staffFitsDates(plan, away, dates)).toBe(false);
  });
});

describe("staff batch limit (RULES.md §4)", () => {
  const two = (p: Plan) => [
    batch(p, { id: "A", start: "2027-03-01", cadreIds: ids(1, 5) }),
    batch(p, { id: "B", start: "2027-03-08", cadreIds: ids(6, 5) }),
  ];

  it("staffMaxBatches 1: a second batch is STAFF_BATCH_LIMIT", () => {
    const plan = batchPlan({ policy: policyWith({ staffMaxBatches: 1 }) });
    const found = validateSchedule(plan, { batches: two(plan) });
    expect(found.map((v) => [v.rule, v.staffId])).toEqual([["STAFF_BATCH_LIMIT", "S1"]]);
  });

  it("staffMaxBatches 2, or absent: fine", () => {
    const plan = batchPlan({ policy: policyWith({ staffMaxBatches: 2 }) });
    expect(rules(plan, two(plan))).toEqual([]);
    const unlimited = batchPlan({ policy: policyWith({ staffMaxBatches: undefined }) });
    expect(rules(unlimited, two(unlimited))).toEqual([]);
  });
});

describe("cadre availability (RULES.md §4)", () => {
  const run = (unavailable: { start: string; end: string }[]) => {
    const plan = batchPlan({ cadres: [cadre("C01", { unavailable }), ...roster(12).slice(1)] });
    return validateSchedule(plan, { batches: [batch(plan, { start: "2027-03-01", cadreIds: ids(1, 5) })] });
  };

  it("unavailable on the batch's last day: CADRE_AVAILABILITY", () => {
    expect(run([{ start: "2027-03-05", end: "2027-03-05" }]).map((v) => [v.rule, v.cadreId])).toEqual([
      ["CADRE_AVAILABILITY", "C01"],
    ]);
  });

  it("unavailable from the day after: fine", () => {
    expect(run([{ start: "2027-03-06", end: "2027-03-20" }])).toEqual([]);
  });
});

describe("once per cycle (Art. 8)", () => {
  it("a cadre in two batches: ONCE_PER_CYCLE", () => {
    const plan = batchPlan();
    const a = batch(plan, { id: "A", start: "2027-03-01", cadreIds: ids(1, 5) });
    const b = batch(plan, { id: "B", start: "2027-03-08", cadreIds: ids(5, 5) });
    const found = validateSchedule(plan, { batches: [a, b] });
    expect(found.map((v) => [v.rule, v.batchId, v.cadreId])).toEqual([["ONCE_PER_CYCLE", "B", "C05"]]);
  });
});

describe("ineligible cadre scheduled (Art. 2, 4, 7, 8)", () => {
  it("CADRE_INELIGIBLE for the one who may not go", () => {
    const plan = batchPlan({ cadres: [...roster(5), cadre("X", { health: undefined })] });
    const found = validateSchedule(plan, {
      batches: [batch(plan, { start: "2027-03-01", cadreIds: [...ids(1, 5), "X"] })],
    });
    expect(found.map((v) => [v.rule, v.cadreId])).toEqual([["CADRE_INELIGIBLE", "X"]]);
  });
});

describe("references", () => {
  it("unknown venue, cadre or staff, and a duplicate batch id", () => {
    const plan = batchPlan();
    const good = batch(plan, { start: "2027-03-01", cadreIds: ids(1, 5) });
    expect(rules(plan, [{ ...good, venueId: "V9" }])).toEqual(["UNKNOWN_VENUE"]);
    const stranger = batch(plan, { start: "2027-03-01", cadreIds: [...ids(1, 5), "Z"] });
    expect(rules(plan, [stranger])).toEqual(["UNKNOWN_CADRE"]);
    const ghost = batch(plan, { start: "2027-03-01", cadreIds: ids(1, 10), staffIds: ["S1", "S9"] });
    expect(rules(plan, [ghost])).toEqual(["UNKNOWN_STAFF"]);
    const again = batch(plan, { start: "2027-03-08", cadreIds: ids(6, 5) });
    expect(rules(plan, [good, again])).toEqual(["DUPLICATE_BATCH_ID"]);
  });
});

describe("budget (Art. 15)", () => {
  const plan = batchPlan();
  const b = batch(plan, { start: "2027-03-01", cadreIds: ids(1, 5) });
  const total = b.cost.total;

  it("a total equal to the budget is fine", () => {
    expect(rules({ ...plan, budget: { ...plan.budget, total } }, [b])).toEqual([]);
  });

  it("one yuan over the budget is BUDGET", () => {
    expect(rules({ ...plan, budget: { ...plan.budget, total: total - 1 } }, [b])).toEqual(["BUDGET"]);
  });

  it("the budget is checked on computed costs, not the stated ones", () => {
    const understated = { ...b, cost: { ...b.cost, total: 0 } };
    expect(rules({ ...plan, budget: { ...plan.budget, total: total - 1 } }, [understated])).toEqual([
      "BUDGET",
      "COST_MISMATCH",
    ]);
  });
});

describe("cost mismatch (Art. 14)", () => {
  const plan = batchPlan();
  const b = batch(plan, { start: "2027-03-01", cadreIds: ids(1, 5) });

  it("a stated total one yuan off: COST_MISMATCH", () => {
    expect(rules(plan, [{ ...b, cost: { ...b.cost, total: b.cost.total + 1 } }])).toEqual(["COST_MISMATCH"]);
  });

  it("the right total split wrongly: COST_MISMATCH", () => {
    const wrong = { ...b.cost, fixed: b.cost.fixed + 100, staff: b.cost.staff - 100 };
    expect(rules(plan, [{ ...b, cost: wrong }])).toEqual(["COST_MISMATCH"]);
  });
});

describe("priority inversion (Art. 8 ¶2, RULES.md §6.2)", () => {
  it("same tier, ranked before, waiting and fits: PRIORITY_INVERSION naming the waiting cadre", () => {
    const plan = batchPlan({ cadres: roster(6) });
    const found = validateSchedule(plan, {
      batches: [batch(plan, { start: "2027-03-01", cadreIds: ids(2, 5) })],
    });
    expect(found.map((v) => [v.rule, v.cadreId])).toEqual([["PRIORITY_INVERSION", "C01"]]);
  });

  it("the top five going while the sixth waits is fine", () => {
    const plan = batchPlan({ cadres: roster(6) });
    expect(rules(plan, [batch(plan, { start: "2027-03-01", cadreIds: ids(1, 5) })])).toEqual([]);
  });

  it("a higher tier waiting while a lower tier goes: PRIORITY_INVERSION", () => {
    const lower = roster(5, { honors: [{ kind: "advanced_cadre", level: "city" }] });
    const plan = batchPlan({ cadres: [...lower, cadre("H", { birthDate: "1958-01-01" })] });
    const found = validateSchedule(plan, {
      batches: [batch(plan, { start: "2027-03-01", cadreIds: ids(1, 5) })],
    });
    expect(found.map((v) => [v.rule, v.cadreId])).toEqual([["PRIORITY_INVERSION", "H"]]);
  });

  it("a waiting cadre who is unavailable for the batch: none", () => {
    const away = cadre("C01", {
      birthDate: "1950-01-01",
      unavailable: [{ start: "2027-03-03", end: "2027-03-03" }],
    });
    const plan = batchPlan({ cadres: [away, ...roster(6).slice(1)] });
    expect(rules(plan, [batch(plan, { start: "2027-03-01", cadreIds: ids(2, 5) })])).toEqual([]);
  });

  it("a waiting cadre over age on the batch's start date: none", () => {
    // 81st birthday 2027-03-10: eligible, but too old for a batch starting 2027-03-11.
    const old = cadre("C01", { birthDate: "1946-03-10" });
    const plan = batchPlan({ cadres: [old, ...roster(6).slice(1)] });
    expect(rules(plan, [batch(plan, { start: "2027-03-11", cadreIds: ids(2, 5) })])).toEqual([]);
    expect(rules(plan, [batch(plan, { start: "2027-03-10", cadreIds: ids(2, 5) })])).toEqual([
      "PRIORITY_INVERSION",
    ]);
  });

  it("every violation carries the article of its rule", () => {
    const plan = batchPlan({ cadres: roster(6) });
    const [v] = validateSchedule(plan, {
      batches: [batch(plan, { start: "2027-03-01", cadreIds: ids(2, 5) })],
    });
    expect(v).toMatchObject({ rule: "PRIORITY_INVERSION", ...RULE_CODES.PRIORITY_INVERSION, batchId: "B1" });
  });
});

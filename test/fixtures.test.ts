import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  assessPlan,
  type GenerateOptions,
  generatePlan,
  institutionOf,
  JINING_COUNTIES,
  MAX_PLAIN_BYTES,
  STANDARD_PLANS,
  serialisePlan,
} from "../fixtures/generate.js";
import type { DateRange, Plan } from "../solver/types.js";

const PLANS_DIR = new URL("../fixtures/plans/", import.meta.url);

// The province plan takes a moment to build; build each committed plan once.
const generated = new Map<string, Plan>();
function planFor(name: string): Plan {
  let plan = generated.get(name);
  if (!plan) {
    const spec = STANDARD_PLANS.find((s) => s.name === name);
    if (!spec) throw new Error(`no fixture named ${name}`);
    plan = generatePlan(spec.options);
    generated.set(name, plan);
  }
  return plan;
}

function readCommitted(name: string): { file: string; size: number; text: string } {
  const plain = new URL(`${name}.json`, PLANS_DIR);
  const gz = new URL(`${name}.json.gz`, PLANS_DIR);
  if (existsSync(plain) && existsSync(gz)) throw new Error(`${name} is committed twice`);
  if (existsSync(gz)) {
    const bytes = readFileSync(gz);
    return { file: `${name}.json.gz`, size: bytes.length, text: gunzipSync(bytes).toString("utf8") };
  }
  const bytes = readFileSync(plain);
  return { file: `${name}.json`, size: bytes.length, text: bytes.toString("utf8") };
}

function allRanges(plan: Plan): { path: string; range: DateRange }[] {
  const out: { path: string; range: DateRange }[] = [
    { path: "cycle", range: plan.cycle },
    { path: "planningWindow", range: plan.planningWindow },
  ];
  const add = (path: string, ranges: readonly DateRange[] | undefined): void => {
    (ranges ?? []).forEach((range, i) => {
      out.push({ path: `${path}[${i}]`, range });
    });
  };
  plan.venues.forEach((v, i) => {
    add(`venues[${i}].available`, v.available);
    add(`venues[${i}].blackout`, v.blackout);
  });
  plan.staff.forEach((s, i) => {
    add(`staff[${i}].available`, s.available);
    add(`staff[${i}].unavailable`, s.unavailable);
  });
  plan.cadres.forEach((c, i) => {
    add(`cadres[${i}].unavailable`, c.unavailable);
    (c.history ?? []).forEach((h, k) => {
      out.push({ path: `cadres[${i}].history[${k}]`, range: { start: h.start, end: h.end ?? h.start } });
    });
  });
  return out;
}

function isCalendarDate(iso: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) && new Date(`${iso}T00:00:00Z`).toISOString().startsWith(iso);
}

function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const id of ids) {
    if (seen.has(id)) dup.push(id);
    seen.add(id);
  }
  return dup;
}

/** Last day on which a cadre is still "not over 80 周岁": the 81st birthday (29 Feb → 28 Feb). */
function eighty1st(birthDate: string): string {
  const y = Number(birthDate.slice(0, 4)) + 81;
  const md = birthDate.slice(5);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return md === "02-29" && !leap ? `${y}-02-28` : `${y}-${md}`;
}

describe("generatePlan", () => {
  const samples: GenerateOptions[] = [
    { seed: 7, level: "city", cadres: 300, venues: 4, staff: 10 },
    { seed: 8, level: "county", county: "微山县", cadres: 200, venues: 3, staff: 8, budgetTightness: 0.6 },
    { seed: 9, level: "city", cadres: 15, venues: 2, staff: 3, profile: "tiny" },
  ];

  it("gives the same JSON for the same seed and a different plan for another seed", () => {
    for (const options of samples) {
      const a = serialisePlan(generatePlan(options));
      expect(serialisePlan(generatePlan({ ...options }))).toBe(a);
      expect(serialisePlan(generatePlan({ ...options, seed: options.seed + 1 }))).not.toBe(a);
    }
  });

  it("defaults to the 2027 cycle and the 03-01..11-30 window, and honours cycleYear", () => {
    const plan = generatePlan({ seed: 1, level: "city", cadres: 50, venues: 3, staff: 5 });
    expect(plan.cycle).toEqual({ id: "2027", start: "2027-01-01", end: "2027-12-31" });
    expect(plan.planningWindow).toEqual({ start: "2027-03-01", end: "2027-11-30" });
    const later = generatePlan({
      seed: 1,
      level: "county",
      cadres: 50,
      venues: 3,
      staff: 5,
      cycleYear: 2028,
    });
    expect(later.cycle.id).toBe("2028");
    expect(later.organizer.county).toBe("任城区");
    expect(later.planningWindow).toEqual({ start: "2028-03-01", end: "2028-11-30" });
  });

  it("rejects a planning window outside the cycle", () => {
    expect(() =>
      generatePlan({
        seed: 1,
        level: "city",
        cadres: 20,
        venues: 1,
        staff: 2,
        planningWindow: { start: "2026-12-01", end: "2027-01-31" },
      }),
    ).toThrow(RangeError);
  });
});

describe.each(STANDARD_PLANS.map((s) => [s.name, s] as const))("fixture %s", (name, spec) => {
  it("equals what the generator produces today for its seed, in a file under 2 MB", () => {
    const committed = readCommitted(name);
    expect(committed.size).toBeLessThan(MAX_PLAIN_BYTES);
    expect(committed.text === serialisePlan(planFor(name))).toBe(true);
  });

  it("has unique ids", () => {
    const plan = planFor(name);
    expect(duplicates(plan.venues.map((v) => v.id))).toEqual([]);
    expect(duplicates(plan.staff.map((s) => s.id))).toEqual([]);
    expect(duplicates(plan.cadres.map((c) => c.id))).toEqual([]);
    expect(plan.cadres).toHaveLength(spec.options.cadres);
    expect(plan.venues).toHaveLength(spec.options.venues);
    expect(plan.staff).toHaveLength(spec.options.staff);
  });

  it("has calendar dates, every range with start ≤ end, and the window inside the cycle", () => {
    const plan = planFor(name);
    const bad = allRanges(plan).filter(
      ({ range }) => !isCalendarDate(range.start) || !isCalendarDate(range.end) || range.start > range.end,
    );
    expect(bad).toEqual([]);
    expect(plan.cadres.filter((c) => !isCalendarDate(c.birthDate))).toEqual([]);
    expect(plan.cycle.start <= plan.planningWindow.start).toBe(true);
    expect(plan.planningWindow.end <= plan.cycle.end).toBe(true);
  });

  it("places every Jining cadre and staff member at their county's 军休所", () => {
    const plan = planFor(name);
    const counties: readonly string[] = JINING_COUNTIES;
    for (const c of plan.cadres) {
      const p = c.placement;
      if (p.city !== "济宁市" || !p.managedByVeteranAffairs) continue;
      expect(counties).toContain(p.county);
      expect(p.institution).toBe(institutionOf(p.county ?? ""));
    }
    for (const s of plan.staff) expect(counties.map(institutionOf)).toContain(s.institution);
    if (plan.organizer.level === "county") {
      expect(new Set(plan.staff.map((s) => s.institution))).toEqual(
        new Set([institutionOf(plan.organizer.county ?? "")]),
      );
    }
  });

  it("keeps the policy of the examples and a medical staff member", () => {
    const plan = planFor(name);
    expect(plan.policy).toMatchObject({
      maxDays: 7,
      maxAge: 80,
      requireMedicalStaff: true,
      allowOutOfProvince: false,
    });
    expect(plan.staff.some((s) => s.medical)).toBe(true);
    for (const v of plan.venues) {
      expect(v.days).toBeGreaterThanOrEqual(4);
      expect(v.days).toBeLessThanOrEqual(7);
    }
  });
});

describe("realism of the committed plans", () => {
  const big = ["county", "city", "large-city", "province"] as const;

  it("has exactly one out-of-province venue in each city-level plan and none in county plans", () => {
    for (const name of big) {
      const plan = planFor(name);
      const outside = plan.venues.filter((v) => v.province !== "山东省");
      expect(outside).toHaveLength(plan.organizer.level === "city" ? 1 : 0);
    }
  });

  it("keeps most venues under the cost standard, breaking it at most once", () => {
    for (const name of big) {
      const plan = planFor(name);
      const over = plan.venues.filter(
        (v) => v.days * (v.pricePerPersonDay ?? 0) + (v.transportPerPerson ?? 0) + 30 > 600 * v.days,
      );
      expect(over.length).toBeLessThanOrEqual(1);
    }
  });

  it("draws cadres from all 11 counties in city plans, with both categories and some out of scope", () => {
    const plan = planFor("city");
    expect(new Set(plan.cadres.map((c) => c.placement.county)).size).toBeGreaterThanOrEqual(11);
    expect(plan.cadres.some((c) => c.category === "retired_nco")).toBe(true);
    expect(plan.cadres.some((c) => !c.placement.managedByVeteranAffairs)).toBe(true);
    expect(plan.cadres.some((c) => c.placement.city !== "济宁市")).toBe(true);
  });

  it("puts ages around the limit: 29 February births and 81st birthdays inside the window", () => {
    for (const name of big) {
      const plan = planFor(name);
      const w = plan.planningWindow;
      expect(plan.cadres.filter((c) => c.birthDate.endsWith("-02-29")).length).toBeGreaterThanOrEqual(2);
      const turning = plan.cadres.filter(
        (c) => w.start <= eighty1st(c.birthDate) && eighty1st(c.birthDate) <= w.end,
      );
      expect(turning.length).toBeGreaterThan(0);
    }
  });

  it("has honours with first-class merit rarer than third-class, and a sizeable share with none", () => {
    const plan = planFor("large-city");
    const honours = plan.cadres.flatMap((c) => c.honors ?? []);
    const merit = (k: number): number => honours.filter((h) => h.kind === "merit" && h.class === k).length;
    expect(merit(1) * 5).toBeLessThan(merit(3));
    expect(honours.some((h) => h.kind === "commendation" && h.level === "corps")).toBe(true);
    const none = plan.cadres.filter((c) => (c.honors ?? []).length === 0).length;
    expect(none / plan.cadres.length).toBeGreaterThan(0.3);
    expect(plan.cadres.some((c) => c.nominee)).toBe(true);
  });

  it("has complete and incomplete county-expansion records in the county plan", () => {
    const records = planFor("county").cadres.flatMap((c) => (c.countyExpansion ? [c.countyExpansion] : []));
    const complete = records.filter(
      (e) => (e.grounds?.length ?? 0) > 0 && e.approvedBy && e.publicNoticeEnded && !e.objection,
    );
    expect(complete.length).toBeGreaterThan(0);
    expect(records.length - complete.length).toBeGreaterThan(0);
  });

  it("has about a quarter of the staff medical", () => {
    for (const name of big) {
      const staff = planFor(name).staff;
      const share = staff.filter((s) => s.medical).length / staff.length;
      expect(share).toBeGreaterThan(0.15);
      expect(share).toBeLessThan(0.35);
    }
  });

  it("sizes budgets: the city plan barely binds, the large ones bind", () => {
    const ratio = (name: string): number => {
      const plan = planFor(name);
      return plan.budget.total / assessPlan(plan).fullCost;
    };
    expect(ratio("city")).toBeGreaterThanOrEqual(1);
    expect(ratio("large-city")).toBeLessThan(0.9);
    expect(ratio("province")).toBeLessThan(0.9);
  });

  it("keeps tiny plans tiny: 8–30 cadres, 1–2 venues, 2–4 staff, a window of a few weeks", () => {
    const tiny = STANDARD_PLANS.filter((s) => s.name.startsWith("tiny-"));
    expect(tiny.length).toBeGreaterThanOrEqual(4);
    for (const { name } of tiny) {
      const plan = planFor(name);
      expect(plan.cadres.length).toBeGreaterThanOrEqual(8);
      expect(plan.cadres.length).toBeLessThanOrEqual(30);
      expect(plan.venues.length).toBeGreaterThanOrEqual(1);
      expect(plan.venues.length).toBeLessThanOrEqual(2);
      expect(plan.staff.length).toBeGreaterThanOrEqual(2);
      expect(plan.staff.length).toBeLessThanOrEqual(4);
      const days =
        (Date.parse(plan.planningWindow.end) - Date.parse(plan.planningWindow.start)) / 86_400_000 + 1;
      expect(days).toBeLessThanOrEqual(49);
      expect(assessPlan(plan).eligible).toBeGreaterThan(0);
    }
    const binding = tiny.filter(({ name }) => {
      const plan = planFor(name);
      return plan.budget.total < assessPlan(plan).fullCost;
    });
    expect(binding.length).toBeGreaterThan(0);
    expect(binding.length).toBeLessThan(tiny.length);
  });
});

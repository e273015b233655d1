import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DayRange, isoWeekday, rangesOverlap } from "../../solver/dates.js";
import { cadreFitsDates, staffFitsDates } from "../../solver/fit.js";
import {
  assessEligibility,
  batchCost,
  type Cadre,
  effectivePolicy,
  type Honor,
  type Plan,
  possibleStarts,
  type ScheduledBatch,
  type Staff,
  toDay,
  toIso,
  type Venue,
  validateSchedule,
} from "../../solver/index.js";
import { APPLIED, CYCLE_2027, HEALTHY, RENCHENG_PLACEMENT } from "../support/plans.js";

// Properties of the referee: whatever legal moves build is valid, and each single illegal change is named
// by its rule. Plans are small and all cadres eligible, so that every run stays cheap.

const WINDOW_START = toDay("2027-03-01");
const RICH = Number.MAX_SAFE_INTEGER;

// ---------------------------------------------------------------------------------------------------------
// Plans

const CITY_HONORS: Honor[] = [
  { kind: "honorary_title", period: "service" },
  { kind: "merit", class: 1, wartime: false, period: "service" },
  { kind: "merit", class: 2, wartime: true, period: "service" },
  { kind: "merit", class: 2, wartime: false, period: "service" },
  { kind: "merit", class: 3, wartime: true, period: "service" },
  { kind: "commendation", period: "service", level: "military_region" },
  { kind: "commendation", period: "post_transfer", level: "city" },
  { kind: "advanced_cadre", level: "provincial" },
];
const COUNTY_HONORS: Honor[] = [
  ...CITY_HONORS,
  { kind: "merit", class: 3, wartime: false, period: "service" },
  { kind: "advanced_cadre", level: "county" },
];

const offsetRange = (maxStart: number, maxLen: number) =>
  fc.record({ off: fc.nat({ max: maxStart }), len: fc.nat({ max: maxLen }) });

const venueSeed = fc.record({
  ownership: fc.constantFrom("system", "contracted") as fc.Arbitrary<Venue["ownership"]>,
  days: fc.integer({ min: 3, max: 7 }),
  capacity: fc.integer({ min: 5, max: 20 }),
  maxConcurrent: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
  price: fc.option(fc.integer({ min: 100, max: 400 }), { nil: undefined }),
  transport: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
  fixed: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
  weekdays: fc.oneof(
    fc.constant(undefined),
    fc.constant([] as number[]),
    fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
  ),
  blackout: fc.option(offsetRange(60, 4), { nil: undefined }),
  available: fc.option(offsetRange(15, 60), { nil: undefined }),
});

const staffSeed = fc.record({
  medical: fc.boolean(),
  unavailable: fc.option(offsetRange(60, 6), { nil: undefined }),
  available: fc.option(fc.record({ off: fc.nat({ max: 10 }), len: fc.integer({ min: 20, max: 60 }) }), {
    nil: undefined,
  }),
});

const cadreSeed = fc.record({
  honor: fc.nat(),
  // Days after the birth date whose 81st birthday is the window's first day: small ones make the age
  // limit bite inside the window.
  ageOffset: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 300, max: 6000 })),
  nominee: fc.boolean(),
  expansion: fc.boolean(),
  lastTrip: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: undefined }),
  unavailable: fc.option(offsetRange(60, 8), { nil: undefined }),
});

const planSeed = fc.record({
  level: fc.constantFrom("city", "county") as fc.Arbitrary<"city" | "county">,
  windowDays: fc.integer({ min: 21, max: 60 }),
  ratio: fc.constantFrom({ min: 5, max: 10 }, { min: 6, max: 8 }, { min: 5, max: 7 }),
  maxAge: fc.constantFrom(80, 79),
  requireMedicalStaff: fc.option(fc.boolean(), { nil: undefined }),
  minBatchSize: fc.integer({ min: 1, max: 6 }),
  staffMaxBatches: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  includeStaffCosts: fc.option(fc.boolean(), { nil: undefined }),
  insurance: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
  staffPerDay: fc.option(fc.integer({ min: 100, max: 400 }), { nil: undefined }),
  venues: fc.array(venueSeed, { minLength: 1, maxLength: 2 }),
  staff: fc.array(staffSeed, { minLength: 2, maxLength: 5 }),
  cadres: fc.array(cadreSeed, { minLength: 5, maxLength: 25, size: "max" }),
});

type PlanSeed = typeof planSeed extends fc.Arbitrary<infer T> ? T : never;

const range = (r: { off: number; len: number }) => ({
  start: toIso(WINDOW_START + r.off),
  end: toIso(WINDOW_START + r.off + r.len),
});

function toPlan(seed: PlanSeed): Plan {
  const honors = seed.level === "city" ? CITY_HONORS : COUNTY_HONORS;
  const birthBase = toDay(`${2027 - seed.maxAge - 1}-03-01`);
  const cadres = seed.cadres.map((c, i): Cadre => {
    const expansion = seed.level === "county" && c.expansion && c.honor % 4 === 0;
    return {
      id: `C${String(i + 1).padStart(3, "0")}`,
      category: i % 5 === 0 ? "retired_nco" : "retired_cadre",
      placement: RENCHENG_PLACEMENT,
      birthDate: toIso(birthBase + c.ageOffset),
      // A tier-6 cadre has no honor and a complete county expansion.
      honors: expansion ? [] : [honors[c.honor % honors.length] as Honor],
      countyExpansion: expansion
        ? {
            grounds: ["combat"],
            approvedBy: "party_group",
            publicNoticeEnded: "2026-12-20",
            objection: false,
          }
        : null,
      nominee: c.nominee && c.honor % 7 === 0 ? "provincial" : null,
      health: HEALTHY,
      application: APPLIED,
      unavailable: c.unavailable ? [range(c.unavailable)] : [],
      // Generated nominees have always been before, so that fresh never-been nominees rank first of all.
      history:
        c.lastTrip !== undefined || (c.nominee && c.honor % 7 === 0)
          ? [
              {
                cycleId: "2020",
                level: "city",
                start: toIso(WINDOW_START - 400 - (c.lastTrip ?? 1)),
                end: toIso(WINDOW_START - 396 - (c.lastTrip ?? 1)),
              },
            ]
          : [],
    };
  });
  return {
    version: 1,
    organizer: {
      level: seed.level,
      province: "山东省",
      city: "济宁市",
      county: seed.level === "county" ? "任城区" : null,
    },
    cycle: CYCLE_2027,
    planningWindow: { start: toIso(WINDOW_START), end: toIso(WINDOW_START + seed.windowDays - 1) },
    policy: {
      maxDays: 7,
      cadresPerStaff: seed.ratio,
      maxAge: seed.maxAge,
      requireMedicalStaff: seed.requireMedicalStaff,
      allowOutOfProvince: false,
      minBatchSize: seed.minBatchSize,
      staffMaxBatches: seed.staffMaxBatches,
    },
    budget: {
      total: RICH, // replaced by the schedule's exact total once built
      costStandard: { perPersonPerDay: 100_000 },
      insurancePerPerson: seed.insurance,
      staffPerDay: seed.staffPerDay,
      includeStaffCosts: seed.includeStaffCosts,
    },
    venues: seed.venues.map(
      (v, i): Venue => ({
        id: `V${i + 1}`,
        ownership: v.ownership,
        province: "山东省",
        days: v.days,
        capacityPerBatch: v.capacity,
        maxConcurrentBatches: v.maxConcurrent,
        pricePerPersonDay: v.price,
        transportPerPerson: v.transport,
        fixedCostPerBatch: v.fixed,
        startWeekdays: v.weekdays,
        blackout: v.blackout ? [range(v.blackout)] : undefined,
        available: v.available ? [range(v.available)] : undefined,
      }),
    ),
    staff: seed.staff.map(
      (s, i): Staff => ({
        id: `S${i + 1}`,
        medical: i === 0 || s.medical, // someone can always give medical cover
        unavailable: s.unavailable ? [range(s.unavailable)] : undefined,
        available: s.available ? [range(s.available)] : undefined,
      }),
    ),
    cadres,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Legal moves

const moveArb = fc.record({
  venue: fc.nat(),
  start: fc.nat(),
  size: fc.integer({ min: 5, max: 12 }),
  staffShift: fc.nat(),
});
type Move = typeof moveArb extends fc.Arbitrary<infer T> ? T : never;

function runningOn(ranges: readonly DayRange[], day: number): number {
  return ranges.filter((r) => r.start <= day && day <= r.end).length;
}

/**
 * Applies each move only where it is legal. Cadres are taken greedily in priority order from those who
 * fit the dates, so no waiting cadre ever outranks someone in a batch they could have joined.
 */
function build(plan: Plan, moves: readonly Move[]): ScheduledBatch[] {
  const policy = effectivePolicy(plan);
  const order = assessEligibility(plan).eligible.map((e) => e.cadre);
  const taken = new Set<string>();
  const staffDates = new Map<string, DayRange[]>();
  const venueDates = new Map<string, DayRange[]>();
  const batches: ScheduledBatch[] = [];
  for (const move of moves) {
    const venue = plan.venues[move.venue % plan.venues.length] as Venue;
    const starts = possibleStarts(plan, venue);
    if (starts.length === 0) continue;
    const start = starts[move.start % starts.length] as number;
    const dates = { start, end: start + venue.days - 1 };
    const busy = venueDates.get(venue.id) ?? [];
    const limit = venue.maxConcurrentBatches ?? 1;
    let loadOk = true;
    for (let d = dates.start; d <= dates.end; d++) if (runningOn(busy, d) >= limit) loadOk = false;
    if (!loadOk) continue;

    const fitting = order.filter((c) => !taken.has(c.id) && cadreFitsDates(c, policy, dates));
    const free = plan.staff.filter((s) => {
      const mine = staffDates.get(s.id) ?? [];
      return (
        staffFitsDates(plan, s, dates) &&
        !mine.some((r) => rangesOverlap(r, dates)) &&
        mine.length < policy.staffMaxBatches
      );
    });
    const shift = free.length === 0 ? 0 : move.staffShift % free.length;
    const rotated = [...free.slice(shift), ...free.slice(0, shift)];
    const medic = rotated.find((s) => s.medical);
    if (policy.requireMedicalStaff && !medic) continue;
    const staffPool = medic ? [medic, ...rotated.filter((s) => s !== medic)] : rotated;

    for (let n = Math.min(move.size, fitting.length, venue.capacityPerBatch); n >= policy.minBatchSize; n--) {
      const s = Math.ceil(n / policy.staffRatioMax);
      if (s * policy.staffRatioMin > n || s > staffPool.length) continue;
      const cadreIds = fitting.slice(0, n).map((c) => c.id);
      const staffIds = staffPool.slice(0, s).map((x) => x.id);
      batches.push({
        id: `B${batches.length + 1}`,
        venueId: venue.id,
        start: toIso(dates.start),
        end: toIso(dates.end),
        cadreIds,
        staffIds,
        cost: batchCost(plan, venue, n, s),
      });
      for (const id of cadreIds) taken.add(id);
      for (const id of staffIds) staffDates.set(id, [...(staffDates.get(id) ?? []), dates]);
      venueDates.set(venue.id, [...busy, dates]);
      break;
    }
  }
  return batches;
}

const totalOf = (batches: readonly ScheduledBatch[]) => batches.reduce((sum, b) => sum + b.cost.total, 0);

interface Base {
  plan: Plan;
  batches: ScheduledBatch[];
}

/** A plan, a schedule built from it by legal moves, and a budget that is exactly the total plus slack. */
const baseArb: fc.Arbitrary<Base> = fc
  .tuple(planSeed, fc.array(moveArb, { minLength: 1, maxLength: 10 }), fc.nat({ max: 1000 }))
  .map(([seed, moves, slack]) => {
    const draft = toPlan(seed);
    const batches = build(draft, moves);
    return { plan: { ...draft, budget: { ...draft.budget, total: totalOf(batches) + slack } }, batches };
  });

const rulesOf = (plan: Plan, batches: readonly ScheduledBatch[]) =>
  [...new Set(validateSchedule(plan, { batches }).map((v) => v.rule))].sort();

describe("schedules built from legal moves", () => {
  it("the generated plans are what they claim: every cadre eligible, no venue excluded", () => {
    fc.assert(
      fc.property(planSeed, (seed) => {
        const plan = toPlan(seed);
        expect(assessEligibility(plan).ineligible).toEqual([]);
        expect(validateSchedule(plan, { batches: [] })).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it("validate with no violation", () => {
    let nonEmpty = 0;
    fc.assert(
      fc.property(baseArb, ({ plan, batches }) => {
        if (batches.length > 0) nonEmpty++;
        expect(validateSchedule(plan, { batches })).toEqual([]);
      }),
      { numRuns: 400 },
    );
    // The property must not pass vacuously on empty schedules.
    expect(nonEmpty).toBeGreaterThan(200);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Single mutations

interface Mutated {
  plan: Plan;
  batches: ScheduledBatch[];
  rule: string;
  /** Surgical: the mutation can break nothing else, so the rule must be the only one reported. */
  only: boolean;
}

type Mutation = (base: Base, pick: number) => Mutated | null;

const venueOf = (plan: Plan, b: ScheduledBatch) => plan.venues.find((v) => v.id === b.venueId) as Venue;

const rich = (plan: Plan): Plan => ({ ...plan, budget: { ...plan.budget, total: RICH } });

const withCost = (plan: Plan, b: ScheduledBatch): ScheduledBatch => ({
  ...b,
  cost: batchCost(plan, venueOf(plan, b), b.cadreIds.length, b.staffIds.length),
});

const replace = <T>(items: readonly T[], i: number, item: T): T[] =>
  items.map((x, j) => (j === i ? item : x));

/** Eligible tier-1 nominees who have never been: they rank before every generated cadre and fit any batch. */
function freshNominees(n: number, tag = "A"): Cadre[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${tag}${String(i + 1).padStart(3, "0")}`,
    category: "retired_cadre",
    placement: RENCHENG_PLACEMENT,
    birthDate: "1960-01-01",
    honors: [CITY_HONORS[0] as Honor],
    nominee: "ministerial",
    health: {},
    application: APPLIED,
  }));
}

const freshStaff = (n: number, medical: boolean, tag = "F"): Staff[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${tag}${i + 1}`, medical }));

/**
 * A copy of batch b, same dates and head counts, at a new venue, with fresh nominees and fresh medical staff;
 * `reuse` puts one of b's cadres back in, `staffIds` keeps b's staff.
 */
function twin(base: Base, i: number, people: { reuse?: string; staffIds?: string[] } = {}): Mutated {
  const b = base.batches[i] as ScheduledBatch;
  const v = venueOf(base.plan, b);
  // Every fresh nominee travels: one left waiting would be a priority inversion.
  const nominees = freshNominees(b.cadreIds.length - (people.reuse === undefined ? 0 : 1));
  const staff = freshStaff(b.staffIds.length, true);
  const plan = rich({
    ...base.plan,
    venues: [...base.plan.venues, { ...v, id: "VX" }],
    cadres: [...base.plan.cadres, ...nominees],
    staff: [...base.plan.staff, ...staff],
  });
  const copy: ScheduledBatch = {
    ...b,
    id: "BX",
    venueId: "VX",
    cadreIds: [...(people.reuse === undefined ? [] : [people.reuse]), ...nominees.map((c) => c.id)],
    staffIds: people.staffIds ?? staff.map((s) => s.id),
  };
  return { plan, batches: [...base.batches, withCost(plan, copy)], rule: "", only: true };
}

const MUTATIONS: Record<string, Mutation> = {
  // --- the schedule changes ---------------------------------------------------------------------------
  "shift start off the venue's weekdays": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    const weekdays = venueOf(plan, b).startWeekdays ?? [];
    if (weekdays.length === 0 || weekdays.length === 7) return null;
    let k = 1;
    while (weekdays.includes(isoWeekday(toDay(b.start) + k))) k++;
    const moved = { ...b, start: toIso(toDay(b.start) + k), end: toIso(toDay(b.end) + k) };
    return { plan, batches: replace(batches, i, moved), rule: "BATCH_WEEKDAY", only: false };
  },
  "lengthen the end by a day": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    return {
      plan,
      batches: replace(batches, i, { ...b, end: toIso(toDay(b.end) + 1) }),
      rule: "BATCH_LENGTH",
      only: false,
    };
  },
  "drop the medical staff": ({ plan, batches }, i) => {
    if (!effectivePolicy(plan).requireMedicalStaff) return null;
    const b = batches[i] as ScheduledBatch;
    const medics = new Set(plan.staff.filter((s) => s.medical).map((s) => s.id));
    const dropped = withCost(plan, { ...b, staffIds: b.staffIds.filter((id) => !medics.has(id)) });
    return { plan, batches: replace(batches, i, dropped), rule: "MEDICAL_COVER", only: false };
  },
  "one cadre past the staff ratio's maximum": (base, i) => {
    const b = base.batches[i] as ScheduledBatch;
    const extra = effectivePolicy(base.plan).staffRatioMax * b.staffIds.length + 1 - b.cadreIds.length;
    const nominees = freshNominees(extra);
    const v = venueOf(base.plan, b);
    // Room at the venue and in the budget, so only the ratio can complain.
    const plan = rich({
      ...base.plan,
      cadres: [...base.plan.cadres, ...nominees],
      venues: base.plan.venues.map((x) => (x === v ? { ...x, capacityPerBatch: 1000 } : x)),
    });
    const grown = withCost(plan, { ...b, cadreIds: [...b.cadreIds, ...nominees.map((c) => c.id)] });
    return { plan, batches: replace(base.batches, i, grown), rule: "STAFF_RATIO", only: true };
  },
  "one staff member too many for the ratio's minimum": (base, i) => {
    const b = base.batches[i] as ScheduledBatch;
    const need = Math.floor(b.cadreIds.length / effectivePolicy(base.plan).staffRatioMin) + 1;
    const extra = freshStaff(need - b.staffIds.length, false);
    const plan = rich({ ...base.plan, staff: [...base.plan.staff, ...extra] });
    const grown = withCost(plan, { ...b, staffIds: [...b.staffIds, ...extra.map((s) => s.id)] });
    return { plan, batches: replace(base.batches, i, grown), rule: "STAFF_RATIO", only: true };
  },
  "a staff member in a second batch on the same dates": (base, i) => {
    const b = base.batches[i] as ScheduledBatch;
    const m = twin(base, i, { staffIds: [...b.staffIds] });
    // The twin adds a batch per person; lift the limit so only the overlap can complain.
    const plan = { ...m.plan, policy: { ...m.plan.policy, staffMaxBatches: undefined } };
    return { ...m, plan, rule: "STAFF_OVERLAP" };
  },
  "a cadre scheduled twice (another batch)": (base, i) => {
    const b = base.batches[i] as ScheduledBatch;
    return { ...twin(base, i, { reuse: b.cadreIds[0] as string }), rule: "ONCE_PER_CYCLE" };
  },
  "a cadre scheduled twice (same batch)": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    const p = rich(plan);
    const twice = withCost(p, { ...b, cadreIds: [...b.cadreIds, b.cadreIds[0] as string] });
    return { plan: p, batches: replace(batches, i, twice), rule: "ONCE_PER_CYCLE", only: false };
  },
  "an ineligible cadre added": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    const stranger: Cadre = { ...(freshNominees(1, "X")[0] as Cadre), health: undefined };
    const p = rich({ ...plan, cadres: [...plan.cadres, stranger] });
    const grown = withCost(p, { ...b, cadreIds: [...b.cadreIds, stranger.id] });
    return { plan: p, batches: replace(batches, i, grown), rule: "CADRE_INELIGIBLE", only: false };
  },
  "the stated cost altered": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    const altered = { ...b, cost: { ...b.cost, staff: b.cost.staff + 1, total: b.cost.total + 1 } };
    return { plan, batches: replace(batches, i, altered), rule: "COST_MISMATCH", only: true };
  },
  "a second batch at the venue on the same dates": (base, i) => {
    const m = twin(base, i);
    const b = base.batches[i] as ScheduledBatch;
    const copy = { ...(m.batches.at(-1) as ScheduledBatch), venueId: b.venueId };
    const plan = {
      ...m.plan,
      venues: m.plan.venues.map((v) => (v.id === b.venueId ? { ...v, maxConcurrentBatches: 1 } : v)),
    };
    return { plan, batches: replace(m.batches, m.batches.length - 1, copy), rule: "VENUE_LOAD", only: true };
  },
  // --- the plan changes under the schedule --------------------------------------------------------------
  "the budget one yuan below the total": ({ plan, batches }) => ({
    plan: { ...plan, budget: { ...plan.budget, total: totalOf(batches) - 1 } },
    batches,
    rule: "BUDGET",
    only: true,
  }),
  "a blackout on the batch's first day": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    const venues = plan.venues.map((v) =>
      v.id === b.venueId ? { ...v, blackout: [...(v.blackout ?? []), { start: b.start, end: b.start }] } : v,
    );
    return { plan: { ...plan, venues }, batches, rule: "BATCH_BLACKOUT", only: true };
  },
  "the venue's weekdays no longer include the start": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    const other = (isoWeekday(toDay(b.start)) % 7) + 1;
    const venues = plan.venues.map((v) => (v.id === b.venueId ? { ...v, startWeekdays: [other] } : v));
    return { plan: { ...plan, venues }, batches, rule: "BATCH_WEEKDAY", only: true };
  },
  "the venue closes the day before the batch ends": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    const open = [{ start: plan.planningWindow.start, end: toIso(toDay(b.end) - 1) }];
    const venues = plan.venues.map((v) => (v.id === b.venueId ? { ...v, available: open } : v));
    return { plan: { ...plan, venues }, batches, rule: "BATCH_WINDOW", only: true };
  },
  "the venue moves out of the province": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    const venues = plan.venues.map((v) => (v.id === b.venueId ? { ...v, province: "江苏省" } : v));
    return { plan: { ...plan, venues }, batches, rule: "VENUE_EXCLUDED", only: true };
  },
  "the venue's capacity one below the batch": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    const venues = plan.venues.map((v) =>
      v.id === b.venueId ? { ...v, capacityPerBatch: b.cadreIds.length - 1 } : v,
    );
    return { plan: { ...plan, venues }, batches, rule: "BATCH_SIZE", only: true };
  },
  "minBatchSize one above the batch": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    const policy = { ...plan.policy, minBatchSize: b.cadreIds.length + 1 };
    return { plan: { ...plan, policy }, batches, rule: "BATCH_SIZE", only: true };
  },
  "nobody is medical any more": ({ plan, batches }) => ({
    plan: {
      ...plan,
      policy: { ...plan.policy, requireMedicalStaff: true },
      staff: plan.staff.map((s) => ({ ...s, medical: false })),
    },
    batches,
    rule: "MEDICAL_COVER",
    only: true,
  }),
  "a staff member unavailable on the start day": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    const id = b.staffIds[0];
    const day = { start: b.start, end: b.start };
    const staff = plan.staff.map((s) =>
      s.id === id ? { ...s, unavailable: [...(s.unavailable ?? []), day] } : s,
    );
    return { plan: { ...plan, staff }, batches, rule: "STAFF_AVAILABILITY", only: true };
  },
  "staffMaxBatches below someone's count": ({ plan, batches }) => {
    const counts = new Map<string, number>();
    for (const b of batches) for (const id of b.staffIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    const most = Math.max(...counts.values());
    const policy = { ...plan.policy, staffMaxBatches: most - 1 };
    return { plan: { ...plan, policy }, batches, rule: "STAFF_BATCH_LIMIT", only: true };
  },
  "a cadre unavailable on the last day": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    const id = b.cadreIds[0];
    const day = { start: b.end, end: b.end };
    const cadres = plan.cadres.map((c) =>
      c.id === id ? { ...c, unavailable: [...(c.unavailable ?? []), day] } : c,
    );
    return { plan: { ...plan, cadres }, batches, rule: "CADRE_AVAILABILITY", only: true };
  },
  "a cadre withdraws the application": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    const id = b.cadreIds[0];
    const cadres = plan.cadres.map((c) =>
      c.id === id ? { ...c, application: { ...c.application, voluntary: false } } : c,
    );
    return { plan: { ...plan, cadres }, batches, rule: "CADRE_INELIGIBLE", only: true };
  },
  "a cadre's age limit ends the day before the start": ({ plan, batches }, i) => {
    const b = batches[i] as ScheduledBatch;
    const id = b.cadreIds[0];
    const eve = toIso(toDay(b.start) - 1);
    const born = `${Number(eve.slice(0, 4)) - effectivePolicy(plan).maxAge - 1}${eve.slice(4)}`;
    const cadres = plan.cadres.map((c) => (c.id === id ? { ...c, birthDate: born } : c));
    // Also ineligible when the eve falls before the window; nothing else can change.
    return { plan: { ...plan, cadres }, batches, rule: "CADRE_AGE", only: false };
  },
  "a higher-priority cadre left waiting": ({ plan, batches }) => ({
    plan: { ...plan, cadres: [...plan.cadres, ...freshNominees(1, "W")] },
    batches,
    rule: "PRIORITY_INVERSION",
    only: true,
  }),
};

/** Besides its own rule, what a non-surgical mutation may also break. */
const ALSO: Record<string, readonly string[]> = {
  "shift start off the venue's weekdays": ["*"],
  "lengthen the end by a day": ["*"],
  "drop the medical staff": ["STAFF_RATIO"],
  "a cadre scheduled twice (same batch)": ["STAFF_RATIO", "BATCH_SIZE"],
  "an ineligible cadre added": ["STAFF_RATIO", "BATCH_SIZE"],
  "a cadre's age limit ends the day before the start": ["CADRE_INELIGIBLE"],
};

describe("single mutations of a valid schedule", () => {
  const nonEmpty = baseArb.filter((b) => b.batches.length > 0);

  it.each(Object.keys(MUTATIONS))("%s is caught and named", (name) => {
    const mutate = MUTATIONS[name] as Mutation;
    let applied = 0;
    fc.assert(
      fc.property(nonEmpty, fc.nat(), (base, pick) => {
        const m = mutate(base, pick % base.batches.length);
        if (m === null) return;
        applied++;
        const found = rulesOf(m.plan, m.batches);
        expect(found).toContain(m.rule);
        const allowed = ALSO[name] ?? [];
        if (m.only) expect(found).toEqual([m.rule]);
        else if (!allowed.includes("*"))
          expect(found.filter((r) => r !== m.rule && !allowed.includes(r))).toEqual([]);
      }),
      { numRuns: 100 },
    );
    expect(applied).toBeGreaterThan(20);
  });
});

import fc from "fast-check";
import {
  batchCost,
  type Cadre,
  cadreTripCost,
  type Honor,
  type Plan,
  type Staff,
  toDay,
  toIso,
  type Venue,
} from "../../../solver/index.js";
import { APPLIED, CYCLE_2027, HEALTHY, JINING_CITY, RENCHENG_PLACEMENT } from "../plans.js";

// MICRO plans for the optimizer's reference tests: one venue with a handful of possible starts, two or
// three staff, a dozen cadres at most, so that every schedule can be enumerated. Sizes, ratios and
// budgets are drawn so that batches are possible in most runs and the budget binds in some.

/** A Monday. */
const WINDOW_START = toDay("2027-04-05");

/** The honor that makes a city-plan cadre tier 2, 3 or 4; tier 1 is a nominee on top of one of them. */
const HONOR_OF_TIER: Record<2 | 3 | 4, Honor> = {
  2: { kind: "honorary_title", period: "service" },
  3: { kind: "merit", class: 2, wartime: false, period: "service" },
  4: { kind: "advanced_cadre", level: "provincial" },
};

const window = (off: number, len: number) => ({
  start: toIso(WINDOW_START + off),
  end: toIso(WINDOW_START + off + len),
});

/** A value `present` times in `present + absent`, else undefined. */
function sometimes<T>(arb: fc.Arbitrary<T>, present: number, absent: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: arb, weight: present }, { arbitrary: fc.constant(undefined), weight: absent });
}

export const cadreSeed = fc.record({
  tier: fc.constantFrom(1, 2, 2, 3, 3, 3, 4, 4) as fc.Arbitrary<1 | 2 | 3 | 4>,
  /** Days after the window's first day of the 81st birthday, the last day within age; none: young. */
  ageLimit: sometimes(fc.integer({ min: 0, max: 16 }), 1, 3),
  unavailable: sometimes(
    fc.record({ off: fc.integer({ min: 0, max: 18 }), len: fc.integer({ min: 0, max: 4 }) }),
    1,
    3,
  ),
  /** Days before the window of the last convalescence; none: never been. */
  lastTrip: sometimes(fc.integer({ min: 400, max: 2000 }), 1, 1),
  birthYear: fc.integer({ min: 1950, max: 1960 }),
});

const staffSeed = fc.record({
  medical: fc.constantFrom(true, true, false),
  unavailable: sometimes(
    fc.record({ off: fc.integer({ min: 0, max: 18 }), len: fc.integer({ min: 0, max: 5 }) }),
    1,
    2,
  ),
});

export const microSeed = fc.record({
  days: fc.integer({ min: 3, max: 5 }),
  /** consecutive: 2–4 overlapping starts on consecutive days; weekly: one or two weekdays over three weeks. */
  starts: fc.oneof(
    fc.record({ kind: fc.constant("consecutive" as const), count: fc.integer({ min: 2, max: 4 }) }),
    fc.record({
      kind: fc.constant("weekly" as const),
      weekdays: fc.subarray([1, 2, 3, 4, 5], { minLength: 1, maxLength: 2 }),
      availableFrom: fc.integer({ min: 0, max: 7 }),
    }),
  ),
  maxConcurrent: sometimes(fc.integer({ min: 1, max: 2 }), 3, 1),
  capacity: fc.constantFrom(3, 5, 5, 6, 6, 7, 8, 8, 10) as fc.Arbitrary<number>,
  minBatchSize: fc.integer({ min: 1, max: 5 }),
  ratio: fc.constantFrom({ min: 5, max: 10 }, { min: 5, max: 10 }, { min: 5, max: 8 }, { min: 6, max: 10 }),
  requireMedicalStaff: fc.constantFrom(true, true, true, false),
  staffMaxBatches: sometimes(fc.constantFrom(1, 1, 2), 1, 2),
  price: fc.integer({ min: 100, max: 300 }),
  transport: fc.integer({ min: 0, max: 200 }),
  fixed: fc.constantFrom(0, 0, 500),
  ownership: fc.constantFrom("system", "contracted") as fc.Arbitrary<Venue["ownership"]>,
  staff: fc.array(staffSeed, { minLength: 2, maxLength: 3 }),
  cadres: fc.array(cadreSeed, { minLength: 4, maxLength: 13 }),
  /** A cadre who did not apply: ineligible, and must be reported so. */
  withIneligible: fc.boolean(),
  /** Budget in cadre places of one batch with one staff member, plus some slack; none: ample. */
  budgetPlaces: sometimes(
    fc.record({ places: fc.integer({ min: 2, max: 12 }), slack: fc.nat({ max: 999 }) }),
    1,
    1,
  ),
});

export type MicroSeed = typeof microSeed extends fc.Arbitrary<infer T> ? T : never;

export function microPlan(seed: MicroSeed): Plan {
  const starts = seed.starts;
  const planningWindow =
    starts.kind === "consecutive" ? window(0, seed.days - 1 + starts.count - 1) : window(0, 20);
  const venue: Venue = {
    id: "V1",
    name: "泰安市军休疗养基地",
    ownership: seed.ownership,
    province: "山东省",
    city: "泰安市",
    days: seed.days,
    capacityPerBatch: seed.capacity,
    maxConcurrentBatches: seed.maxConcurrent,
    pricePerPersonDay: seed.price,
    transportPerPerson: seed.transport,
    fixedCostPerBatch: seed.fixed,
    ...(starts.kind === "weekly"
      ? {
          startWeekdays: starts.weekdays,
          available: [window(starts.availableFrom, 20 - starts.availableFrom)],
        }
      : {}),
  };
  const staff = seed.staff.map(
    (s, i): Staff => ({
      id: `S${i + 1}`,
      medical: s.medical,
      ...(s.unavailable ? { unavailable: [window(s.unavailable.off, s.unavailable.len)] } : {}),
    }),
  );
  const cadres = seed.cadres.map((c, i): Cadre => {
    const birthDate =
      c.ageLimit === undefined
        ? `${c.birthYear}-06-15`
        : `${2027 - 81}${toIso(WINDOW_START + c.ageLimit).slice(4)}`;
    return {
      id: `C${String(i + 1).padStart(2, "0")}`,
      category: "retired_cadre",
      placement: RENCHENG_PLACEMENT,
      birthDate,
      honors: [HONOR_OF_TIER[c.tier === 1 ? 3 : c.tier]],
      nominee: c.tier === 1 ? "provincial" : null,
      health: HEALTHY,
      application: APPLIED,
      ...(c.unavailable ? { unavailable: [window(c.unavailable.off, c.unavailable.len)] } : {}),
      ...(c.lastTrip === undefined
        ? {}
        : {
            history: [
              {
                cycleId: "2025",
                level: "city" as const,
                start: toIso(WINDOW_START - c.lastTrip - 5),
                end: toIso(WINDOW_START - c.lastTrip),
              },
            ],
          }),
    };
  });
  if (seed.withIneligible)
    cadres.push({
      id: "C99",
      category: "retired_cadre",
      placement: RENCHENG_PLACEMENT,
      birthDate: "1955-01-01",
      honors: [HONOR_OF_TIER[2]],
      health: {},
      application: { ...APPLIED, voluntary: false },
    });
  const plan: Plan = {
    version: 1,
    organizer: JINING_CITY,
    cycle: CYCLE_2027,
    planningWindow,
    policy: {
      maxDays: 7,
      cadresPerStaff: seed.ratio,
      maxAge: 80,
      requireMedicalStaff: seed.requireMedicalStaff,
      allowOutOfProvince: false,
      minBatchSize: seed.minBatchSize,
      staffMaxBatches: seed.staffMaxBatches,
    },
    budget: {
      total: 10_000_000,
      insurancePerPerson: 30,
      staffPerDay: 300,
      includeStaffCosts: true,
    },
    venues: [venue],
    staff,
    cadres,
  };
  if (seed.budgetPlaces) {
    const { places, slack } = seed.budgetPlaces;
    const oneBatch = batchCost(plan, venue, 0, 1).total;
    // Two batches' fixed and staff costs where the places run past one batch, so that both kinds bind.
    const batches = places > seed.capacity ? 2 : 1;
    plan.budget.total = batches * oneBatch + places * cadreTripCost(plan, venue) + slack;
  }
  return plan;
}

export const microPlans: fc.Arbitrary<Plan> = microSeed.map(microPlan);

/**
 * Crowded micro plans: enough cadres for two or three small batches, an ample budget and medical cover,
 * so that parallel copies, overlapping starts and staff shared between batches matter.
 */
export const crowdedMicroPlans: fc.Arbitrary<Plan> = fc
  .record({
    base: microSeed,
    cadres: fc.array(cadreSeed, { minLength: 10, maxLength: 13 }),
    capacity: fc.integer({ min: 5, max: 7 }),
    minBatchSize: fc.integer({ min: 1, max: 5 }),
    maxConcurrent: fc.integer({ min: 1, max: 2 }),
    staff: fc.array(staffSeed, { minLength: 3, maxLength: 3 }),
  })
  .map(({ base, cadres, capacity, minBatchSize, maxConcurrent, staff }) =>
    microPlan({
      ...base,
      cadres,
      capacity,
      minBatchSize,
      maxConcurrent,
      ratio: { min: 5, max: 10 },
      requireMedicalStaff: true,
      staff: staff.map((s, i) => (i === 0 ? { ...s, medical: true } : s)),
      budgetPlaces: undefined,
    }),
  );

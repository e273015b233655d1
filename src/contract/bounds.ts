// The contract's upper bounds, as policy in one place. Each is far above any real Jining (or Shandong)
// plan, and low enough that every accepted number stays exact in the solver's arithmetic: unbounded values
// made HiGHS fail internally (capacity 2^53 − 1) and sums overflow to Infinity (budgets of 1e308).

/** Deepest nesting of objects and arrays in any JSON body; the contract itself nests six deep. */
export const MAX_JSON_DEPTH = 64;

/** Any amount of money, in yuan: ten billion, more than a province spends on this in decades. */
export const MAX_YUAN = 10_000_000_000;

/** Cadres one venue takes in one batch. */
export const MAX_CAPACITY_PER_BATCH = 1_000;

/** Batches one venue runs on the same day. */
export const MAX_CONCURRENT_BATCHES = 100;

/** Days in one trip as a venue offers it (the plan's policy then allows at most 7, Art. 6). */
export const MAX_TRIP_DAYS = 31;

/** A count of batches or people: a plan's limits, and a schedule's tallies. */
export const MAX_COUNT = 1_000_000;

/** Age limit in 周岁 a policy may state (Art. 7 then allows at most 80). */
export const MAX_AGE = 150;

/** Items in a plan's lists. A province has some 20,000 cadres. */
export const MAX_CADRES = 200_000;
export const MAX_STAFF = 20_000;
export const MAX_VENUES = 2_000;
/** Date ranges in one availability or unavailability list, honors and past trips of one cadre. */
export const MAX_LIST_ITEMS = 1_000;

/** An id: also the longest id a URL may name. */
export const MAX_ID_LENGTH = 100;
/** A name, an institution, a province, city or county. */
export const MAX_NAME_LENGTH = 200;
/** The free-form `notes` on a plan, cadre, staff member or venue. */
export const MAX_NOTES_LENGTH = 2_000;

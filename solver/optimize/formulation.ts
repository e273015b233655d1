import type { DayRange } from "../dates.js";
import type { Tier } from "../eligibility.js";
import { INFINITY, type MipModel, type MipObjective } from "../mip/types.js";
import type { Venue } from "../types.js";
import { at, groupBy, pushTo } from "../util.js";
import type { Instance, Slot } from "./instance.js";

// RULES.md §4–§6 as a mixed-integer program over slots. Per slot: whether its batch runs (o), how many
// cadres go (n) and how many staff (s). Cadres enter as counts: f[tier] interchangeable cadres who fit every
// slot, and x[class, date group] for those whose dates or age narrow their choice. For fixed integral
// (o, n, s) the cadre part is a network flow, so x may stay continuous and still round exactly.
//
// Staff enter as counts bounded per day by the people free that day (a relaxation of "nobody in two
// batches at once"). The schedule builder then names people exactly; if that fails, the model is rebuilt
// with one binary per person and slot (`personalStaff`), which is exact.
//
// One builder per constraint group, each citing its article like the validator's check for the same rule
// (solver/validate.ts). `formulate` calls them in a fixed order: that order is the order of the model's
// columns and rows, which the solver's path (and so the schedule) depends on.

export interface Relaxation {
  budget?: boolean;
  capacity?: boolean;
  staff?: boolean;
}

export interface FormulationOptions {
  relax?: Relaxation | undefined;
  personalStaff?: boolean | undefined;
}

interface SlotColumns {
  batches: number;
  cadres: number;
  staff: number;
}

interface VenueColumns extends SlotColumns {
  slots: number[];
}

export interface Formulation {
  model: MipModel;
  /** Column of o, n and s for each slot. */
  slotColumns: SlotColumns[];
  flexibleColumns: Map<Tier, number>;
  /** Columns of x per restricted class, one per seat group it fits. */
  classColumns: Map<number, { seatGroup: number; column: number }[]>;
  /** Column of z per slot and staff index, when staff are personal. */
  personColumns: Map<number, Map<number, number>>;
  /** Per-venue totals (batches, cadres, staff), each the sum of its slots' columns. */
  venueColumns: Map<string, VenueColumns>;
  /** Column of keep per pinned batch (Instance.pinned). */
  keepColumns: number[];
  coverage(tier: Tier): MipObjective;
  /** Promised cadres who keep their batch. */
  keptCadres(): MipObjective;
  systemPlaces(): MipObjective;
  places(): MipObjective;
  batches(): MipObjective;
  staffDays(): MipObjective;
  cost(): MipObjective;
}

/** Sets of intervals sharing a day: one per distinct last day suffices, since cliques of intervals peak at an end. */
export function overlapCliques<T>(items: T[], datesOf: (item: T) => DayRange): T[][] {
  const dates = items.map(datesOf);
  const ends = [...new Set(dates.map((d) => d.end))].sort((a, b) => a - b);
  const seen = new Set<string>();
  const cliques: T[][] = [];
  for (const day of ends) {
    const active: number[] = [];
    dates.forEach((d, i) => {
      if (d.start <= day && day <= d.end) active.push(i);
    });
    const key = active.join(",");
    if (active.length > 1 && !seen.has(key)) {
      seen.add(key);
      cliques.push(active.map((i) => at(items, i)));
    }
  }
  return cliques;
}

/** One coefficient of a row or objective: [column, value]. */
type Term = [number, number];

/** Owns the model's columns and rows; both are only ever appended to. */
class ModelBuilder {
  readonly model: MipModel = { columns: [], rows: [] };

  column(name: string, lower: number, upper: number, integer: boolean): number {
    this.model.columns.push({ name, lower, upper, integer });
    return this.model.columns.length - 1;
  }

  row(name: string, lower: number, upper: number, terms: readonly Term[]): void {
    this.model.rows.push({
      name,
      lower,
      upper,
      indices: terms.map((t) => t[0]),
      values: terms.map((t) => t[1]),
    });
  }
}

/** What every constraint group reads. */
interface Context {
  instance: Instance;
  relax: Relaxation;
  model: ModelBuilder;
  slotColumns: SlotColumns[];
  /** Cadres a batch at the venue may hold; relaxed, still bounded by the roster to keep big-M rows tight. */
  capacity: (venue: Venue) => number;
}

interface CadreColumns {
  flexibleColumns: Map<Tier, number>;
  classColumns: Map<number, { seatGroup: number; column: number }[]>;
}

interface KeptBatches {
  keepColumns: number[];
  /** Per class, one [keep, 1] term for each of its cadres kept in a promised batch. */
  keptPerClass: Map<number, Term[]>;
}

export function formulate(instance: Instance, options: FormulationOptions = {}): Formulation {
  const relax = options.relax ?? {};
  const model = new ModelBuilder();
  const roster = Math.max(instance.eligible.length, instance.policy.minBatchSize);
  const capacity = (venue: Venue) => (relax.capacity ? roster : venue.capacityPerBatch);
  const slotColumns = addSlotColumns(model, instance, relax, capacity);
  const ctx: Context = { instance, relax, model, slotColumns, capacity };
  const cadres = addCadreColumns(ctx);
  addSizeAndRatio(ctx);
  const venueSlots = groupBy(instance.slots, (slot) => slot.venue.id);
  const venueColumns = addVenueTotals(ctx, venueSlots);
  if (!relax.capacity) addVenueLoad(ctx, venueSlots);
  const personColumns = new Map<number, Map<number, number>>();
  if (!relax.staff) {
    if (options.personalStaff) addPersonalStaff(ctx, personColumns);
    else addPooledStaff(ctx);
  }
  const costTerms = batchCostTerms(ctx);
  if (!relax.budget) addBudget(ctx, costTerms);
  const kept = addKeptBatches(ctx);
  addSeats(ctx, cadres, kept);
  addSupply(ctx, cadres, kept);
  addFill(ctx, cadres, kept);
  return {
    model: model.model,
    slotColumns,
    ...cadres,
    personColumns,
    venueColumns,
    keepColumns: kept.keepColumns,
    ...objectives(ctx, cadres, kept, costTerms),
  };
}

/** Art. 6, 10: per slot, whether its batch runs (o), its cadres (n ≤ capacity) and its staff (s ≤ who could go). */
function addSlotColumns(
  model: ModelBuilder,
  instance: Instance,
  relax: Relaxation,
  capacity: (venue: Venue) => number,
): SlotColumns[] {
  return instance.slots.map((slot) => {
    const cadres = capacity(slot.venue);
    const staff = relax.staff ? Math.floor(cadres / instance.policy.staffRatioMin) : slot.staffFit.length;
    return {
      batches: model.column(`o${slot.index}`, 0, 1, true),
      cadres: model.column(`n${slot.index}`, 0, cadres, true),
      staff: model.column(`s${slot.index}`, 0, staff, true),
    };
  });
}

/** Art. 8: cadres as counts, at most a class's members: f per tier for those who fit anywhere, else x per seat group. */
function addCadreColumns({ instance, model }: Context): CadreColumns {
  const flexibleColumns = new Map<Tier, number>();
  const classColumns = new Map<number, { seatGroup: number; column: number }[]>();
  instance.classes.forEach((cls, c) => {
    if (cls.seatGroups === null) {
      if (flexibleColumns.has(cls.tier)) throw new Error("one flexible class per tier expected");
      flexibleColumns.set(cls.tier, model.column(`f${cls.tier}`, 0, cls.members.length, true));
    } else {
      classColumns.set(
        c,
        cls.seatGroups.map((seatGroup) => ({
          seatGroup,
          column: model.column(`x${c}_${seatGroup}`, 0, cls.members.length, false),
        })),
      );
    }
  });
  return { flexibleColumns, classColumns };
}

/** Art. 6, 10 (checkBatchSize, checkStaffRatio): minBatchSize ≤ cadres ≤ capacity, 1:max ≤ staff:cadres ≤ 1:min. */
function addSizeAndRatio({ instance, model, slotColumns, capacity }: Context): void {
  const { policy } = instance;
  instance.slots.forEach((slot, t) => {
    const col = at(slotColumns, t);
    model.row(`size_max${t}`, -INFINITY, 0, [
      [col.cadres, 1],
      [col.batches, -capacity(slot.venue)],
    ]);
    model.row(`size_min${t}`, 0, INFINITY, [
      [col.cadres, 1],
      [col.batches, -policy.minBatchSize],
    ]);
    model.row(`ratio_max${t}`, -INFINITY, 0, [
      [col.cadres, 1],
      [col.staff, -policy.staffRatioMax],
    ]);
    model.row(`ratio_min${t}`, 0, INFINITY, [
      [col.cadres, 1],
      [col.staff, -policy.staffRatioMin],
    ]);
    // At least one person per batch that runs.
    model.row(`staffed${t}`, 0, INFINITY, [
      [col.staff, 1],
      [col.batches, -1],
    ]);
    // Parallel batches at one venue and start are interchangeable: the first runs before the second, and is fuller.
    if (slot.copy > 0) {
      const previous = at(slotColumns, t - 1);
      model.row(`order${t}`, 0, INFINITY, [
        [previous.batches, 1],
        [col.batches, -1],
      ]);
      model.row(`fuller${t}`, 0, INFINITY, [
        [previous.cadres, 1],
        [col.cadres, -1],
      ]);
    }
  });
}

/**
 * Art. 6, 10 per venue: its batches, cadres and staff as integers of their own, within its capacity and ratio.
 * Redundant for correctness, they let branch-and-bound round "2.76 batches at this venue" up in one branch
 * instead of wandering through every choice of start dates.
 */
function addVenueTotals(
  { instance, model, slotColumns, capacity }: Context,
  venueSlots: Map<string, Slot[]>,
): Map<string, VenueColumns> {
  const venueColumns = new Map<string, VenueColumns>();
  for (const [venueId, members] of venueSlots) {
    const perBatch = capacity(at(members, 0).venue);
    const slots = members.map((slot) => slot.index);
    const batches = model.column(`B_${venueId}`, 0, slots.length, true);
    const cadres = model.column(`N_${venueId}`, 0, perBatch * slots.length, true);
    const staff = model.column(`S_${venueId}`, 0, INFINITY, true);
    venueColumns.set(venueId, { batches, cadres, staff, slots });
    const sum = (pick: (c: SlotColumns) => number, total: number): Term[] => [
      ...slots.map((t): Term => [pick(at(slotColumns, t)), 1]),
      [total, -1],
    ];
    model.row(
      `B_${venueId}`,
      0,
      0,
      sum((c) => c.batches, batches),
    );
    model.row(
      `N_${venueId}`,
      0,
      0,
      sum((c) => c.cadres, cadres),
    );
    model.row(
      `S_${venueId}`,
      0,
      0,
      sum((c) => c.staff, staff),
    );
    model.row(`Bcap_${venueId}`, -INFINITY, 0, [
      [cadres, 1],
      [batches, -perBatch],
    ]);
    model.row(`Sratio_${venueId}`, -INFINITY, 0, [
      [cadres, 1],
      [staff, -instance.policy.staffRatioMax],
    ]);
  }
  return venueColumns;
}

/** RULES.md §4 (checkVenueLoad): a venue runs at most maxConcurrentBatches batches on any day. */
function addVenueLoad({ model, slotColumns }: Context, venueSlots: Map<string, Slot[]>): void {
  for (const [venueId, members] of venueSlots) {
    const limit = at(members, 0).venue.maxConcurrentBatches ?? 1;
    overlapCliques(members, (slot) => slot.dates).forEach((clique, i) => {
      model.row(
        `load_${venueId}_${i}`,
        -INFINITY,
        limit,
        clique.map((slot) => [at(slotColumns, slot.index).batches, 1]),
      );
    });
  }
}

/**
 * Art. 10, RULES.md §4 (checkStaffOverlap, checkMedicalCover, checkStaffBatchLimit), pooled: on any day no
 * more staff, nor batches needing a medic, than people free that day; in all, at most staffMaxBatches each.
 */
function addPooledStaff(context: Context): void {
  const { slots, policy } = context.instance;
  overlapCliques(slots, (slot) => slot.dates).forEach((clique, i) => {
    addPoolRows(context, `day${i}`, clique, 1);
  });
  if (!Number.isFinite(policy.staffMaxBatches)) return;
  addPoolRows(context, "total", slots, policy.staffMaxBatches);
}

/**
 * Over `slots` together: staff at most `times` the people who fit any of them and, when every batch needs a
 * medic, batches at most `times` the medics who do.
 */
function addPoolRows(
  { instance, model, slotColumns }: Context,
  suffix: string,
  slots: readonly Slot[],
  times: number,
): void {
  const columns = slots.map((slot) => at(slotColumns, slot.index));
  const people = new Set(slots.flatMap((slot) => slot.staffFit));
  model.row(
    `staff_${suffix}`,
    -INFINITY,
    times * people.size,
    columns.map((c) => [c.staff, 1]),
  );
  if (!instance.policy.requireMedicalStaff) return;
  const medics = new Set(slots.flatMap((slot) => slot.medicalFit));
  model.row(
    `medic_${suffix}`,
    -INFINITY,
    times * medics.size,
    columns.map((c) => [c.batches, 1]),
  );
}

/**
 * Art. 10, RULES.md §4 (checkStaffOverlap, checkMedicalCover, checkStaffBatchLimit), exact: one binary z per
 * person and slot; a medic in every batch, one batch at a time per person, at most staffMaxBatches each.
 */
function addPersonalStaff(
  { instance, model, slotColumns }: Context,
  personColumns: Map<number, Map<number, number>>,
): void {
  const { slots, policy } = instance;
  const slotsOfPerson = new Map<number, number[]>();
  slots.forEach((slot, t) => {
    const columns = new Map<number, number>();
    for (const person of slot.staffFit) {
      columns.set(person, model.column(`z${person}_${t}`, 0, 1, true));
      pushTo(slotsOfPerson, person, t);
    }
    personColumns.set(t, columns);
    const col = at(slotColumns, t);
    model.row(`people${t}`, 0, 0, [...[...columns.values()].map((z): Term => [z, 1]), [col.staff, -1]]);
    if (policy.requireMedicalStaff)
      model.row(`medic${t}`, 0, INFINITY, [
        ...slot.medicalFit.map((p): Term => [columns.get(p) as number, 1]),
        [col.batches, -1],
      ]);
  });
  for (const [person, own] of slotsOfPerson) {
    const column = (t: number) => personColumns.get(t)?.get(person) as number;
    overlapCliques(own, (t) => at(slots, t).dates).forEach((clique, i) => {
      model.row(
        `busy${person}_${i}`,
        -INFINITY,
        1,
        clique.map((t) => [column(t), 1]),
      );
    });
    if (Number.isFinite(policy.staffMaxBatches))
      model.row(
        `trips${person}`,
        -INFINITY,
        policy.staffMaxBatches,
        own.map((t) => [column(t), 1]),
      );
  }
}

/** Art. 14 (checkBatchCosts): each slot's cost by the cost standards, fixed + per cadre + per staff; zeros left out. */
function batchCostTerms({ instance, slotColumns }: Context): Term[] {
  return instance.slots
    .flatMap((slot, t): Term[] => {
      const col = at(slotColumns, t);
      return [
        [col.batches, slot.fixedCost],
        [col.cadres, slot.cadreCost],
        [col.staff, slot.staffCost],
      ];
    })
    .filter(([, v]) => v !== 0);
}

/** Art. 15 (checkBudget): the plan's total cost stays within the budget. */
function addBudget({ instance, model }: Context, costTerms: Term[]): void {
  model.row("budget", -INFINITY, instance.plan.budget.total, costTerms);
}

/**
 * Art. 7 (a published place is a signed 疗养协议; the validator's committedCadreIds): a promised batch either
 * keeps everyone who can still go (keep = 1: it runs, they hold seats in it) or, if published, is released
 * (keep = 0: they wait with everyone else). Frozen batches always keep.
 */
function addKeptBatches({ instance, model, slotColumns }: Context): KeptBatches {
  const classOf = new Map<string, number>();
  instance.classes.forEach((cls, c) => {
    for (const m of cls.members) classOf.set(m.cadre.id, c);
  });
  const keptPerClass = new Map<number, Term[]>();
  const keepColumns = instance.pinned.map((pin, p) => {
    const keep = model.column(`keep${p}`, pin.frozen ? 1 : 0, 1, true);
    const col = at(slotColumns, pin.slot);
    model.row(`keep_runs${p}`, 0, INFINITY, [
      [col.batches, 1],
      [keep, -1],
    ]);
    // A batch that has happened takes nobody new; a published one may refill its freed seats.
    const more = pin.frozen ? 0 : INFINITY;
    model.row(`keep_seats${p}`, 0, more, [
      [col.cadres, 1],
      [keep, -pin.kept.length],
    ]);
    model.row(`keep_staff${p}`, 0, more, [
      [col.staff, 1],
      [keep, -pin.keptStaff.length],
    ]);
    for (const e of pin.kept) pushTo(keptPerClass, classOf.get(e.cadre.id) as number, [keep, 1]);
    return keep;
  });
  return { keepColumns, keptPerClass };
}

/** Kept cadres of the given classes, as terms over the keep columns. */
function keptTerms({ keptPerClass }: KeptBatches, include: (c: number) => boolean): Term[] {
  const terms = new Map<number, number>();
  for (const [c, list] of keptPerClass)
    if (include(c)) for (const [column, n] of list) terms.set(column, (terms.get(column) ?? 0) + n);
  return [...terms];
}

/**
 * Art. 7, RULES.md §4 (checkCadreFit): a seat group's seats hold at least the restricted cadres sent there
 * (their dates and age fit only there) and the kept cadres of promised batches run there; everyone else fits anywhere.
 */
function addSeats(
  { instance, model, slotColumns }: Context,
  { classColumns }: CadreColumns,
  kept: KeptBatches,
): void {
  const seatGroupOfGroup = new Map<number, number>();
  instance.seatGroups.forEach((sg, i) => {
    for (const g of sg.groups) seatGroupOfGroup.set(g, i);
  });
  const seatTerms = instance.seatGroups.map((): Term[] => []);
  for (const list of classColumns.values())
    for (const e of list) at(seatTerms, e.seatGroup).push([e.column, 1]);
  instance.pinned.forEach((pin, p) => {
    const sg = seatGroupOfGroup.get(at(instance.slots, pin.slot).group) as number;
    at(seatTerms, sg).push([at(kept.keepColumns, p), pin.kept.length]);
  });
  instance.seatGroups.forEach((seatGroup, g) => {
    const terms = at(seatTerms, g);
    if (terms.length === 0) return;
    for (const t of seatGroup.slots) terms.push([at(slotColumns, t).cadres, -1]);
    model.row(`seats${g}`, -INFINITY, 0, terms);
  });
}

/** Art. 8 (checkOncePerCycle): a class sends at most its members, counting those kept in promised batches. */
function addSupply({ instance, model }: Context, cadres: CadreColumns, kept: KeptBatches): void {
  cadres.classColumns.forEach((list, c) => {
    model.row(`supply${c}`, -INFINITY, at(instance.classes, c).members.length, [
      ...list.map((e): Term => [e.column, 1]),
      ...keptTerms(kept, (other) => other === c),
    ]);
  });
  instance.classes.forEach((cls, c) => {
    const keptHere = keptTerms(kept, (other) => other === c);
    const flexible = cadres.flexibleColumns.get(cls.tier);
    if (cls.seatGroups === null && keptHere.length > 0 && flexible !== undefined)
      model.row(`supply_f${cls.tier}`, -INFINITY, cls.members.length, [[flexible, 1], ...keptHere]);
  });
}

/** Art. 6 (checkBatchSize counts named cadres): every seat a batch holds is taken by someone. */
function addFill({ model, slotColumns }: Context, cadres: CadreColumns, kept: KeptBatches): void {
  model.row("fill", 0, 0, [
    ...[...cadres.flexibleColumns.values()].map((col): Term => [col, 1]),
    ...[...cadres.classColumns.values()].flatMap((list) => list.map((e): Term => [e.column, 1])),
    ...keptTerms(kept, () => true),
    ...slotColumns.map((c): Term => [c.cadres, -1]),
  ]);
}

function objective(sense: MipObjective["sense"], terms: Term[]): MipObjective {
  return { sense, indices: terms.map((t) => t[0]), values: terms.map((t) => t[1]) };
}

/** RULES.md §6 and the candidates' criteria (stages.ts): each objective a stage may optimize. */
function objectives(
  { instance, slotColumns }: Context,
  cadres: CadreColumns,
  kept: KeptBatches,
  costTerms: Term[],
): Pick<
  Formulation,
  "coverage" | "keptCadres" | "systemPlaces" | "batches" | "staffDays" | "places" | "cost"
> {
  const { slots, classes } = instance;
  const ones = (columns: number[]) => columns.map((column): Term => [column, 1]);
  return {
    // §6.1: cadres of the tier who go.
    coverage(tier) {
      const terms: Term[] = [];
      const flexible = cadres.flexibleColumns.get(tier);
      if (flexible !== undefined) terms.push([flexible, 1]);
      cadres.classColumns.forEach((list, c) => {
        if (at(classes, c).tier === tier) for (const e of list) terms.push([e.column, 1]);
      });
      terms.push(...keptTerms(kept, (c) => at(classes, c).tier === tier));
      return objective("max", terms);
    },
    keptCadres: () =>
      objective(
        "max",
        keptTerms(kept, () => true),
      ),
    // §6.3, Art. 9: places in system-owned venues.
    systemPlaces: () =>
      objective("max", ones(slots.filter((s) => s.system).map((s) => at(slotColumns, s.index).cadres))),
    batches: () => objective("min", ones(slotColumns.map((c) => c.batches))),
    staffDays: () =>
      objective(
        "min",
        slots.map((s, t): Term => [at(slotColumns, t).staff, s.venue.days]),
      ),
    places: () => objective("max", ones(slotColumns.map((c) => c.cadres))),
    // §6.4: least total cost.
    cost: () => objective("min", costTerms),
  };
}

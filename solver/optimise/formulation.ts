import type { DayRange } from "../dates.js";
import type { Tier } from "../eligibility.js";
import { INFINITY, type MipModel, type MipObjective, type MipRow } from "../mip/types.js";
import { at } from "../util.js";
import type { Instance } from "./instance.js";

// RULES.md §4–§6 as a mixed-integer program over slots. Per slot: whether its batch runs (o), how many
// cadres go (n) and how many staff (s). Cadres enter as counts: f[tier] interchangeable cadres who fit every
// slot, and x[class, date group] for those whose dates or age narrow their choice. For fixed integral
// (o, n, s) the cadre part is a network flow, so x may stay continuous and still round exactly.
//
// Staff enter as counts bounded per day by the people free that day (a relaxation of "nobody in two
// batches at once"). The schedule builder then names people exactly; if that fails, the model is rebuilt
// with one binary per person and slot (`personalStaff`), which is exact.

export interface Relaxation {
  budget?: boolean;
  capacity?: boolean;
  staff?: boolean;
}

export interface FormulationOptions {
  relax?: Relaxation | undefined;
  personalStaff?: boolean | undefined;
}

export interface Formulation {
  model: MipModel;
  /** Column of o, n and s for each slot. */
  slotColumns: { batches: number; cadres: number; staff: number }[];
  flexibleColumns: Map<Tier, number>;
  /** Columns of x per restricted class, one per seat group it fits. */
  classColumns: Map<number, { seatGroup: number; column: number }[]>;
  /** Column of z per slot and staff index, when staff are personal. */
  personColumns: Map<number, Map<number, number>>;
  /** Per-venue totals (batches, cadres, staff), each the sum of its slots' columns. */
  venueColumns: Map<string, { batches: number; cadres: number; staff: number; slots: number[] }>;
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

export function formulate(instance: Instance, options: FormulationOptions = {}): Formulation {
  const { slots, classes, policy, plan } = instance;
  const relax = options.relax ?? {};
  // Relaxed capacity is still bounded by the roster, which keeps the big-M rows tight.
  const unboundedCapacity = Math.max(instance.eligible.length, policy.minBatchSize);
  const model: MipModel = { columns: [], rows: [] };
  const addColumn = (name: string, lower: number, upper: number, integer: boolean): number => {
    model.columns.push({ name, lower, upper, integer });
    return model.columns.length - 1;
  };
  const addRow = (name: string, lower: number, upper: number, terms: [number, number][]): void => {
    const row: MipRow = {
      name,
      lower,
      upper,
      indices: terms.map((t) => t[0]),
      values: terms.map((t) => t[1]),
    };
    model.rows.push(row);
  };

  const slotColumns = slots.map((slot) => {
    const capacity = relax.capacity ? unboundedCapacity : slot.venue.capacityPerBatch;
    return {
      batches: addColumn(`o${slot.index}`, 0, 1, true),
      cadres: addColumn(`n${slot.index}`, 0, capacity, true),
      staff: addColumn(
        `s${slot.index}`,
        0,
        relax.staff ? Math.floor(capacity / policy.staffRatioMin) : slot.staffFit.length,
        true,
      ),
    };
  });

  const flexibleColumns = new Map<Tier, number>();
  const classColumns = new Map<number, { seatGroup: number; column: number }[]>();
  classes.forEach((cls, c) => {
    if (cls.seatGroups === null) {
      const existing = flexibleColumns.get(cls.tier);
      if (existing !== undefined) throw new Error("one flexible class per tier expected");
      flexibleColumns.set(cls.tier, addColumn(`f${cls.tier}`, 0, cls.members.length, true));
    } else {
      classColumns.set(
        c,
        cls.seatGroups.map((seatGroup) => ({
          seatGroup,
          column: addColumn(`x${c}_${seatGroup}`, 0, cls.members.length, false),
        })),
      );
    }
  });

  slots.forEach((slot, t) => {
    const col = at(slotColumns, t);
    const capacity = relax.capacity ? unboundedCapacity : slot.venue.capacityPerBatch;
    // Art. 6: every batch holds between minBatchSize and the venue's capacity.
    addRow(`size_max${t}`, -INFINITY, 0, [
      [col.cadres, 1],
      [col.batches, -capacity],
    ]);
    addRow(`size_min${t}`, 0, INFINITY, [
      [col.cadres, 1],
      [col.batches, -policy.minBatchSize],
    ]);
    // Art. 10: 1:5 to 1:10, and at least one person per batch.
    addRow(`ratio_max${t}`, -INFINITY, 0, [
      [col.cadres, 1],
      [col.staff, -policy.staffRatioMax],
    ]);
    addRow(`ratio_min${t}`, 0, INFINITY, [
      [col.cadres, 1],
      [col.staff, -policy.staffRatioMin],
    ]);
    addRow(`staffed${t}`, 0, INFINITY, [
      [col.staff, 1],
      [col.batches, -1],
    ]);
    // Parallel batches at one venue and start are interchangeable: the first runs before the second, and is fuller.
    if (slot.copy > 0) {
      const previous = at(slotColumns, t - 1);
      addRow(`order${t}`, 0, INFINITY, [
        [previous.batches, 1],
        [col.batches, -1],
      ]);
      addRow(`fuller${t}`, 0, INFINITY, [
        [previous.cadres, 1],
        [col.cadres, -1],
      ]);
    }
  });

  // Per-venue totals as integers of their own. Redundant for correctness, they let branch-and-bound round
  // "2.76 batches at this venue" up in one branch instead of wandering through every choice of start dates.
  const venueSlots = new Map<string, number[]>();
  for (const slot of slots)
    venueSlots.set(slot.venue.id, [...(venueSlots.get(slot.venue.id) ?? []), slot.index]);
  const venueColumns = new Map<string, { batches: number; cadres: number; staff: number; slots: number[] }>();
  for (const [venueId, members] of venueSlots) {
    const venue = at(slots, at(members, 0)).venue;
    const capacity = relax.capacity ? unboundedCapacity : venue.capacityPerBatch;
    const batches = addColumn(`B_${venueId}`, 0, members.length, true);
    const cadres = addColumn(`N_${venueId}`, 0, capacity * members.length, true);
    const staff = addColumn(`S_${venueId}`, 0, INFINITY, true);
    venueColumns.set(venueId, { batches, cadres, staff, slots: members });
    const sum = (pick: (c: (typeof slotColumns)[number]) => number, total: number): [number, number][] => [
      ...members.map((t): [number, number] => [pick(at(slotColumns, t)), 1]),
      [total, -1],
    ];
    addRow(
      `B_${venueId}`,
      0,
      0,
      sum((c) => c.batches, batches),
    );
    addRow(
      `N_${venueId}`,
      0,
      0,
      sum((c) => c.cadres, cadres),
    );
    addRow(
      `S_${venueId}`,
      0,
      0,
      sum((c) => c.staff, staff),
    );
    addRow(`Bcap_${venueId}`, -INFINITY, 0, [
      [cadres, 1],
      [batches, -capacity],
    ]);
    addRow(`Sratio_${venueId}`, -INFINITY, 0, [
      [cadres, 1],
      [staff, -policy.staffRatioMax],
    ]);
  }

  if (!relax.capacity) {
    // RULES.md §4: a venue runs at most maxConcurrentBatches batches on any day.
    const byVenue = new Map<string, number[]>();
    for (const slot of slots) byVenue.set(slot.venue.id, [...(byVenue.get(slot.venue.id) ?? []), slot.index]);
    for (const [venueId, members] of byVenue) {
      const limit = at(slots, at(members, 0)).venue.maxConcurrentBatches ?? 1;
      overlapCliques(members, (t) => at(slots, t).dates).forEach((clique, i) => {
        addRow(
          `load_${venueId}_${i}`,
          -INFINITY,
          limit,
          clique.map((t) => [at(slotColumns, t).batches, 1]),
        );
      });
    }
  }

  const personColumns = new Map<number, Map<number, number>>();
  if (!relax.staff) {
    if (options.personalStaff) addPersonalStaff();
    else addPooledStaff();
  }

  function addPooledStaff(): void {
    const all = slots.map((s) => s.index);
    overlapCliques(all, (t) => at(slots, t).dates).forEach((clique, i) => {
      const people = new Set(clique.flatMap((t) => at(slots, t).staffFit));
      addRow(
        `staff_day${i}`,
        -INFINITY,
        people.size,
        clique.map((t) => [at(slotColumns, t).staff, 1]),
      );
      if (policy.requireMedicalStaff) {
        const medics = new Set(clique.flatMap((t) => at(slots, t).medicalFit));
        addRow(
          `medic_day${i}`,
          -INFINITY,
          medics.size,
          clique.map((t) => [at(slotColumns, t).batches, 1]),
        );
      }
    });
    if (Number.isFinite(policy.staffMaxBatches)) {
      const people = new Set(slots.flatMap((s) => s.staffFit));
      addRow(
        "staff_total",
        -INFINITY,
        policy.staffMaxBatches * people.size,
        slotColumns.map((c) => [c.staff, 1]),
      );
      if (policy.requireMedicalStaff) {
        const medics = new Set(slots.flatMap((s) => s.medicalFit));
        addRow(
          "medic_total",
          -INFINITY,
          policy.staffMaxBatches * medics.size,
          slotColumns.map((c) => [c.batches, 1]),
        );
      }
    }
  }

  function addPersonalStaff(): void {
    const slotsOfPerson = new Map<number, number[]>();
    slots.forEach((slot, t) => {
      const columns = new Map<number, number>();
      for (const person of slot.staffFit) {
        columns.set(person, addColumn(`z${person}_${t}`, 0, 1, true));
        slotsOfPerson.set(person, [...(slotsOfPerson.get(person) ?? []), t]);
      }
      personColumns.set(t, columns);
      const col = at(slotColumns, t);
      addRow(`people${t}`, 0, 0, [
        ...[...columns.values()].map((z): [number, number] => [z, 1]),
        [col.staff, -1],
      ]);
      if (policy.requireMedicalStaff)
        addRow(`medic${t}`, 0, INFINITY, [
          ...slot.medicalFit.map((p): [number, number] => [columns.get(p) as number, 1]),
          [col.batches, -1],
        ]);
    });
    for (const [person, own] of slotsOfPerson) {
      const column = (t: number) => personColumns.get(t)?.get(person) as number;
      // Art. 10: one person, one batch at a time.
      overlapCliques(own, (t) => at(slots, t).dates).forEach((clique, i) => {
        addRow(
          `busy${person}_${i}`,
          -INFINITY,
          1,
          clique.map((t) => [column(t), 1]),
        );
      });
      if (Number.isFinite(policy.staffMaxBatches))
        addRow(
          `trips${person}`,
          -INFINITY,
          policy.staffMaxBatches,
          own.map((t) => [column(t), 1]),
        );
    }
  }

  // Art. 15: within the budget.
  const costTerms: [number, number][] = slots.flatMap((slot, t) => {
    const col = at(slotColumns, t);
    return [
      [col.batches, slot.fixedCost],
      [col.cadres, slot.cadreCost],
      [col.staff, slot.staffCost],
    ] as [number, number][];
  });
  if (!relax.budget)
    addRow(
      "budget",
      -INFINITY,
      plan.budget.total,
      costTerms.filter(([, v]) => v !== 0),
    );

  // A promised batch either keeps everyone who can still go (keep = 1: it runs, they hold seats in it) or,
  // if published, is released (keep = 0: they wait with everyone else). Frozen batches always keep.
  const classOf = new Map<string, number>();
  classes.forEach((cls, c) => {
    for (const m of cls.members) classOf.set(m.cadre.id, c);
  });
  const seatGroupOfGroup = new Map<number, number>();
  instance.seatGroups.forEach((sg, i) => {
    for (const g of sg.groups) seatGroupOfGroup.set(g, i);
  });
  const keptPerClass = new Map<number, [number, number][]>();
  const keepColumns = instance.pinned.map((pin, p) => {
    const keep = addColumn(`keep${p}`, pin.frozen ? 1 : 0, 1, true);
    const col = at(slotColumns, pin.slot);
    addRow(`keep_runs${p}`, 0, INFINITY, [
      [col.batches, 1],
      [keep, -1],
    ]);
    // A batch that has happened takes nobody new; a published one may refill its freed seats.
    const more = pin.frozen ? 0 : INFINITY;
    addRow(`keep_seats${p}`, 0, more, [
      [col.cadres, 1],
      [keep, -pin.kept.length],
    ]);
    addRow(`keep_staff${p}`, 0, more, [
      [col.staff, 1],
      [keep, -pin.keptStaff.length],
    ]);
    for (const e of pin.kept) {
      const c = classOf.get(e.cadre.id) as number;
      keptPerClass.set(c, [...(keptPerClass.get(c) ?? []), [keep, 1]]);
    }
    return keep;
  });
  /** Kept cadres of the given classes, as terms over the keep columns. */
  const keptTerms = (include: (c: number) => boolean): [number, number][] => {
    const terms = new Map<number, number>();
    for (const [c, list] of keptPerClass)
      if (include(c)) for (const [column, n] of list) terms.set(column, (terms.get(column) ?? 0) + n);
    return [...terms];
  };

  // The seats of a seat group hold at least the restricted cadres sent there and the kept cadres of promised
  // batches run there; everyone else fits anywhere.
  const seatTerms = instance.seatGroups.map((): [number, number][] => []);
  for (const list of classColumns.values())
    for (const e of list) at(seatTerms, e.seatGroup).push([e.column, 1]);
  instance.pinned.forEach((pin, p) => {
    const sg = seatGroupOfGroup.get(at(slots, pin.slot).group) as number;
    at(seatTerms, sg).push([at(keepColumns, p), pin.kept.length]);
  });
  instance.seatGroups.forEach((seatGroup, g) => {
    const terms = at(seatTerms, g);
    if (terms.length === 0) return;
    for (const t of seatGroup.slots) terms.push([at(slotColumns, t).cadres, -1]);
    addRow(`seats${g}`, -INFINITY, 0, terms);
  });
  classColumns.forEach((list, c) => {
    addRow(`supply${c}`, -INFINITY, at(classes, c).members.length, [
      ...list.map((e): [number, number] => [e.column, 1]),
      ...keptTerms((other) => other === c),
    ]);
  });
  classes.forEach((cls, c) => {
    const kept = keptTerms((other) => other === c);
    const flexible = flexibleColumns.get(cls.tier);
    if (cls.seatGroups === null && kept.length > 0 && flexible !== undefined)
      addRow(`supply_f${cls.tier}`, -INFINITY, cls.members.length, [[flexible, 1], ...kept]);
  });
  // Every seat is taken by someone.
  addRow("fill", 0, 0, [
    ...[...flexibleColumns.values()].map((col): [number, number] => [col, 1]),
    ...[...classColumns.values()].flatMap((list) => list.map((e): [number, number] => [e.column, 1])),
    ...keptTerms(() => true),
    ...slotColumns.map((c): [number, number] => [c.cadres, -1]),
  ]);

  return {
    model,
    slotColumns,
    flexibleColumns,
    classColumns,
    personColumns,
    venueColumns,
    keepColumns,
    coverage(tier) {
      const terms: [number, number][] = [];
      const flexible = flexibleColumns.get(tier);
      if (flexible !== undefined) terms.push([flexible, 1]);
      classColumns.forEach((list, c) => {
        if (at(classes, c).tier === tier) for (const e of list) terms.push([e.column, 1]);
      });
      terms.push(...keptTerms((c) => at(classes, c).tier === tier));
      return { sense: "max", indices: terms.map((t) => t[0]), values: terms.map((t) => t[1]) };
    },
    keptCadres() {
      const terms = keptTerms(() => true);
      return { sense: "max", indices: terms.map((t) => t[0]), values: terms.map((t) => t[1]) };
    },
    systemPlaces() {
      const indices = slots.filter((s) => s.system).map((s) => at(slotColumns, s.index).cadres);
      return { sense: "max", indices, values: indices.map(() => 1) };
    },
    batches() {
      const indices = slotColumns.map((c) => c.batches);
      return { sense: "min", indices, values: indices.map(() => 1) };
    },
    staffDays() {
      return {
        sense: "min",
        indices: slotColumns.map((c) => c.staff),
        values: slots.map((s) => s.venue.days),
      };
    },
    places() {
      const indices = slotColumns.map((c) => c.cadres);
      return { sense: "max", indices, values: indices.map(() => 1) };
    },
    cost() {
      const terms = costTerms.filter(([, v]) => v !== 0);
      return { sense: "min", indices: terms.map((t) => t[0]), values: terms.map((t) => t[1]) };
    },
  };
}

import type { Tier } from "../eligibility.js";
import type { Backend, ModelStart, Plan } from "../types.js";
import { at } from "../util.js";
import {
  countOf,
  denseStart,
  type FrontierModel,
  frontierModel,
  StaffNotNamed,
  sparse,
} from "./frontier-model.js";
import { buildInstance } from "./instance.js";

// With the most coverage any budget buys, the priority objective has two stages left (RULES.md §6): the most
// places in system-owned venues (Art. 9), then the least cost. Between the least cost of the most coverage and
// the cost of the unlimited priority schedule a budget trades one against the other, and a what-if there is a
// real branch-and-bound. This curve answers every such budget: the least cost of each more place with the most
// coverage held, one min-cost solve per step, as the frontier finds its steps. With C(p) the least cost of p or
// more places, at a budget B the priority schedule has the most p with C(p) ≤ B, and the schedule that costs
// C(p) is it: it has p places (C(p + 1) > B) and no schedule with p places costs less.

export interface PlacesStep {
  /** The least budget (yuan, whole) at which this many places in system-owned venues come with the most coverage. */
  budget: number;
  systemPlaces: number;
  /** The priority schedule from this budget up to the next step's, as the model's nonzero values. */
  start: ModelStart;
}

export interface PlacesCurve {
  /** The most coverage any budget buys, held at every step. */
  scheduledByTier: number[];
  steps: PlacesStep[];
  /** Every step proven; joined, also every part and the last reaching the unlimited schedule's places. */
  proven: boolean;
  solves: number;
  seconds: number;
  /** The floors on places this part solved, [from, to) (to null: up to the most). */
  range: { from: number; to: number | null };
}

export interface PlacesCurveOptions {
  backend?: Backend | undefined;
  /** Wall-clock seconds (default 300); a curve not proven by then is empty. */
  timeLimitSeconds?: number | undefined;
  /** Only this part of the places between the fewest and the most: `of` equal ranges, one per thread. */
  part?: { index: number; of: number } | undefined;
  /** Told after each new step where the curve stands, and how far it has come (0–1): enough to go on from there. */
  onStep?: ((checkpoint: PlacesCheckpoint, fraction: number) => void) | undefined;
  /** Go on from a checkpoint of the same plan and part, as if never stopped: the same steps follow. */
  resume?: PlacesCheckpoint | undefined;
}

/** Where a places curve (or its part) stands after a step, with the model's schedules it needs to go on. */
export interface PlacesCheckpoint {
  /** The most coverage any budget buys. */
  scheduledByTier: number[];
  /** The least cost of the most coverage, and the unlimited priority schedule: the curve runs between them. */
  least: { cost: number; start: ModelStart };
  most: ModelStart;
  range: { from: number; to: number | null };
  /** The steps so far, each with its schedule. */
  found: { budget: number; start: ModelStart }[];
  /** Solves run so far: a curve that goes on from here counts them in its own. */
  solves: number;
}

const DEFAULT_TIME_LIMIT_SECONDS = 300;

/** The places curve of the most coverage (see the comment at the top of this file), or its part. */
export async function placesCurve(plan: Plan, options: PlacesCurveOptions = {}): Promise<PlacesCurve> {
  const began = performance.now();
  const deadline = began + (options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS) * 1000;
  const model = await frontierModel(buildInstance(plan), false, { backend: options.backend, deadline });
  const curve = curveOf(model, options);
  return { ...curve, solves: model.solves, seconds: (performance.now() - began) / 1000 };
}

/** Between the least cost of the most coverage and the unlimited priority schedule, with the steps so far. */
interface CurveStart {
  scheduledByTier: number[];
  least: { cost: number; values: Float64Array };
  most: Float64Array;
  range: { from: number; to: number | null };
  found: { budget: number; values: Float64Array }[];
}

function curveOf(model: FrontierModel, options: PlacesCurveOptions): Omit<PlacesCurve, "solves" | "seconds"> {
  const systemPlaces = model.formulation.systemPlaces();
  const placesOf = (values: Float64Array) => countOf(systemPlaces, values);
  const start = resumed(options.resume, model) ?? begin(model, options.part, placesOf);
  // Not proven, or not of the pooled model (a schedule its staff cannot be named in): no curve, and a what-if
  // in that range is solved in full.
  const unproven = {
    scheduledByTier: start.scheduledByTier,
    steps: [],
    proven: false,
    range: { from: 0, to: null },
  };
  if (start.least === undefined) return unproven;
  const { scheduledByTier, least, most, range, found } = start;
  const floors = model.tiers.map((t): [Tier, number] => [t, scheduledByTier[t - 1] ?? 0]);
  const end = range.to ?? placesOf(most) + 1;
  const keep = (values: Float64Array, cost: number) => {
    model.checkStaff(values);
    const next = { budget: model.budgetOf(cost), values };
    // More places at the same budget: that budget's priority schedule has them.
    if (found.at(-1)?.budget === next.budget) found[found.length - 1] = next;
    else found.push(next);
    const floor = placesOf(values) + 1;
    options.onStep?.(
      {
        scheduledByTier,
        least: { cost: least.cost, start: sparse(least.values) },
        most: sparse(most),
        range,
        found: found.map((f) => ({ budget: f.budget, start: sparse(f.values) })),
        solves: model.solves,
      },
      Math.min(1, (floor - range.from) / Math.max(1, end - range.from)),
    );
    return floor;
  };
  try {
    let floor = range.from;
    const last = found.at(-1);
    if (last !== undefined) floor = placesOf(last.values) + 1;
    else if ((options.part?.index ?? 0) === 0) floor = keep(least.values, least.cost);
    while (floor < end) {
      if (model.remaining() <= 0) return unproven;
      // More places cost at least the last step's budget; at that same budget they replace its schedule.
      const session = model.open(floors, [found.at(-1)?.budget ?? least.cost, Infinity]);
      const { indices, values } = systemPlaces;
      session.addRow({ name: "floor_system_places", lower: floor, upper: Infinity, indices, values });
      model.counted(1);
      try {
        // The unlimited schedule has the most places with the most coverage: it meets every floor.
        const result = session.solve(model.cost, {
          timeLimitSeconds: Math.max(0.01, model.remaining()),
          absoluteGap: model.integral ? 0.999 : 1e-6,
          start: most,
        });
        if (result.status !== "optimal") return unproven;
        floor = keep(result.values, result.objective);
      } finally {
        session.dispose();
      }
    }
  } catch (error) {
    if (error instanceof StaffNotNamed) return unproven;
    throw error;
  }
  return {
    scheduledByTier,
    steps: found.map(({ budget, values }) => ({
      budget,
      systemPlaces: placesOf(values),
      start: sparse(values),
    })),
    proven: true,
    range,
  };
}

/** The most coverage, its least cost and the unlimited priority schedule; only the coverage when not proven. */
function begin(
  model: FrontierModel,
  part: PlacesCurveOptions["part"],
  placesOf: (values: Float64Array) => number,
): CurveStart | { scheduledByTier: number[]; least?: undefined } {
  const top = model.lexmaxWithin([0, Infinity]);
  const best = { vector: model.vectorOf(top.values), values: top.values, proven: top.proven };
  const least = best.proven ? model.leastCostOf(best.vector, best.values) : undefined;
  const most = least?.proven ? model.priorityUnlimited(best) : null;
  if (least === undefined || most === null) return { scheduledByTier: best.vector };
  const range = rangeOf(part, placesOf(least.values), placesOf(most.values));
  return { scheduledByTier: best.vector, least, most: most.values, range, found: [] };
}

/** A checkpoint's state, when its schedules fit this model; undefined: begin afresh. */
function resumed(checkpoint: PlacesCheckpoint | undefined, model: FrontierModel): CurveStart | undefined {
  if (checkpoint === undefined) return undefined;
  const mip = model.formulation.model;
  const least = denseStart(checkpoint.least.start, mip);
  const most = denseStart(checkpoint.most, mip);
  if (least === undefined || most === undefined) return undefined;
  const found: CurveStart["found"] = [];
  for (const { budget, start } of checkpoint.found) {
    const values = denseStart(start, mip);
    if (values === undefined) return undefined;
    found.push({ budget, values });
  }
  model.counted(checkpoint.solves);
  return {
    scheduledByTier: checkpoint.scheduledByTier,
    least: { cost: checkpoint.least.cost, values: least },
    most,
    range: checkpoint.range,
    found,
  };
}

/**
 * This part's floors on places, [from, to): `of` equal ranges past the places of the least cost's schedule
 * (the first part begins with that schedule itself), the last one up to the most.
 */
function rangeOf(
  part: PlacesCurveOptions["part"],
  fewest: number,
  most: number,
): { from: number; to: number | null } {
  if (part === undefined || part.of <= 1) return { from: fewest + 1, to: null };
  const cut = (i: number) => fewest + 1 + Math.floor(((most - fewest) * i) / part.of);
  return { from: cut(part.index), to: part.index === part.of - 1 ? null : cut(part.index + 1) };
}

/**
 * The parts of one places curve, in order, as one curve: a later part's first step is the least cost of its
 * first floor, so the steps before it at that budget or more are the same budgets' answers and give way.
 */
export function joinPlacesCurves(parts: readonly PlacesCurve[]): PlacesCurve {
  const steps: PlacesStep[] = [];
  for (const part of parts) {
    const first = part.steps[0];
    while (first !== undefined && (steps.at(-1)?.budget ?? -Infinity) >= first.budget) steps.pop();
    steps.push(...part.steps);
  }
  const joined = parts.every((p, i) => i === 0 || p.range.from === parts[i - 1]?.range.to);
  return {
    scheduledByTier: at(parts, 0).scheduledByTier,
    steps,
    proven:
      joined &&
      parts.every(
        (p) => p.proven && JSON.stringify(p.scheduledByTier) === JSON.stringify(at(parts, 0).scheduledByTier),
      ),
    solves: parts.reduce((sum, p) => sum + p.solves, 0),
    seconds: Math.max(...parts.map((p) => p.seconds)),
    range: { from: at(parts, 0).range.from, to: at(parts, parts.length - 1).range.to },
  };
}

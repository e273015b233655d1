import { countByTier, TIERS, type Tier } from "../eligibility.js";
import { backendNamed } from "../mip/backends.js";
import type { MipBackend, MipModel, MipObjective, MipRow, MipSession } from "../mip/types.js";
import { objectiveValue } from "../mip/types.js";
import type { Backend, ModelStart } from "../types.js";
import { nameStaff, openBatches } from "./assign.js";
import { type Formulation, formulate } from "./formulation.js";
import type { Instance } from "./instance.js";
import { type LexicographicResult, solveLexicographic } from "./lexicographic.js";
import { candidateStages, coverageStages } from "./stages.js";

// The model the budget frontier and the places curve of the most coverage both solve: the priority model with
// the budget relaxed into a cost range, min-cost sessions with floors on tier coverage, and the solves every
// one of them starts from (the most coverage, its least cost, the unlimited priority schedule).

export class StaffNotNamed extends Error {}

export interface FrontierModel {
  instance: Instance;
  formulation: Formulation;
  backend: MipBackend;
  /** Tiers with anybody eligible, ascending. */
  tiers: Tier[];
  eligibleByTier: number[];
  coverage: Map<Tier, MipObjective>;
  cost: MipObjective;
  /** Every cost is whole yuan: a least cost is a whole budget, and a gap under 1 proves it. */
  integral: boolean;
  personalStaff: boolean;
  /** Seconds left before the deadline. */
  remaining(): number;
  /** Mixed-integer solves run so far. */
  readonly solves: number;
  counted(solves: number): void;
  vectorOf(values: Float64Array): number[];
  /** A session with these coverage floors and the cost inside this range. */
  open(floors: readonly [Tier, number][], costRange: [number, number]): MipSession;
  /** The least whole budget a cost fits in. */
  budgetOf(cost: number): number;
  /** A schedule the pooled model found must be staffable by name, or its answer is not exact (StaffNotNamed). */
  checkStaff(values: Float64Array): void;
  /** The lexicographic maximum with the cost inside `range`, from the empty schedule (it costs nothing). */
  lexmaxWithin(range: [number, number]): LexicographicResult;
  /** The least cost of at least this coverage, from `start`; undefined when none is found in time. */
  leastCostOf(
    vector: readonly number[],
    start: Float64Array,
  ): { cost: number; values: Float64Array; proven: boolean } | undefined;
  /** RULES.md §6 with no budget, from the most coverage: coverage, then system-owned places, then cost. */
  priorityUnlimited(most: {
    vector: number[];
    values: Float64Array;
    proven: boolean;
  }): { budget: number; values: Float64Array } | null;
}

export async function frontierModel(
  instance: Instance,
  personalStaff: boolean,
  options: { backend?: Backend | undefined; deadline: number },
): Promise<FrontierModel> {
  const backend = await backendNamed(options.backend);
  const formulation = formulate(instance, { relax: { budget: true }, personalStaff });
  const eligibleByTier = countByTier(instance.eligible);
  const tiers = TIERS.filter((t) => (eligibleByTier[t - 1] ?? 0) > 0);
  const coverage = new Map<Tier, MipObjective>(tiers.map((t) => [t, formulation.coverage(t)]));
  const cost = formulation.cost();
  const integral = cost.values.every(Number.isInteger);
  const remaining = () => Math.max(0, (options.deadline - performance.now()) / 1000);
  let solves = 0;
  const counted = (n: number) => {
    solves += n;
  };
  const solvedStages = (result: LexicographicResult) =>
    result.stages.filter((s) => s.status !== "reached-ceiling" && s.status !== "not-run").length;

  const open = (floors: readonly [Tier, number][], costRange: [number, number]): MipSession => {
    const session = backend.open(formulation.model);
    for (const [t, floor] of floors) {
      const { indices, values } = coverage.get(t) as MipObjective;
      session.addRow({ name: `floor_tier${t}`, lower: floor, upper: Infinity, indices, values });
    }
    session.addRow({
      name: "cost_range",
      lower: costRange[0],
      upper: costRange[1],
      indices: cost.indices,
      values: cost.values,
    });
    return session;
  };
  const budgetOf = (least: number) => (integral ? Math.round(least) : Math.ceil(least - 1e-9));
  const floorsOf = (vector: readonly number[]) => tiers.map((t): [Tier, number] => [t, vector[t - 1] ?? 0]);

  return {
    instance,
    formulation,
    backend,
    tiers,
    eligibleByTier,
    coverage,
    cost,
    integral,
    personalStaff,
    remaining,
    get solves() {
      return solves;
    },
    counted,
    vectorOf: (values) =>
      TIERS.map((t) => {
        const objective = coverage.get(t);
        return objective ? countOf(objective, values) : 0;
      }),
    open,
    budgetOf,
    checkStaff(values) {
      if (personalStaff) return;
      if (!nameStaff(instance, openBatches(instance, formulation, values), backend, Math.max(5, remaining())))
        throw new StaffNotNamed();
    },
    lexmaxWithin(range) {
      const session = open([], range);
      try {
        const start = new Float64Array(formulation.model.columns.length);
        const result = solveLexicographic(
          session,
          start,
          coverageStages(instance, formulation),
          options.deadline,
        );
        counted(solvedStages(result));
        return result;
      } finally {
        session.dispose();
      }
    },
    leastCostOf(vector, start) {
      const session = open(floorsOf(vector), [-Infinity, Infinity]);
      counted(1);
      try {
        const result = session.solve(cost, {
          timeLimitSeconds: Math.max(0.01, remaining()),
          absoluteGap: integral ? 0.999 : 1e-6,
          start,
        });
        if (result.status !== "optimal" && result.status !== "feasible") return undefined;
        return { cost: result.objective, values: result.values, proven: result.status === "optimal" };
      } finally {
        session.dispose();
      }
    },
    priorityUnlimited(most) {
      const session = open([], [-Infinity, Infinity]);
      try {
        const result = solveLexicographic(
          session,
          most.values,
          candidateStages(
            "priority",
            instance,
            formulation,
            most.proven ? { scheduledByTier: most.vector } : undefined,
          ),
          options.deadline,
        );
        counted(solvedStages(result));
        if (!result.proven) return null;
        return { budget: budgetOf(objectiveValue(cost, result.values)), values: result.values };
      } finally {
        session.dispose();
      }
    },
  };
}

/**
 * A count (cadres, places) the objective gives at these values: whole, and never −0, which a value a hair
 * below zero would round to and which a deep comparison tells apart from 0.
 */
export function countOf(objective: MipObjective, values: Float64Array): number {
  return Math.max(0, Math.round(objectiveValue(objective, values)));
}

/** A schedule as the model's nonzero values: what a stored frontier keeps of it. */
export function sparse(values: Float64Array): ModelStart {
  const indices: number[] = [];
  const kept: number[] = [];
  values.forEach((value, column) => {
    if (Math.abs(value) > 1e-9) {
      indices.push(column);
      kept.push(value);
    }
  });
  return { columns: values.length, indices, values: kept };
}

/** The dense values of a start, or undefined when it does not meet every bound and row of the model. */
export function denseStart(start: ModelStart, model: MipModel): Float64Array | undefined {
  if (start.columns !== model.columns.length) return undefined;
  const values = new Float64Array(start.columns);
  start.indices.forEach((column, i) => {
    values[column] = start.values[i] ?? 0;
  });
  const withinBounds = model.columns.every(
    (c, i) => (values[i] ?? 0) >= c.lower - 1e-6 && (values[i] ?? 0) <= c.upper + 1e-6,
  );
  return withinBounds && model.rows.every((row) => withinRow(row, values)) ? values : undefined;
}

/** The row holds at these values. */
export function withinRow(row: MipRow, values: Float64Array): boolean {
  let sum = 0;
  row.indices.forEach((col, i) => {
    sum += (row.values[i] ?? 0) * (values[col] ?? 0);
  });
  return sum >= row.lower - 1e-6 && sum <= row.upper + 1e-6;
}

// A backend-neutral mixed-integer program: what the formulation builds and each backend solves.

export interface MipColumn {
  name: string;
  lower: number;
  upper: number;
  integer: boolean;
}

export interface MipRow {
  name: string;
  lower: number;
  upper: number;
  indices: number[];
  values: number[];
}

export interface MipModel {
  columns: MipColumn[];
  rows: MipRow[];
}

export interface MipObjective {
  sense: "max" | "min";
  indices: number[];
  values: number[];
}

export interface StageOptions {
  timeLimitSeconds: number;
  /** Stop once the incumbent is within this of the bound: below 1 proves optimality of an integral objective. */
  absoluteGap: number;
  /** A feasible point to start from (the previous stage's answer). */
  start?: Float64Array | undefined;
}

/** The outcome of one solve; a time limit is a normal outcome, not an error. */
export type StageResult =
  | { status: "optimal"; values: Float64Array; objective: number }
  | { status: "feasible"; values: Float64Array; objective: number; bound: number }
  | { status: "infeasible" }
  | { status: "nosolution" };

export interface MipSession {
  solve(objective: MipObjective, options: StageOptions): StageResult;
  addRow(row: MipRow): void;
  dispose(): void;
}

export interface MipBackend {
  readonly name: "highs" | "jslp";
  open(model: MipModel): MipSession;
}

export const INFINITY = Number.POSITIVE_INFINITY;

export function objectiveValue(objective: MipObjective, values: Float64Array): number {
  let sum = 0;
  objective.indices.forEach((col, i) => {
    sum += (objective.values[i] ?? 0) * (values[col] ?? 0);
  });
  return sum;
}

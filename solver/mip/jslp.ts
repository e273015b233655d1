import lpSolverModule, { type Model, type SolverAPI } from "javascript-lp-solver";
import {
  type MipBackend,
  type MipModel,
  type MipObjective,
  type MipRow,
  type MipSession,
  objectiveValue,
  type StageOptions,
  type StageResult,
} from "./types.js";

// Typed as CommonJS, loaded as ESM: the default export may arrive wrapped or bare.
const lpSolver: SolverAPI =
  (lpSolverModule as unknown as { default?: SolverAPI }).default ?? (lpSolverModule as unknown as SolverAPI);

const OBJECTIVE = "__objective";

/** javascript-lp-solver has no persistent model: each stage rebuilds its dictionary form. */
class JslpSession implements MipSession {
  private readonly rows: MipRow[];

  constructor(private readonly mip: MipModel) {
    this.rows = [...mip.rows];
  }

  private toModel(objective: MipObjective, options: StageOptions): Model {
    const constraints: Model["constraints"] = {};
    const variables: Model["variables"] = {};
    const ints: Record<string, 1> = {};
    this.mip.columns.forEach((column, col) => {
      const name = `c${col}`;
      variables[name] = {};
      if (column.integer) ints[name] = 1;
      // Bounds are rows here; the solver's own variables are non-negative.
      if (Number.isFinite(column.upper)) {
        constraints[`ub${col}`] = { max: column.upper };
        (variables[name] as Record<string, number>)[`ub${col}`] = 1;
      }
      if (column.lower > 0) {
        constraints[`lb${col}`] = { min: column.lower };
        (variables[name] as Record<string, number>)[`lb${col}`] = 1;
      }
    });
    this.rows.forEach((row, r) => {
      const bound: { min?: number; max?: number } = {};
      if (Number.isFinite(row.lower)) bound.min = row.lower;
      if (Number.isFinite(row.upper)) bound.max = row.upper;
      constraints[`r${r}`] = bound;
      row.indices.forEach((col, j) => {
        (variables[`c${col}`] as Record<string, number>)[`r${r}`] = row.values[j] ?? 0;
      });
    });
    objective.indices.forEach((col, i) => {
      (variables[`c${col}`] as Record<string, number>)[OBJECTIVE] = objective.values[i] ?? 0;
    });
    return {
      optimize: OBJECTIVE,
      opType: objective.sense,
      constraints,
      variables,
      ints,
      options: { timeout: Math.max(1, Math.round(options.timeLimitSeconds * 1000)), tolerance: 0 },
    };
  }

  solve(objective: MipObjective, options: StageOptions): StageResult {
    const started = performance.now();
    const result = lpSolver.Solve(this.toModel(objective, options)) as unknown as Record<
      string,
      number | boolean
    >;
    const elapsedSeconds = (performance.now() - started) / 1000;
    if (result.feasible !== true) {
      // Without a timeout flag, an early stop cannot be told from infeasibility; only a full run proves it.
      return elapsedSeconds < options.timeLimitSeconds ? { status: "infeasible" } : { status: "nosolution" };
    }
    const values = new Float64Array(this.mip.columns.length);
    for (let col = 0; col < values.length; col++) {
      const value = result[`c${col}`];
      values[col] = typeof value === "number" ? value : 0;
    }
    const value = objectiveValue(objective, values);
    // Cut short, the library may hand back its relaxation: not a solution at all unless integral.
    if (result.isIntegral !== true) return { status: "nosolution" };
    // The library reports no timeout: a run that used its whole time limit is an unproven incumbent.
    return elapsedSeconds < options.timeLimitSeconds
      ? { status: "optimal", values, objective: value }
      : {
          status: "feasible",
          values,
          objective: value,
          bound: objective.sense === "max" ? Infinity : -Infinity,
        };
  }

  addRow(row: MipRow): void {
    this.rows.push(row);
  }

  dispose(): void {}
}

/** javascript-lp-solver: pure JavaScript with a dense tableau, for small plans (see README for its limit). */
export function jslpBackend(): MipBackend {
  return { name: "jslp", open: (mip) => new JslpSession(mip) };
}

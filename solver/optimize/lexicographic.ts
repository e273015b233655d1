import {
  type MipObjective,
  type MipSession,
  objectiveValue,
  type StageOptions,
  type StageResult,
} from "../mip/types.js";

// RULES.md §6 is lexicographic: each objective is optimized with every earlier one held at its optimum.
// Exact, unlike a weighted sum, and each stage starts from the last stage's answer, which stays feasible.

export interface Stage {
  name: string;
  /** What this stage optimizes and then holds for the stages after it. */
  objective: MipObjective;
  /** The objective only takes whole values, so a gap below 1 is a proof. */
  integral: boolean;
  /**
   * The same objective with every later stage's objective added at a weight small enough not to trade
   * against it (integral, so proofs stay exact). While the budget does not bind, one boosted solve fills
   * later tiers too and their stages end at their ceiling without a solve.
   */
  boosted?: MipObjective | undefined;
  /**
   * The best value the stage can reach (the most for `max`, the least for `min`), given the current answer
   * and whether all before it were proven: an answer already there ends the stage without a solve.
   */
  ceiling?: ((values: Float64Array, provenSoFar: boolean) => number | undefined) | undefined;
}

export interface StageReport {
  name: string;
  /**
   * `solver-error`: the backend called a feasible start infeasible, or aborted; the stage keeps the start,
   * unproven, and after an abort the later stages do not run.
   */
  status: "optimal" | "reached-ceiling" | "timedout" | "not-run" | "solver-error";
  value: number;
  /** The best bound proven; equals value when optimal. */
  bound: number;
  seconds: number;
}

export interface LexicographicResult {
  proven: boolean;
  values: Float64Array;
  stages: StageReport[];
}

const HOLD_TOLERANCE = 1e-4;

export function solveLexicographic(
  session: MipSession,
  start: Float64Array,
  stages: Stage[],
  deadline: number,
  onStage?: (done: number, total: number, name: string) => void,
): LexicographicResult {
  let values = start;
  let proven = true;
  let boosting = true;
  let broken = false;
  const reports: StageReport[] = [];
  stages.forEach((stage, i) => {
    onStage?.(i, stages.length, stage.name);
    const began = performance.now();
    const current = objectiveValue(stage.objective, values);
    const ceiling = stage.ceiling?.(values, proven);
    const remaining = (deadline - began) / 1000;
    let report: StageReport;
    if (stage.objective.indices.length === 0) {
      // Nothing in the model touches this objective (e.g. no batch can run at all): its only value is 0.
      report = { name: stage.name, status: "optimal", value: 0, bound: 0, seconds: 0 };
    } else if (ceiling !== undefined && atCeiling(stage, current, ceiling)) {
      report = { name: stage.name, status: "reached-ceiling", value: current, bound: ceiling, seconds: 0 };
    } else if (remaining <= 0 || broken) {
      proven = false;
      report = { name: stage.name, status: "not-run", value: current, bound: Number.NaN, seconds: 0 };
    } else {
      const boosted = boosting && stage.boosted !== undefined;
      const result = solveOrFail(session, boosted && stage.boosted ? stage.boosted : stage.objective, {
        // Later stages get their share too, so a time limit leaves a schedule improved at every level.
        timeLimitSeconds: remaining / (stages.length - i),
        absoluteGap: stage.integral ? 0.999 : 1e-6,
        start: values,
      });
      if (result === "crashed") broken = true;
      if (result !== "crashed" && (result.status === "optimal" || result.status === "feasible"))
        values = result.values;
      const value = objectiveValue(stage.objective, values);
      if (result === "crashed" || result.status === "infeasible") {
        proven = false;
        report = {
          name: stage.name,
          status: "solver-error",
          value,
          bound: Number.NaN,
          seconds: seconds(began),
        };
      } else if (result.status === "optimal") {
        report = { name: stage.name, status: "optimal", value, bound: value, seconds: seconds(began) };
      } else {
        proven = false;
        const bound = result.status === "feasible" && !boosted ? result.bound : Number.NaN;
        report = { name: stage.name, status: "timedout", value, bound, seconds: seconds(began) };
      }
      // Once later stages fall short of their ceilings the budget binds, and boosting only slows the proofs.
      if (boosted)
        boosting = stages
          .slice(i + 1)
          .filter((later) => later.boosted !== undefined)
          .every((later) => reachedCeiling(later, values, proven));
    }
    reports.push(report);
    if (i < stages.length - 1 && !broken) hold(session, stage, report.value);
  });
  return { proven, values, stages: reports };
}

/** A backend that aborts (a WebAssembly instance that ran out of memory, say) ends the stages, not the solve. */
function solveOrFail(
  session: MipSession,
  objective: MipObjective,
  options: StageOptions,
): StageResult | "crashed" {
  try {
    return session.solve(objective, options);
  } catch {
    return "crashed";
  }
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

function reachedCeiling(stage: Stage, values: Float64Array, proven: boolean): boolean {
  const ceiling = stage.ceiling?.(values, proven);
  return ceiling !== undefined && atCeiling(stage, objectiveValue(stage.objective, values), ceiling);
}

function atCeiling(stage: Stage, value: number, ceiling: number): boolean {
  return stage.objective.sense === "max"
    ? value >= ceiling - HOLD_TOLERANCE
    : value <= ceiling + HOLD_TOLERANCE;
}

/** Later stages may not give back what this one won. */
function hold(session: MipSession, stage: Stage, value: number): void {
  // An unproven incumbent may carry fractional cadre flows; only the whole part is sure to be kept.
  const target = !stage.integral
    ? value
    : stage.objective.sense === "max"
      ? Math.floor(value + 1e-6)
      : Math.ceil(value - 1e-6);
  const { indices, values, sense } = stage.objective;
  if (indices.length === 0) return;
  session.addRow(
    sense === "max"
      ? {
          name: `hold_${stage.name}`,
          lower: target - HOLD_TOLERANCE,
          upper: Number.POSITIVE_INFINITY,
          indices,
          values,
        }
      : {
          name: `hold_${stage.name}`,
          lower: Number.NEGATIVE_INFINITY,
          upper: target + HOLD_TOLERANCE,
          indices,
          values,
        },
  );
}

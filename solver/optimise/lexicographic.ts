import { type MipObjective, type MipSession, objectiveValue } from "../mip/types.js";

// RULES.md §6 is lexicographic: each objective is optimised with every earlier one held at its optimum.
// Exact, unlike a weighted sum, and each stage starts from the last stage's answer, which stays feasible.

export interface Stage {
  name: string;
  objective: MipObjective;
  /** The objective only takes whole values, so a gap below 1 is a proof. */
  integral: boolean;
  /** A bound known in advance (e.g. every eligible cadre of the tier): reaching it ends the stage unsolved. */
  ceiling?: number | undefined;
}

export interface StageReport {
  name: string;
  status: "optimal" | "reached-ceiling" | "timedout" | "not-run";
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
  const reports: StageReport[] = [];
  stages.forEach((stage, i) => {
    onStage?.(i, stages.length, stage.name);
    const began = performance.now();
    const current = objectiveValue(stage.objective, values);
    const seconds = () => (performance.now() - began) / 1000;
    let report: StageReport;
    const remaining = (deadline - performance.now()) / 1000;
    if (stage.ceiling !== undefined && current >= stage.ceiling - HOLD_TOLERANCE) {
      report = {
        name: stage.name,
        status: "reached-ceiling",
        value: current,
        bound: stage.ceiling,
        seconds: 0,
      };
    } else if (remaining <= 0) {
      proven = false;
      report = { name: stage.name, status: "not-run", value: current, bound: Number.NaN, seconds: 0 };
    } else {
      const result = session.solve(stage.objective, {
        timeLimitSeconds: remaining,
        absoluteGap: stage.integral ? 0.999 : 1e-6,
        start: values,
      });
      if (result.status === "infeasible")
        throw new Error(`stage ${stage.name}: the previous answer was feasible`);
      if (result.status === "optimal") {
        values = result.values;
        report = {
          name: stage.name,
          status: "optimal",
          value: result.objective,
          bound: result.objective,
          seconds: seconds(),
        };
      } else {
        proven = false;
        if (result.status === "feasible" && better(stage.objective, result.objective, current))
          values = result.values;
        const bound = result.status === "feasible" ? result.bound : Number.NaN;
        report = {
          name: stage.name,
          status: "timedout",
          value: objectiveValue(stage.objective, values),
          bound,
          seconds: seconds(),
        };
      }
    }
    reports.push(report);
    if (i < stages.length - 1) hold(session, stage, report.value);
  });
  return { proven, values, stages: reports };
}

function better(objective: MipObjective, candidate: number, incumbent: number): boolean {
  return objective.sense === "max" ? candidate > incumbent : candidate < incumbent;
}

/** Later stages may not give back what this one won. */
function hold(session: MipSession, stage: Stage, value: number): void {
  const target = stage.integral ? Math.round(value) : value;
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

import highsModule, { type Highs, type InitOptions } from "highs";
import type {
  MipBackend,
  MipModel,
  MipObjective,
  MipRow,
  MipSession,
  StageOptions,
  StageResult,
} from "./types.js";

type Loader = (options?: InitOptions) => Promise<Highs>;
// The package's types describe a CommonJS default export while Node's ESM import hands over the function itself.
const loadHighs: Loader =
  (highsModule as unknown as { default?: Loader }).default ?? (highsModule as unknown as Loader);
type HighsModel = ReturnType<Highs["createModel"]>;

let shared: Promise<Highs> | null = null;
const PRESOLVE_OFF_UP_TO_COLUMNS = 20_000;

/** One WebAssembly instance per thread, loaded on first use. */
function instance(): Promise<Highs> {
  if (shared === null) shared = loadHighs();
  return shared;
}

/** A WebAssembly instance that erred may hold corrupt state: throw it away so the next solve loads a fresh one. */
function discardInstance(): void {
  shared = null;
}

function toCsr(model: MipModel) {
  const starts = new Int32Array(model.rows.length + 1);
  let nonzeros = 0;
  model.rows.forEach((row, i) => {
    starts[i] = nonzeros;
    nonzeros += row.indices.length;
  });
  starts[model.rows.length] = nonzeros;
  const indices = new Int32Array(nonzeros);
  const values = new Float64Array(nonzeros);
  let k = 0;
  for (const row of model.rows)
    row.indices.forEach((col, j) => {
      indices[k] = col;
      values[k] = row.values[j] ?? 0;
      k++;
    });
  return {
    format: "csr" as const,
    numRows: model.rows.length,
    numCols: model.columns.length,
    starts,
    indices,
    values,
  };
}

class HighsSession implements MipSession {
  constructor(
    private readonly highs: Highs,
    private readonly model: HighsModel,
    private readonly numCols: number,
  ) {}

  solve(objective: MipObjective, options: StageOptions): StageResult {
    const { highs, model } = this;
    const costs = new Float64Array(this.numCols);
    objective.indices.forEach((col, i) => {
      costs[col] = objective.values[i] ?? 0;
    });
    try {
      model.changeColsCost({ kind: "range", from: 0, to: this.numCols - 1 }, costs);
      model.changeObjectiveSense(
        objective.sense === "max"
          ? highs.constants.objectiveSense.maximize
          : highs.constants.objectiveSense.minimize,
      );
      model.options.set({
        time_limit: Math.max(options.timeLimitSeconds, 0.01),
        mip_rel_gap: 0,
        mip_abs_gap: options.absoluteGap,
      });
      model.zeroAllClocks();
      if (options.start) model.setSolution({ colValue: options.start });
      const { modelStatus } = model.run();
      const codes = highs.constants.modelStatus;
      if (modelStatus === codes.infeasible) return { status: "infeasible" };
      const hasSolution = model.info.get("primal_solution_status") === 2;
      if (!hasSolution) return { status: "nosolution" };
      const values = model.getSolution().colValue.slice();
      const value = model.getObjectiveValue();
      if (modelStatus === codes.optimal) return { status: "optimal", values, objective: value };
      return {
        status: "feasible",
        values,
        objective: value,
        bound: Number(model.info.get("mip_dual_bound")),
      };
    } catch (error) {
      discardInstance();
      throw error;
    }
  }

  addRow(row: MipRow): void {
    this.model.addRow(row.lower, row.upper, {
      indices: Int32Array.from(row.indices),
      values: Float64Array.from(row.values),
    });
  }

  dispose(): void {
    // After an abort the instance is already gone; there is nothing left to free.
    try {
      this.model.dispose();
    } catch {}
  }
}

/** HiGHS in WebAssembly: a persistent model, so later lexicographic stages reuse it and start from the last answer. */
export async function highsBackend(): Promise<MipBackend> {
  const highs = await instance();
  return {
    name: "highs",
    open(mip: MipModel): MipSession {
      const model = highs.createModel();
      try {
        // Presolve off on city-sized models: every lexicographic stage would presolve the whole model
        // again, and there it costs more than it saves. On province-sized models HiGHS 1.15 aborted without
        // it in the cost stage, so there it stays on (bench/RESULTS.md).
        model.options.set({
          output_flag: false,
          random_seed: 0,
          presolve: mip.columns.length <= PRESOLVE_OFF_UP_TO_COLUMNS ? "off" : "on",
        });
        model.passModel({
          numCols: mip.columns.length,
          numRows: mip.rows.length,
          colCost: new Float64Array(mip.columns.length),
          colLower: Float64Array.from(mip.columns, (c) =>
            c.lower === -Infinity ? -highs.infinity : c.lower,
          ),
          colUpper: Float64Array.from(mip.columns, (c) => (c.upper === Infinity ? highs.infinity : c.upper)),
          rowLower: Float64Array.from(mip.rows, (r) => (r.lower === -Infinity ? -highs.infinity : r.lower)),
          rowUpper: Float64Array.from(mip.rows, (r) => (r.upper === Infinity ? highs.infinity : r.upper)),
          matrix: toCsr(mip),
          integrality: Int32Array.from(mip.columns, (c) => (c.integer ? 1 : 0)),
        });
      } catch (error) {
        model.dispose();
        discardInstance();
        throw error;
      }
      return new HighsSession(highs, model, mip.columns.length);
    },
  };
}

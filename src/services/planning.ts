import {
  CANDIDATES,
  type Candidate,
  type KnownCoverage,
  type LeastBudget,
  type ScheduleKpis,
  type ScheduleStatus,
} from "../../solver/index.js";
import type { WhatIfScenario } from "../contract/index.js";
import type { JobRecipe, JobSpec } from "../jobs/pool.js";
import type { NewSchedule } from "../storage/storage.js";
import { newId } from "../support/ids.js";
import { textTable } from "../support/text-table.js";

// The planner's solves as pool jobs: the candidates, budget sweeps and scenarios; what each computes and the
// result it stores. The worker side of these tasks is planning-tasks.ts.

/**
 * `planPatch` is a merge patch (src/contract/merge-patch.ts) the worker applies to the job's plan first; the
 * caller has checked that the patched plan meets the contract.
 */
export type PlanningTask =
  | {
      kind: "solve";
      candidate: Candidate;
      scheduleId: string;
      /** A what-if run's label, stored with the schedule. */
      run?: string | undefined;
      planPatch?: Record<string, unknown> | undefined;
      /** `later`: stored at once, its BUDGET / CAPACITY / STAFF reasons left for an explain task. */
      reasons?: "later" | undefined;
      /** A what-if budget's coverage and schedule from the plan's frontier (SolveOptions.known). */
      known?: KnownCoverage | undefined;
    }
  | { kind: "least-budget"; planPatch?: Record<string, unknown> | undefined }
  | {
      kind: "explain";
      /** A schedule stored with its reasons pending, and the patch that made its plan from the job's. */
      scheduleJson: string;
      planPatch?: Record<string, unknown> | undefined;
      /** What its solve was told of the frontier: the re-solve must be told the same to give the same batches. */
      known?: KnownCoverage | undefined;
    };

export type PlanningOutcome =
  | { kind: "solve"; schedule: NewSchedule; kpis: ScheduleKpis }
  | { kind: "least-budget"; leastBudget: LeastBudget[] }
  /** `json`: the schedule with its reasons; null when its plan has changed since and it cannot be explained. */
  | { kind: "explain"; scheduleId: string; json: string | null };

type Solved = Extract<PlanningOutcome, { kind: "solve" }>;

export interface CandidateEntry {
  candidate: string;
  scheduleId: string;
  status: ScheduleStatus;
  kpis: ScheduleKpis;
}

/** A solve job's result: `scheduleIds` (priority first) is added by storage. */
export interface SolveResult {
  candidates: CandidateEntry[];
}

export interface RunFigures {
  scheduleId: string;
  status: ScheduleStatus;
  scheduledByTier: number[];
  scheduled: number;
  totalCost: number;
  batches: number;
  kpis: ScheduleKpis;
}

export interface BudgetRun extends RunFigures {
  budget: number;
  /** Δ totalCost ÷ Δ scheduled against the run before (budgets ascending); null first or when Δ scheduled is 0. */
  marginalCostPerCadre: number | null;
}

export interface BudgetSweepResult {
  runs: BudgetRun[];
  leastBudgetForTiers: LeastBudget[];
  /** The digest of the stored plan the least budgets answer (not served): later sweeps reuse them. */
  leastBudgetPlan: string;
}

export interface ExplainResult {
  explainedScheduleIds: string[];
}

export interface ScenarioResult {
  runs: (RunFigures & { name: string })[];
}

function solved(outcomes: readonly PlanningOutcome[]): Solved[] {
  return outcomes.filter((o): o is Solved => o.kind === "solve");
}

function figures({ schedule, kpis }: Solved): RunFigures {
  return {
    scheduleId: schedule.id,
    status: schedule.status,
    scheduledByTier: schedule.summary.scheduledByTier,
    scheduled: schedule.summary.scheduled,
    totalCost: schedule.summary.totalCost,
    batches: kpis.batches,
    kpis,
  };
}

export function candidateEntries(outcomes: readonly PlanningOutcome[]): CandidateEntry[] {
  return solved(outcomes).map(({ schedule, kpis }) => ({
    candidate: schedule.candidate,
    scheduleId: schedule.id,
    status: schedule.status,
    kpis,
  }));
}

/** Every candidate of stages.ts, priority first; each task has the pool's full time limit. */
export function solveJob(): JobSpec<PlanningOutcome, PlanningTask> {
  return {
    kind: "solve",
    recipe: { name: "solve" },
    tasks: CANDIDATES.map((candidate) => ({ kind: "solve", candidate, scheduleId: newId("sch") })),
    result: (outcomes): Record<string, unknown> & SolveResult => ({ candidates: candidateEntries(outcomes) }),
  };
}

/**
 * What-if schedules are priority schedules of a patched plan: the schedule's own `candidate` stays
 * `priority` (it is one), and storage keeps the run's label and patch beside it.
 */
function whatIfSolve(
  run: string,
  planPatch: Record<string, unknown>,
  reasons?: "later" | undefined,
  known?: KnownCoverage | undefined,
): PlanningTask {
  return { kind: "solve", candidate: "priority", scheduleId: newId("sch"), run, planPatch, reasons, known };
}

/** Δ cost ÷ Δ scheduled to the fen; null where nothing more (or fewer) is scheduled. */
function marginalCost(previous: RunFigures | undefined, run: RunFigures): number | null {
  if (previous === undefined || run.scheduled === previous.scheduled) return null;
  return (
    Math.round(((run.totalCost - previous.totalCost) / (run.scheduled - previous.scheduled)) * 100) / 100
  );
}

/** The least budgets per tier prefix a sweep answers, and the stored plan (its digest) they belong to. */
export interface LeastBudgets {
  plan: string;
  /** Already computed for this plan (by an earlier sweep); absent: the sweep computes them as one more task. */
  known?: LeastBudget[] | undefined;
}

/**
 * One priority solve per budget (ascending), each stored at once with its resource reasons left for later
 * (`stored` is told the schedules and the result), and the exact least budget per tier prefix, computed
 * only when `least` does not know them yet.
 */
export function budgetSweepJob(
  budgets: readonly number[],
  least: LeastBudgets,
  recipe: JobRecipe,
  stored?: (scheduleIds: readonly string[], result: BudgetSweepResult) => void,
  /** Per budget, what the plan's frontier knows of it (null: nothing, the budget is solved in full). */
  known: readonly (KnownCoverage | null)[] = [],
): JobSpec<PlanningOutcome, PlanningTask> {
  return {
    kind: "what-if",
    recipe,
    tasks: [
      ...budgets.map((budget, i) =>
        whatIfSolve(`budget=${budget}`, { budget: { total: budget } }, "later", known[i] ?? undefined),
      ),
      ...(least.known ? [] : [{ kind: "least-budget" as const }]),
    ],
    result: (outcomes): Record<string, unknown> & BudgetSweepResult => {
      const runs = solved(outcomes).map(figures);
      return {
        runs: runs.map((run, i) => ({
          budget: budgets[i] ?? 0,
          ...run,
          marginalCostPerCadre: marginalCost(runs[i - 1], run),
        })),
        leastBudgetForTiers:
          least.known ?? outcomes.flatMap((o) => (o.kind === "least-budget" ? o.leastBudget : [])),
        leastBudgetPlan: least.plan,
      };
    },
    stored: (result, outcomes) =>
      stored?.(
        solved(outcomes).map((o) => o.schedule.id),
        result as unknown as BudgetSweepResult,
      ),
  };
}

/** The reasons of schedules stored with theirs pending: work nobody waits for, after every other job. */
export function explainJob(
  tasks: readonly Extract<PlanningTask, { kind: "explain" }>[],
  recipe: JobRecipe,
  stored: (outcomes: readonly PlanningOutcome[]) => void,
): JobSpec<PlanningOutcome, PlanningTask> {
  return {
    kind: "explain",
    recipe,
    background: true,
    tasks,
    result: (outcomes): Record<string, unknown> & ExplainResult => ({
      explainedScheduleIds: outcomes.flatMap((o) => (o.kind === "explain" && o.json ? [o.scheduleId] : [])),
    }),
    stored: (_, outcomes) => stored(outcomes),
  };
}

/** One priority solve per scenario, in the order given. */
export function scenarioJob(scenarios: readonly WhatIfScenario[]): JobSpec<PlanningOutcome, PlanningTask> {
  return {
    kind: "what-if",
    recipe: { name: "scenarios", args: scenarios },
    tasks: scenarios.map(({ name, patch }) => whatIfSolve(`scenario=${name}`, patch)),
    result: (outcomes): Record<string, unknown> & ScenarioResult => ({
      runs: solved(outcomes).map((run, i) => ({ name: scenarios[i]?.name ?? "", ...figures(run) })),
    }),
  };
}

const KPI_ROWS: readonly (keyof ScheduleKpis)[] = [
  "scheduled",
  "coverageByTier",
  "totalCost",
  "budgetLeft",
  "batches",
  "staffDays",
  "systemVenueShare",
  "countiesReached",
];

/** Candidates side by side as plain text: one row per KPI, one column per candidate. */
export function candidateTable(candidates: readonly CandidateEntry[]): string {
  // A tier with nobody eligible has no coverage: shown as a dash, not as an empty cell.
  const cell = (value: unknown) =>
    Array.isArray(value) ? value.map((v) => (v === null ? "–" : String(v))).join(" / ") : String(value);
  const rows = [
    ["", ...candidates.map((c) => c.candidate)],
    ["status", ...candidates.map((c) => c.status)],
    ...KPI_ROWS.map((kpi) => [kpi, ...candidates.map((c) => cell(c.kpis[kpi]))]),
  ];
  return textTable(rows);
}

import type { Backend, Candidate, LeastBudget, ScheduleKpis, SolveProgress } from "../../solver/index.js";
import type { ReplanResult } from "../replan/compute.js";
import type { NewSchedule } from "../storage/storage.js";
import { workerModule } from "../worker-module.js";

// Messages between the pool and a solve worker. Plans and schedules cross as JSON text: the worker parses
// and serialises them, so the HTTP thread does neither for a solve.

export const SOLVE_WORKER_URL = workerModule("jobs/solve-worker.js");

/**
 * One unit of a job's work; a job's tasks may run on different workers at once. `planPatch` is a merge patch
 * (src/merge-patch.ts) the worker applies to the job's plan first; the caller has checked that the patched
 * plan meets the contract.
 */
export type Task =
  | {
      kind: "solve";
      candidate: Candidate;
      scheduleId: string;
      /** A what-if run's label, stored with the schedule. */
      run?: string | undefined;
      planPatch?: Record<string, unknown> | undefined;
    }
  | { kind: "least-budget"; planPatch?: Record<string, unknown> | undefined }
  /** A nightly replan (src/replan/compute.ts): `inputJson` is a ReplanInput, applied to the stored plan. */
  | { kind: "replan"; inputJson: string };

export type TaskOutcome =
  | { kind: "solve"; schedule: NewSchedule; kpis: ScheduleKpis }
  | { kind: "least-budget"; leastBudget: LeastBudget[] }
  | { kind: "replan"; schedule: NewSchedule; result: ReplanResult };

export interface TaskRequest {
  /** Unique per dispatch: answers for a task that was given up are told apart from the current one's. */
  taskId: string;
  planId: string;
  planJson: string;
  task: Task;
  /** The task's own limit, not shared with the job's other tasks. */
  timeLimitSeconds: number;
  /** The solver's default when absent. */
  backend?: Backend | undefined;
}

export type WorkerMessage =
  | { type: "ready" }
  | { type: "progress"; taskId: string; progress: SolveProgress }
  | { type: "done"; taskId: string; outcome: TaskOutcome }
  | { type: "failed"; taskId: string; error: string };

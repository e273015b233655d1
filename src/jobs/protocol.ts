import type { Backend, SolveProgress } from "../../solver/index.js";
import type { NewSchedule } from "../storage/storage.js";

// Messages between the pool and a worker thread. The pool knows tasks only by their `kind`: each feature
// (src/services) names its tasks, and the worker's task table (src/services/solve-worker.ts) runs them.
// Plans and schedules cross as JSON text: the worker parses and serialises them, so the HTTP thread does
// neither for a solve.

/** One unit of a job's work; a job's tasks may run on different workers at once. */
export interface Task {
  kind: string;
}

/** What a task answers; a schedule it made is stored with the job, in task order. */
export interface TaskOutcome {
  kind: string;
  schedule?: NewSchedule | undefined;
}

export interface TaskRequest<T extends Task = Task> {
  /** Unique per dispatch: answers for a task that was given up are told apart from the current one's. */
  taskId: string;
  planId: string;
  planJson: string;
  task: T;
  /** The task's own limit, not shared with the job's other tasks. */
  timeLimitSeconds: number;
  /** The solver's default when absent. */
  backend?: Backend | undefined;
  /** The task ran before and gave up its worker: its last checkpoint (TaskProgress), to go on from there. */
  resume?: unknown;
}

/**
 * A task's progress; `partial` is what it has found so far, where it has something to show (the frontier's
 * steps); `checkpoint`, where it stands, for a task that can go on from there (TaskRequest.resume).
 */
export interface TaskProgress extends SolveProgress {
  partial?: unknown;
  checkpoint?: unknown;
}

export type WorkerMessage =
  | { type: "ready" }
  | { type: "progress"; taskId: string; progress: TaskProgress }
  | { type: "done"; taskId: string; outcome: TaskOutcome }
  | { type: "failed"; taskId: string; error: string };

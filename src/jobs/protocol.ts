import type { Backend, SolveProgress } from "../../solver/index.js";
import type { NewSchedule } from "../storage/storage.js";

// Messages between the pool and a solve worker. Plans and schedules cross as JSON text: the worker parses
// and serialises them, so the HTTP thread does neither for a solve.

// Workers always run compiled JS. Under vitest this module runs from its TS source, so it points at the
// build (`npm test` builds first).
export const SOLVE_WORKER_URL = import.meta.url.endsWith(".ts")
  ? new URL("../../dist/src/jobs/solve-worker.js", import.meta.url)
  : new URL("./solve-worker.js", import.meta.url);

export interface SolveRequest {
  jobId: string;
  planId: string;
  planJson: string;
  /** Schedules to compute, in order; each becomes one schedule of the job's result. */
  solves: readonly { candidate: string; scheduleId: string }[];
  /** For the whole request, shared evenly by the solves. */
  timeLimitSeconds: number;
  /** The solver's default when absent. */
  backend?: Backend | undefined;
}

export type WorkerMessage =
  | { type: "ready" }
  | { type: "progress"; jobId: string; progress: SolveProgress }
  | { type: "done"; jobId: string; schedules: NewSchedule[] }
  | { type: "failed"; jobId: string; error: string };

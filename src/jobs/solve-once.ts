import { Worker } from "node:worker_threads";
import type { Plan, Schedule, SolveOptions } from "../../solver/index.js";
import { SOLVE_WORKER_URL, type SolveRequest, type WorkerMessage } from "./protocol.js";

/** Past the solver's own limit, how long a worker may go on before it is terminated. */
const GRACE_SECONDS = 30;
const DEFAULT_TIME_LIMIT_SECONDS = 60;

/**
 * One solve off the main thread, for the command line: the same worker the service's pool runs, with a hard
 * limit that terminates it should the solver overrun its own time limit.
 */
export async function solveInWorker(
  plan: Plan,
  options: Omit<SolveOptions, "onProgress">,
): Promise<Schedule> {
  const timeLimitSeconds = options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS;
  const request: SolveRequest = {
    jobId: options.scheduleId,
    planId: options.planId,
    planJson: JSON.stringify(plan),
    solves: [{ candidate: options.candidate ?? "priority", scheduleId: options.scheduleId }],
    timeLimitSeconds,
    backend: options.backend,
  };
  const worker = new Worker(SOLVE_WORKER_URL);
  const hardLimit = setTimeout(() => void worker.terminate(), (timeLimitSeconds + GRACE_SECONDS) * 1000);
  try {
    return await new Promise<Schedule>((resolve, reject) => {
      worker.on("message", (message: WorkerMessage) => {
        if (message.type === "ready") worker.postMessage(request);
        else if (message.type === "done" && message.schedules[0])
          resolve(JSON.parse(message.schedules[0].json) as Schedule);
        else if (message.type === "failed") reject(new Error(message.error));
      });
      worker.on("error", reject);
      worker.on("exit", (code) => reject(new Error(`the solver stopped (exit ${code}) past its time limit`)));
    });
  } finally {
    clearTimeout(hardLimit);
    await worker.terminate();
  }
}

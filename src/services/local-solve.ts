import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import {
  type Backend,
  CANDIDATES,
  type Frontier,
  type Plan,
  type Schedule,
  type SolveOptions,
} from "../../solver/index.js";
import type { TaskRequest, WorkerMessage } from "../jobs/protocol.js";
import { scheduleFromStored } from "../storage/stored.js";
import { SOLVE_WORKER_URL } from "../support/worker-module.js";
import { FRONTIER_TIME_LIMIT_SECONDS, frontierParts, joinedFrontier } from "./frontier.js";
import type { FrontierOutcome, FrontierTask } from "./frontier-task.js";
import {
  type CandidateEntry,
  candidateEntries,
  type PlanningOutcome,
  type PlanningTask,
} from "./planning.js";

// Solves off the main thread for the command line: the same worker the service's pool runs, each task with a
// hard limit that terminates its worker should the solver overrun its own time limit.

/** Past the solver's own limit, how long a worker may go on before it is terminated. */
const GRACE_SECONDS = 30;
const DEFAULT_TIME_LIMIT_SECONDS = 60;

interface RunOptions {
  planId: string;
  timeLimitSeconds?: number | undefined;
  backend?: Backend | undefined;
  /** Past the solver's own limit, how long before the worker is terminated (default 30 s). */
  graceSeconds?: number | undefined;
}

function runOne(
  worker: Worker,
  request: TaskRequest<PlanningTask | FrontierTask>,
  graceSeconds: number,
): Promise<PlanningOutcome | FrontierOutcome> {
  return new Promise<PlanningOutcome | FrontierOutcome>((resolve, reject) => {
    let overran = false;
    const hardLimit = setTimeout(
      () => {
        overran = true;
        void worker.terminate();
      },
      (request.timeLimitSeconds + graceSeconds) * 1000,
    );
    const settle = (finish: () => void) => {
      clearTimeout(hardLimit);
      worker.off("message", onMessage).off("error", onError).off("exit", onExit);
      finish();
    };
    const onMessage = (message: WorkerMessage) => {
      if (message.type === "done" && message.taskId === request.taskId)
        // A task answers with its kind's outcome (planning-tasks.ts, frontier-task.ts).
        settle(() => resolve(message.outcome as PlanningOutcome | FrontierOutcome));
      else if (message.type === "failed" && message.taskId === request.taskId)
        settle(() => reject(new Error(message.error)));
    };
    const onError = (error: Error) => settle(() => reject(error));
    const onExit = (code: number) =>
      settle(() =>
        reject(
          new Error(
            overran ? "the solver overran its time limit and was stopped" : `the solver exited (${code})`,
          ),
        ),
      );
    worker.on("message", onMessage).on("error", onError).on("exit", onExit);
    worker.postMessage(request);
  });
}

/** Runs the tasks on up to `availableParallelism()` workers at once; outcomes in task order. */
export async function runInWorkers(
  plan: Plan,
  tasks: readonly (PlanningTask | FrontierTask)[],
  options: RunOptions,
): Promise<(PlanningOutcome | FrontierOutcome)[]> {
  const planJson = JSON.stringify(plan);
  const requests: TaskRequest<PlanningTask | FrontierTask>[] = tasks.map((task, i) => ({
    taskId: String(i),
    planId: options.planId,
    planJson,
    task,
    timeLimitSeconds: options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS,
    backend: options.backend,
  }));
  const outcomes: (PlanningOutcome | FrontierOutcome)[] = [];
  const workers = Array.from(
    { length: Math.min(requests.length, availableParallelism()) },
    () => new Worker(SOLVE_WORKER_URL),
  );
  let next = 0;
  try {
    await Promise.all(
      workers.map(async (worker) => {
        for (let i = next++; i < requests.length; i = next++) {
          const request = requests[i];
          if (request) outcomes[i] = await runOne(worker, request, options.graceSeconds ?? GRACE_SECONDS);
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return outcomes;
}

/** One solve (`solve` command). */
export async function solveInWorker(
  plan: Plan,
  options: Omit<SolveOptions, "onProgress"> & Pick<RunOptions, "graceSeconds">,
): Promise<Schedule> {
  const candidate = CANDIDATES.find((c) => c === (options.candidate ?? "priority"));
  if (candidate === undefined) throw new RangeError(`unknown candidate: ${options.candidate}`);
  const [outcome] = await runInWorkers(
    plan,
    [{ kind: "solve", candidate, scheduleId: options.scheduleId }],
    options,
  );
  if (outcome?.kind !== "solve") throw new Error("the worker answered a solve with something else");
  return scheduleFromStored(outcome.schedule.json);
}

/** Every candidate, priority first, spread over the workers (`compare` command); ids `PLANID-CANDIDATE`. */
export async function solveCandidatesInWorkers(plan: Plan, options: RunOptions): Promise<CandidateEntry[]> {
  const tasks: PlanningTask[] = CANDIDATES.map((candidate) => ({
    kind: "solve",
    candidate,
    scheduleId: `${options.planId}-${candidate}`,
  }));
  const outcomes = await runInWorkers(plan, tasks, options);
  return candidateEntries(
    outcomes.filter((o): o is PlanningOutcome => o.kind !== "frontier" && o.kind !== "places"),
  );
}

/** The plan's budget frontier (`frontier` command), its parts at once, its time limit the service's unless one is given. */
export async function frontierInWorkers(plan: Plan, options: RunOptions): Promise<Frontier> {
  const outcomes = await runInWorkers(
    plan,
    frontierParts({ kind: "frontier", events: [], versionJson: null }),
    {
      ...options,
      timeLimitSeconds: options.timeLimitSeconds ?? FRONTIER_TIME_LIMIT_SECONDS,
    },
  );
  return joinedFrontier(outcomes);
}

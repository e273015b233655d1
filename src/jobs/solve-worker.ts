import { getPriority, setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import {
  leastBudgetForTiers,
  type Plan,
  type ScheduleKpis,
  type SolveProgress,
  solvePlan,
} from "../../solver/index.js";
import { applyMergePatch } from "../contract/merge-patch.js";
import { replanTask } from "../replan/compute.js";
import type { TaskOutcome, TaskRequest, WorkerMessage } from "./protocol.js";

// A worker thread of the solve pool: takes one task at a time and answers with its outcome. The worker lives
// on between tasks, so the solver (HiGHS's WebAssembly) is loaded once, not per task.

if (parentPort === null) throw new Error("solve-worker.js runs only as a worker thread");
const port = parentPort;

// Linux keeps a nice value per thread: solves yield the cores to the HTTP thread, so requests are answered
// promptly while every worker is busy. Where that is refused, solves run at the process's priority.
const SOLVE_NICENESS = 10;
try {
  setPriority(Math.min(19, getPriority() + SOLVE_NICENESS));
} catch {}

function post(message: WorkerMessage): void {
  port.postMessage(message);
}

async function run({
  taskId,
  planId,
  planJson,
  task,
  timeLimitSeconds,
  backend,
}: TaskRequest): Promise<TaskOutcome> {
  if (task.kind === "replan") {
    const onProgress = (progress: SolveProgress) => post({ type: "progress", taskId, progress });
    return {
      kind: "replan",
      ...(await replanTask(planJson, task.inputJson, { timeLimitSeconds, backend, onProgress })),
    };
  }
  // The plan passed the contract when it was stored, and the patched one before the job was queued.
  const stored: unknown = JSON.parse(planJson);
  const plan = (task.planPatch ? applyMergePatch(stored, task.planPatch) : stored) as Plan;
  if (task.kind === "least-budget") {
    return {
      kind: "least-budget",
      leastBudget: await leastBudgetForTiers(plan, { backend, timeLimitSeconds }),
    };
  }
  const schedule = await solvePlan(plan, {
    planId,
    scheduleId: task.scheduleId,
    candidate: task.candidate,
    timeLimitSeconds,
    backend,
    onProgress: (progress) => post({ type: "progress", taskId, progress }),
  });
  return {
    kind: "solve",
    schedule: {
      id: task.scheduleId,
      candidate: task.candidate,
      status: schedule.status,
      summary: schedule.summary,
      json: JSON.stringify(schedule),
      run: task.run,
      planPatch: task.planPatch && JSON.stringify(task.planPatch),
    },
    // Every schedule solvePlan returns carries its KPIs; the Schedule type has them under its index signature.
    kpis: schedule.kpis as ScheduleKpis,
  };
}

port.on("message", (request: TaskRequest) => {
  run(request).then(
    (outcome) => post({ type: "done", taskId: request.taskId, outcome }),
    (error: unknown) =>
      post({
        type: "failed",
        taskId: request.taskId,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});

post({ type: "ready" });

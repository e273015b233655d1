import { parentPort } from "node:worker_threads";
import { type Plan, solvePlan } from "../../solver/index.js";
import type { NewSchedule } from "../storage/storage.js";
import type { SolveRequest, WorkerMessage } from "./protocol.js";

// A worker thread of the solve pool: takes one request at a time and answers with schedules as JSON.

if (parentPort === null) throw new Error("solve-worker.js runs only as a worker thread");
const port = parentPort;

function post(message: WorkerMessage): void {
  port.postMessage(message);
}

async function solve(request: SolveRequest): Promise<NewSchedule[]> {
  // The plan passed the contract when it was stored.
  const plan = JSON.parse(request.planJson) as Plan;
  const count = request.solves.length;
  const schedules: NewSchedule[] = [];
  for (const [index, { candidate, scheduleId }] of request.solves.entries()) {
    const schedule = await solvePlan(plan, {
      planId: request.planId,
      scheduleId,
      candidate,
      timeLimitSeconds: request.timeLimitSeconds / count,
      backend: request.backend,
      onProgress: ({ stage, fraction }) =>
        post({
          type: "progress",
          jobId: request.jobId,
          progress: { stage, fraction: (index + fraction) / count },
        }),
    });
    schedules.push({
      id: scheduleId,
      candidate,
      status: schedule.status,
      summary: schedule.summary,
      json: JSON.stringify(schedule),
    });
  }
  return schedules;
}

port.on("message", (request: SolveRequest) => {
  solve(request).then(
    (schedules) => post({ type: "done", jobId: request.jobId, schedules }),
    (error: unknown) =>
      post({
        type: "failed",
        jobId: request.jobId,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});

post({ type: "ready" });

import { getPriority, setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import type { Task, TaskOutcome, TaskProgress, TaskRequest, WorkerMessage } from "./protocol.js";

// The life of a worker thread of the pool: it takes one task at a time, runs it through the task table it
// was given, and answers with its outcome. The worker lives on between tasks, so the solver (HiGHS's
// WebAssembly) is loaded once, not per task.

/** Runs one kind of task; `progress` reports the solver's progress to the pool. */
export type TaskHandler<T extends Task = Task> = (
  request: TaskRequest<T>,
  progress: (progress: TaskProgress) => void,
) => Promise<TaskOutcome>;

// Linux keeps a nice value per thread: solves yield the cores to the HTTP thread, so requests are answered
// promptly while every worker is busy. Where that is refused, solves run at the process's priority.
const SOLVE_NICENESS = 10;

/** Serves the pool's task requests on this worker thread, dispatching on each task's `kind`. */
export function serveTasks(table: Readonly<Record<string, TaskHandler<never>>>): void {
  if (parentPort === null) throw new Error("a task worker runs only as a worker thread");
  const port = parentPort;
  try {
    setPriority(Math.min(19, getPriority() + SOLVE_NICENESS));
  } catch {}
  const post = (message: WorkerMessage) => port.postMessage(message);

  port.on("message", (request: TaskRequest) => {
    const handler = table[request.task.kind];
    const running =
      handler === undefined
        ? Promise.reject(new Error(`no handler for task kind ${request.task.kind}`))
        : // The table maps each kind to the handler of that kind's tasks.
          handler(request as TaskRequest<never>, (progress) =>
            post({ type: "progress", taskId: request.taskId, progress }),
          );
    running.then(
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
}

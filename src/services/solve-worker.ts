import { serveTasks } from "../jobs/worker.js";
import { frontierTaskHandler } from "./frontier-task.js";
import { explainTask, leastBudgetTask, solveTask } from "./planning-tasks.js";
import { replanTaskHandler } from "./replanning-task.js";

// The solve pool's worker thread: every kind of task a feature queues, and who runs it.
serveTasks({
  solve: solveTask,
  "least-budget": leastBudgetTask,
  explain: explainTask,
  replan: replanTaskHandler,
  frontier: frontierTaskHandler,
  places: frontierTaskHandler,
});

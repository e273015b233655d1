import {
  explainSchedule,
  leastBudgetForTiers,
  ScheduleChangedError,
  type ScheduleKpis,
  solvePlan,
} from "../../solver/index.js";
import type { PlanInput } from "../contract/index.js";
import type { TaskHandler } from "../jobs/worker.js";
import { patchedPlan, planFromStored, scheduleFromStored } from "../storage/stored.js";
import type { PlanningOutcome, PlanningTask } from "./planning.js";

type Of<K extends PlanningTask["kind"]> = Extract<PlanningTask, { kind: K }>;

// The worker's side of the planning tasks (planning.ts queues them): a candidate's solve and the least budget
// per tier prefix and the reasons of a schedule stored without them, each on the job's plan with the task's patch applied.

/**
 * The job's plan, parsed once per worker for the runs of a what-if job: a budget's patch then leaves every
 * other part of the plan the same objects, and the core keeps that plan's model loaded (solvePlan).
 */
let parsed: { json: string; plan: PlanInput } | undefined;

function planOf(planJson: string, patch: Record<string, unknown> | undefined): PlanInput {
  if (parsed?.json !== planJson) parsed = { json: planJson, plan: planFromStored(planJson) };
  return patchedPlan(parsed.plan, patch);
}

/** One candidate's solve; its schedule is stored with the job. */
export const solveTask: TaskHandler<Of<"solve">> = async (request, progress): Promise<PlanningOutcome> => {
  const { task } = request;
  const schedule = await solvePlan(planOf(request.planJson, task.planPatch), {
    planId: request.planId,
    scheduleId: task.scheduleId,
    candidate: task.candidate,
    timeLimitSeconds: request.timeLimitSeconds,
    backend: request.backend,
    onProgress: progress,
    reasons: task.reasons,
    known: task.known,
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
};

/** The exact least budget at which tiers 1..k reach their most coverage, for every k. */
export const leastBudgetTask: TaskHandler<Of<"least-budget">> = async (request): Promise<PlanningOutcome> => {
  const { task } = request;
  return {
    kind: "least-budget",
    leastBudget: await leastBudgetForTiers(planOf(request.planJson, task.planPatch), {
      backend: request.backend,
      timeLimitSeconds: request.timeLimitSeconds,
    }),
  };
};

/**
 * The unscheduled reasons of a schedule stored with them pending: the same solve again with its re-solves.
 * Its plan is the job's (the stored plan now) with the run's patch; if that plan has changed since, the
 * batches differ and the schedule cannot be explained (null).
 */
export const explainTask: TaskHandler<Of<"explain">> = async (request): Promise<PlanningOutcome> => {
  const { task } = request;
  const schedule = scheduleFromStored(task.scheduleJson);
  try {
    const explained = await explainSchedule(planOf(request.planJson, task.planPatch), schedule, {
      backend: request.backend,
      timeLimitSeconds: request.timeLimitSeconds,
      known: task.known,
    });
    return { kind: "explain", scheduleId: schedule.scheduleId, json: JSON.stringify(explained) };
  } catch (error) {
    if (error instanceof ScheduleChangedError)
      return { kind: "explain", scheduleId: schedule.scheduleId, json: null };
    throw error;
  }
};

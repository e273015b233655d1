import { createHash } from "node:crypto";
import type { LeastBudget } from "../../solver/index.js";
import type { JobRunner, JobSpec, SubmitOutcome } from "../jobs/pool.js";
import type { Storage } from "../storage/storage.js";
import {
  type BudgetSweepResult,
  budgetSweepJob,
  explainJob,
  type LeastBudgets,
  type PlanningOutcome,
  type PlanningTask,
} from "./planning.js";

// Budget sweeps answered at once: the least budgets per tier are computed once per stored plan and reused
// by every later sweep, and each run's schedule is stored before its unscheduled reasons (three or four
// re-solves, several times the solve itself), which a background job writes in afterwards.

/** The stored plan's digest: least budgets are reused while it stays the same. */
function planDigest(planJson: string): string {
  return createHash("sha256").update(planJson).digest("base64url");
}

/** A sweep's job as data, for a queue worker to build it again (src/services/job-recipes.ts). */
export interface SweepRecipe {
  planId: string;
  budgets: readonly number[];
  least: LeastBudgets;
}

/** An explain job as data: the plan and the schedules whose reasons it computes. */
export interface ExplainRecipe {
  planId: string;
  tasks: readonly Extract<PlanningTask, { kind: "explain" }>[];
}

/** Where failures to queue or store reasons are told (the app's logger). */
interface Log {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export class BudgetSweeps {
  /** Per plan, schedules whose reasons wait for the plan's explain job (one at a time per plan). */
  private readonly waiting = new Map<string, string[]>();
  /**
   * Per plan, the last proven least budgets and the plan digest they answer: a scenario job in between is
   * the plan's latest what-if job too, and must not make the next sweep compute them again.
   */
  private readonly known = new Map<string, { plan: string; leastBudget: LeastBudget[] }>();

  constructor(
    private readonly storage: Storage,
    private readonly jobs: JobRunner,
    private readonly log: Log,
  ) {}

  /** Queues a sweep over these budgets of the stored plan (`no-plan` when there is none). */
  async submit(planId: string, budgets: readonly number[]): Promise<SubmitOutcome> {
    const plan = await this.storage.getPlan(planId);
    if (plan === undefined) return { kind: "no-plan" };
    const digest = planDigest(plan.json);
    const least = { plan: digest, known: await this.knownLeastBudgets(planId, digest) };
    return this.jobs.submit(planId, this.sweepJob({ planId, budgets, least }));
  }

  /** A sweep's job, in the process that queues it or in a queue worker that runs it (SERVICE_ROLE=worker). */
  sweepJob(args: SweepRecipe): JobSpec {
    const { planId, budgets, least } = args;
    return budgetSweepJob(budgets, least, { name: "budget-sweep", args }, (ids, result) => {
      if (result.leastBudgetForTiers.every((l) => l.proven))
        this.known.set(planId, { plan: least.plan, leastBudget: result.leastBudgetForTiers });
      this.explainLater(planId, ids);
    }) as JobSpec;
  }

  /** An explain job, wherever it runs: its reasons are stored and the plan's next waiting schedules queued. */
  explainJob(args: ExplainRecipe): JobSpec {
    return explainJob(
      args.tasks,
      { name: "explain", args },
      (outcomes) => void this.store(args.planId, outcomes),
    ) as JobSpec;
  }

  /**
   * The least budgets this service last computed for the plan, or else those its latest sweep stored (after
   * a restart), when they answer this same plan and every one was proven (one cut short by its time limit is
   * computed again, not kept for good).
   */
  private async knownLeastBudgets(planId: string, digest: string): Promise<LeastBudget[] | undefined> {
    const cached = this.known.get(planId);
    if (cached?.plan === digest) return cached.leastBudget;
    const latest = (await this.storage.latestSucceededJob(planId, "what-if"))?.result as
      | Partial<BudgetSweepResult>
      | undefined;
    const known = latest?.leastBudgetPlan === digest ? latest.leastBudgetForTiers : undefined;
    return known?.every((l) => l.proven) ? known : undefined;
  }

  private explainLater(planId: string, scheduleIds: readonly string[]): void {
    this.waiting.set(planId, [...(this.waiting.get(planId) ?? []), ...scheduleIds]);
    void this.submitExplain(planId).catch((error: unknown) =>
      this.log.error({ err: error, planId }, "could not queue the unscheduled reasons"),
    );
  }

  /**
   * One explain job per plan at a time: schedules stored meanwhile wait for it to end and go in the next.
   * A job that fails leaves its schedules pending (they say so) until the plan's next sweep queues again.
   */
  private async submitExplain(planId: string): Promise<void> {
    const ids = this.waiting.get(planId) ?? [];
    if (ids.length === 0) return;
    const tasks: Extract<PlanningTask, { kind: "explain" }>[] = [];
    for (const id of ids) {
      const source = await this.storage.getScheduleSource(id);
      if (source)
        tasks.push({
          kind: "explain",
          scheduleJson: source.scheduleJson,
          planPatch: source.planPatch === null ? undefined : JSON.parse(source.planPatch),
        });
    }
    const outcome = await this.jobs.submit(planId, this.explainJob({ planId, tasks }));
    if (outcome.kind === "queued")
      this.waiting.set(
        planId,
        (this.waiting.get(planId) ?? []).filter((id) => !ids.includes(id)),
      );
    else if (outcome.kind !== "active")
      this.log.warn({ planId, outcome: outcome.kind }, "unscheduled reasons not queued");
  }

  private async store(planId: string, outcomes: readonly PlanningOutcome[]): Promise<void> {
    try {
      for (const o of outcomes)
        if (o.kind === "explain" && o.json !== null)
          await this.storage.replaceScheduleJson(o.scheduleId, o.json);
      await this.submitExplain(planId);
    } catch (error) {
      this.log.error({ err: error, planId }, "could not store the unscheduled reasons");
    }
  }
}

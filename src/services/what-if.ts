import { createHash } from "node:crypto";
import { type KnownCoverage, knownCoverageAt, type LeastBudget } from "../../solver/index.js";
import type { JobRunner, JobSpec, SubmitOutcome } from "../jobs/pool.js";
import type { Storage } from "../storage/storage.js";
import { frontierOfStoredPlan } from "./frontier.js";
import {
  type BudgetSweepResult,
  budgetSweepJob,
  explainJob,
  type LeastBudgets,
  type PlanningOutcome,
  type PlanningTask,
} from "./planning.js";

// Budget sweeps answered at once:
// - where the plan's frontier is stored, each budget's coverage is already proven there: its solve starts from
//   the frontier's schedule for that step and only the later priority stages are solved (with the most
//   coverage, once its places curve is stored, and past the unlimited priority schedule's cost, nothing is),
//   and the least budgets per tier come from it too;
// - otherwise the least budgets are computed once per stored plan and reused by every later sweep;
// - each run's schedule is stored before its unscheduled reasons (three or four re-solves, several times the
//   solve itself), which a background job writes in afterwards.
// A budget's schedule depends on the plan, the budget and the stored frontier only, never on the other
// budgets asked for with it.

/** The stored plan's digest: least budgets are reused while it stays the same. */
function planDigest(planJson: string): string {
  return createHash("sha256").update(planJson).digest("base64url");
}

/** A sweep's job as data, for a queue worker to build it again (src/services/job-recipes.ts). */
export interface SweepRecipe {
  planId: string;
  budgets: readonly number[];
  least: LeastBudgets;
  /** Per budget, what the plan's stored frontier knows of it (null: nothing). */
  known?: readonly (KnownCoverage | null)[] | undefined;
}

/** A schedule waiting for its reasons, and what its solve was told of the frontier. */
interface Waiting {
  scheduleId: string;
  known: KnownCoverage | null;
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
  private readonly waiting = new Map<string, Waiting[]>();
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
    const stored = await frontierOfStoredPlan(this.storage, planId, plan.json);
    const fromFrontier = stored?.frontier.proven ? stored.frontier.leastBudgetForTiers : undefined;
    const least = { plan: digest, known: (await this.knownLeastBudgets(planId, digest)) ?? fromFrontier };
    const known = budgets.map((b) => (stored && knownCoverageAt(stored.frontier, b, stored.places)) ?? null);
    return this.jobs.submit(planId, this.sweepJob({ planId, budgets, least, known }));
  }

  /** A sweep's job, in the process that queues it or in a queue worker that runs it (SERVICE_ROLE=worker). */
  sweepJob(args: SweepRecipe): JobSpec {
    const { planId, budgets, least, known = [] } = args;
    return budgetSweepJob(
      budgets,
      least,
      { name: "budget-sweep", args },
      (ids, result) => {
        if (result.leastBudgetForTiers.every((l) => l.proven))
          this.known.set(planId, { plan: least.plan, leastBudget: result.leastBudgetForTiers });
        this.explainLater(
          planId,
          ids.map((scheduleId, i) => ({ scheduleId, known: known[i] ?? null })),
        );
      },
      known,
    ) as JobSpec;
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

  private explainLater(planId: string, schedules: readonly Waiting[]): void {
    this.waiting.set(planId, [...(this.waiting.get(planId) ?? []), ...schedules]);
    void this.submitExplain(planId).catch((error: unknown) =>
      this.log.error({ err: error, planId }, "could not queue the unscheduled reasons"),
    );
  }

  /**
   * One explain job per plan at a time: schedules stored meanwhile wait for it to end and go in the next.
   * A job that fails leaves its schedules pending (they say so) until the plan's next sweep queues again.
   */
  private async submitExplain(planId: string): Promise<void> {
    const waiting = this.waiting.get(planId) ?? [];
    if (waiting.length === 0) return;
    const tasks: Extract<PlanningTask, { kind: "explain" }>[] = [];
    for (const { scheduleId, known } of waiting) {
      const source = await this.storage.getScheduleSource(scheduleId);
      if (source)
        tasks.push({
          kind: "explain",
          scheduleJson: source.scheduleJson,
          planPatch: source.planPatch === null ? undefined : JSON.parse(source.planPatch),
          known: known ?? undefined,
        });
    }
    const outcome = await this.jobs.submit(planId, this.explainJob({ planId, tasks }));
    if (outcome.kind === "queued")
      this.waiting.set(
        planId,
        (this.waiting.get(planId) ?? []).filter((w) => !waiting.includes(w)),
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

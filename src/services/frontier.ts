import { createHash } from "node:crypto";
import type { Logger } from "pino";
import {
  type Frontier,
  type FrontierStep,
  frontierAt,
  joinFrontiers,
  joinPlacesCurves,
  type PlacesCurve,
  TIERS,
} from "../../solver/index.js";
import type { JobRunner, JobSpec } from "../jobs/pool.js";
import type { JobRecord, Storage } from "../storage/storage.js";
import { textTable } from "../support/text-table.js";
import type { FrontierOutcome, FrontierTask } from "./frontier-task.js";

// The budget frontier of each plan (solver/optimize/frontier.ts), computed as a background job whenever the
// plan or its events change, stored as that job's result, and read from memory for a budget. A second
// background job, queued with it and run after it, computes the places curve of the most coverage
// (solver/optimize/places-curve.ts): what-if budgets past the most coverage's least cost read their schedule
// off it.

/** Seconds the frontier may take: many min-cost solves, each proving a step (bench/RESULTS.md). */
export const FRONTIER_TIME_LIMIT_SECONDS = 600;

/** Parts of the budget axis (or of the places) computed at once, one per worker of a two-core machine. */
const FRONTIER_PARTS = 2;

/** A frontier job's stored result. */
export interface FrontierResult extends Omit<Frontier, "personalStaff" | "solves"> {
  /** What it was computed from: the plan's JSON and its last event (sourceOf). */
  source: string;
}

/** A places-curve job's stored result. */
export interface PlacesResult extends Omit<PlacesCurve, "solves"> {
  /** What it was computed from, as FrontierResult.source. */
  source: string;
}

export type FrontierView = (
  | { state: "ready"; jobId: string; steps: FrontierStep[]; complete: boolean; proven: boolean }
  | { state: "computing"; jobId: string; steps: FrontierStep[]; fraction: number }
  | { state: "failed"; jobId: string; steps: FrontierStep[]; error: string }
  | { state: "none"; steps: FrontierStep[] }
) & { places: PlacesView };

/** Where the places curve of the plan as it stands is: its steps once ready (without their schedules). */
export interface PlacesView {
  state: "ready" | "computing" | "failed" | "none";
  jobId?: string;
  steps: { budget: number; systemPlaces: number }[];
  /** Computing only: how far, 0–1 (its parts' floors on places solved ÷ all). */
  fraction?: number;
}

export type FrontierAt =
  | { kind: "no-plan" }
  | { kind: "not-ready"; view: FrontierView }
  | { kind: "ok"; jobId: string; step: FrontierStep; nextStep: FrontierStep | null; complete: boolean };

/** The frontier as a table for people: one row per step, budget, coverage by tier, marginal cost, proof. */
export function frontierTable(frontier: Pick<Frontier, "steps" | "complete" | "proven">): string {
  // Tiers nobody reaches at any budget are left out.
  const tiers = TIERS.filter((t) => frontier.steps.some((s) => (s.scheduledByTier[t - 1] ?? 0) > 0));
  const yuan = (n: number) => n.toLocaleString("en-US");
  const header = ["预算（元）", ...tiers.map((t) => `第${t}档`), "合计", "边际成本（元/人）", "已证明"];
  const rows = [
    header,
    ...frontier.steps.map((s) => [
      yuan(s.budget),
      ...tiers.map((t) => String(s.scheduledByTier[t - 1] ?? 0)),
      String(s.scheduled),
      s.marginalCostPerCadre === null ? "–" : yuan(s.marginalCostPerCadre),
      s.proven ? "是" : "否",
    ]),
  ];
  const summary = `预算前沿：${frontier.steps.length} 级，${frontier.complete ? "已到任何预算所能达到的最大覆盖" : "未算完（时限已到）"}，${frontier.proven ? "全部已证明" : "并非全部已证明"}`;
  return `${summary}\n${textTable(rows, (col) => col !== header.length - 1)}`;
}

/** The plan's JSON and how many events it has had: a frontier answers for exactly these. */
function sourceOf(planJson: string, lastSequence: number): string {
  return `${createHash("sha256").update(planJson).digest("base64url")}#${lastSequence}`;
}

/**
 * The plan's stored frontier and places curve (where stored) when they answer for this very plan JSON with no
 * events: what-if runs solve the stored plan as it is, so only then is the frontier's coverage theirs.
 */
export async function frontierOfStoredPlan(
  storage: Storage,
  planId: string,
  planJson: string,
): Promise<{ frontier: FrontierResult; places: PlacesResult | undefined } | undefined> {
  const source = sourceOf(planJson, 0);
  const stored = async <Result extends { source: string }>(kind: "frontier" | "frontier-places") => {
    const job = await storage.latestSucceededJob(planId, kind);
    const result = job?.result as unknown as Result | undefined;
    return result?.source === source ? result : undefined;
  };
  const frontier = await stored<FrontierResult>("frontier");
  return frontier && { frontier, places: await stored<PlacesResult>("frontier-places") };
}

/** A frontier or places-curve job as data, for a queue worker to build it again (src/services/job-recipes.ts). */
export interface FrontierRecipe {
  source: string;
  /** The plan's events and version, the same for every part. */
  task: Omit<FrontierTask, "part">;
}

/** The tasks of one frontier or places curve: its parts, to run at once. */
export function frontierParts(task: Omit<FrontierTask, "part">): FrontierTask[] {
  return Array.from({ length: FRONTIER_PARTS }, (_, index) => ({
    ...task,
    part: { index, of: FRONTIER_PARTS },
  }));
}

/** The frontier of every part's outcome, in order. */
export function joinedFrontier(outcomes: readonly { kind: string; frontier?: Frontier }[]): Frontier {
  const parts = outcomes.flatMap((o) => (o.kind === "frontier" && o.frontier ? [o.frontier] : []));
  if (parts.length !== FRONTIER_PARTS) throw new Error("a frontier job ended without all its parts");
  return joinFrontiers(parts);
}

/** A job of one frontier or places curve: its parts at once, in the background, under the frontier's limit. */
function partsJob(
  kind: "frontier" | "frontier-places",
  { source, task }: FrontierRecipe,
  join: (outcomes: readonly FrontierOutcome[]) => Record<string, unknown>,
): JobSpec<FrontierOutcome, FrontierTask> {
  return {
    kind,
    recipe: { name: kind, args: { source, task } },
    tasks: frontierParts(task),
    timeLimitSeconds: FRONTIER_TIME_LIMIT_SECONDS,
    background: true,
    result: (outcomes) => ({ ...join(outcomes), source }),
  };
}

export function frontierJob(recipe: FrontierRecipe): JobSpec<FrontierOutcome, FrontierTask> {
  return partsJob("frontier", recipe, (outcomes): Omit<FrontierResult, "source"> => {
    const { personalStaff: _, solves: __, ...frontier } = joinedFrontier(outcomes);
    return frontier;
  });
}

export function placesJob(recipe: FrontierRecipe): JobSpec<FrontierOutcome, FrontierTask> {
  return partsJob("frontier-places", recipe, (outcomes): Omit<PlacesResult, "source"> => {
    const parts = outcomes.flatMap((o) => (o.kind === "places" ? [o.curve] : []));
    if (parts.length !== FRONTIER_PARTS) throw new Error("a places-curve job ended without all its parts");
    const { solves: _, ...curve } = joinPlacesCurves(parts);
    return curve;
  });
}

export interface FrontiersOptions {
  storage: Storage;
  jobs: JobRunner;
  log: Logger;
  /** Queue a frontier whenever a plan or its events change; off, only what is stored is answered. */
  auto: boolean;
}

export class Frontiers {
  /**
   * Ready frontiers by plan, so that a budget is answered without parsing: kept while the plan's latest
   * frontier job is still theirs (a change on any instance queues a new one).
   */
  private readonly ready = new Map<string, { jobId: string; steps: FrontierStep[]; complete: boolean }>();

  constructor(private readonly options: FrontiersOptions) {}

  /**
   * The plan or its events changed: its frontier is computed anew, and one in progress is stopped. The
   * caller does not wait: a frontier that cannot be queued is logged and answered as none.
   */
  changed(planId: string): Promise<void> {
    this.ready.delete(planId);
    if (!this.options.auto) return Promise.resolve();
    return this.queue(planId).catch((error: unknown) =>
      this.options.log.error({ err: error, planId }, "frontier not queued"),
    );
  }

  private async queue(planId: string): Promise<void> {
    const { storage, jobs, log } = this.options;
    const record = await storage.getPlan(planId);
    if (record === undefined) return;
    const [events, version] = await Promise.all([storage.listEvents(planId), storage.currentVersion(planId)]);
    const source = sourceOf(record.json, events.at(-1)?.sequence ?? 0);
    const task = { events: events.map((e) => e.payload), versionJson: version?.json ?? null };
    // The places curve after the frontier: background jobs start in the order they were queued.
    for (const spec of [
      frontierJob({ source, task: { ...task, kind: "frontier" } }),
      placesJob({ source, task: { ...task, kind: "places" } }),
    ] as JobSpec[]) {
      let outcome = await jobs.submit(planId, spec);
      if (outcome.kind === "active") {
        await jobs.cancel(outcome.jobId);
        outcome = await jobs.submit(planId, spec);
      }
      if (outcome.kind !== "queued")
        log.warn({ planId, kind: spec.kind, outcome: outcome.kind }, "not queued");
    }
  }

  /** The plan's frontier as it stands: ready, being computed (steps so far), failed, or none; undefined: no plan. */
  async view(planId: string): Promise<FrontierView | undefined> {
    const { storage, jobs } = this.options;
    const record = await storage.getPlan(planId);
    if (record === undefined) return undefined;
    const places = await this.placesView(planId, record.json);
    const job = await this.latestAnswering(planId, "frontier", record.json);
    if (job === undefined) return { state: "none", steps: [], places };
    switch (job.status) {
      case "queued":
      case "running": {
        const progress = jobs.progress(job.id);
        // The worker reports the steps it has found so far (frontier-task.ts).
        const steps = (progress?.partial as FrontierStep[] | undefined) ?? [];
        return { state: "computing", jobId: job.id, steps, fraction: progress?.fraction ?? 0, places };
      }
      case "succeeded": {
        const result = job.result as unknown as FrontierResult;
        this.ready.set(planId, { jobId: job.id, steps: result.steps, complete: result.complete });
        return {
          state: "ready",
          jobId: job.id,
          steps: result.steps,
          complete: result.complete,
          proven: result.proven,
          places,
        };
      }
      default:
        return { state: "failed", jobId: job.id, steps: [], error: job.error ?? "计算已取消", places };
    }
  }

  private async placesView(planId: string, planJson: string): Promise<PlacesView> {
    const job = await this.latestAnswering(planId, "frontier-places", planJson);
    if (job === undefined) return { state: "none", steps: [] };
    switch (job.status) {
      case "queued":
      case "running":
        return {
          state: "computing",
          jobId: job.id,
          steps: [],
          fraction: this.options.jobs.progress(job.id)?.fraction ?? 0,
        };
      case "succeeded": {
        const { steps } = job.result as unknown as PlacesResult;
        return {
          state: "ready",
          jobId: job.id,
          steps: steps.map(({ budget, systemPlaces }) => ({ budget, systemPlaces })),
        };
      }
      default:
        return { state: "failed", jobId: job.id, steps: [] };
    }
  }

  /** The coverage a budget buys, from the ready frontier (kept in memory once read). */
  async at(planId: string, budget: number): Promise<FrontierAt> {
    let ready = this.ready.get(planId);
    if (ready !== undefined && (await this.options.storage.latestJobId(planId, "frontier")) !== ready.jobId) {
      this.ready.delete(planId);
      ready = undefined;
    }
    if (ready === undefined) {
      const view = await this.view(planId);
      if (view === undefined) return { kind: "no-plan" };
      ready = this.ready.get(planId);
      if (ready === undefined) return { kind: "not-ready", view };
    }
    const step = frontierAt(ready.steps, budget);
    // Budgets are at least 0 and the first step is at 0, so there is always one.
    if (step === undefined) throw new RangeError(`no step at or below ${budget}`);
    const next = ready.steps[ready.steps.indexOf(step) + 1] ?? null;
    return { kind: "ok", jobId: ready.jobId, step, nextStep: next, complete: ready.complete };
  }

  /**
   * The plan's latest job of this kind, whichever instance queued it; a finished one only if it answers for
   * the plan and its events as they are now (its result's source).
   */
  private async latestAnswering(
    planId: string,
    kind: "frontier" | "frontier-places",
    planJson: string,
  ): Promise<JobRecord | undefined> {
    const { storage } = this.options;
    const latest = await storage.latestJobId(planId, kind);
    const job = latest === undefined ? undefined : await storage.getJob(latest);
    if (job?.status !== "succeeded") return job;
    const events = await storage.listEvents(planId);
    const source = (job.result as unknown as { source?: string } | undefined)?.source;
    return source === sourceOf(planJson, events.at(-1)?.sequence ?? 0) ? job : undefined;
  }
}

import {
  type Backend,
  type CycleCommitment,
  diffSchedules,
  replanPlan,
  type Schedule,
  type ScheduleDiff,
  type ScheduledBatch,
  type SolveProgress,
  solvePlan,
  validateSchedule,
} from "../../solver/index.js";
import type { PlanEvent } from "../contract/events.js";
import type { PlanInput } from "../contract/index.js";
import type { NewSchedule } from "../storage/storage.js";
import { planFromStored } from "../storage/stored.js";
import { applyEvents, mergePatchBetween } from "./events.js";
import { type Readiness, readiness } from "./readiness.js";
import { toldCadreIds } from "./recommendations.js";
import {
  applyContext,
  type Commitments,
  type CurrentVersion,
  deriveState,
  fromToday,
  frozenBatches,
  type PlanState,
} from "./state.js";

// One replan, start to finish, as a pure computation: the solve worker runs it for the service, and the
// simulated-year benchmark runs it directly. Everything it needs comes in `ReplanInput`, as JSON.

export interface ReplanInput {
  planId: string;
  /** Id of the version to make. */
  scheduleId: string;
  version: number;
  /** The last event sequence number included. */
  eventsThrough: number;
  /** Every event of the plan up to eventsThrough, in sequence order. */
  events: PlanEvent[];
  /** The current version; null: this is the first, solved from scratch. */
  previous: CurrentVersion | null;
  /** The replan's day (Asia/Shanghai): no trip may begin before it. */
  today: string;
  readinessDays: number;
  /** Art. 8 across levels: cadres the cycle's other plans have taken (src/replan/cycle.ts); absent: none. */
  committedElsewhere?: CycleCommitment[] | undefined;
}

/** Why a person's trip changed, for the bureau's call list. Health is never told: INELIGIBLE covers it. */
export type NotifyReason =
  | "NEW_PLACE"
  | "WITHDREW"
  | "INELIGIBLE"
  | "UNAVAILABLE"
  | "NOT_DEPARTED"
  | "BATCH_CANCELLED"
  | "REPLANNED";

export type NotifyEntry = ScheduleDiff["notify"][number] & { reason: NotifyReason };

export interface ReplanFigures {
  added: number;
  removed: number;
  moved: number;
  staffChanged: number;
  notify: number;
  /** Told participants who lost or changed their place; each has a reason other than REPLANNED. */
  publishedChanged: number;
  scheduled: number;
  scheduledByTier: number[];
  totalCost: number;
  budget: number;
  seconds: number;
}

export interface ReplanResult {
  scheduleId: string;
  version: number;
  parentScheduleId: string | null;
  eventsThrough: number;
  today: string;
  status: Schedule["status"];
  diff: Omit<ScheduleDiff, "notify">;
  notify: NotifyEntry[];
  readiness: Readiness;
  figures: ReplanFigures;
}

export interface ReplanOutput {
  schedule: Schedule;
  /** The plan after the events, which the version answers (the solver also saw the past closed). */
  plan: PlanInput;
  commitments: Commitments;
  /** Merge patch from the stored plan to `plan`; undefined when the events changed nothing in it. */
  planPatch: Record<string, unknown> | undefined;
  result: ReplanResult;
}

export interface ReplanRunOptions {
  timeLimitSeconds?: number | undefined;
  backend?: Backend | undefined;
  onProgress?: ((progress: SolveProgress) => void) | undefined;
}

const sameTrip = (a: ScheduledBatch, b: ScheduledBatch | undefined) =>
  b !== undefined &&
  JSON.stringify([a.venueId, a.start, a.end, a.cadreIds, a.staffIds, a.cost]) ===
    JSON.stringify([b.venueId, b.start, b.end, b.cadreIds, b.staffIds, b.cost]);

/** A version that rewrites a departed or completed batch is refused: the previous one stays current. */
function assertHistoryKept(
  previous: CurrentVersion | null,
  next: Schedule,
  frozen: ReadonlySet<string>,
): void {
  const after = new Map(next.batches.map((b) => [b.id, b]));
  for (const batch of previous?.schedule.batches ?? [])
    if (frozen.has(batch.id) && !sameTrip(batch, after.get(batch.id)))
      throw new Error(`the replan changed batch ${batch.id}, which has departed or completed`);
}

function explain(
  diff: ScheduleDiff,
  previous: Schedule | null,
  next: Schedule,
  plan: PlanInput,
  state: PlanState,
  today: string,
): NotifyEntry[] {
  const before = previous?.batches ?? [];
  const batchOf = new Map<string, ScheduledBatch>();
  for (const b of before) for (const id of [...b.cadreIds, ...b.staffIds]) batchOf.set(id, b);
  const running = new Set(next.batches.map((b) => b.id));
  const ineligible = new Map(next.ineligible.map((i) => [i.cadreId, i.reasons.map((r) => r.code)]));
  // Who can no longer travel on their old batch's dates, as the validator reads the plan after the events.
  const unfit = new Set(
    validateSchedule(plan, { batches: before })
      .filter((v) =>
        ["CADRE_AVAILABILITY", "CADRE_AGE", "STAFF_AVAILABILITY", "UNKNOWN_STAFF"].includes(v.rule),
      )
      .map((v) => `${v.batchId}/${v.cadreId ?? v.staffId}`),
  );
  const batchReason = (b: ScheduledBatch): NotifyReason | undefined => {
    if (b.start < today && !state.frozen.has(b.id)) return "NOT_DEPARTED";
    return running.has(b.id) ? undefined : "BATCH_CANCELLED";
  };
  const staffLeft = new Map(diff.staff.map((s) => [s.staffId, s.left]));
  return diff.notify.map((entry): NotifyEntry => {
    if (entry.change === "added") return { ...entry, reason: "NEW_PLACE" };
    if (entry.role === "staff") {
      const left = (staffLeft.get(entry.personId) ?? []).flatMap((p) =>
        before.filter((b) => b.id === p.batchId),
      );
      if (left.length === 0) return { ...entry, reason: "NEW_PLACE" };
      if (left.some((b) => unfit.has(`${b.id}/${entry.personId}`)))
        return { ...entry, reason: "UNAVAILABLE" };
      const cancelled = left.map(batchReason).find((r) => r !== undefined);
      return { ...entry, reason: cancelled ?? "REPLANNED" };
    }
    const codes = ineligible.get(entry.personId);
    if (codes) return { ...entry, reason: codes.includes("ART7_NOT_APPLIED") ? "WITHDREW" : "INELIGIBLE" };
    const from = batchOf.get(entry.personId);
    if (from === undefined) return { ...entry, reason: "REPLANNED" };
    if (unfit.has(`${from.id}/${entry.personId}`)) return { ...entry, reason: "UNAVAILABLE" };
    return { ...entry, reason: batchReason(from) ?? "REPLANNED" };
  });
}

/**
 * The plan with the cycle's other commitments for the core to read (ART8_ALREADY_IN_CYCLE), except for the
 * cadres this plan has told already: a promise made stays, and the other plan gives way at its next replan.
 * Kept in the plan (and so in the version's patch), the version stays valid against the plan it answers.
 */
function withCycleCommitments(
  plan: PlanInput,
  commitments: readonly CycleCommitment[],
  told: ReadonlySet<string>,
): PlanInput {
  const elsewhere = commitments.filter((c) => !told.has(c.cadreId));
  return elsewhere.length === 0 ? plan : ({ ...plan, committedElsewhere: elsewhere } as PlanInput);
}

/** Events applied, the past closed, the core's replan (or first solve), its diff, reasons and readiness. */
export async function computeReplan(
  stored: PlanInput,
  input: ReplanInput,
  options: ReplanRunOptions = {},
): Promise<ReplanOutput> {
  const { previous, today } = input;
  const state = deriveState(previous, input.events);
  const plan = withCycleCommitments(
    applyEvents(stored, input.events, applyContext(previous)),
    input.committedElsewhere ?? [],
    toldCadreIds(previous?.schedule.batches ?? [], state),
  );
  const solverPlan = fromToday(plan, today, frozenBatches(previous, state));
  const solveOptions = {
    planId: input.planId,
    scheduleId: input.scheduleId,
    timeLimitSeconds: options.timeLimitSeconds,
    backend: options.backend,
    onProgress: options.onProgress,
  };
  const schedule =
    previous === null
      ? await solvePlan(solverPlan, solveOptions)
      : await replanPlan(solverPlan, {
          ...solveOptions,
          previous: previous.schedule,
          frozenBatchIds: [...state.frozen].sort(),
          publishedBatchIds: [...state.published].sort(),
        });
  assertHistoryKept(previous, schedule, state.frozen);

  const kept = new Set(schedule.batches.map((b) => b.id));
  const commitments: Commitments = {
    publishedBatchIds: [...state.published].filter((id) => kept.has(id)).sort(),
    frozenBatchIds: [...state.frozen].sort(),
  };
  const { notify: told, ...diff } = diffSchedules(
    previous?.schedule ?? { batches: [] },
    schedule,
    [...state.published].sort(),
  );
  const notify = explain({ ...diff, notify: told }, previous?.schedule ?? null, schedule, plan, state, today);
  const after: PlanState = {
    ...state,
    published: new Set(commitments.publishedBatchIds),
    frozen: new Set(commitments.frozenBatchIds),
  };
  const patch = mergePatchBetween(stored, plan) as Record<string, unknown>;
  return {
    schedule,
    plan,
    commitments,
    planPatch: Object.keys(patch).length === 0 ? undefined : patch,
    result: {
      scheduleId: input.scheduleId,
      version: input.version,
      parentScheduleId: previous?.scheduleId ?? null,
      eventsThrough: input.eventsThrough,
      today,
      status: schedule.status,
      diff,
      notify,
      readiness: readiness(plan, schedule, after, today, input.readinessDays),
      figures: {
        added: diff.added.length,
        removed: diff.removed.length,
        moved: diff.moved.length,
        staffChanged: diff.staff.length,
        notify: notify.length,
        publishedChanged: notify.filter((n) => n.role === "cadre" && n.wasPublished && n.change !== "added")
          .length,
        scheduled: schedule.summary.scheduled,
        scheduledByTier: schedule.summary.scheduledByTier,
        totalCost: schedule.summary.totalCost,
        budget: schedule.summary.budget,
        seconds: schedule.solver.seconds,
      },
    },
  };
}

/** The worker's side of a `replan` task: the version to store, and the job's result. */
export async function replanTask(
  storedJson: string,
  inputJson: string,
  options: ReplanRunOptions,
): Promise<{ schedule: NewSchedule; result: ReplanResult }> {
  const input = JSON.parse(inputJson) as ReplanInput;
  const out = await computeReplan(planFromStored(storedJson), input, options);
  return {
    schedule: {
      id: input.scheduleId,
      candidate: "priority",
      status: out.schedule.status,
      summary: out.schedule.summary,
      json: JSON.stringify(out.schedule),
      planPatch: out.planPatch && JSON.stringify(out.planPatch),
      version: input.version,
      parentId: input.previous?.scheduleId ?? null,
      eventsThrough: input.eventsThrough,
      commitments: JSON.stringify(out.commitments),
    },
    result: out.result,
  };
}

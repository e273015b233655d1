import { completeSchedule } from "../complete.js";
import { batchCost } from "../cost.js";
import { toIso } from "../dates.js";
import { scheduleKpis } from "../kpis.js";
import { backendNamed } from "../mip/backends.js";
import type { MipBackend } from "../mip/types.js";
import { unscheduledSentence } from "../reasons.js";
import type { Backend, Plan, Schedule, ScheduledBatch, SolveOptions } from "../types.js";
import { at, pushTo } from "../util.js";
import { validateSchedule } from "../validate.js";
import { nameCadres, nameStaff, type OpenBatch, openBatches, staffFromModel } from "./assign.js";
import { explainUnscheduled, settledReasons } from "./explain.js";
import { type Formulation, formulate } from "./formulation.js";
import { denseStart } from "./frontier-model.js";
import { greedyStart } from "./greedy.js";
import { buildInstance, type Commitment, type Instance } from "./instance.js";
import { type LexicographicResult, solveLexicographic } from "./lexicographic.js";
import { CANDIDATES, type Candidate, candidateStages, keepStages, stayStages } from "./stages.js";

const DEFAULT_TIME_LIMIT_SECONDS = 60;

export class InvalidScheduleError extends Error {
  constructor(readonly violations: ReturnType<typeof validateSchedule>) {
    super(
      `the optimizer produced a schedule that breaks ${violations.length} rule(s): ${violations.map((v) => v.rule).join(", ")}`,
    );
  }
}

interface Solved {
  formulation: Formulation;
  lex: LexicographicResult;
  batches: OpenBatch[];
}

function solveModel(
  instance: Instance,
  candidate: Candidate,
  backend: MipBackend,
  personalStaff: boolean,
  deadline: number,
  options: SolveOptions,
  previous: Schedule | undefined,
): Omit<Solved, "batches"> {
  const formulation = formulate(instance, { personalStaff });
  const session = backend.open(formulation.model);
  // The frontier's schedule for this budget's step reaches the known coverage, so its stages end at once;
  // one that does not fit this model (another plan's, or over this budget) is not used, nor is its coverage.
  const known = options.known && denseStart(options.known.start, formulation.model);
  try {
    const lex = solveLexicographic(
      session,
      known ?? greedyStart(instance, formulation),
      [
        ...keepStages(instance, formulation),
        ...candidateStages(
          candidate,
          instance,
          formulation,
          known && options.known
            ? {
                scheduledByTier: options.known.scheduledByTier,
                optimum: options.known.optimal ? known : undefined,
              }
            : undefined,
        ),
        ...stayStages(instance, formulation, previous),
      ],
      deadline,
      (done, total, name) => options.onProgress?.({ stage: name, fraction: done / total }),
    );
    return { formulation, lex };
  } finally {
    session.dispose();
  }
}

function candidateOf(options: SolveOptions): Candidate {
  const candidate = options.candidate ?? "priority";
  if (!(CANDIDATES as readonly string[]).includes(candidate))
    throw new RangeError(`unknown candidate: ${candidate}`);
  return candidate as Candidate;
}

/**
 * Starts loading the backend before a solve asks for it: HiGHS's WebAssembly compiles on V8's background
 * threads while the caller reads its plan and the solve builds its model (`convalescence solve`). A load that
 * fails is the solve's to report: it awaits the same load.
 */
export function prepareBackend(backend: Backend | undefined): void {
  backendNamed(backend).catch(() => undefined);
}

/**
 * The `priority` schedule of RULES.md §6: lexicographically most coverage by tier, nobody passed over inside
 * a tier, most places in system-owned venues, least cost (or another candidate's stages, see stages.ts).
 * Every schedule returned has passed the validator.
 */
export async function solvePlan(plan: Plan, options: SolveOptions): Promise<Schedule> {
  return solveWith(plan, options, []);
}

/** The plan no longer gives the schedule's batches (it was edited since): its reasons cannot be told. */
export class ScheduleChangedError extends Error {
  constructor() {
    super("solving the schedule's plan again gave other batches: its reasons cannot be explained");
  }
}

/**
 * The unscheduled reasons of a schedule solved with `reasons: "later"`: the same solve again (deterministic,
 * so the same batches, which is checked) with its re-solves, the rest of the schedule kept as it was stored.
 */
export async function explainSchedule(
  plan: Plan,
  schedule: Schedule,
  /** `known`: as the schedule's own solve was told, so that the same batches come again. */
  options: Pick<SolveOptions, "backend" | "timeLimitSeconds" | "known">,
): Promise<Schedule> {
  const again = await solveWith(
    plan,
    { ...options, planId: schedule.planId, scheduleId: schedule.scheduleId, candidate: schedule.candidate },
    [],
  );
  if (JSON.stringify(again.batches) !== JSON.stringify(schedule.batches)) throw new ScheduleChangedError();
  const { unscheduledReasonsPending: _, ...solver } = schedule.solver;
  return {
    ...schedule,
    unscheduled: again.unscheduled,
    solver: { ...solver, unscheduledReasonsProven: again.solver.unscheduledReasonsProven },
  };
}

export interface ReplanOptions extends SolveOptions {
  /** The current version. */
  previous: Schedule;
  /** Departed or completed batches of `previous`: they happened and stay exactly as they are. */
  frozenBatchIds: readonly string[];
  /** Published batches of `previous`: participants were told, so they keep their places unless they cannot go. */
  publishedBatchIds: readonly string[];
}

/**
 * The nightly replan. Objective order, each held before the next:
 * 1. frozen batches stay as they happened;
 * 2. the most published participants keep their batch (a published batch is released only if it cannot run);
 * 3. then RULES.md §6 as for a first solve: coverage by tier, system-owned places, cost.
 * Coverage comes first among everything that is still open, but never by moving a published cadre: a freed
 * seat in a published batch is refilled from the waiting list in priority order.
 */
export async function replanPlan(plan: Plan, options: ReplanOptions): Promise<Schedule> {
  const frozen = new Set(options.frozenBatchIds);
  const published = new Set(options.publishedBatchIds);
  const commitments: Commitment[] = options.previous.batches
    .filter((b) => frozen.has(b.id) || published.has(b.id))
    .map((batch) => ({ batch, frozen: frozen.has(batch.id) }));
  return solveWith(plan, options, commitments, options.previous);
}

async function solveWith(
  plan: Plan,
  options: SolveOptions,
  commitments: readonly Commitment[],
  previous?: Schedule,
): Promise<Schedule> {
  const began = performance.now();
  const limitMs = (options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS) * 1000;
  const deadline = began + limitMs;
  // A quarter of the time stays for naming people and explaining who was left out.
  const scheduleDeadline = began + limitMs * 0.75;
  const candidate = candidateOf(options);
  // System-only leaves the contracted venues out of the model; the schedule is still checked against the whole plan.
  const modelPlan =
    candidate === "system-only"
      ? { ...plan, venues: plan.venues.filter((v) => v.ownership === "system") }
      : plan;
  const instance = instanceFor(modelPlan, commitments);
  const namingSeconds = () => Math.max(5, (deadline - performance.now()) / 1000);
  let model = solveModel(
    instance,
    candidate,
    await backendNamed(options.backend),
    false,
    scheduleDeadline,
    options,
    previous,
  );
  let batches = openBatches(instance, model.formulation, model.lex.values);
  // Pooled staff counts are a relaxation; when people cannot be named for them, solve again with one binary per person.
  if (!nameStaff(instance, batches, await backendNamed(options.backend), namingSeconds())) {
    model = solveModel(
      instance,
      candidate,
      await backendNamed(options.backend),
      true,
      scheduleDeadline,
      options,
      previous,
    );
    batches = openBatches(instance, model.formulation, model.lex.values);
    staffFromModel(model.formulation, batches, model.lex.values);
  }
  const solved: Solved = { ...model, batches };
  const backend = await backendNamed(options.backend);
  nameCadres(instance, solved.batches);
  const pending = options.reasons === "later";
  const explanation = pending
    ? { reasons: settledReasons(instance, solved.batches).reasons, complete: false }
    : explainUnscheduled(
        instance,
        solved.batches,
        solved.lex.values,
        backend,
        deadline,
        Math.max(2000, 2 * (performance.now() - began)),
      );
  const schedule = toSchedule(plan, instance, solved, options, backend.name, previous, {
    seconds: (performance.now() - began) / 1000,
    reasonsComplete: explanation.complete,
    reasonsPending: pending,
  });
  const withReasons: Schedule = {
    ...schedule,
    unscheduled: schedule.unscheduled.map((u) => {
      const reasons = explanation.reasons.get(u.cadreId) ?? [];
      return { ...u, reasons, explanation: unscheduledSentence(reasons, pending) };
    }),
  };
  // Kept promises are exempt from priority inversion: a published participant keeps their place.
  const committed = instance.pinned.flatMap((pin) => pin.kept.map((e) => e.cadre.id));
  const violations = validateSchedule(plan, withReasons, { committedCadreIds: committed });
  if (violations.length > 0) throw new InvalidScheduleError(violations);
  return { ...withReasons, kpis: scheduleKpis(plan, withReasons) };
}

/**
 * The last plan's instance stays loaded: a plan that differs from it only in its total budget (what-if runs on
 * a warm worker, which keeps the parsed plan too) reuses it, since nothing in it but `plan` reads the total.
 * Only the budget row of the model then changes between runs.
 */
let loaded: { plan: Plan; instance: Instance } | undefined;

function instanceFor(plan: Plan, commitments: readonly Commitment[]): Instance {
  if (commitments.length > 0) return buildInstance(plan, commitments);
  if (loaded !== undefined && onlyBudgetTotalDiffers(loaded.plan, plan)) return { ...loaded.instance, plan };
  const instance = buildInstance(plan);
  loaded = { plan, instance };
  return instance;
}

/** The same plan objects but for `budget.total` (compared by reference: a merge patch keeps the rest). */
function onlyBudgetTotalDiffers(a: Plan, b: Plan): boolean {
  const same = (x: object, y: object, except: string) => {
    const keys = Object.keys(x).filter((k) => k !== except);
    return (
      keys.length === Object.keys(y).filter((k) => k !== except).length &&
      keys.every((k) => Reflect.get(x, k) === Reflect.get(y, k))
    );
  };
  return same(a, b, "budget") && same(a.budget, b.budget, "total");
}

/**
 * B01, B02, … in date order. Across versions a batch on the same venue and dates keeps its id (a kept promise
 * always does), so that events naming it still do; new batches continue after the previous highest number.
 */
function batchIds(ordered: OpenBatch[], instance: Instance, previous: Schedule | undefined): string[] {
  const numbers = (previous?.batches ?? [])
    .map((b) => Number(b.id.replace(/^B/, "")))
    .filter(Number.isFinite);
  let next = numbers.length ? Math.max(...numbers) : 0;
  const width = Math.max(2, String(next + ordered.length).length);
  const pinnedIds = new Set(instance.pinned.map((pin) => pin.batchId));
  const previousAt = new Map<string, string[]>();
  for (const b of previous?.batches ?? [])
    if (!pinnedIds.has(b.id)) pushTo(previousAt, `${b.venueId}@${b.start}`, b.id);
  return ordered.map((b) => {
    if (b.pin !== undefined) return at(instance.pinned, b.pin).batchId;
    const reused = previousAt.get(`${b.slot.venue.id}@${toIso(b.slot.dates.start)}`)?.shift();
    return reused ?? `B${String(++next).padStart(width, "0")}`;
  });
}

function batchOrder(a: OpenBatch, b: OpenBatch): number {
  return (
    a.slot.dates.start - b.slot.dates.start ||
    (a.slot.venue.id < b.slot.venue.id ? -1 : a.slot.venue.id > b.slot.venue.id ? 1 : 0) ||
    a.slot.copy - b.slot.copy
  );
}

function toSchedule(
  plan: Plan,
  instance: Instance,
  solved: Solved,
  options: SolveOptions,
  backend: string,
  previous: Schedule | undefined,
  run: { seconds: number; reasonsComplete: boolean; reasonsPending: boolean },
): Schedule {
  const ordered = [...solved.batches].sort(batchOrder);
  const ids = batchIds(ordered, instance, previous);
  const batches: ScheduledBatch[] = ordered.map((b, i) => ({
    id: at(ids, i),
    venueId: b.slot.venue.id,
    start: toIso(b.slot.dates.start),
    end: toIso(b.slot.dates.end),
    cadreIds: [...b.cadreIds].sort(),
    staffIds: b.staffIndices.map((i) => instance.staff[i]?.id ?? "").sort(),
    cost: batchCost(plan, b.slot.venue, b.cadreIds.length, b.staffIndices.length),
  }));
  const { summary, unscheduled, ineligible, excludedVenues } = completeSchedule(plan, batches);
  const timedOut = !solved.lex.proven;
  const firstOpen = solved.lex.stages.find((s) => s.status === "timedout" || s.status === "not-run");
  return {
    planId: options.planId,
    scheduleId: options.scheduleId,
    candidate: options.candidate ?? "priority",
    status: timedOut ? "timedout" : "optimal",
    batches,
    summary,
    unscheduled,
    ineligible,
    excludedVenues,
    solver: {
      backend,
      seconds: Math.round(run.seconds * 1000) / 1000,
      provenOptimal: solved.lex.proven,
      ...(firstOpen ? { openStage: firstOpen.name, gap: gapOf(firstOpen.value, firstOpen.bound) } : {}),
      unscheduledReasonsProven: run.reasonsComplete,
      ...(run.reasonsPending ? { unscheduledReasonsPending: true } : {}),
      model: {
        slots: instance.slots.length,
        cadreClasses: instance.classes.length,
        variables: solved.formulation.model.columns.length,
        integerVariables: solved.formulation.model.columns.filter((c) => c.integer).length,
        rows: solved.formulation.model.rows.length,
        personalStaff: solved.formulation.personColumns.size > 0,
      },
      stages: solved.lex.stages.map((s) => ({
        name: s.name,
        status: s.status,
        value: round(s.value),
        bound: round(s.bound),
      })),
    },
  };
}

function round(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null;
}

function gapOf(value: number, bound: number): number | null {
  if (!Number.isFinite(bound)) return null;
  return Math.round((Math.abs(bound - value) / Math.max(1, Math.abs(bound))) * 10_000) / 10_000;
}

import {
  pushTo,
  type Schedule,
  type ScheduledBatch,
  toDay,
  toIso,
  type Violation,
  validateSchedule,
} from "../../solver/index.js";
import { isDossierEvent } from "../contract/dossier.js";
import { isBatchEvent, type PlanEvent } from "../contract/events.js";
import type { PlanInput, Problem } from "../contract/index.js";
import {
  checkDossierEvent,
  copyDossierState,
  type DossierState,
  emptyDossierState,
  recordDossier,
} from "./dossier.js";
import { type ApplyContext, applyEvents, checkNewEvents } from "./events.js";
import { checkRecommendations, toldCadreIds } from "./recommendations.js";

// A plan's replanning state, derived and never stored on its own: the current version (the latest schedule
// version in storage, with the commitments its replan honored) and the event log.

/** The batches a version's replan had to honor, as far as they are still in that version. */
export interface Commitments {
  publishedBatchIds: string[];
  frozenBatchIds: string[];
}

export interface CurrentVersion {
  scheduleId: string;
  version: number;
  schedule: Schedule;
  commitments: Commitments;
}

export interface Preparation {
  agreementSigned: boolean;
  insurancePurchased: boolean;
}

export interface PlanState extends DossierState {
  /** Batches of the current version whose participants were told. */
  published: Set<string>;
  /** Departed or completed: they happened and never change. */
  frozen: Set<string>;
  completed: Map<string, { attendedCadreIds: string[]; actualCost: number }>;
  /** The latest cadre_prepared per cadre. */
  prepared: Map<string, Preparation>;
  /** Departures recorded with an override: batch id → the reason given. */
  overrides: Map<string, string>;
}

/**
 * Batch events are accepted only against the current version (and never while it is being replanned), so
 * the current state is its commitments plus the batch events that name it.
 */
export function deriveState(current: CurrentVersion | null, events: readonly PlanEvent[]): PlanState {
  const state: PlanState = {
    published: new Set(current?.commitments.publishedBatchIds),
    frozen: new Set(current?.commitments.frozenBatchIds),
    completed: new Map(),
    prepared: new Map(),
    overrides: new Map(),
    ...emptyDossierState(),
  };
  for (const event of events) record(state, current, event);
  return state;
}

function record(state: PlanState, current: CurrentVersion | null, event: PlanEvent): void {
  if (event.type === "cadre_prepared") {
    state.prepared.set(event.cadreId, {
      agreementSigned: event.agreementSigned,
      insurancePurchased: event.insurancePurchased,
    });
    return;
  }
  if (isDossierEvent(event)) {
    recordDossier(state, event);
    return;
  }
  if (!isBatchEvent(event)) return;
  if (event.type === "batch_departed" && event.override !== undefined)
    state.overrides.set(event.batchId, event.override.reason);
  if (event.type === "batch_completed")
    state.completed.set(event.batchId, {
      attendedCadreIds: event.attendedCadreIds,
      actualCost: event.actualCost,
    });
  if (event.scheduleId !== current?.scheduleId) return;
  if (event.type === "batch_published") state.published.add(event.batchId);
  else state.frozen.add(event.batchId);
}

export function applyContext(current: CurrentVersion | null): ApplyContext {
  return { batches: current?.schedule.batches ?? [] };
}

export function frozenBatches(current: CurrentVersion | null, state: PlanState): ScheduledBatch[] {
  return (current?.schedule.batches ?? []).filter((b) => state.frozen.has(b.id));
}

/**
 * Cadres kept in a published or frozen batch from one version to the next: keeping a promise is exempt
 * from the priority-inversion rule, so the validator is told who they are. Refills are not among them.
 */
export function committedCadreIds(
  previous: Pick<Schedule, "batches"> | null,
  next: Pick<Schedule, "batches">,
  promised: ReadonlySet<string>,
): string[] {
  const before = new Map((previous?.batches ?? []).map((b) => [b.id, new Set(b.cadreIds)]));
  return next.batches
    .filter((b) => promised.has(b.id))
    .flatMap((b) => b.cadreIds.filter((id) => before.get(b.id)?.has(id)));
}

interface DayRange {
  start: number;
  end: number;
}

function without(range: DayRange, holes: DayRange[]): DayRange[] {
  const out: DayRange[] = [];
  let cursor = range.start;
  for (const hole of [...holes].sort((a, b) => a.start - b.start)) {
    if (hole.start > cursor) out.push({ start: cursor, end: Math.min(hole.start - 1, range.end) });
    cursor = Math.max(cursor, hole.end + 1);
    if (cursor > range.end) return out;
  }
  if (cursor <= range.end) out.push({ start: cursor, end: range.end });
  return out;
}

/**
 * The plan as a replan on `today` sees it: no new trip can begin in the past, so every cadre and staff member
 * is unavailable from the window's start to yesterday, except on the days of the departed or completed
 * batches they were on. Eligibility does not read availability, so tiers and ranks are unchanged.
 */
export function fromToday(plan: PlanInput, today: string, frozen: readonly ScheduledBatch[]): PlanInput {
  const past = {
    start: toDay(plan.planningWindow.start),
    end: Math.min(toDay(today) - 1, toDay(plan.planningWindow.end)),
  };
  if (past.end < past.start) return plan;
  const cadreTrips = new Map<string, DayRange[]>();
  const staffTrips = new Map<string, DayRange[]>();
  for (const batch of frozen) {
    const dates = { start: toDay(batch.start), end: toDay(batch.end) };
    for (const id of batch.cadreIds) pushTo(cadreTrips, id, dates);
    for (const id of batch.staffIds) pushTo(staffTrips, id, dates);
  }
  const closed = <
    T extends { id: string; unavailable?: readonly { start: string; end: string }[] | undefined },
  >(
    person: T,
    trips: Map<string, DayRange[]>,
  ): T => {
    const ranges = without(past, trips.get(person.id) ?? []).map((r) => ({
      start: toIso(r.start),
      end: toIso(r.end),
    }));
    return ranges.length === 0
      ? person
      : { ...person, unavailable: [...(person.unavailable ?? []), ...ranges] };
  };
  return {
    ...plan,
    cadres: plan.cadres.map((c) => closed(c, cadreTrips)),
    staff: plan.staff.map((s) => closed(s, staffTrips)),
  };
}

/** Every rule the departed and completed batches break against the plan: none, as long as history holds. */
export function frozenViolations(plan: PlanInput, frozen: readonly ScheduledBatch[]): Violation[] {
  if (frozen.length === 0) return [];
  return validateSchedule(
    plan,
    { batches: frozen },
    { committedCadreIds: frozen.flatMap((b) => b.cadreIds) },
  );
}

export type BatchEventCheck =
  | { ok: true }
  | { ok: false; status: 400; problems: Problem[] }
  | { ok: false; status: 409; message: string };

/**
 * Batch events against the current version: they must name it, name one of its batches, and follow the
 * batch's life (published → departed on or after its start → completed on or after its end).
 */
export function checkBatchEvents(
  current: CurrentVersion | null,
  state: PlanState,
  added: readonly PlanEvent[],
  today: string,
  pointer: (i: number) => string,
): BatchEventCheck {
  const running: PlanState = {
    ...state,
    published: new Set(state.published),
    frozen: new Set(state.frozen),
    completed: new Map(state.completed),
    overrides: new Map(state.overrides),
    ...copyDossierState(state),
  };
  const problems: Problem[] = [];
  for (const [i, event] of added.entries()) {
    const p = pointer(i);
    const refuse = (message: string): BatchEventCheck => ({
      ok: false,
      status: 409,
      message: `事件 ${p || "/"}：${message}`,
    });
    if (isDossierEvent(event)) {
      if (current === null) return refuse("该计划尚无排程版本，请先重新排程");
      const context = { batches: current.schedule.batches, ...running };
      const conflict = checkDossierEvent(context, event, p, problems);
      if (conflict !== undefined) return refuse(conflict);
      record(running, current, event);
      continue;
    }
    if (!isBatchEvent(event)) continue;
    if (current === null) return refuse("该计划尚无排程版本，请先重新排程");
    if (event.scheduleId !== current.scheduleId)
      return refuse(
        `方案「${event.scheduleId}」不是当前版本；当前为第 ${current.version} 版「${current.scheduleId}」`,
      );
    const batch = current.schedule.batches.find((b) => b.id === event.batchId);
    if (batch === undefined) {
      problems.push({
        path: `${p}/batchId`,
        code: "UNKNOWN_ID",
        message: `当前版本中没有批次「${event.batchId}」`,
      });
      continue;
    }
    if (running.completed.has(batch.id)) return refuse(`批次 ${batch.id} 已完成`);
    switch (event.type) {
      case "batch_published":
        if (running.frozen.has(batch.id)) return refuse(`批次 ${batch.id} 已出发`);
        if (running.published.has(batch.id)) return refuse(`批次 ${batch.id} 已发布`);
        break;
      case "batch_departed":
        if (running.frozen.has(batch.id)) return refuse(`批次 ${batch.id} 已出发`);
        if (batch.start > today)
          return refuse(`批次 ${batch.id} 的出发日期 ${batch.start} 未到（今天 ${today}）`);
        break;
      case "batch_completed": {
        if (batch.end > today)
          return refuse(`批次 ${batch.id} 的结束日期 ${batch.end} 未到（今天 ${today}）`);
        const participants = new Set(batch.cadreIds);
        event.attendedCadreIds.forEach((id, k) => {
          if (!participants.has(id))
            problems.push({
              path: `${p}/attendedCadreIds/${k}`,
              code: "NOT_IN_BATCH",
              message: `军休干部「${id}」不在批次 ${batch.id} 中`,
            });
        });
        break;
      }
    }
    record(running, current, event);
  }
  return problems.length > 0 ? { ok: false, status: 400, problems } : { ok: true };
}

function describe(v: Violation): string {
  const who = [v.batchId, v.cadreId, v.staffId].filter(Boolean).join(" ");
  return `${who ? `${who} ` : ""}${v.rule}（${v.message}）`;
}

/**
 * What has happened cannot be unmade: the first new event after which a departed or completed batch would
 * break a rule against the plan (a participant withdrawn or ill, a staff member or the venue unavailable on
 * its days, its venue's prices changed, the budget below its cost) is refused with what it would break.
 * Found by bisection; undefined when the events keep history intact.
 */
export function frozenConflict(
  plan: PlanInput,
  stored: readonly PlanEvent[],
  added: readonly PlanEvent[],
  current: CurrentVersion | null,
  pointer: (i: number) => string,
): string | undefined {
  if (current === null) return undefined;
  const context = applyContext(current);
  const violationsAfter = (events: readonly PlanEvent[]) =>
    frozenViolations(
      applyEvents(plan, events, context),
      frozenBatches(current, deriveState(current, events)),
    );
  const key = (v: Violation) => `${v.rule}/${v.batchId}/${v.cadreId}/${v.staffId}`;
  // Only what the new events break: a store that is already inconsistent must not block every event.
  const known = new Set(violationsAfter(stored).map(key));
  const fresh = (n: number): Violation[] =>
    violationsAfter([...stored, ...added.slice(0, n)]).filter((v) => !known.has(key(v)));
  if (fresh(added.length).length === 0) return undefined;
  let good = 0;
  let bad = added.length;
  while (bad - good > 1) {
    const middle = (good + bad) >> 1;
    if (fresh(middle).length === 0) good = middle;
    else bad = middle;
  }
  const broken = fresh(bad).slice(0, 5).map(describe).join("；");
  return `事件 ${pointer(bad - 1) || "/"} 与已出发或已完成的批次冲突，已发生的不能更改：${broken}`;
}

/** `history`: the refusal is what happened that cannot be unmade (a departure's open items come first). */
export type EventCheck = BatchEventCheck | { ok: false; status: 409; message: string; history: true };

/**
 * Everything new events must pass before they are stored, given the stored plan, the events before them and
 * the current version: batch events' references and life cycle, every reference and the contract for the
 * plan they leave, and history. 400 problems point into the request body through `pointer`.
 */
export function checkEvents(
  plan: PlanInput,
  stored: readonly PlanEvent[],
  current: CurrentVersion | null,
  added: readonly PlanEvent[],
  today: string,
  pointer: (i: number) => string,
): EventCheck {
  const state = deriveState(current, stored);
  const batches = checkBatchEvents(current, state, added, today, pointer);
  if (!batches.ok) return batches;
  const told = toldCadreIds(current?.schedule.batches ?? [], state);
  const recommendations = checkRecommendations(plan, stored, added, told, pointer);
  if (!recommendations.ok) return recommendations;
  const checked = checkNewEvents(plan, stored, added, applyContext(current), pointer);
  if (!checked.ok) return { ok: false, status: 400, problems: checked.problems };
  const conflict = frozenConflict(plan, stored, added, current, pointer);
  return conflict === undefined ? { ok: true } : { ok: false, status: 409, message: conflict, history: true };
}

import {
  effectivePolicy,
  isQualifiedMedicFor,
  type Schedule,
  type ScheduledBatch,
  toDay,
  toIso,
  validateSchedule,
} from "../../solver/index.js";
import { type ReadinessItem, readinessItem } from "../contract/dossier.js";
import type { PlanEvent } from "../contract/events.js";
import type { PlanInput } from "../contract/index.js";
import { applyEvents } from "./events.js";
import { applyContext, type CurrentVersion, deriveState, type PlanState } from "./state.js";

// Before departure: who has not signed the agreement or has no accident insurance (Art. 7), and which batches
// no longer have a medic who can travel on their dates with a certificate valid through them (Art. 10); and
// every item of each batch's dossier (Art. 9–13), blocking or a warning, from the one table
// (READINESS_CODES in src/contract/dossier.ts).

export interface DepartingBatch {
  batchId: string;
  venueId: string;
  start: string;
  end: string;
  published: boolean;
  cadres: number;
  /** Participants without a signed safety agreement (Art. 7). */
  missingAgreement: string[];
  /** Participants without accident insurance (Art. 7). */
  missingInsurance: string[];
}

export interface BatchWithoutMedic {
  batchId: string;
  venueId: string;
  start: string;
  end: string;
  published: boolean;
  /** The batch's staff who can no longer travel on its dates (unavailable, or gone from the plan). */
  unavailableStaffIds: string[];
}

/** A batch yet to depart with every readiness item it has open; `ready` when none of them blocks. */
export interface BatchReadiness {
  batchId: string;
  venueId: string;
  start: string;
  end: string;
  published: boolean;
  ready: boolean;
  items: ReadinessItem[];
}

export interface Readiness {
  scheduleId: string;
  today: string;
  days: number;
  /** Batches starting today … today + days whose participants are not all prepared. */
  departing: DepartingBatch[];
  /** Batches yet to depart whose staff include no medic able to travel (only where the plan requires one). */
  withoutMedic: BatchWithoutMedic[];
  /** Every batch yet to depart that starts by today + days, with all its items (Art. 7, 9–13). */
  batches: BatchReadiness[];
}

/** `batch/staff` for each staff member who can no longer travel on their batch's dates: the validator decides. */
function cannotTravel(plan: PlanInput, batches: readonly ScheduledBatch[]): Set<string> {
  if (batches.length === 0) return new Set();
  return new Set(
    validateSchedule(plan, { batches })
      .filter((v) => v.rule === "STAFF_AVAILABILITY" || v.rule === "UNKNOWN_STAFF")
      .map((v) => `${v.batchId}/${v.staffId}`),
  );
}

/** Every open item of one batch, in article order. */
function itemsOf(
  plan: PlanInput,
  batch: ScheduledBatch,
  state: PlanState,
  cannot: Set<string>,
): ReadinessItem[] {
  const items: ReadinessItem[] = [];
  const lacking = (what: "agreementSigned" | "insurancePurchased") =>
    batch.cadreIds.filter((id) => state.prepared.get(id)?.[what] !== true);
  const noAgreement = lacking("agreementSigned");
  const noInsurance = lacking("insurancePurchased");
  if (noAgreement.length > 0) items.push(readinessItem("ART7_AGREEMENT_MISSING", { cadreIds: noAgreement }));
  if (noInsurance.length > 0) items.push(readinessItem("ART7_INSURANCE_MISSING", { cadreIds: noInsurance }));
  const dossier = state.dossiers.get(batch.id) ?? {};
  if (dossier.host === undefined) items.push(readinessItem("ART9_HOST_UNRECORDED"));
  else if (!dossier.host.agreementSigned) items.push(readinessItem("ART9_AGREEMENT_UNSIGNED"));
  if (effectivePolicy(plan).requireMedicalStaff) {
    const staff = new Map(plan.staff.map((s) => [s.id, s]));
    const dates = { start: toDay(batch.start), end: toDay(batch.end) };
    const going = batch.staffIds.filter((id) => !cannot.has(`${batch.id}/${id}`));
    const medics = going.filter((id) => staff.get(id)?.medical === true);
    const qualified = medics.filter((id) => {
      const member = staff.get(id);
      return member !== undefined && isQualifiedMedicFor(member, dates);
    });
    if (qualified.length === 0)
      items.push(
        readinessItem("ART10_NO_QUALIFIED_MEDIC", {
          staffIds: batch.staffIds.filter((id) => staff.get(id)?.medical === true || !going.includes(id)),
        }),
      );
    const unrecorded = qualified.filter((id) => staff.get(id)?.qualification === undefined);
    if (unrecorded.length > 0)
      items.push(readinessItem("ART10_QUALIFICATION_UNRECORDED", { staffIds: unrecorded }));
  }
  if (dossier.emergencyPlan?.present !== true) items.push(readinessItem("ART11_EMERGENCY_PLAN_MISSING"));
  if (dossier.programme === undefined) items.push(readinessItem("ART12_PROGRAMME_MISSING"));
  else if (
    !dossier.programme.days.some((day) =>
      day.activities.some((a) => a.kind === "current_affairs" || a.kind === "red_education"),
    )
  )
    items.push(readinessItem("ART12_NO_STUDY_OR_RED_EDUCATION"));
  if (dossier.serviceGroups === undefined) items.push(readinessItem("ART13_SERVICE_GROUP_MISSING"));
  return items;
}

/** One batch's readiness, whatever its date: the dossier view and the departure check read it. */
export function batchReadiness(plan: PlanInput, batch: ScheduledBatch, state: PlanState): BatchReadiness {
  return readinessOf(plan, batch, state, cannotTravel(plan, [batch]));
}

function readinessOf(
  plan: PlanInput,
  batch: ScheduledBatch,
  state: PlanState,
  cannot: Set<string>,
): BatchReadiness {
  const items = itemsOf(plan, batch, state, cannot);
  return {
    batchId: batch.id,
    venueId: batch.venueId,
    start: batch.start,
    end: batch.end,
    published: state.published.has(batch.id),
    ready: !items.some((item) => item.severity === "blocking"),
    items,
  };
}

/** Read against the plan after events (without the replan's past cut-off) and the current version. */
export function readiness(
  plan: PlanInput,
  schedule: Pick<Schedule, "scheduleId" | "batches">,
  state: PlanState,
  today: string,
  days: number,
): Readiness {
  const last = toIso(toDay(today) + days);
  const ahead = schedule.batches.filter((b) => !state.frozen.has(b.id) && b.end >= today);
  const lacking = (ids: readonly string[], what: "agreementSigned" | "insurancePurchased") =>
    ids.filter((id) => state.prepared.get(id)?.[what] !== true);
  const departing = ahead
    .filter((b) => b.start >= today && b.start <= last)
    .map((b) => ({
      batchId: b.id,
      venueId: b.venueId,
      start: b.start,
      end: b.end,
      published: state.published.has(b.id),
      cadres: b.cadreIds.length,
      missingAgreement: lacking(b.cadreIds, "agreementSigned"),
      missingInsurance: lacking(b.cadreIds, "insurancePurchased"),
    }))
    .filter((b) => b.missingAgreement.length + b.missingInsurance.length > 0);

  const withoutMedic: BatchWithoutMedic[] = [];
  const cannot = cannotTravel(plan, ahead);
  if (effectivePolicy(plan).requireMedicalStaff && ahead.length > 0) {
    const staff = new Map(plan.staff.map((s) => [s.id, s]));
    for (const b of ahead) {
      const gone = b.staffIds.filter((id) => cannot.has(`${b.id}/${id}`));
      const dates = { start: toDay(b.start), end: toDay(b.end) };
      const qualified = (id: string) => {
        const member = staff.get(id);
        return member !== undefined && isQualifiedMedicFor(member, dates);
      };
      if (b.staffIds.some((id) => qualified(id) && !cannot.has(`${b.id}/${id}`))) continue;
      withoutMedic.push({
        batchId: b.id,
        venueId: b.venueId,
        start: b.start,
        end: b.end,
        published: state.published.has(b.id),
        unavailableStaffIds: gone,
      });
    }
  }
  const batches = ahead.filter((b) => b.start <= last).map((b) => readinessOf(plan, b, state, cannot));
  return { scheduleId: schedule.scheduleId, today, days, departing, withoutMedic, batches };
}

export interface DepartureBlocked {
  message: string;
  openItems: ReadinessItem[];
}

/**
 * A departure with a blocking item open needs an override and its reason (kept in the event trail). Each
 * batch_departed among `added` without one is read against the plan and state the events before it leave;
 * the first that is blocked is returned with its open items.
 */
export function blockedDeparture(
  plan: PlanInput,
  stored: readonly PlanEvent[],
  current: CurrentVersion | null,
  added: readonly PlanEvent[],
  pointer: (i: number) => string,
): DepartureBlocked | undefined {
  if (current === null) return undefined;
  for (const [i, event] of added.entries()) {
    if (event.type !== "batch_departed" || event.override !== undefined) continue;
    const batch = current.schedule.batches.find((b) => b.id === event.batchId);
    if (batch === undefined) continue;
    const before = [...stored, ...added.slice(0, i)];
    const state = deriveState(current, before);
    const after = applyEvents(plan, before, applyContext(current));
    const open = batchReadiness(after, batch, state).items.filter((item) => item.severity === "blocking");
    if (open.length > 0)
      return {
        message:
          `事件 ${pointer(i) || "/"}：批次 ${batch.id} 尚有 ${open.length} 项未就绪（` +
          `${open.map((item) => item.message).join("；")}），如确需出发，请在 override.reason 中说明理由`,
        openItems: open,
      };
  }
  return undefined;
}

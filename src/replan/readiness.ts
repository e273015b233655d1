import { effectivePolicy, type Schedule, toDay, toIso, validateSchedule } from "../../solver/index.js";
import type { PlanInput } from "../contract/index.js";
import type { PlanState } from "./state.js";

// Art. 7 and 10 before departure: who has not signed the safety agreement or has no accident insurance, and
// which batches no longer have a medic who can travel on their dates.

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

export interface Readiness {
  scheduleId: string;
  today: string;
  days: number;
  /** Batches starting today … today + days whose participants are not all prepared. */
  departing: DepartingBatch[];
  /** Batches yet to depart whose staff include no medic able to travel (only where the plan requires one). */
  withoutMedic: BatchWithoutMedic[];
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
  if (effectivePolicy(plan).requireMedicalStaff && ahead.length > 0) {
    // The validator decides who can still travel on a batch's dates; nothing is re-derived here.
    const cannot = new Set(
      validateSchedule(plan, { batches: ahead })
        .filter((v) => v.rule === "STAFF_AVAILABILITY" || v.rule === "UNKNOWN_STAFF")
        .map((v) => `${v.batchId}/${v.staffId}`),
    );
    const medical = new Set(plan.staff.filter((s) => s.medical).map((s) => s.id));
    for (const b of ahead) {
      const gone = b.staffIds.filter((id) => cannot.has(`${b.id}/${id}`));
      if (b.staffIds.some((id) => medical.has(id) && !cannot.has(`${b.id}/${id}`))) continue;
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
  return { scheduleId: schedule.scheduleId, today, days, departing, withoutMedic };
}

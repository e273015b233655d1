// The schedule as the contract (spec/CONTRACT.md) puts it on the wire: what `solve` returns and what
// `POST /v1/validate` accepts back from a client. Loose objects, unlike the plan: a client may send back a
// schedule as the service wrote it, whatever fields a later version adds; numbers and lists are bounded.

import { z } from "zod";
import type { Schedule } from "../../solver/index.js";
import { MAX_CADRES, MAX_CAPACITY_PER_BATCH, MAX_COUNT, MAX_NOTES_LENGTH, MAX_STAFF } from "./bounds.js";
import { id, integer, isoDate, list, money, planSchema, text } from "./plan.js";

const tally = (what: string) => integer(0, MAX_COUNT).describe(`${what}; integer in [0, ${MAX_COUNT}]`);

export const reasonEntrySchema = z
  .looseObject({
    code: id.describe("Reason code, e.g. ART7_AGE (RULES.md §1, §3)"),
    article: integer(1, 100).describe("Article of the regulation the reason rests on; integer in [1, 100]"),
    message: z.string().max(MAX_NOTES_LENGTH).describe("The reason in Chinese"),
  })
  .describe("Why a cadre or venue is out, with its article");

export const batchCostSchema = z
  .looseObject({
    fixed: money("Venue's fixed cost for the batch"),
    cadres: money("Cadres' trip costs"),
    staff: money("Staff trip costs; 0 when budget.includeStaffCosts is false"),
    total: money("fixed + cadres + staff"),
  })
  .describe("Cost of one batch (RULES.md §5)");

export const scheduledBatchSchema = z
  .looseObject({
    id: id.describe("Batch id, e.g. B01"),
    venueId: id.describe("Venue the batch goes to"),
    start: isoDate.describe("First day of the trip (inclusive), yyyy-mm-dd"),
    end: isoDate.describe("Last day of the trip (inclusive), yyyy-mm-dd; end − start + 1 = venue.days"),
    cadreIds: list(id, MAX_CAPACITY_PER_BATCH).describe("Cadres on the batch"),
    staffIds: list(id, MAX_STAFF).describe("Staff accompanying the batch"),
    cost: batchCostSchema,
  })
  .describe("One trip: a venue, its dates, participants and staff")
  .meta({ id: "ScheduledBatch" });

const perTier = (what: string) =>
  z.array(integer(0, MAX_CADRES)).length(6).describe(`${what}, tiers 1–6 in order; exactly 6 integers ≥ 0`);

export const scheduleSummarySchema = z
  .looseObject({
    eligibleByTier: perTier("Eligible cadres per tier"),
    scheduledByTier: perTier("Scheduled cadres per tier"),
    eligible: tally("Eligible cadres"),
    scheduled: tally("Scheduled cadres"),
    totalCost: money("Total cost of all batches"),
    budget: money("The plan's budget.total"),
    systemVenueShare: z
      .number()
      .min(0)
      .max(1)
      .describe("Share of scheduled places in system-owned venues (Art. 9); in [0, 1]"),
  })
  .describe("Totals of the schedule");

export const scheduleSchema = z
  .looseObject({
    planId: id.describe("Plan the schedule answers"),
    scheduleId: id.describe("This schedule's id"),
    candidate: id.describe("Which candidate this is, e.g. priority"),
    status: z
      .enum(["optimal", "feasible", "timedout", "infeasible"])
      .describe("optimal: proven best; feasible: valid, not proven best; timedout; infeasible"),
    batches: list(scheduledBatchSchema, MAX_COUNT).describe("The batches"),
    summary: scheduleSummarySchema,
    unscheduled: z
      .array(
        z
          .looseObject({
            cadreId: id.describe("Eligible cadre left out"),
            tier: integer(1, 6).describe("The cadre's priority tier; integer in [1, 6]"),
            reasons: list(
              z.enum(["BUDGET", "CAPACITY", "STAFF", "NO_COMPATIBLE_BATCH", "PRIORITY"]),
            ).describe("What kept the cadre out; NO_COMPATIBLE_BATCH: no possible batch fits at all"),
          })
          .describe("An eligible cadre not in any batch"),
      )
      .max(MAX_CADRES)
      .describe("Eligible cadres not in any batch"),
    ineligible: z
      .array(
        z
          .looseObject({
            cadreId: id.describe("Ineligible cadre"),
            reasons: list(reasonEntrySchema).describe("Every reason that applies (RULES.md §1)"),
          })
          .describe("A cadre who may not go"),
      )
      .max(MAX_CADRES)
      .describe("Cadres who may not go, each with all its reasons"),
    excludedVenues: z
      .array(
        z
          .looseObject({
            venueId: id.describe("Excluded venue"),
            reasons: list(reasonEntrySchema).describe("Every reason that applies (RULES.md §3)"),
          })
          .describe("A venue that may not be used"),
      )
      .max(MAX_COUNT)
      .describe("Venues that may not be used, each with its reasons"),
    solver: z
      .looseObject({
        backend: text.describe("Solver that produced the schedule"),
        seconds: z.number().nonnegative().max(MAX_COUNT).describe("Wall-clock solve time in seconds, ≥ 0"),
        provenOptimal: z.boolean().describe("The objective's optimum is proven"),
      })
      .describe("How the schedule was computed"),
  })
  .describe("A schedule for a plan (CONTRACT.md)")
  .meta({ id: "Schedule" });

/**
 * A schedule as a planner may hand it in to be checked, e.g. drafted by hand or in Excel: only the batches'
 * venue, dates, cadres and staff are needed. Every derived field (batch ids and costs, summary, the lists,
 * kpis) may be left out and is computed; whatever is given is checked against the computed value.
 */
export const draftScheduleSchema = scheduleSchema
  .partial()
  .extend({
    batches: z
      .array(
        scheduledBatchSchema
          .extend({
            id: scheduledBatchSchema.shape.id
              .optional()
              .describe("Batch id; absent: B01, B02, … by position"),
            cost: batchCostSchema.partial().optional().describe("Absent parts are computed (RULES.md §5)"),
          })
          .describe("One drafted trip: a venue, its dates, participants and staff")
          .meta({ id: "BatchDraft" }),
      )
      .describe("The batches"),
    summary: scheduleSummarySchema.partial().optional().describe("Absent totals are computed"),
    kpis: z.looseObject({}).optional().describe("Absent: computed; given figures are checked"),
  })
  .describe("A schedule to check: the batches, and any derived field the planner wants checked")
  .meta({ id: "ScheduleDraft" });

/** A draft once completed: every derived field present; what only a solve says (status, solver…) may still be absent. */
export const completedDraftSchema = scheduleSchema
  .partial({ planId: true, scheduleId: true, candidate: true, status: true, solver: true })
  .describe("The schedule with every derived field computed where the draft left it out");

export const validateRequestSchema = z
  .looseObject({
    plan: planSchema,
    schedule: draftScheduleSchema,
  })
  .describe("Body of POST /v1/validate");

export type ScheduleInput = z.output<typeof scheduleSchema>;
export type ScheduleDraftInput = z.output<typeof draftScheduleSchema>;
export type ValidateRequestInput = z.output<typeof validateRequestSchema>;

// Compile-time only: fails to type-check if the wire type drifts from what the core writes.
type Assignable<T extends U, U> = T;
type _ScheduleFitsCore = Assignable<ScheduleInput, Schedule>;

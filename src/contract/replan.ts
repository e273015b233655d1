import { z } from "zod";
import { readinessItemSchema } from "./dossier.js";
import { isoDate } from "./plan.js";

/** How many days ahead readiness looks when the caller does not say. */
export const DEFAULT_READINESS_DAYS = 7;

// Response shapes of the replanning endpoints and of a replan job's result, for the OpenAPI document.

export const eventsAcceptedSchema = z.object({
  stored: z.int().describe("Events stored"),
  sequence: z
    .tuple([z.int(), z.int()])
    .describe("[first, last]: the sequence numbers they were given, in the order sent"),
});

export const eventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0).describe("Only events after this sequence number"),
});

export const eventLogSchema = z.object({
  planId: z.string(),
  personalData: z
    .enum(["included", "withheld"])
    .describe("withheld: the caller is a viewer; names, birth dates and health were removed from the events"),
  events: z.array(
    z.object({
      sequence: z.int().describe("1, 2, …; events apply in this order"),
      type: z.string(),
      sentBy: z.string().describe("The caller's role and a fingerprint of its token (never the token)"),
      receivedAt: z.string().describe("ISO 8601 UTC"),
      event: z.looseObject({ type: z.string() }).describe("The event as recorded (POST body schema)"),
    }),
  ),
});

export const readinessQuery = z.object({
  days: z.coerce
    .number()
    .int()
    .min(0)
    .max(366)
    .default(DEFAULT_READINESS_DAYS)
    .describe("How many days ahead to look for departures"),
  today: isoDate.optional().describe("The day to read the report on; default today in Asia/Shanghai"),
});

const placement = z.object({ batchId: z.string(), venueId: z.string(), start: z.string(), end: z.string() });

export const readinessSchema = z
  .object({
    scheduleId: z.string().describe("The current version read"),
    today: z.string(),
    days: z.int(),
    departing: z
      .array(
        placement.extend({
          published: z.boolean(),
          cadres: z.int(),
          missingAgreement: z
            .array(z.string())
            .describe("Cadre ids without a signed safety agreement (Art. 7)"),
          missingInsurance: z.array(z.string()).describe("Cadre ids without accident insurance (Art. 7)"),
        }),
      )
      .describe("Batches starting within `days` whose participants are not all prepared (cadre_prepared)"),
    withoutMedic: z
      .array(
        placement.extend({
          published: z.boolean(),
          unavailableStaffIds: z.array(z.string()).describe("The batch's staff who can no longer travel"),
        }),
      )
      .describe(
        "Batches yet to depart with no medic able to travel on their dates with a certificate valid " +
          "through them (Art. 10)",
      ),
    batches: z
      .array(
        placement.extend({
          published: z.boolean(),
          ready: z.boolean().describe("No blocking item is open: the departure needs no override"),
          items: z
            .array(readinessItemSchema)
            .describe("Every open item, blocking or warning, in article order"),
        }),
      )
      .describe(
        "Every batch yet to depart starting by today + days, with its dossier's open items (Art. 7, 9–13)",
      ),
  })
  .describe("Readiness for departure");

export const replanResultSchema = z
  .object({
    scheduleIds: z.array(z.string()).describe("The one version stored"),
    scheduleId: z.string().describe("The new version (GET /v1/schedules/{scheduleId})"),
    version: z.int().describe("1, 2, …"),
    parentScheduleId: z.string().nullable().describe("The version it was replanned from; null for version 1"),
    eventsThrough: z.int().describe("The last event sequence number included"),
    today: z.string().describe("The day the replan ran for: no trip may begin before it"),
    status: z.enum(["optimal", "feasible", "timedout", "infeasible"]),
    diff: z.object({
      added: z.array(z.object({ cadreId: z.string(), to: placement })),
      removed: z.array(z.object({ cadreId: z.string(), from: placement })),
      moved: z.array(z.object({ cadreId: z.string(), from: placement, to: placement })),
      staff: z.array(z.object({ staffId: z.string(), joined: z.array(placement), left: z.array(placement) })),
    }),
    notify: z
      .array(
        z.object({
          personId: z.string(),
          role: z.enum(["cadre", "staff"]),
          change: z.enum(["added", "removed", "moved", "reassigned"]),
          wasPublished: z.boolean().describe("They had been told their old place (a published batch)"),
          reason: z
            .enum([
              "NEW_PLACE",
              "WITHDREW",
              "INELIGIBLE",
              "UNAVAILABLE",
              "NOT_DEPARTED",
              "BATCH_CANCELLED",
              "REPLANNED",
            ])
            .describe(
              "WITHDREW: application taken back; INELIGIBLE: another eligibility reason (not told: may be " +
                "health); UNAVAILABLE: cannot travel on the old dates; NOT_DEPARTED: the old batch's start " +
                "passed without a departure; BATCH_CANCELLED: the old batch no longer runs; REPLANNED: " +
                "the schedule changed (never for a published place)",
            ),
        }),
      )
      .describe("Whom to tell, and why"),
    readiness: readinessSchema,
    figures: z.object({
      added: z.int(),
      removed: z.int(),
      moved: z.int(),
      staffChanged: z.int(),
      notify: z.int(),
      publishedChanged: z.int().describe("Told participants who lost or changed their place"),
      scheduled: z.int(),
      scheduledByTier: z.array(z.int()),
      totalCost: z.number(),
      budget: z.number().describe("budget.total the replan worked with, after charges"),
      seconds: z.number(),
    }),
  })
  .describe("kind replan");

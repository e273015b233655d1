import { z } from "zod";
import { MAX_CAPACITY_PER_BATCH, MAX_NAME_LENGTH } from "./bounds.js";
import { DOSSIER_EVENTS, departureOverride } from "./dossier.js";
import {
  budgetSchema,
  cadreSchema,
  dateRangeSchema,
  id,
  isoDate,
  list,
  staffSchema,
  venueSchema,
} from "./plan.js";
import { type Problem, toProblems } from "./problems.js";

// The events a bureau records against a plan (POST /v1/plans/{id}/events). Each is checked here for its
// shape, with the contract's own schemas for the parts of a plan it carries; whether it fits the plan it is
// applied to is checked by events.ts and state.ts.

export const MAX_EVENTS_PER_REQUEST = 500;

const ref = (what: string) => id.describe(what);
const cadreId = ref("Cadre id in the plan");
const staffId = ref("Staff id in the plan");
const venueId = ref("Venue id in the plan");
const scheduleId = ref("The plan's current schedule version (GET /v1/plans/{id}/schedules)");
const batchId = ref("Batch id in that version; ids stay the same across versions for kept batches");

/** A partial entity: any of its contract fields except `id`, each a complete valid value; at least one. */
function changesOf<T extends z.ZodObject>(schema: T, what: string) {
  return schema
    .partial()
    .superRefine((changes, ctx) => {
      if (Object.hasOwn(changes, "id"))
        ctx.addIssue({
          code: "custom",
          path: ["id"],
          message: `${what}的 id 不能修改`,
          params: { code: "INVALID_VALUE" },
        });
      if (Object.keys(changes).length === 0)
        ctx.addIssue({
          code: "custom",
          message: "changes 不能为空",
          params: { code: "TOO_SMALL" },
        });
    })
    .describe(
      `Fields of the ${what} to replace, each a whole value as the contract defines it (top level only; ` +
        "null where the contract allows it); id cannot change",
    );
}

const cadreWithdrew = z
  .strictObject({ type: z.literal("cadre_withdrew"), cadreId })
  .describe(
    "The cadre or the family withdrew: application.voluntary becomes false (Art. 7); the cadre stays in the roster",
  );

const cadreUpdated = z
  .strictObject({ type: z.literal("cadre_updated"), cadreId, changes: changesOf(cadreSchema, "军休干部") })
  .describe("New facts about a cadre: health, application, unavailability, history, …");

const cadreAdded = z
  .strictObject({ type: z.literal("cadre_added"), cadre: cadreSchema })
  .describe("A cadre joins the roster; the id must be new");

const staffUnavailable = z
  .strictObject({
    type: z.literal("staff_unavailable"),
    staffId,
    range: dateRangeSchema("the staff member's new unavailability"),
  })
  .describe("Appended to the staff member's unavailable ranges");

const staffAdded = z
  .strictObject({ type: z.literal("staff_added"), staff: staffSchema })
  .describe("A staff member joins; the id must be new");

const staffUpdated = z
  .strictObject({
    type: z.literal("staff_updated"),
    staffId,
    changes: changesOf(staffSchema, "服务保障人员"),
  })
  .describe("New facts about a staff member: a medical qualification renewed or recorded, availability, …");

const venueChanged = z
  .strictObject({ type: z.literal("venue_changed"), venueId, changes: changesOf(venueSchema, "场地") })
  .describe("New terms of a venue: capacity, prices, start weekdays, availability, …");

const venueClosed = z
  .strictObject({ type: z.literal("venue_closed"), venueId, range: dateRangeSchema("the closure") })
  .describe("Appended to the venue's blackout ranges");

const budgetChanged = z
  .strictObject({ type: z.literal("budget_changed"), total: budgetSchema.shape.total })
  .describe("The approved budget.total; completed batches' cost differences are charged against it");

const cadrePrepared = z
  .strictObject({
    type: z.literal("cadre_prepared"),
    cadreId,
    agreementSigned: z.boolean().describe("Signed the safety agreement (安全协议, Art. 7)"),
    insurancePurchased: z.boolean().describe("Accident insurance bought (意外伤害保险, Art. 7)"),
  })
  .describe("Readiness for departure (Art. 7); the latest event per cadre counts");

const batchPublished = z
  .strictObject({ type: z.literal("batch_published"), scheduleId, batchId })
  .describe("Participants were told: from now on they keep their place unless they cannot go");

const batchDeparted = z
  .strictObject({
    type: z.literal("batch_departed"),
    scheduleId,
    batchId,
    override: departureOverride.optional(),
  })
  .describe(
    "The batch left (on or after its start date): frozen, never changed again. With a blocking readiness " +
      "item open (GET /v1/plans/{id}/readiness), only with an override and its reason",
  );

const batchCompleted = z
  .strictObject({
    type: z.literal("batch_completed"),
    scheduleId,
    batchId,
    attendedCadreIds: list(cadreId, MAX_CAPACITY_PER_BATCH).describe(
      "Who actually went; absentees stay recorded in the batch (see README)",
    ),
    actualCost: budgetSchema.shape.total.describe(
      "What the batch really cost, yuan ≥ 0; the difference to its standard cost is charged to the budget",
    ),
  })
  .describe("The batch came back (on or after its end date): frozen, with what it really cost");

const recommendedBy = z
  .strictObject({
    county: z
      .string()
      .min(1)
      .max(MAX_NAME_LENGTH)
      .describe("The recommending county or district (推荐单位, Art. 5), one of the organisation tree's"),
    date: isoDate.describe("The day of the recommendation, yyyy-mm-dd"),
  })
  .describe("Who recommended the cadre to the city, and when (推荐申报, Art. 5)");

const cadreRecommended = z
  .strictObject({ type: z.literal("cadre_recommended"), cadre: cadreSchema, recommendedBy })
  .describe(
    "A county recommends a cadre to the city plan (Art. 5): the cadre joins its roster; the id must be new " +
      "(POST /v1/plans/{id}/recommendations records these)",
  );

const recommendationWithdrawn = z
  .strictObject({ type: z.literal("recommendation_withdrawn"), cadreId })
  .describe("A recommendation taken back before the cadre was told: the cadre leaves the city plan's roster");

export const planEventSchema = z
  .discriminatedUnion("type", [
    cadreWithdrew,
    cadreUpdated,
    cadreAdded,
    staffUnavailable,
    staffAdded,
    staffUpdated,
    venueChanged,
    venueClosed,
    budgetChanged,
    cadrePrepared,
    batchPublished,
    batchDeparted,
    batchCompleted,
    cadreRecommended,
    recommendationWithdrawn,
    ...DOSSIER_EVENTS,
  ])
  .describe("One event; `type` decides its shape");

export type PlanEvent = z.output<typeof planEventSchema>;
export type RecommendedBy = z.output<typeof recommendedBy>;
export { recommendedBy as recommendedBySchema };
export type EventType = PlanEvent["type"];

export const BATCH_EVENT_TYPES: ReadonlySet<EventType> = new Set([
  "batch_published",
  "batch_departed",
  "batch_completed",
]);

export type BatchEvent = Extract<
  PlanEvent,
  { type: "batch_published" | "batch_departed" | "batch_completed" }
>;

export function isBatchEvent(event: PlanEvent): event is BatchEvent {
  return BATCH_EVENT_TYPES.has(event.type);
}

const eventList = z.array(planEventSchema).min(1).max(MAX_EVENTS_PER_REQUEST);

/** The request body as documented: one event, or an array of them stored all or nothing. */
export const eventsBodySchema = z
  .union([planEventSchema, eventList])
  .describe(`One event, or an array of 1–${MAX_EVENTS_PER_REQUEST} events stored all or nothing`);

export type EventsBody =
  | {
      ok: true;
      events: PlanEvent[] /** JSON Pointer of event i in the body. */;
      pointer: (i: number) => string;
    }
  | { ok: false; problems: Problem[] };

/**
 * Parses a body against the one schema that applies: a union would report "matches no option" at the root
 * instead of the failing event's path.
 */
export function parseEventsBody(body: unknown): EventsBody {
  const many = Array.isArray(body);
  const result = many
    ? eventList.safeParse(body, { reportInput: true })
    : planEventSchema.safeParse(body, { reportInput: true });
  if (!result.success) return { ok: false, problems: toProblems(result.error) };
  const events = Array.isArray(result.data) ? result.data : [result.data];
  return { ok: true, events, pointer: (i) => (many ? `/${i}` : "") };
}

import { z } from "zod";
import { cadreSchema, planSchema, scheduleSummarySchema, staffSchema } from "../contract/index.js";
import { JOB_STATUSES } from "../storage/storage.js";

// Response shapes, for the OpenAPI document and the handlers' types. Request bodies use the contract's
// schemas directly.

// Path parameters, named as CONTRACT.md names them.
export const planParams = z.object({ id: z.string().describe("Plan id, e.g. pln_…") });
export const jobParams = z.object({ jobId: z.string().describe("Job id, e.g. job_…") });
export const scheduleParams = z.object({ scheduleId: z.string().describe("Schedule id, e.g. sch_…") });

export const planCreatedSchema = z.object({ id: z.string().describe("The new plan's id, e.g. pln_…") });

export const jobAcceptedSchema = z.object({ jobId: z.string().describe("Poll GET /v1/jobs/{jobId}") });

const plannerOnly = <T extends z.ZodType>(schema: T): T =>
  schema.describe(`${schema.description ?? ""}; planners only: withheld from viewers (personal data)`);

/** A stored plan as its caller may see it: viewers get it without names, birth dates and health. */
const planAsShownSchema = z
  .looseObject({
    ...planSchema.shape,
    cadres: z.array(
      cadreSchema.extend({
        name: plannerOnly(cadreSchema.shape.name),
        birthDate: plannerOnly(cadreSchema.shape.birthDate.optional()),
        health: plannerOnly(cadreSchema.shape.health),
      }),
    ),
    staff: z.array(staffSchema.extend({ name: plannerOnly(staffSchema.shape.name) })),
  })
  .describe(planSchema.description ?? "");

export const planResponseSchema = z.object({
  id: z.string(),
  createdAt: z.string().describe("When the plan was stored, ISO 8601 UTC"),
  personalData: z
    .enum(["included", "withheld"])
    .describe("withheld: the caller is a viewer, and cadres' names, birth dates and health were removed"),
  latestJob: z
    .object({ id: z.string(), status: z.enum(JOB_STATUSES) })
    .nullable()
    .describe("The plan's most recent job; null: never solved"),
  scheduleCount: z.int().min(0).describe("Schedules stored for the plan (GET /v1/plans/{id}/schedules)"),
  plan: planAsShownSchema,
});

export const jobSchema = z.object({
  id: z.string(),
  kind: z.enum(["solve"]).describe("solve: the plan's candidate schedules (for now the priority one)"),
  planId: z.string(),
  status: z.enum(JOB_STATUSES),
  createdAt: z.string().describe("ISO 8601 UTC"),
  startedAt: z.string().optional().describe("When a worker took the job"),
  finishedAt: z.string().optional().describe("When the job ended, however it ended"),
  result: z
    .object({ scheduleIds: z.array(z.string()).describe("GET /v1/schedules/{scheduleId} for each") })
    .optional()
    .describe("Present once succeeded"),
  error: z.string().optional().describe("Present once failed: why, in Chinese"),
  progress: z
    .object({
      stage: z.string().describe("The solver's current stage, e.g. tier1, cost"),
      fraction: z.number().min(0).max(1).describe("How far through the stages, 0–1"),
    })
    .optional()
    .describe("While running, when the solver has reported any"),
});

export const scheduleListSchema = z.object({
  planId: z.string(),
  schedules: z.array(
    z.object({
      scheduleId: z.string(),
      candidate: z.string().describe("e.g. priority"),
      jobId: z.string().describe("The job that computed it"),
      status: z.enum(["optimal", "feasible", "timedout", "infeasible"]),
      createdAt: z.string().describe("ISO 8601 UTC"),
      summary: z.object(scheduleSummarySchema.shape).describe(scheduleSummarySchema.description ?? ""),
    }),
  ),
});

export const validateResponseSchema = z.object({
  valid: z.boolean().describe("No rule is broken"),
  violations: z.array(
    z.object({
      rule: z.string().describe("Rule code, e.g. ART10_STAFF_RATIO"),
      article: z.int().describe("Article of the regulation"),
      message: z.string().describe("In Chinese"),
      batchId: z.string().optional(),
      cadreId: z.string().optional(),
      staffId: z.string().optional(),
    }),
  ),
});

export const healthSchema = z.object({
  status: z.enum(["ok", "unavailable"]),
});

import { z } from "zod";
import { MAX_ID_LENGTH } from "./bounds.js";
import { readinessItemSchema } from "./dossier.js";
import { cadreSchema, planSchema, staffSchema } from "./plan.js";
import { replanResultSchema } from "./replan.js";
import { completedDraftSchema, scheduleSummarySchema } from "./schedule.js";

// Response shapes, for the OpenAPI document and the handlers' types. Request bodies use the contract's
// schemas directly.

// A job's life and what it computes, as the API names them; storage keeps the same words.
export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "canceled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const JOB_KINDS = ["solve", "what-if", "replan", "explain", "frontier", "frontier-places"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const problemSchema = z
  .object({
    path: z.string().describe("JSON Pointer into the request body; empty: the body itself"),
    code: z.string().describe("Stable problem code (PROBLEM_CODES in src/contract)"),
    message: z.string().describe("For people, in Chinese"),
  })
  .describe("One way the input breaks the contract, with where");

export const errorSchema = z
  .object({
    code: z.string().describe("Stable identifier, e.g. INVALID_REQUEST, NOT_FOUND, CONFLICT"),
    message: z.string().describe("For people, in Chinese"),
    problems: z.array(problemSchema).optional().describe("400 only: every way the body breaks the contract"),
    jobId: z.string().optional().describe("409 on solve: the plan's job already queued or running"),
    openItems: z
      .array(readinessItemSchema)
      .optional()
      .describe("409 on a departure without override: the batch's blocking readiness items"),
  })
  .describe("Every error answer has this shape");

// Path parameters, named as CONTRACT.md names them.
// Bounded, so an over-long id is a 400 with its path like any other bad input.
const pathId = z.string().max(MAX_ID_LENGTH);
export const planParams = z.object({ id: pathId.describe("Plan id, e.g. pln_…") });
export const jobParams = z.object({ jobId: pathId.describe("Job id, e.g. job_…") });
export const scheduleParams = z.object({ scheduleId: pathId.describe("Schedule id, e.g. sch_…") });

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

const scheduleStatus = z.enum(["optimal", "feasible", "timedout", "infeasible"]);
const perTier = (what: string) => z.array(z.number()).describe(`${what}, tiers 1–6 in order`);

export const kpisSchema = z
  .object({
    coverageByTier: z
      .array(z.number().nullable())
      .describe("Scheduled ÷ eligible, tiers 1–6 in order; null where nobody of the tier is eligible"),
    scheduled: z.int(),
    totalCost: z.number().describe("Yuan"),
    budgetLeft: z.number().describe("Yuan"),
    batches: z.int(),
    staffDays: z.int().describe("Σ over batches of staff × days away"),
    systemVenueShare: z.number().describe("Share of places in system-owned venues (Art. 9)"),
    countiesReached: z.int().describe("Distinct counties with a cadre scheduled"),
  })
  .describe("What a planner compares schedules on");

export const candidateEntrySchema = z.object({
  candidate: z.string().describe("priority, economy, system-only or fewest-batches"),
  scheduleId: z.string(),
  status: scheduleStatus,
  kpis: kpisSchema,
});

const scheduleIds = z
  .array(z.string())
  .describe("Schedules stored by the job (GET /v1/schedules/{scheduleId})");

const runFigures = {
  scheduleId: z.string(),
  status: scheduleStatus,
  scheduledByTier: perTier("Scheduled cadres"),
  scheduled: z.int(),
  totalCost: z.number().describe("Yuan"),
  batches: z.int(),
  kpis: kpisSchema,
};

const solveResultSchema = z
  .object({
    scheduleIds: scheduleIds.describe("One per candidate, priority first"),
    candidates: z.array(candidateEntrySchema),
  })
  .describe("kind solve");

const budgetSweepResultSchema = z
  .object({
    scheduleIds,
    runs: z.array(
      z.object({
        budget: z.number().describe("The run's budget.total"),
        ...runFigures,
        marginalCostPerCadre: z
          .number()
          .nullable()
          .describe(
            "Δ totalCost ÷ Δ scheduled against the previous budget; null first or when Δ scheduled is 0",
          ),
      }),
    ),
    leastBudgetForTiers: z.array(
      z.object({
        tiers: z.int().describe("k: tiers 1..k"),
        budget: z
          .number()
          .describe("Least budget at which tiers 1..k reach their most coverage; 1 yuan less does not"),
        scheduledByTier: perTier("That most coverage (0 past k)"),
        proven: z.boolean().describe("Every min-cost solve behind it finished"),
      }),
    ),
  })
  .describe("kind what-if, budgets or range");

const scenarioResultSchema = z
  .object({ scheduleIds, runs: z.array(z.object({ name: z.string(), ...runFigures })) })
  .describe("kind what-if, scenarios");

const explainResultSchema = z
  .object({
    scheduleIds: scheduleIds.describe("Empty: the job adds no schedule"),
    explainedScheduleIds: z
      .array(z.string())
      .describe(
        "Stored schedules whose unscheduled reasons it wrote in (solver.unscheduledReasonsPending gone)",
      ),
  })
  .describe("kind explain");

export const frontierStepSchema = z
  .object({
    budget: z.int().describe("The least budget (yuan) at which the priority solve reaches this coverage"),
    scheduledByTier: perTier("Scheduled cadres at that budget (the lexicographic maximum)"),
    scheduled: z.int(),
    proven: z.boolean().describe("Every solve behind this step and the ones before it finished with a proof"),
    marginalCostPerCadre: z
      .number()
      .nullable()
      .describe(
        "Δ budget ÷ Δ scheduled against the step before, to the fen; null first or when Δ scheduled ≤ 0",
      ),
  })
  .describe("One step of the budget frontier: from this budget up to the next step's, this coverage");

const frontierResultSchema = z
  .object({
    scheduleIds,
    steps: z.array(frontierStepSchema).describe("Ascending budget; the first at 0"),
    complete: z.boolean().describe("The last step is the most coverage any budget buys"),
    proven: z.boolean().describe("Complete, and every step proven"),
    seconds: z.number().describe("Wall time of the computation"),
    source: z.string().describe("Fingerprint of the plan and events it was computed from"),
  })
  .describe("kind frontier");

const placesStepSchema = z
  .object({
    budget: z.int().describe("The least budget (yuan) at which this many system-owned places come"),
    systemPlaces: z.int().describe("Places in system-owned venues (Art. 9) of the priority schedule"),
  })
  .describe("One step of the places curve: from this budget up to the next step's, these places");

const placesResultSchema = z
  .object({
    scheduleIds,
    scheduledByTier: perTier("The most coverage any budget buys, held at every step"),
    steps: z
      .array(placesStepSchema)
      .describe("Ascending budget, from the most coverage's least cost; empty when not proven"),
    proven: z.boolean().describe("Every step proven, up to the places of the unlimited priority schedule"),
    seconds: z.number().describe("Wall time of the computation"),
    source: z.string().describe("Fingerprint of the plan and events it was computed from"),
  })
  .describe("kind frontier-places");

export const frontierSchema = z
  .object({
    planId: z.string(),
    state: z
      .enum(["ready", "computing", "failed", "none"])
      .describe(
        "ready: computed for the plan as it stands; computing: a job is working on it (steps so far); " +
          "failed: the last computation failed (error); none: not computed for the plan as it stands",
      ),
    message: z.string().describe("In Chinese, for people"),
    jobId: z.string().optional().describe("The frontier job (GET /v1/jobs/{jobId})"),
    steps: z.array(frontierStepSchema).describe("All steps once ready; those found so far while computing"),
    complete: z
      .boolean()
      .optional()
      .describe("Ready only: the last step is the most coverage any budget buys"),
    proven: z.boolean().optional().describe("Ready only: complete, and every step proven"),
    fraction: z.number().min(0).max(1).optional().describe("Computing only: coverage found ÷ the most, 0–1"),
    error: z.string().optional().describe("Failed only: why, in Chinese"),
    places: z
      .object({
        state: z.enum(["ready", "computing", "failed", "none"]),
        jobId: z.string().optional().describe("The frontier-places job (GET /v1/jobs/{jobId})"),
        steps: z.array(placesStepSchema).describe("All steps once ready"),
        fraction: z.number().min(0).max(1).optional().describe("Computing only: how far, 0–1"),
      })
      .describe(
        "With the most coverage, the least budget of each more place in system-owned venues: computed after " +
          "the frontier; once ready, what-if budgets past the most coverage's least cost are answered without a solve",
      ),
  })
  .describe("The exact budget frontier of the priority objective (RULES.md §6.1)");

export const frontierAtSchema = z
  .object({
    planId: z.string(),
    budget: z.number().describe("The budget asked about (yuan)"),
    jobId: z.string(),
    step: frontierStepSchema.describe("The last step at or below the budget: the coverage it buys"),
    nextStep: frontierStepSchema
      .nullable()
      .describe("The step after it: how much more money buys more; null past the last step"),
    complete: z
      .boolean()
      .describe("false: the frontier stopped short, and past its last step more may be bought"),
  })
  .describe("The coverage a budget buys, read off the stored frontier");

export const jobSchema = z.object({
  id: z.string(),
  kind: z
    .enum(JOB_KINDS)
    .describe(
      "solve: the plan's candidate schedules; what-if: a budget sweep or scenarios; replan: the next " +
        "version; explain: a budget sweep's unscheduled reasons, computed after its schedules were stored; " +
        "frontier: the plan's budget frontier (GET /v1/plans/{id}/frontier); frontier-places: with the most " +
        "coverage, the least budget of each more place in system-owned venues, queued after the frontier, " +
        "from which what-if budgets past the most coverage's least cost take their schedule",
    ),
  planId: z.string(),
  status: z.enum(JOB_STATUSES),
  createdAt: z.string().describe("ISO 8601 UTC"),
  startedAt: z.string().optional().describe("When a worker took the job"),
  finishedAt: z.string().optional().describe("When the job ended, however it ended"),
  result: z
    .union([
      solveResultSchema,
      budgetSweepResultSchema,
      scenarioResultSchema,
      replanResultSchema,
      explainResultSchema,
      frontierResultSchema,
      placesResultSchema,
    ])
    .optional()
    .describe("Present once succeeded"),
  error: z.string().optional().describe("Present once failed: why, in Chinese"),
  progress: z
    .object({
      stage: z.string().describe("The latest stage any of its solves reported, e.g. tier1, cost"),
      fraction: z
        .number()
        .min(0)
        .max(1)
        .describe("Tasks done ÷ tasks, each running task counted by its own progress; 0–1"),
      tasksDone: z.int().describe("Tasks (solves, least-budget runs) finished"),
      tasksRunning: z.int().describe("Tasks running now, each on its own worker"),
      tasks: z.int().describe("Tasks in the job"),
    })
    .optional()
    .describe("While running"),
});

export const compareSchema = z.object({
  planId: z.string(),
  jobId: z.string().describe("The solve job the candidates come from"),
  solvedAt: z.string().describe("When that job finished, ISO 8601 UTC"),
  priority: z.string().describe("scheduleId of the priority candidate (RULES.md §6)"),
  candidates: z.array(candidateEntrySchema).describe("Side by side, priority first"),
});

export const bottleneckSchema = z.object({
  scheduleId: z.string(),
  budget: z.object({
    total: z.number(),
    used: z.number(),
    left: z.number(),
    cheapestPlace: z
      .number()
      .nullable()
      .describe("Least cost of one more cadre's trip; null: no usable venue"),
    binding: z.boolean().describe("What is left cannot pay for one more cadre"),
  }),
  months: z.array(
    z.object({
      month: z.string().describe("yyyy-mm"),
      staffDaysAvailable: z.int(),
      staffDaysUsed: z.int(),
      medicsAvailable: z.int(),
      batchesRunning: z.int(),
      daysWithoutSpareMedic: z.int(),
      placesOffered: z.int(),
      placesUsed: z.int(),
    }),
  ),
  binding: z
    .array(
      z.object({
        resource: z.enum(["BUDGET", "STAFF", "MEDICAL", "CAPACITY"]),
        month: z.string().optional(),
        message: z.string().describe("In Chinese"),
      }),
    )
    .describe("The resources that bind: the budget, or a month where staff, medics or places run out"),
});

export const scheduleListSchema = z.object({
  planId: z.string(),
  currentVersion: z
    .object({ scheduleId: z.string(), version: z.int() })
    .nullable()
    .describe("The latest schedule version, which replanning works from; null: never replanned"),
  schedules: z.array(
    z.object({
      scheduleId: z.string(),
      candidate: z.string().describe("e.g. priority"),
      run: z
        .string()
        .optional()
        .describe("What-if runs only: budget=… or scenario=…; the schedule answers the plan so modified"),
      version: z.int().optional().describe("Replans only: the schedule version, 1, 2, …"),
      parentScheduleId: z.string().optional().describe("Replans only: the version it was replanned from"),
      jobId: z.string().describe("The job that computed it"),
      status: scheduleStatus,
      createdAt: z.string().describe("ISO 8601 UTC"),
      summary: z.object(scheduleSummarySchema.shape).describe(scheduleSummarySchema.description ?? ""),
    }),
  ),
});

export const validateResponseSchema = z.object({
  valid: z.boolean().describe("No rule is broken and no stated figure differs from the computed one"),
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
  mismatches: z
    .array(problemSchema)
    .describe("DERIVED_MISMATCH: each derived value the schedule states that differs from the computed one"),
  schedule: completedDraftSchema,
});

const upOrDown = z.enum(["up", "down"]);

export const healthSchema = z.object({
  status: z.enum(["ok", "unavailable"]),
  /** Whether the database answers a query. */
  database: upOrDown,
  /** Whether jobs can be queued: the pool or pg-boss is accepting, and its queue can be read. */
  queue: upOrDown,
});

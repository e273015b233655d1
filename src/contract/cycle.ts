import { z } from "zod";
import { MAX_CADRES, MAX_ID_LENGTH, MAX_NAME_LENGTH } from "./bounds.js";
import { recommendedBySchema } from "./events.js";
import { cadreSchema, honorSchema, isoDate, list } from "./plan.js";

// The wire shapes of one cycle, city and counties together (Art. 3–5, 8): the roll-up, the nominees and
// recommendations upward. The computation is src/replan/cycle.ts; these schemas document and check it.

const pathId = z.string().max(MAX_ID_LENGTH);
export const cycleParams = z.object({
  cycleId: pathId.describe("Cycle id (the plans' cycle.id), e.g. 2027"),
});

export const cycleQuery = z.object({
  province: z
    .string()
    .max(MAX_NAME_LENGTH)
    .default("山东省")
    .describe("The cycle's province; default 山东省"),
  city: z.string().max(MAX_NAME_LENGTH).default("济宁市").describe("The cycle's city; default 济宁市"),
});

const byTier = (what: string) => z.array(z.int()).length(6).describe(`${what}, tiers 1–6`);

const tierFiguresSchema = z
  .object({
    eligible: z.int(),
    scheduled: z.int().describe("In a batch of the current version"),
    served: z.int().describe("In a completed batch and attended"),
    eligibleByTier: byTier("Eligible"),
    scheduledByTier: byTier("Scheduled"),
    servedByTier: byTier("Served"),
  })
  .describe("Cadres eligible, scheduled and served, by tier");

const budgetFiguresSchema = z
  .object({
    approved: z
      .number()
      .describe("The approved total: the last budget_changed, else the plan's budget.total"),
    planned: z.number().describe("The current version's cost at the cost standard"),
    spent: z.number().describe("What completed batches really cost (their actualCost)"),
  })
  .describe("Budget in yuan");

const level = z.enum(["city", "county"]);

const placementSchema = z.object({
  cadreId: z.string(),
  name: z.string().optional().describe("Planners only"),
  county: z.string().nullable(),
  level,
  planId: z.string(),
  batchId: z.string(),
  start: isoDate,
  end: isoDate,
  tier: z.int().nullable(),
  state: z
    .enum(["planned", "published", "departed", "completed", "absent"])
    .describe("planned, published (told), departed, completed (attended) or absent (completed without them)"),
});

const warningSchema = z.object({
  code: z.enum(["IDENTITY_MISMATCH", "DOUBLE_PLACED"]),
  cadreId: z.string(),
  planIds: z.array(z.string()),
  message: z.string().describe("In Chinese"),
});

export const cycleRollUpSchema = z
  .object({
    cycleId: z.string(),
    province: z.string(),
    city: z.string(),
    cityCode: z
      .string()
      .nullable()
      .describe("Administrative code of the city (370800), null outside the tree"),
    personalData: z.enum(["included", "withheld"]),
    plans: z.array(
      tierFiguresSchema.extend({
        planId: z.string(),
        name: z.string(),
        level,
        county: z.string().nullable(),
        countyCode: z.string().nullable(),
        currentVersion: z.object({ scheduleId: z.string(), version: z.int() }).nullable(),
        budget: budgetFiguresSchema,
        batches: z.object({
          total: z.int(),
          published: z.int(),
          departed: z.int(),
          completed: z.int(),
        }),
      }),
    ),
    byLevel: z.object({
      city: tierFiguresSchema.extend({ budget: budgetFiguresSchema }),
      county: tierFiguresSchema.extend({ budget: budgetFiguresSchema }),
    }),
    byCounty: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        planIds: z.array(z.string()).describe("The county's own plans in the cycle"),
        cityPlan: tierFiguresSchema.describe("The city plan's cadres placed in this county"),
        countyPlans: tierFiguresSchema.describe("The county's own plans"),
      }),
    ),
    total: z
      .object({ eligible: z.int(), scheduled: z.int(), served: z.int() })
      .describe("Distinct cadres over the cycle's plans, matched by id"),
    placements: z.array(placementSchema).describe("Who is placed at which level, in which batch"),
    warnings: z
      .array(warningSchema)
      .describe("Ids whose name or birth date differ between plans; double places"),
  })
  .describe("One cycle, city and counties together");

export const nomineeSchema = z.object({
  cadreId: z.string(),
  name: z.string().optional().describe("Planners only"),
  county: z.string().nullable(),
  institution: z.string().nullable(),
  nominee: z.enum(["ministerial", "provincial"]),
  honors: z.array(honorSchema),
  planIds: z.array(z.string()).describe("The cycle's plans where the cadre is eligible"),
});

export const nomineesSchema = z.object({
  cycleId: z.string(),
  personalData: z.enum(["included", "withheld"]),
  nominees: z.array(nomineeSchema),
});

export const recommendationsBodySchema = z
  .strictObject({
    ...recommendedBySchema.shape,
    cadres: list(cadreSchema, MAX_CADRES)
      .min(1)
      .describe("The recommended cadres, in the plan's cadre schema"),
  })
  .describe("One county's recommendation to the city plan (推荐申报, Art. 5)");

export const recommendationParams = z.object({
  id: pathId.describe("The city plan's id"),
  cadreId: pathId.describe("The recommended cadre's id"),
});

export const recommendationsAcceptedSchema = z.object({
  stored: z.int(),
  sequence: z.tuple([z.int(), z.int()]),
  warnings: z
    .array(warningSchema)
    .describe("IDENTITY_MISMATCH: an id the cycle's county plans hold differently"),
});

export const recommendationListSchema = z.object({
  planId: z.string(),
  recommendations: z.array(
    z.object({
      cadreId: z.string(),
      county: z.string(),
      date: isoDate,
      told: z.boolean().describe("In a published, departed or completed batch: no longer withdrawable"),
    }),
  ),
});

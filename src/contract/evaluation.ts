import { z } from "zod";
import { INCIDENT_KINDS, SATISFACTION_LEVELS } from "./dossier.js";

// The year's performance evaluation (绩效评价, Art. 16) as GET /v1/plans/{id}/evaluation answers it, and the
// report's workbook writes it. Every ratio is null where its denominator is 0.

const ratio = (formula: string) =>
  z.number().nullable().describe(`${formula}; null when the denominator is 0`);

export const INDICATORS = {
  participants: "参加疗养人数",
  completionRate: "疗养任务完成率（实到/应到）",
  batchCompletionRate: "批次完成率",
  satisfactionRate: "满意度（满意+基本满意）",
  responseRate: "满意度调查回收率",
  coverageTiers1to3: "一至三类对象覆盖率",
  budgetExecution: "预算执行率",
} as const;
export type IndicatorKey = keyof typeof INDICATORS;

const count = z.int().min(0);
/** A count for each of `keys`, every key present (an object, so the document names each property). */
function countsOf<K extends string>(keys: readonly K[]) {
  return z.strictObject(Object.fromEntries(keys.map((key) => [key, count])) as Record<K, typeof count>);
}
const coverageRow = z.object({ eligible: count, attended: count, rate: ratio("attended ÷ eligible") });

export const evaluationSchema = z
  .object({
    planId: z.string(),
    today: z.string().describe("The day the evaluation was read on (Asia/Shanghai)"),
    scheduleId: z.string().nullable().describe("The current version read; null before the first replan"),
    batches: z.object({
      planned: count.describe("Batches of the current version"),
      due: count.describe("Batches whose end date has passed, or completed"),
      departed: count,
      completed: count,
      overridden: count.describe("Departures recorded with an override"),
    }),
    scheduled: count.describe("Participants of the completed batches"),
    attended: count.describe("Of them, who attended (batch_completed.attendedCadreIds)"),
    completionRate: ratio("attended ÷ scheduled, over completed batches"),
    batchCompletionRate: ratio("completed ÷ due batches"),
    satisfaction: z.object({
      responses: count.describe("The latest response of each cadre who attended"),
      distribution: countsOf(SATISFACTION_LEVELS).describe("Responses per rating"),
      rate: ratio("(satisfied + basically_satisfied) ÷ responses"),
      responseRate: ratio("responses ÷ attended"),
    }),
    budget: z.object({
      approved: z.number().describe("The approved budget: the last budget_changed total, else the plan's"),
      spent: z.number().describe("Σ actualCost over completed batches"),
      execution: ratio("spent ÷ approved"),
    }),
    coverage: z.object({
      byTier: z.array(coverageRow.extend({ tier: z.int() })).describe("Tiers 1–6 with anybody eligible"),
      tiers1to3: coverageRow,
      byCounty: z
        .array(coverageRow.extend({ county: z.string() }))
        .describe("By placement county, 未填 when none"),
    }),
    incidents: z.object({
      total: count,
      byKind: countsOf(Object.keys(INCIDENT_KINDS)).describe("Incidents per kind"),
      list: z.array(
        z.object({
          batchId: z.string(),
          date: z.string(),
          cadreId: z.string(),
          kind: z.string(),
          handling: z.string().describe("Withheld from viewers"),
        }),
      ),
    }),
    byBatch: z.array(
      z.object({
        batchId: z.string(),
        venueId: z.string(),
        start: z.string(),
        end: z.string(),
        status: z.enum(["planned", "departed", "completed"]),
        override: z.string().nullable().describe("The reason of a departure's override"),
        scheduled: count,
        attended: count.nullable(),
        standardCost: z.number(),
        actualCost: z.number().nullable(),
        responses: count,
        satisfied: count.describe("满意 + 基本满意"),
      }),
    ),
    indicators: z
      .array(
        z.object({
          key: z.enum(Object.keys(INDICATORS) as [IndicatorKey, ...IndicatorKey[]]),
          label: z.string().describe("In Chinese"),
          value: z.number().nullable(),
          target: z
            .union([z.number(), z.object({ min: z.number(), max: z.number() })])
            .nullable()
            .describe("At least this (a range for budget execution); null: no target set"),
          met: z.boolean().nullable().describe("null when there is no target or no value yet"),
        }),
      )
      .describe("Each indicator against its performance target"),
  })
  .describe("The year so far against the performance targets (Art. 16)");

export type Evaluation = z.output<typeof evaluationSchema>;

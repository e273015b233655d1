// The body of `POST /v1/plans/{id}/what-if`: a budget sweep (a list or a range) or named scenarios.

import { z } from "zod";
import { MAX_NAME_LENGTH, MAX_YUAN } from "./bounds.js";
import { money } from "./plan.js";

export const MAX_WHAT_IF_BUDGETS = 50;
export const MAX_WHAT_IF_SCENARIOS = 20;

/** Budgets in a range, its end included; the tolerance keeps 0.3 ÷ 0.1 from flooring to 2. */
function rangeCount({ from, to, step }: { from: number; to: number; step: number }): number {
  return Math.floor((to - from) / step + 1e-9) + 1;
}

const budget = money("A budget.total to try");

export const whatIfScenarioSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(MAX_NAME_LENGTH)
      .describe("Names the run in the result; unique within the request"),
    patch: z
      .record(z.string(), z.unknown())
      .describe(
        "JSON merge patch (RFC 7386) applied to the stored plan; the patched plan must meet the contract. " +
          "Lists are replaced whole, except that venues, staff and cadres may be patched by id: " +
          '{ "venues": { "V01": { "capacityPerBatch": 40 } } } (null removes an item, an unknown id adds one)',
      ),
  })
  .describe("One scenario: the stored plan with this patch");

export const whatIfRequestSchema = z
  .strictObject({
    budgets: z
      .array(budget)
      .min(1)
      .max(MAX_WHAT_IF_BUDGETS)
      .optional()
      .describe(`Budgets to try, 1–${MAX_WHAT_IF_BUDGETS}; run in ascending order, repeats dropped`),
    range: z
      .object({
        from: budget,
        to: budget,
        step: z.number().positive().max(MAX_YUAN).describe(`Yuan between budgets, in (0, ${MAX_YUAN}]`),
      })
      .optional()
      .describe(`from, from + step, … up to to (inclusive): at most ${MAX_WHAT_IF_BUDGETS} budgets`),
    scenarios: z
      .array(whatIfScenarioSchema)
      .min(1)
      .max(MAX_WHAT_IF_SCENARIOS)
      .optional()
      .describe(`Scenarios to compare side by side, 1–${MAX_WHAT_IF_SCENARIOS}`),
  })
  .superRefine((body, ctx) => {
    const given = (["budgets", "range", "scenarios"] as const).filter((key) => body[key] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "应恰好给出 budgets、range、scenarios 三者之一",
        params: { code: "INVALID_VALUE" },
      });
    }
    if (body.range) {
      if (body.range.to < body.range.from) {
        ctx.addIssue({
          code: "custom",
          path: ["range", "to"],
          message: "range.to 应不小于 range.from",
          params: { code: "TOO_SMALL" },
        });
      } else if (rangeCount(body.range) > MAX_WHAT_IF_BUDGETS) {
        ctx.addIssue({
          code: "custom",
          path: ["range", "step"],
          message: `该区间展开后超过 ${MAX_WHAT_IF_BUDGETS} 个预算，请加大 step`,
          params: { code: "TOO_BIG" },
        });
      }
    }
    const seen = new Set<string>();
    body.scenarios?.forEach(({ name }, i) => {
      if (seen.has(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["scenarios", i, "name"],
          message: `情景名称「${name}」重复`,
          params: { code: "DUPLICATE_ID" },
        });
      }
      seen.add(name);
    });
  })
  .describe("Exactly one of budgets, range or scenarios");

export type WhatIfRequest = z.output<typeof whatIfRequestSchema>;
export type WhatIfScenario = z.output<typeof whatIfScenarioSchema>;

/** The budgets a sweep runs: ascending, each once; a range expands to from, from + step, … ≤ to. */
export function sweepBudgets({ budgets, range }: Pick<WhatIfRequest, "budgets" | "range">): number[] {
  let listed = budgets ?? [];
  if (range) {
    // To the fen: 0.1-yuan steps would otherwise drift (0.30000000000000004).
    listed = Array.from(
      { length: rangeCount(range) },
      (_, i) => Math.round((range.from + i * range.step) * 100) / 100,
    );
  }
  return [...new Set(listed)].sort((a, b) => a - b);
}

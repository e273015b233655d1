// A planner's draft schedule: what is missing is computed by the core (completeSchedule), and what is given is
// checked against it. The rules themselves stay with the referee (validateSchedule); this only says where a
// stated figure or list differs from what the plan and the batches give.

import {
  type BatchCost,
  completeSchedule,
  type Plan,
  type Schedule,
  type ScheduleKpis,
  type Violation,
  validateSchedule,
} from "../../solver/index.js";
import type { Problem, ScheduleDraftInput } from "./index.js";
import { HEALTH_WITHHELD, withHealthWithheld } from "./privacy.js";

type Derived = "batches" | "summary" | "unscheduled" | "ineligible" | "excludedVenues";

/** A draft once completed: what it gave, and every derived field. */
export type CompletedDraft = Omit<ScheduleDraftInput, Derived | "kpis"> &
  Pick<Schedule, Derived> & { kpis: ScheduleKpis };

export interface CheckedDraft {
  schedule: CompletedDraft;
  /** Every given derived value that differs from the computed one (code DERIVED_MISMATCH). */
  mismatches: Problem[];
}

// What the planner sees a figure called, by its key (the same words as the exported workbook's).
const LABELS: Record<string, string> = {
  fixed: "固定费用",
  cadres: "军休干部费用",
  staff: "服务保障人员费用",
  total: "合计",
  eligibleByTier: "各优先级符合条件人数",
  scheduledByTier: "各优先级已安排人数",
  eligible: "符合条件人数",
  scheduled: "已安排人数",
  totalCost: "总费用",
  budget: "预算",
  systemVenueShare: "系统内疗养地点名额占比",
  coverageByTier: "各优先级覆盖率",
  budgetLeft: "结余",
  batches: "批次数",
  staffDays: "服务保障人员人天",
  countiesReached: "覆盖区县数",
};

// Half a fen: a workbook rounds money to the fen, and the core rounds shares to four places.
const TOLERANCE = 0.005;

function mismatch(path: string, message: string): Problem {
  return { path, code: "DERIVED_MISMATCH", message };
}

/** Each figure of `given` (numbers, or arrays of numbers) that differs from the same figure of `computed`. */
function compareFigures(given: object, computed: object, path: string): Problem[] {
  const out: Problem[] = [];
  for (const [key, value] of Object.entries(given)) {
    const expected: unknown = Reflect.get(computed, key);
    const label = LABELS[key] ?? key;
    if (typeof value === "number" && typeof expected === "number") {
      if (Math.abs(value - expected) > TOLERANCE)
        out.push(mismatch(`${path}/${key}`, `「${label}」与计算结果不符：给出 ${value}，应为 ${expected}`));
    } else if (Array.isArray(value) && Array.isArray(expected)) {
      value.forEach((item: unknown, i) => {
        const want: unknown = expected[i];
        if (typeof item === "number" && typeof want === "number" && Math.abs(item - want) > TOLERANCE)
          out.push(
            mismatch(
              `${path}/${key}/${i}`,
              `「${label}」第 ${i + 1} 项与计算结果不符：给出 ${item}，应为 ${want}`,
            ),
          );
      });
    }
  }
  return out;
}

interface Listed {
  reasons?: readonly unknown[];
  tier?: number;
  [id: string]: unknown;
}

/** The lists a schedule states, what names their entries, and whether their reasons follow from the plan. */
const LISTS = [
  // An unscheduled cadre's reasons take the optimizer to find; only eligibility reasons follow from the plan.
  { key: "unscheduled", id: "cadreId", what: "未安排名单", checkReasons: false },
  { key: "ineligible", id: "cadreId", what: "不符合条件名单", checkReasons: true },
  { key: "excludedVenues", id: "venueId", what: "不可使用的疗养地点名单", checkReasons: true },
] as const;

/**
 * A given list of cadres or venues against the computed one: an entry that should not be there, one whose
 * tier or reason codes differ, and (at the list's own path) those it leaves out.
 */
function compareList(
  given: readonly Listed[],
  computed: readonly Listed[],
  { id: idKey, what, checkReasons }: (typeof LISTS)[number],
  path: string,
): Problem[] {
  const idOf = (entry: Listed) => String(entry[idKey]);
  const out: Problem[] = [];
  const expected = new Map(computed.map((entry) => [idOf(entry), entry]));
  const seen = new Set<string>();
  given.forEach((entry, i) => {
    const id = idOf(entry);
    seen.add(id);
    const want = expected.get(id);
    if (!want) {
      out.push(mismatch(`${path}/${i}`, `「${id}」不应列入${what}`));
      return;
    }
    if (entry.tier !== undefined && entry.tier !== want.tier)
      out.push(mismatch(`${path}/${i}/tier`, `「${id}」的优先级应为 ${want.tier}，给出 ${entry.tier}`));
    if (checkReasons) {
      const codes = (reasons: readonly unknown[] = []) =>
        reasons.map((r) => String((r as { code?: unknown }).code)).sort();
      const stated = codes(entry.reasons);
      // A viewer's copy of a schedule has health reasons withheld (src/contract/privacy.ts); sent back, it still holds.
      const shown = stated.includes(HEALTH_WITHHELD.code)
        ? withHealthWithheld({ reasons: [...(want.reasons as { code: string }[])] })
        : want;
      const right = codes(shown.reasons);
      if (stated.join() !== right.join())
        out.push(mismatch(`${path}/${i}/reasons`, `「${id}」的原因应为 ${right.join("、")}`));
    }
  });
  const missing = [...expected.keys()].filter((id) => !seen.has(id));
  if (missing.length > 0) out.push(mismatch(path, `${what}缺少 ${missing.join("、")}`));
  return out;
}

const ZERO_COST: BatchCost = { fixed: 0, cadres: 0, staff: 0, total: 0 };

/**
 * The draft with every missing derived field computed, and every given one that differs from the computed
 * value. `at` is the draft's JSON Pointer in the document the paths point into ("/schedule" in a request).
 */
export function completeDraft(plan: Plan, draft: ScheduleDraftInput, at = ""): CheckedDraft {
  const width = Math.max(2, String(draft.batches.length).length);
  const batches = draft.batches.map((b, i) => ({
    ...b,
    id: b.id ?? `B${String(i + 1).padStart(width, "0")}`,
  }));
  const derived = completeSchedule(plan, batches);
  const mismatches: Problem[] = [];
  const completedBatches = batches.map((b, i) => {
    const computed = derived.costs[i];
    // An unknown venue has no cost standard; the referee reports the venue (UNKNOWN_VENUE).
    if (computed && b.cost) mismatches.push(...compareFigures(b.cost, computed, `${at}/batches/${i}/cost`));
    return { ...b, cost: { ...(computed ?? ZERO_COST), ...b.cost } };
  });
  if (draft.summary) mismatches.push(...compareFigures(draft.summary, derived.summary, `${at}/summary`));
  if (draft.kpis) mismatches.push(...compareFigures(draft.kpis, derived.kpis, `${at}/kpis`));
  for (const list of LISTS) {
    const given: readonly Listed[] | undefined = draft[list.key];
    const computed: readonly Listed[] = derived[list.key];
    if (given) mismatches.push(...compareList(given, computed, list, `${at}/${list.key}`));
  }
  const schedule: CompletedDraft = {
    ...draft,
    batches: completedBatches,
    summary: { ...derived.summary, ...draft.summary },
    unscheduled: draft.unscheduled ?? derived.unscheduled,
    ineligible: draft.ineligible ?? derived.ineligible,
    excludedVenues: draft.excludedVenues ?? derived.excludedVenues,
    kpis: { ...derived.kpis, ...draft.kpis },
  };
  return { schedule, mismatches };
}

export interface DraftVerdict extends CheckedDraft {
  /** No rule broken and no stated figure wrong. */
  valid: boolean;
  /** Every rule the completed schedule breaks, from the referee. */
  violations: Violation[];
}

/** `convalescence validate` and POST /v1/validate: the draft completed, then judged by the referee. */
export function validateDraft(plan: Plan, draft: ScheduleDraftInput, at = ""): DraftVerdict {
  const { schedule, mismatches } = completeDraft(plan, draft, at);
  const violations = validateSchedule(plan, schedule);
  return { valid: violations.length === 0 && mismatches.length === 0, violations, mismatches, schedule };
}

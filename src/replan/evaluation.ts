import { assessEligibility, type Schedule } from "../../solver/index.js";
import { INCIDENT_KINDS, SATISFACTION_LEVELS, type Satisfaction } from "../contract/dossier.js";
import { type Evaluation, INDICATORS, type IndicatorKey } from "../contract/evaluation.js";
import type { PlanEvent } from "../contract/events.js";
import type { PlanInput } from "../contract/index.js";
import type { PlanState } from "./state.js";

// The year's performance evaluation (Art. 16), read from the recorded events: pure, so the same events give
// the same figures. Each figure's formula is written once, here, and in src/replan/README.md.

/** part ÷ whole, null when there is nothing to divide by. */
export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** The approved budget: the last budget_changed total, else the plan's (a completion's charge is not a cut). */
function approvedBudget(plan: PlanInput, events: readonly PlanEvent[]): number {
  let approved = plan.budget.total;
  for (const event of events) if (event.type === "budget_changed") approved = event.total;
  return approved;
}

const POSITIVE: ReadonlySet<Satisfaction> = new Set(["satisfied", "basically_satisfied"]);

export interface EvaluationInput {
  planId: string;
  /** The stored plan, before events. */
  stored: PlanInput;
  /** The plan after the events: whom the evaluation counts as eligible, in which tier and county. */
  plan: PlanInput;
  events: readonly PlanEvent[];
  schedule: Pick<Schedule, "scheduleId" | "batches"> | null;
  state: PlanState;
  today: string;
}

export function evaluate(input: EvaluationInput): Evaluation {
  const { plan, state, today } = input;
  const batches = [...(input.schedule?.batches ?? [])].sort(
    (a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id),
  );

  // Completion: attended ÷ scheduled over completed batches; completed ÷ batches whose end has passed.
  let scheduled = 0;
  let attended = 0;
  let spent = 0;
  const attendees = new Set<string>();
  const byBatch = batches.map((b) => {
    const completed = state.completed.get(b.id);
    const responses = [...(state.responses.get(b.id)?.values() ?? [])];
    if (completed !== undefined) {
      scheduled += b.cadreIds.length;
      attended += completed.attendedCadreIds.length;
      spent += completed.actualCost;
      for (const id of completed.attendedCadreIds) attendees.add(id);
    }
    return {
      batchId: b.id,
      venueId: b.venueId,
      start: b.start,
      end: b.end,
      status: completed
        ? ("completed" as const)
        : state.frozen.has(b.id)
          ? ("departed" as const)
          : ("planned" as const),
      override: state.overrides.get(b.id) ?? null,
      scheduled: b.cadreIds.length,
      attended: completed?.attendedCadreIds.length ?? null,
      standardCost: b.cost.total,
      actualCost: completed?.actualCost ?? null,
      responses: responses.length,
      satisfied: responses.filter((r) => POSITIVE.has(r.rating)).length,
    };
  });
  const completedCount = byBatch.filter((b) => b.status === "completed").length;
  const due = byBatch.filter((b) => b.status === "completed" || b.end < today).length;

  // Satisfaction: the latest response of each cadre who attended a completed batch.
  const distribution = Object.fromEntries(SATISFACTION_LEVELS.map((level) => [level, 0])) as Record<
    Satisfaction,
    number
  >;
  let responses = 0;
  for (const b of byBatch) {
    if (b.status !== "completed") continue;
    for (const r of state.responses.get(b.batchId)?.values() ?? []) {
      distribution[r.rating]++;
      responses++;
    }
  }
  const positive = distribution.satisfied + distribution.basically_satisfied;

  // Coverage: attended ÷ eligible, by tier and by county, over the plan after the events.
  const eligible = assessEligibility(plan).eligible;
  const tiers = new Map<number, { eligible: number; attended: number }>();
  const counties = new Map<string, { eligible: number; attended: number }>();
  const tally = <K>(map: Map<K, { eligible: number; attended: number }>, key: K, went: boolean) => {
    const row = map.get(key) ?? { eligible: 0, attended: 0 };
    row.eligible++;
    if (went) row.attended++;
    map.set(key, row);
  };
  for (const e of eligible) {
    const went = attendees.has(e.cadre.id);
    tally(tiers, e.tier, went);
    tally(counties, e.cadre.placement.county ?? "未填", went);
  }
  const withRate = (row: { eligible: number; attended: number }) => ({
    ...row,
    rate: rate(row.attended, row.eligible),
  });
  const top = [...tiers].filter(([tier]) => tier <= 3).map(([, row]) => row);
  const tiers1to3 = withRate({
    eligible: top.reduce((sum, row) => sum + row.eligible, 0),
    attended: top.reduce((sum, row) => sum + row.attended, 0),
  });

  const byKind = Object.fromEntries(Object.keys(INCIDENT_KINDS).map((kind) => [kind, 0]));
  for (const incident of state.incidents) byKind[incident.kind] = (byKind[incident.kind] ?? 0) + 1;

  const approved = approvedBudget(input.stored, input.events);
  const values: Record<IndicatorKey, number | null> = {
    participants: attendees.size,
    completionRate: rate(attended, scheduled),
    batchCompletionRate: rate(completedCount, due),
    satisfactionRate: rate(positive, responses),
    responseRate: rate(responses, attended),
    coverageTiers1to3: tiers1to3.rate,
    budgetExecution: rate(spent, approved),
  };
  const targets = input.stored.performanceTargets ?? {};
  const indicators = (Object.keys(INDICATORS) as IndicatorKey[]).map((key) => {
    const value = values[key];
    const target = targets[key] ?? null;
    const met =
      target === null || value === null
        ? null
        : typeof target === "number"
          ? value >= target
          : value >= target.min && value <= target.max;
    return { key, label: INDICATORS[key], value, target, met };
  });

  return {
    planId: input.planId,
    today,
    scheduleId: input.schedule?.scheduleId ?? null,
    batches: {
      planned: batches.length,
      due,
      departed: byBatch.filter((b) => b.status !== "planned").length,
      completed: completedCount,
      overridden: byBatch.filter((b) => b.override !== null).length,
    },
    scheduled,
    attended,
    completionRate: values.completionRate,
    batchCompletionRate: values.batchCompletionRate,
    satisfaction: {
      responses,
      distribution,
      rate: values.satisfactionRate,
      responseRate: values.responseRate,
    },
    budget: { approved, spent, execution: values.budgetExecution },
    coverage: {
      byTier: [...tiers].sort(([a], [b]) => a - b).map(([tier, row]) => ({ tier, ...withRate(row) })),
      tiers1to3,
      byCounty: [...counties]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([county, row]) => ({ county, ...withRate(row) })),
    },
    incidents: {
      total: state.incidents.length,
      byKind,
      list: state.incidents.map(({ batchId, date, cadreId, kind, handling }) => ({
        batchId,
        date,
        cadreId,
        kind,
        handling,
      })),
    },
    byBatch,
    indicators,
  };
}

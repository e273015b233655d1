import {
  assessEligibility,
  type CycleCommitment,
  countByTier,
  type Honor,
  type Tier,
} from "../../solver/index.js";
import type { PlanEvent } from "../contract/events.js";
import { cityNode, countyNode, type PlanInput } from "../contract/index.js";
import { applyEvents } from "./events.js";
import { toldCadreIds } from "./recommendations.js";
import { applyContext, type CurrentVersion, deriveState, type PlanState } from "./state.js";

// One cycle, city and counties together (Art. 3–5, 8): the city plan and the county plans with the same
// `cycle.id` in the same city. Pure: the service reads the plans, their events and current versions, and
// everything here is computed from them, once, so the roll-up and the replans read the cycle alike.
// Plans match people by the cadre `id` (the city register number), never by name or position.

export interface CyclePlan {
  planId: string;
  /** The stored plan. */
  plan: PlanInput;
  events: PlanEvent[];
  current: CurrentVersion | null;
  /** The plan the current version answers (stored plan with the version's patch); null without a version. */
  versionPlan: PlanInput | null;
}

type Organizer = PlanInput["organizer"];

/** Code-unit order, as the core compares ids: the same on every machine, whatever its locale. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const LEVEL_NAMES = { city: "市级", county: "县级" } as const;

/** The plan's name as planners know it: its `name`, else its organizer and level (任城区县级计划). */
export function planLabel(plan: PlanInput): string {
  const { organizer } = plan;
  return plan.name ?? `${organizer.county ?? organizer.city}${LEVEL_NAMES[organizer.level]}计划`;
}

/** Whether two plans belong to one cycle: same cycle id, same province and city. */
export function sameCycle(a: PlanInput, b: PlanInput): boolean {
  return (
    a.cycle.id === b.cycle.id &&
    a.organizer.province === b.organizer.province &&
    a.organizer.city === b.organizer.city
  );
}

/**
 * Art. 8 across levels, decided by who committed first: a county plan gives way to every cadre in a batch of
 * the city plan's current version; the city plan gives way to every cadre in a county batch that has been
 * published, has departed or is completed (told participants are the county's). County plans never take
 * each other's cadres (a cadre is placed in one county), so they are not compared.
 */
export function commitmentsFor(target: { planId: string; plan: PlanInput }, others: readonly CyclePlan[]) {
  const out: CycleCommitment[] = [];
  const level = target.plan.organizer.level;
  for (const other of others) {
    const { current } = other;
    if (other.planId === target.planId || current === null || !sameCycle(target.plan, other.plan)) continue;
    if (other.plan.organizer.level === level) continue;
    const told =
      level === "city" ? toldCadreIds(current.schedule.batches, deriveState(current, other.events)) : null;
    for (const batch of current.schedule.batches)
      for (const cadreId of batch.cadreIds)
        if (told === null || told.has(cadreId))
          out.push({
            cadreId,
            planId: other.planId,
            planName: planLabel(other.plan),
            level: other.plan.organizer.level,
            batchId: batch.id,
          });
  }
  return out.sort(
    (a, b) => byText(a.cadreId, b.cadreId) || byText(a.planId, b.planId) || byText(a.batchId, b.batchId),
  );
}

/**
 * Who committed first keeps the cadre: a batch may not be published while it holds a cadre another plan of the
 * cycle has taken (the city's current version for a county plan; a county's told batch for the city plan).
 * The first such batch event, as a sentence naming both; undefined when there is none.
 */
export function publicationConflict(
  current: CurrentVersion | null,
  added: readonly PlanEvent[],
  taken: readonly CycleCommitment[],
  pointer: (i: number) => string,
): string | undefined {
  if (taken.length === 0) return undefined;
  const takenBy = new Map(taken.map((c) => [c.cadreId, c]));
  for (const [i, event] of added.entries()) {
    if (event.type !== "batch_published") continue;
    const batch = current?.schedule.batches.find((b) => b.id === event.batchId);
    const cadreId = batch?.cadreIds.find((id) => takenBy.has(id));
    const other = cadreId === undefined ? undefined : takenBy.get(cadreId);
    if (other !== undefined)
      return `事件 ${pointer(i) || "/"}：批次 ${event.batchId} 中的军休干部「${cadreId}」已由${LEVEL_NAMES[other.level]}计划「${other.planName}」（${other.planId}）批次 ${other.batchId} 先行安排（第八条），请先重新排程本计划`;
  }
  return undefined;
}

export interface TierFigures {
  eligible: number;
  scheduled: number;
  served: number;
  eligibleByTier: number[];
  scheduledByTier: number[];
  servedByTier: number[];
}

export interface BudgetFigures {
  /** The approved total: the last budget_changed, else the plan's. */
  approved: number;
  /** The current version's cost at the cost standard. */
  planned: number;
  /** What completed batches really cost (their actualCost). */
  spent: number;
}

export interface BatchFigures {
  total: number;
  published: number;
  departed: number;
  completed: number;
}

export type PlacementState = "planned" | "published" | "departed" | "completed" | "absent";

/** Who is served at which level: a cadre in a batch of a current version. */
export interface Placement {
  cadreId: string;
  /** Planners only. */
  name?: string | undefined;
  county: string | null;
  level: Organizer["level"];
  planId: string;
  batchId: string;
  start: string;
  end: string;
  tier: number | null;
  state: PlacementState;
}

export interface CyclePlanFigures extends TierFigures {
  planId: string;
  name: string;
  level: Organizer["level"];
  county: string | null;
  countyCode: string | null;
  currentVersion: { scheduleId: string; version: number } | null;
  budget: BudgetFigures;
  batches: BatchFigures;
}

export interface CycleWarning {
  code: "IDENTITY_MISMATCH" | "DOUBLE_PLACED";
  cadreId: string;
  planIds: string[];
  message: string;
}

export interface CycleRollUp {
  cycleId: string;
  province: string;
  city: string;
  cityCode: string | null;
  plans: CyclePlanFigures[];
  byLevel: { city: TierFigures & { budget: BudgetFigures }; county: TierFigures & { budget: BudgetFigures } };
  /** Each county of the tree: the city plan's cadres placed there (cityPlan) beside its own plans (countyPlans). */
  byCounty: {
    code: string;
    name: string;
    planIds: string[];
    cityPlan: TierFigures;
    countyPlans: TierFigures;
  }[];
  /** Distinct cadres over the cycle's plans. */
  total: { eligible: number; scheduled: number; served: number };
  placements: Placement[];
  warnings: CycleWarning[];
}

/** One plan read for the roll-up: who is eligible in which tier, who is placed where, who went. */
interface PlanReading {
  source: CyclePlan;
  /** The roster as the plan's events leave it: for identities and counties. */
  roster: Map<string, PlanInput["cadres"][number]>;
  tiers: Map<string, Tier>;
  placements: Placement[];
  figures: CyclePlanFigures;
}

function emptyFigures(): TierFigures {
  return {
    eligible: 0,
    scheduled: 0,
    served: 0,
    eligibleByTier: [0, 0, 0, 0, 0, 0],
    scheduledByTier: [0, 0, 0, 0, 0, 0],
    servedByTier: [0, 0, 0, 0, 0, 0],
  };
}

function addInto(sum: TierFigures, part: TierFigures): void {
  sum.eligible += part.eligible;
  sum.scheduled += part.scheduled;
  sum.served += part.served;
  for (let k = 0; k < 6; k++) {
    sum.eligibleByTier[k] = (sum.eligibleByTier[k] ?? 0) + (part.eligibleByTier[k] ?? 0);
    sum.scheduledByTier[k] = (sum.scheduledByTier[k] ?? 0) + (part.scheduledByTier[k] ?? 0);
    sum.servedByTier[k] = (sum.servedByTier[k] ?? 0) + (part.servedByTier[k] ?? 0);
  }
}

/** Eligible, scheduled and served by tier among the cadres `keep` admits. */
function tierFigures(
  tiers: ReadonlyMap<string, Tier>,
  placements: readonly Placement[],
  keep: (cadreId: string) => boolean,
): TierFigures {
  const tierOf = (ids: Iterable<string>) =>
    [...ids].flatMap((id) => {
      const tier = tiers.get(id);
      return tier !== undefined && keep(id) ? [{ tier }] : [];
    });
  const scheduled = new Set(placements.map((p) => p.cadreId));
  const served = new Set(placements.filter((p) => p.state === "completed").map((p) => p.cadreId));
  const eligibleByTier = countByTier(tierOf(tiers.keys()));
  const scheduledByTier = countByTier(tierOf(scheduled));
  const servedByTier = countByTier(tierOf(served));
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  return {
    eligible: sum(eligibleByTier),
    scheduled: sum(scheduledByTier),
    served: sum(servedByTier),
    eligibleByTier,
    scheduledByTier,
    servedByTier,
  };
}

function placementState(batchId: string, cadreId: string, state: PlanState): PlacementState {
  const completed = state.completed.get(batchId);
  if (completed !== undefined) return completed.attendedCadreIds.includes(cadreId) ? "completed" : "absent";
  if (state.frozen.has(batchId)) return "departed";
  return state.published.has(batchId) ? "published" : "planned";
}

function readPlan(source: CyclePlan, personal: boolean): PlanReading {
  const { plan: stored, events, current, planId } = source;
  const latest = applyEvents(stored, events, applyContext(current));
  const roster = new Map(latest.cadres.map((c) => [c.id, c]));
  // Eligibility as the current version saw it (its plan carries the cycle's commitments); else as of now.
  const eligibility = assessEligibility(source.versionPlan ?? latest);
  const tiers = new Map(eligibility.eligible.map((e) => [e.cadre.id, e.tier]));
  const state = deriveState(current, events);
  const level = stored.organizer.level;
  const placements: Placement[] = (current?.schedule.batches ?? []).flatMap((batch) =>
    batch.cadreIds.map((cadreId): Placement => {
      const cadre = roster.get(cadreId);
      return {
        cadreId,
        ...(personal && cadre?.name !== undefined ? { name: cadre.name } : {}),
        county: cadre?.placement.county ?? null,
        level,
        planId,
        batchId: batch.id,
        start: batch.start,
        end: batch.end,
        tier: tiers.get(cadreId) ?? null,
        state: placementState(batch.id, cadreId, state),
      };
    }),
  );
  const batches = current?.schedule.batches ?? [];
  const approved = events.reduce(
    (total, e) => (e.type === "budget_changed" ? e.total : total),
    stored.budget.total,
  );
  const county = level === "county" ? (stored.organizer.county ?? null) : null;
  const figures: CyclePlanFigures = {
    planId,
    name: planLabel(stored),
    level,
    county,
    countyCode:
      county === null
        ? null
        : (countyNode(stored.organizer.province, stored.organizer.city, county)?.code ?? null),
    currentVersion: current === null ? null : { scheduleId: current.scheduleId, version: current.version },
    ...tierFigures(tiers, placements, () => true),
    budget: {
      approved,
      planned: current?.schedule.summary.totalCost ?? 0,
      spent: [...state.completed.values()].reduce((s, c) => s + c.actualCost, 0),
    },
    batches: {
      total: batches.length,
      published: batches.filter((b) => state.published.has(b.id) && !state.frozen.has(b.id)).length,
      departed: batches.filter((b) => state.frozen.has(b.id) && !state.completed.has(b.id)).length,
      completed: batches.filter((b) => state.completed.has(b.id)).length,
    },
  };
  return { source, roster, tiers, placements, figures };
}

function identityWarnings(readings: readonly PlanReading[]): CycleWarning[] {
  const seen = new Map<string, { planId: string; name?: string | undefined; birthDate: string }>();
  const warnings: CycleWarning[] = [];
  for (const reading of readings)
    for (const cadre of reading.roster.values()) {
      const first = seen.get(cadre.id);
      if (first === undefined) {
        seen.set(cadre.id, { planId: reading.source.planId, name: cadre.name, birthDate: cadre.birthDate });
        continue;
      }
      const fields = identityDifferences(first, cadre);
      if (fields.length > 0)
        warnings.push(identityWarning(cadre.id, [first.planId, reading.source.planId], fields));
    }
  return warnings;
}

/** Records given to `target` (e.g. recommended cadres) that the cycle's other plans hold differently. */
export function recordsDiffering(
  target: { planId: string; plan: PlanInput },
  cadres: readonly { id: string; name?: string | undefined; birthDate: string }[],
  plans: readonly CyclePlan[],
): CycleWarning[] {
  const warnings: CycleWarning[] = [];
  for (const other of plans) {
    if (other.planId === target.planId || !sameCycle(target.plan, other.plan)) continue;
    const roster = applyEvents(other.plan, other.events, applyContext(other.current)).cadres;
    const held = new Map(roster.map((c) => [c.id, c]));
    for (const cadre of cadres) {
      const record = held.get(cadre.id);
      const fields = record === undefined ? [] : identityDifferences(record, cadre);
      if (fields.length > 0) warnings.push(identityWarning(cadre.id, [other.planId, target.planId], fields));
    }
  }
  return warnings;
}

/** What differs between two records of one id: 姓名 (where both give one), 出生日期. */
export function identityDifferences(
  a: { name?: string | undefined; birthDate: string },
  b: { name?: string | undefined; birthDate: string },
): string[] {
  return [
    ...(a.name !== undefined && b.name !== undefined && a.name !== b.name ? ["姓名"] : []),
    ...(a.birthDate !== b.birthDate ? ["出生日期"] : []),
  ];
}

/** Art. 8 and the register number: one id, one person; a different name or birth date needs checking. */
export function identityWarning(cadreId: string, planIds: string[], fields: readonly string[]): CycleWarning {
  return {
    code: "IDENTITY_MISMATCH",
    cadreId,
    planIds,
    message: `登记号「${cadreId}」在计划 ${planIds.join("、")} 中的${fields.join("、")}不一致：各级计划按登记号认人，请核对`,
  };
}

function doublePlaced(placements: readonly Placement[]): CycleWarning[] {
  const plansOf = new Map<string, Set<string>>();
  for (const p of placements) plansOf.set(p.cadreId, (plansOf.get(p.cadreId) ?? new Set()).add(p.planId));
  return [...plansOf]
    .filter(([, plans]) => plans.size > 1)
    .map(([cadreId, plans]) => ({
      code: "DOUBLE_PLACED" as const,
      cadreId,
      planIds: [...plans],
      message: `军休干部「${cadreId}」同时在计划 ${[...plans].join("、")} 的批次中：一个周期只参加一次（第八条），下次重新排程后由先确定者保留`,
    }));
}

/**
 * The cycle as a whole: each plan's figures, the levels and counties side by side, distinct totals, who is
 * placed where, and what needs checking. Plans of other cities with the same cycle id are left out.
 */
export function rollUpCycle(
  cycleId: string,
  province: string,
  city: string,
  plans: readonly CyclePlan[],
  personal: boolean,
): CycleRollUp {
  const readings = plans
    .filter(
      (p) =>
        p.plan.cycle.id === cycleId &&
        p.plan.organizer.province === province &&
        p.plan.organizer.city === city,
    )
    .map((p) => readPlan(p, personal));
  const byLevel = {
    city: { ...emptyFigures(), budget: { approved: 0, planned: 0, spent: 0 } },
    county: { ...emptyFigures(), budget: { approved: 0, planned: 0, spent: 0 } },
  };
  for (const { figures } of readings) {
    const level = byLevel[figures.level];
    addInto(level, figures);
    level.budget.approved += figures.budget.approved;
    level.budget.planned += figures.budget.planned;
    level.budget.spent += figures.budget.spent;
  }
  const node = cityNode(province, city);
  const counties = node?.children ?? [];
  const byCounty = counties.map((c) => {
    const cityFigures = emptyFigures();
    const countyFigures = emptyFigures();
    const planIds: string[] = [];
    for (const r of readings) {
      if (r.figures.level === "city") {
        const inCounty = (id: string) => r.roster.get(id)?.placement.county === c.name;
        addInto(
          cityFigures,
          tierFigures(
            r.tiers,
            r.placements.filter((p) => inCounty(p.cadreId)),
            inCounty,
          ),
        );
      } else if (r.figures.county === c.name) {
        addInto(countyFigures, r.figures);
        planIds.push(r.source.planId);
      }
    }
    return { code: c.code, name: c.name, planIds, cityPlan: cityFigures, countyPlans: countyFigures };
  });
  const placements = readings.flatMap((r) => r.placements);
  const distinct = (ids: Iterable<string>) => new Set(ids).size;
  return {
    cycleId,
    province,
    city,
    cityCode: node?.code ?? null,
    plans: readings.map((r) => r.figures),
    byLevel,
    byCounty,
    total: {
      eligible: distinct(readings.flatMap((r) => [...r.tiers.keys()])),
      scheduled: distinct(placements.map((p) => p.cadreId)),
      served: distinct(placements.filter((p) => p.state === "completed").map((p) => p.cadreId)),
    },
    placements,
    warnings: [...identityWarnings(readings), ...doublePlaced(placements)],
  };
}

/** A nominee (Art. 8 ¶2): eligible in a plan of the cycle, with `nominee` set, having applied. */
export interface Nominee {
  cadreId: string;
  name?: string | undefined;
  county: string | null;
  institution: string | null;
  nominee: "ministerial" | "provincial";
  honors: Honor[];
  planIds: string[];
}

/** Eligible cadres with `nominee` set, once each, by id; eligibility implies a complete application (Art. 7). */
export function cycleNominees(
  cycleId: string,
  province: string,
  city: string,
  plans: readonly CyclePlan[],
  personal: boolean,
): Nominee[] {
  const found = new Map<string, Nominee>();
  for (const p of plans) {
    const { organizer } = p.plan;
    if (p.plan.cycle.id !== cycleId || organizer.province !== province || organizer.city !== city) continue;
    const latest = applyEvents(p.plan, p.events, applyContext(p.current));
    for (const { cadre } of assessEligibility(latest).eligible) {
      if (cadre.nominee == null) continue;
      const known = found.get(cadre.id);
      if (known !== undefined) {
        known.planIds.push(p.planId);
        continue;
      }
      found.set(cadre.id, {
        cadreId: cadre.id,
        ...(personal && cadre.name !== undefined ? { name: cadre.name } : {}),
        county: cadre.placement.county ?? null,
        institution: cadre.placement.institution ?? null,
        nominee: cadre.nominee,
        honors: [...(cadre.honors ?? [])],
        planIds: [p.planId],
      });
    }
  }
  return [...found.values()].sort((a, b) => byText(a.cadreId, b.cadreId));
}

import { TIERS, type Tier } from "../eligibility.js";
import { type MipModel, type MipObjective, objectiveValue } from "../mip/types.js";
import type { Backend, KnownCoverage, ModelStart, Plan } from "../types.js";
import { at } from "../util.js";
import type { Formulation } from "./formulation.js";
import { denseStart, frontierModel, StaffNotNamed, sparse, withinRow } from "./frontier-model.js";
import { buildInstance, type Instance } from "./instance.js";
import type { PlacesCurve } from "./places-curve.js";
import type { LeastBudget } from "./whatif.js";

// The priority objective's coverage as a function of the budget (RULES.md §6.1): a step function of the
// lexicographic tier vector, computed exactly with min-cost solves (the machinery of leastBudgetForTiers).
//
// From a step with vector v at budget b, every lexicographically greater vector w has a first tier k where
// w_k > v_k, so it meets "cov_j ≥ v_j for j < k and cov_k ≥ v_k + 1"; and anything meeting one of those is
// greater than v. So the next breakpoint is min over k of c_k, the least cost under the k-th of them (a
// "probe"). The first k with c_k at the minimum is where the cheapest greater vector first differs from v, so
// the tiers before it stay as they are and the probes of those tiers keep their constraints exactly: their
// answers carry over. The cheapest greater schedule becomes the next step without a lexicographic solve at
// its budget: the next round of probes either finds nothing greater at that budget (the step is then the
// maximum there, settled) or a greater vector at the same cost, which replaces the step's.

export interface FrontierStep {
  /** The least budget (yuan, whole) at which the priority solve reaches this vector; 1 yuan less reaches the step before. */
  budget: number;
  /** Scheduled cadres per tier 1–6 at this budget: the lexicographic maximum. */
  scheduledByTier: number[];
  scheduled: number;
  /** Every solve behind this step and the ones before it finished with a proof. */
  proven: boolean;
  /** Δ budget ÷ Δ scheduled against the step before, to the fen; null first or when Δ scheduled ≤ 0. */
  marginalCostPerCadre: number | null;
}

export interface Frontier {
  steps: FrontierStep[];
  /** The last step is the most coverage any budget buys. */
  complete: boolean;
  /** Complete, and every step proven. */
  proven: boolean;
  /** Pooled staff counts could not be named at some step, so the exact personal-staff model was used. */
  personalStaff: boolean;
  /** Mixed-integer solves run. */
  solves: number;
  seconds: number;
  /**
   * Per step, the schedule that reaches it at its budget, as the model's nonzero values: a priority solve at
   * any budget of that step starts from it (`KnownCoverage`). Valid for this same plan only.
   */
  starts: ModelStart[];
  /** Complete: for each k, the least budget at which tiers 1..k reach their most coverage (the first such step). */
  leastBudgetForTiers: LeastBudget[];
  /**
   * The priority schedule with the budget unlimited (proven), and the least whole budget it fits in: at any
   * budget from there on it is the priority schedule too. Null when not proven or not of the pooled model.
   */
  unlimited: { budget: number; start: ModelStart } | null;
  /** The budgets it covers, (from, to] (to null: no end), and the coverage at `from`, where a part begins. */
  range: { from: number; to: number | null; coverageAtFrom: number[] };
}

export interface FrontierOptions {
  backend?: Backend | undefined;
  /** Wall-clock seconds for the whole frontier (default 300); steps not proven by then say so. */
  timeLimitSeconds?: number | undefined;
  /**
   * Told the steps found so far after each new one, how far the coverage has come (0–1), and where the
   * computation stands: enough to go on from there (`resume`).
   */
  onStep?:
    | ((steps: readonly FrontierStep[], fraction: number, checkpoint: FrontierCheckpoint) => void)
    | undefined;
  /**
   * Only this part of the budget axis: `of` equal ranges up to the top coverage's least cost, the last one
   * open-ended. Parts run at once, each on its own thread; joinFrontiers puts them together.
   */
  part?: { index: number; of: number } | undefined;
  /** Go on from a checkpoint of the same plan and part, as if never stopped: the same steps follow. */
  resume?: FrontierCheckpoint | undefined;
}

/**
 * Where a frontier (or its part) stands after a step: what it has found and proven so far, with the model's
 * schedules it needs to go on. Valid for the same plan and part only.
 */
export interface FrontierCheckpoint {
  /** The model the schedules are of: the pooled staff counts' or the exact personal one's. */
  personalStaff: boolean;
  /** The most coverage any budget buys, and a schedule reaching it. */
  top: { vector: number[]; start: ModelStart; proven: boolean };
  range: { from: number; to: number | null };
  unlimited: Frontier["unlimited"];
  /** From the part's beginning (its seam with the part before too), each with a schedule reaching it. */
  steps: FrontierStep[];
  starts: ModelStart[];
  /** The last step is known to be the maximum at its budget. */
  settled: boolean;
  provenSoFar: boolean;
  /** Solves run so far: a frontier that goes on from here counts them in its own. */
  solves: number;
}

const DEFAULT_TIME_LIMIT_SECONDS = 300;

/** A min-cost solve for one tier: c_k and a schedule reaching it, kept while its constraints hold. */
interface Probe {
  cost: number;
  values: Float64Array | undefined;
  proven: boolean;
}

/** The exact budget frontier of the priority objective (see the comment at the top of this file). */
export async function budgetFrontier(plan: Plan, options: FrontierOptions = {}): Promise<Frontier> {
  const instance = buildInstance(plan);
  // A checkpoint of the personal-staff model goes on with that model: the pooled one failed before it.
  if (options.resume?.personalStaff) return frontierOf(instance, true, options);
  try {
    return await frontierOf(instance, false, options);
  } catch (error) {
    // Pooled staff counts are a relaxation: where a step's schedule cannot be staffed by name, start again
    // with one binary per person and slot, which is exact (as solvePlan does).
    if (!(error instanceof StaffNotNamed)) throw error;
    return frontierOf(instance, true, { ...options, resume: undefined });
  }
}

async function frontierOf(
  instance: Instance,
  personalStaff: boolean,
  options: FrontierOptions,
): Promise<Frontier> {
  const began = performance.now();
  const deadline = began + (options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS) * 1000;
  const model = await frontierModel(instance, personalStaff, { backend: options.backend, deadline });
  const {
    formulation,
    tiers,
    eligibleByTier,
    coverage,
    cost,
    integral,
    remaining,
    open,
    vectorOf,
    checkStaff,
    lexmaxWithin,
  } = model;
  /** Per tier, the cadres who fit every date (the flexible class): any of them can take any place. */
  const flexibleByTier = new Map(
    instance.classes.filter((c) => c.seatGroups === null).map((c) => [c.tier, c.members.length]),
  );

  const start = resumed(options.resume, personalStaff, formulation.model) ?? begin();
  model.counted(start.solves);
  const { best, range, unlimited, steps, starts } = start;
  let { provenSoFar } = start;
  /** The schedule of the last step: one more cadre on it is usually the next breakpoint's. */
  let stepSchedule = start.stepSchedule;
  /** The last step is known to be the maximum at its budget (its vector may still grow at that budget). */
  let settled = start.settled;
  // A later part's first step is only its seam with the part before, the maximum at `from`: it is not a
  // breakpoint and is left out.
  const seams = (options.part?.index ?? 0) > 0 ? 1 : 0;
  const total = (v: readonly number[]) => v.reduce((sum, n) => sum + n, 0);
  // How far: through the part's budgets where it ends, else from its first coverage to the most.
  const fraction = (last: FrontierStep) =>
    range.to !== null
      ? (last.budget - range.from) / Math.max(1, range.to - range.from)
      : (last.scheduled - at(steps, 0).scheduled) / Math.max(1, total(best.vector) - at(steps, 0).scheduled);
  const topStart = sparse(best.values);
  const report = () => {
    options.onStep?.(steps.slice(seams), Math.min(1, fraction(at(steps, steps.length - 1))), {
      personalStaff,
      top: { vector: best.vector, start: topStart, proven: best.proven },
      range: { from: range.from, to: range.to },
      unlimited,
      steps: [...steps],
      starts: [...starts],
      settled,
      provenSoFar,
      solves: model.solves,
    });
  };
  report();

  const probes = new Map<number, Probe>();
  const witnesses: Float64Array[] = [best.values];
  let complete = false;
  const settle = (proven: boolean) => {
    const last = at(steps, steps.length - 1);
    steps[steps.length - 1] = { ...last, proven };
    settled = true;
  };
  for (;;) {
    const current = at(steps, steps.length - 1);
    const v = current.scheduledByTier;
    if (v.every((n, i) => n === best.vector[i])) {
      // Nothing greater at any budget: the maximum.
      complete = best.proven;
      settle(provenSoFar);
      break;
    }
    if (remaining() <= 0) break;
    // Anything greater than v costs more than the budget where v is the maximum, and at least the budget
    // that first bought more than the step before.
    const floorCost = settled && integral ? current.budget + 1 : current.budget;
    // Past the first tier with a cadre who fits every date still at home, no probe can be cheaper than that
    // tier's: a schedule meeting a later tier's probe either has one more of this tier already, or can send
    // that cadre in place of one of the later tier at the same cost (a place costs the same whoever takes it).
    const swappable = tiers.findIndex((t) => (flexibleByTier.get(t) ?? 0) > (v[t - 1] ?? 0));
    const needed = swappable < 0 ? tiers.length : swappable + 1;
    tiers.slice(0, needed).forEach((t, i) => {
      if (!probes.has(i)) probes.set(i, probe(t, tiers.slice(0, i), v, floorCost));
    });
    const candidates = [...probes].filter(([i]) => i < needed).sort((a, b) => a[0] - b[0]);
    provenSoFar &&= candidates.every(([, p]) => p.proven);
    let k = -1;
    let least = Infinity;
    for (const [i, p] of candidates)
      if (p.cost < least - 1e-6) {
        least = p.cost;
        k = i;
      }
    const chosen = probes.get(k)?.values;
    if (chosen === undefined) break;
    const budget = model.budgetOf(least);
    if (range.to !== null && budget > range.to) {
      // The next breakpoint is the next part's: this part's last step is the maximum up to its end.
      settle(provenSoFar);
      complete = true;
      break;
    }
    // Nothing greater costs this step's budget or less: it is the maximum there.
    if (budget > current.budget && !settled) settle(provenSoFar);
    // The cheapest greater schedule is itself a maximum at its cost only if the next probes find nothing
    // greater at that cost; until then its step is unsettled, and a greater vector at the same cost replaces it.
    checkStaff(chosen);
    stepSchedule = chosen;
    // The probes of tiers from k on answered for a vector that is no more; those before k still hold.
    for (const i of [...probes.keys()]) if (i >= k) probes.delete(i);
    const next = step(budget, vectorOf(chosen), false, budget === current.budget ? steps.at(-2) : current);
    if (budget === current.budget) {
      steps[steps.length - 1] = next;
      starts[starts.length - 1] = sparse(chosen);
    } else {
      steps.push(next);
      starts.push(sparse(chosen));
    }
    settled = false;
    report();
  }
  const own = steps.slice(seams);
  return {
    steps: own,
    complete,
    proven: complete && provenSoFar,
    personalStaff,
    solves: model.solves,
    seconds: (performance.now() - began) / 1000,
    // The personal-staff model has other columns than the pooled one a priority solve tries first.
    starts: personalStaff ? [] : starts.slice(seams),
    leastBudgetForTiers: best.proven ? leastBudgets(own, tiers, best.vector) : [],
    unlimited,
    range: { ...range, coverageAtFrom: at(steps, 0).scheduledByTier },
  };

  /** The part's first step, from the most coverage any budget buys and where the part begins. */
  function begin(): PartStart {
    // The most coverage: where the frontier ends, and a start for the probes that can reach it.
    const top = lexmaxWithin([0, Infinity]);
    const best = { vector: vectorOf(top.values), values: top.values, proven: top.proven };
    const range = rangeOf(options.part, best);
    const mostOfAll = personalStaff || range.to !== null ? null : model.priorityUnlimited(best);
    // Where this part begins (budget 0: whatever costs nothing, usually nobody).
    const first = lexmaxWithin([-Infinity, range.from]);
    checkStaff(first.values);
    const provenSoFar = best.proven && first.proven;
    return {
      best,
      range,
      unlimited: mostOfAll && { budget: mostOfAll.budget, start: sparse(mostOfAll.values) },
      steps: [step(range.from, vectorOf(first.values), provenSoFar, undefined)],
      starts: [sparse(first.values)],
      stepSchedule: first.values,
      settled: true,
      provenSoFar,
      solves: 0,
    };
  }

  /** This part's budgets: cut where `of` equal ranges up to the least cost of the top coverage end. */
  function rangeOf(
    part: FrontierOptions["part"],
    best: { vector: number[]; values: Float64Array },
  ): { from: number; to: number | null } {
    if (part === undefined || part.of <= 1) return { from: 0, to: null };
    const cut = (i: number, last: number) => Math.floor((Math.max(0, last) * i) / part.of);
    const cuts = (last: number) => ({
      from: cut(part.index, last),
      to: part.index === part.of - 1 ? null : cut(part.index + 1, last),
    });
    // Nothing in the model costs anything (no batch can run): every part is at budget 0.
    if (cost.indices.length === 0) return cuts(0);
    // Every part computes the same least cost the same way, so their cuts meet (joinFrontiers checks).
    return cuts(model.leastCostOf(best.vector, best.values)?.cost ?? 0);
  }

  /** c_k: the least cost of tiers before `tier` at v or more and `tier` at v + 1 or more. */
  function probe(tier: Tier, before: Tier[], v: readonly number[], floorCost: number): Probe {
    const target = (v[tier - 1] ?? 0) + 1;
    const floors: [Tier, number][] = [
      ...before.map((t): [Tier, number] => [t, v[t - 1] ?? 0]),
      [tier, target],
    ];
    if (target > (eligibleByTier[tier - 1] ?? 0)) return { cost: Infinity, values: undefined, proven: true };
    // Every tier up to this one at the top's vector and this one short of it: the top's schedule meets it,
    // and where the top's prefix is met but this tier is already at the top's, nothing can (lexmax).
    const prefixAtTop = before.every((t) => v[t - 1] === best.vector[t - 1]);
    if (prefixAtTop && target > (best.vector[tier - 1] ?? 0) && best.proven)
      return { cost: Infinity, values: undefined, proven: true };
    const meets = (values: Float64Array) =>
      floors.every(([t, floor]) => objectiveValue(coverage.get(t) as MipObjective, values) >= floor - 1e-6);
    // A start close to the optimum lets branch-and-bound prune at once: the last step's schedule with one
    // more cadre of this tier, where a running batch has room, else the cheapest earlier answer that qualifies.
    const start = [...oneMore(formulation, instance, stepSchedule, tier), ...witnesses]
      .filter(meets)
      .reduce<Float64Array | undefined>(
        (cheapest, w) =>
          cheapest === undefined || objectiveValue(cost, w) < objectiveValue(cost, cheapest) ? w : cheapest,
        undefined,
      );
    const session = open(floors, [floorCost, Infinity]);
    model.counted(1);
    try {
      const result = session.solve(cost, {
        timeLimitSeconds: Math.max(0.01, remaining()),
        absoluteGap: integral ? 0.999 : 1e-6,
        start,
      });
      if (result.status === "infeasible" || result.status === "nosolution")
        return { cost: Infinity, values: undefined, proven: result.status === "infeasible" };
      witnesses.push(result.values);
      return { cost: result.objective, values: result.values, proven: result.status === "optimal" };
    } finally {
      session.dispose();
    }
  }
}

/** The state a part goes on from, just begun or a checkpoint's, with the schedules it needs as dense values. */
type PartStart = Omit<FrontierCheckpoint, "personalStaff" | "top"> & {
  best: { vector: number[]; values: Float64Array; proven: boolean };
  stepSchedule: Float64Array;
};

/** A checkpoint's state, when it is of this model (its schedules fit it); undefined: begin afresh. */
function resumed(
  checkpoint: FrontierCheckpoint | undefined,
  personalStaff: boolean,
  model: MipModel,
): PartStart | undefined {
  if (checkpoint === undefined || checkpoint.personalStaff !== personalStaff) return undefined;
  const top = denseStart(checkpoint.top.start, model);
  const last = checkpoint.starts.at(-1);
  const stepSchedule = last && denseStart(last, model);
  if (top === undefined || stepSchedule === undefined) return undefined;
  return {
    best: { vector: checkpoint.top.vector, values: top, proven: checkpoint.top.proven },
    range: checkpoint.range,
    unlimited: checkpoint.unlimited,
    steps: [...checkpoint.steps],
    starts: [...checkpoint.starts],
    stepSchedule,
    settled: checkpoint.settled,
    provenSoFar: checkpoint.provenSoFar,
    solves: checkpoint.solves,
  };
}

/**
 * leastBudgetForTiers, for each k whose first step with tiers 1..k at the top's most coverage is among these
 * steps: that step's budget, proven as the step is.
 */
function leastBudgets(
  steps: readonly FrontierStep[],
  tiers: readonly Tier[],
  top: readonly number[],
): LeastBudget[] {
  return tiers.flatMap((k) => {
    const first = steps.find((s) => TIERS.every((t) => t > k || s.scheduledByTier[t - 1] === top[t - 1]));
    if (first === undefined) return [];
    const scheduledByTier = TIERS.map((t) => (t <= k ? (top[t - 1] ?? 0) : 0));
    return [{ tiers: k, budget: first.budget, scheduledByTier, proven: first.proven }];
  });
}

/**
 * The parts of one frontier (FrontierOptions.part), in order, as one frontier: proven only where every part
 * before was, and complete only if each part ends where the next begins, at the coverage it begins with.
 */
export function joinFrontiers(parts: readonly Frontier[]): Frontier {
  const steps: FrontierStep[] = [];
  const least = new Map<number, LeastBudget>();
  let provenBefore = true;
  let joined = true;
  for (const [i, part] of parts.entries()) {
    const before = parts[i - 1];
    if (before !== undefined)
      joined &&=
        before.range.to === part.range.from &&
        JSON.stringify(steps.at(-1)?.scheduledByTier) === JSON.stringify(part.range.coverageAtFrom);
    for (const s of part.steps)
      steps.push(step(s.budget, s.scheduledByTier, s.proven && provenBefore, steps.at(-1)));
    for (const l of part.leastBudgetForTiers)
      if (!least.has(l.tiers)) least.set(l.tiers, { ...l, proven: l.proven && provenBefore });
    provenBefore &&= part.proven;
  }
  const first = at(parts, 0);
  const last = at(parts, parts.length - 1);
  const complete = joined && parts.every((p) => p.complete);
  return {
    steps,
    complete,
    proven: complete && parts.every((p) => p.proven),
    personalStaff: parts.some((p) => p.personalStaff),
    solves: parts.reduce((sum, p) => sum + p.solves, 0),
    // The parts ran at once: the longest is the wall time.
    seconds: Math.max(...parts.map((p) => p.seconds)),
    starts: parts.every((p) => p.starts.length === p.steps.length) ? parts.flatMap((p) => p.starts) : [],
    leastBudgetForTiers: [...least.values()].sort((a, b) => a.tiers - b.tiers),
    unlimited: last.unlimited,
    range: { from: first.range.from, to: last.range.to, coverageAtFrom: first.range.coverageAtFrom },
  };
}

function step(
  budget: number,
  scheduledByTier: number[],
  proven: boolean,
  previous: FrontierStep | undefined,
): FrontierStep {
  const scheduled = scheduledByTier.reduce((sum, n) => sum + n, 0);
  const more = previous === undefined ? 0 : scheduled - previous.scheduled;
  return {
    budget,
    scheduledByTier,
    scheduled,
    proven,
    marginalCostPerCadre:
      previous === undefined || more <= 0
        ? null
        : Math.round(((budget - previous.budget) / more) * 100) / 100,
  };
}

/**
 * What a complete, proven frontier knows of the priority schedule at a budget: the step's coverage and
 * schedule; with the most coverage, the priority schedule itself (optimal there), from the places curve of
 * that coverage where it answers this frontier, and from the unlimited priority schedule's budget on, that one.
 */
export function knownCoverageAt(
  frontier: Pick<Frontier, "steps" | "starts" | "unlimited" | "proven">,
  budget: number,
  places?: Pick<PlacesCurve, "steps" | "proven" | "scheduledByTier">,
): KnownCoverage | undefined {
  if (!frontier.proven) return undefined;
  const { unlimited, steps } = frontier;
  const last = at(steps, steps.length - 1);
  if (unlimited !== null && budget >= unlimited.budget)
    return { scheduledByTier: last.scheduledByTier, start: unlimited.start, optimal: true };
  const curveAnswers =
    places?.proven === true &&
    places.steps[0]?.budget === last.budget &&
    places.scheduledByTier.every((n, i) => n === last.scheduledByTier[i]);
  const placesStep = curveAnswers ? frontierAt(places.steps, budget) : undefined;
  if (placesStep !== undefined)
    return { scheduledByTier: last.scheduledByTier, start: placesStep.start, optimal: true };
  const step = frontierAt(steps, budget);
  const start = step && frontier.starts[steps.indexOf(step)];
  return step && start && { scheduledByTier: step.scheduledByTier, start };
}

/** The step a budget is in: the last at or below it (the frontier and the places curve are step functions). */
export function frontierAt<Step extends { budget: number }>(
  steps: readonly Step[],
  budget: number,
): Step | undefined {
  let low = 0;
  let high = steps.length - 1;
  let found: Step | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const s = at(steps, mid);
    if (s.budget <= budget) {
      found = s;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

/**
 * Schedules that add one cadre of `tier` to a batch of `values` that has room (seats, and staff for the
 * ratio), each checked against every row of the model; empty where none does.
 */
function oneMore(
  formulation: Formulation,
  instance: Instance,
  values: Float64Array,
  tier: Tier,
): Float64Array[] {
  const { model, slotColumns, venueColumns, flexibleColumns, classColumns } = formulation;
  const tierColumns: { column: number; slots: readonly number[] | null }[] = [];
  const flexible = flexibleColumns.get(tier);
  if (flexible !== undefined) tierColumns.push({ column: flexible, slots: null });
  for (const [c, list] of classColumns)
    if (at(instance.classes, c).tier === tier)
      for (const e of list)
        tierColumns.push({ column: e.column, slots: at(instance.seatGroups, e.seatGroup).slots });
  const found: Float64Array[] = [];
  instance.slots.forEach((slot, t) => {
    const col = at(slotColumns, t);
    if ((values[col.batches] ?? 0) < 0.5) return;
    const venue = venueColumns.get(slot.venue.id);
    for (const { column, slots } of tierColumns) {
      if (slots !== null && !slots.includes(t)) continue;
      const next = values.slice();
      for (const c of [col.cadres, column, ...(venue ? [venue.cadres] : [])]) next[c] = (next[c] ?? 0) + 1;
      if (model.rows.every((row) => withinRow(row, next))) {
        found.push(next);
        return;
      }
    }
  });
  return found;
}

import type { ScheduledBatch } from "../../solver/index.js";
import type { PlanEvent } from "../contract/events.js";
import { type PlanInput, type Problem, parsePlan } from "../contract/index.js";

// What events do to a plan: a pure function, applied in sequence order, so the same events always give the
// same plan. Events that only record facts about batches or readiness leave the plan as it is, except that a
// completed batch's cost difference is charged to the budget.

type Cadre = PlanInput["cadres"][number];
type Staff = PlanInput["staff"][number];
type Venue = PlanInput["venues"][number];

export interface ApplyContext {
  /** The current version's batches: a completed batch's standard cost is read from it. */
  batches: readonly ScheduledBatch[];
}

/** Codes of the problems an event can have beyond its shape (the contract's PROBLEM_CODES cover the rest). */
export const EVENT_PROBLEM_CODES = {
  UNKNOWN_ID: "names a cadre, staff member, venue, schedule or batch the plan does not have",
  DUPLICATE_ID: "adds a cadre or staff member under an id the plan already has",
  NOT_IN_BATCH: "a cadre who is not a participant (or did not attend) of the batch the event names",
  OUTSIDE_BATCH: "a programme day or an incident outside the batch's dates",
} as const;

/** What one event touched, so that a problem the plan then has can be pointed back into the event. */
interface Touch {
  list: "cadres" | "staff" | "venues" | "budget";
  index: number;
}

type Report = (path: string, code: keyof typeof EVENT_PROBLEM_CODES, message: string) => void;

interface Applied {
  plan: PlanInput;
  touched: (Touch | undefined)[];
}

/** One of the plan's lists as the events change it: members found by id, unknown and taken ids reported. */
class EventRoster<T extends { id: string }> {
  readonly items: T[];
  private readonly at: Map<string, number>;

  constructor(
    items: readonly T[],
    private readonly what: string,
    private readonly report: Report,
  ) {
    this.items = [...items];
    this.at = new Map(items.map((item, i) => [item.id, i]));
  }

  /** The index of the member `id` names; reported at `path` when there is none. */
  find(id: string, path: string): number | undefined {
    const index = this.at.get(id);
    if (index === undefined) this.report(path, "UNKNOWN_ID", `计划中没有${this.what}「${id}」`);
    return index;
  }

  /** The member `id` names, replaced by what `change` makes of it: its index, if it was there. */
  update(id: string, path: string, change: (item: T) => T): number | undefined {
    const index = this.find(id, path);
    const item = index === undefined ? undefined : this.items[index];
    if (index === undefined || item === undefined) return undefined;
    this.items[index] = change(item);
    return index;
  }

  /** The member `id` names, taken out (later members move up one): whether it was there. */
  remove(id: string, path: string): boolean {
    const index = this.find(id, path);
    if (index === undefined) return false;
    this.items.splice(index, 1);
    this.at.clear();
    for (const [i, item] of this.items.entries()) this.at.set(item.id, i);
    return true;
  }

  /** `item` appended unless its id is taken (reported at `path`): its index, if it was added. */
  add(item: T, path: string): number | undefined {
    if (this.at.has(item.id)) {
      this.report(path, "DUPLICATE_ID", `${this.what} id「${item.id}」已存在`);
      return undefined;
    }
    this.at.set(item.id, this.items.length);
    this.items.push(item);
    return this.items.length - 1;
  }
}

const touching = (list: Touch["list"], index: number | undefined): Touch | undefined =>
  index === undefined ? undefined : { list, index };

function apply(
  plan: PlanInput,
  events: readonly PlanEvent[],
  context: ApplyContext,
  report: Report,
  pointer: (i: number) => string,
): Applied {
  const cadres = new EventRoster<Cadre>(plan.cadres, "军休干部", report);
  const staff = new EventRoster<Staff>(plan.staff, "服务保障人员", report);
  const venues = new EventRoster<Venue>(plan.venues, "场地", report);
  const batches = new Map(context.batches.map((b) => [b.id, b]));
  let approved = plan.budget.total;
  let charged = 0;
  const touched: (Touch | undefined)[] = [];

  events.forEach((event, i) => {
    const p = pointer(i);
    let touch: Touch | undefined;
    switch (event.type) {
      case "cadre_withdrew":
      case "cadre_updated": {
        // Withdrawal is the Art. 7 application taken back; the cadre stays in the roster as not applied.
        const index = cadres.update(event.cadreId, `${p}/cadreId`, (cadre) =>
          event.type === "cadre_withdrew"
            ? { ...cadre, application: { ...(cadre.application ?? {}), voluntary: false } }
            : ({ ...cadre, ...event.changes } as Cadre),
        );
        touch = touching("cadres", index);
        break;
      }
      case "cadre_added":
      case "cadre_recommended":
        touch = touching("cadres", cadres.add(event.cadre, `${p}/cadre/id`));
        break;
      case "recommendation_withdrawn":
        // Untold (state.ts checks it), so nobody was promised anything: the cadre simply leaves the roster.
        cadres.remove(event.cadreId, `${p}/cadreId`);
        break;
      case "staff_unavailable": {
        const index = staff.update(event.staffId, `${p}/staffId`, (member) => ({
          ...member,
          unavailable: [...(member.unavailable ?? []), event.range],
        }));
        touch = touching("staff", index);
        break;
      }
      case "staff_added":
        touch = touching("staff", staff.add(event.staff, `${p}/staff/id`));
        break;
      case "staff_updated":
        touch = touching(
          "staff",
          staff.update(event.staffId, `${p}/staffId`, (member) => ({ ...member, ...event.changes }) as Staff),
        );
        break;
      case "venue_changed":
      case "venue_closed": {
        const index = venues.update(event.venueId, `${p}/venueId`, (venue) =>
          event.type === "venue_closed"
            ? { ...venue, blackout: [...(venue.blackout ?? []), event.range] }
            : ({ ...venue, ...event.changes } as Venue),
        );
        touch = touching("venues", index);
        break;
      }
      case "budget_changed":
        approved = event.total;
        touch = { list: "budget", index: 0 };
        break;
      case "cadre_prepared":
        cadres.find(event.cadreId, `${p}/cadreId`);
        break;
      case "batch_completed": {
        // The schedule keeps the cost standard (the validator checks it); the difference is the budget's.
        const batch = batches.get(event.batchId);
        if (batch === undefined)
          report(`${p}/batchId`, "UNKNOWN_ID", `当前版本中没有批次「${event.batchId}」`);
        else charged += event.actualCost - batch.cost.total;
        touch = { list: "budget", index: 0 };
        break;
      }
      case "batch_published":
      case "batch_departed":
        break;
    }
    touched.push(touch);
  });
  return {
    plan: {
      ...plan,
      budget: { ...plan.budget, total: approved - charged },
      cadres: cadres.items,
      staff: staff.items,
      venues: venues.items,
    },
    touched,
  };
}

export class EventApplicationError extends Error {}

/**
 * The plan after the events, in the order given (storage hands them over by sequence number). The approved
 * budget is the last `budget_changed` total (else the plan's); every completed batch's actual cost minus its
 * standard cost is charged against it, whenever it was recorded. Stored events were checked when recorded,
 * so a reference that does not resolve is a broken store and throws.
 */
export function applyEvents(
  plan: PlanInput,
  events: readonly PlanEvent[],
  context: ApplyContext = { batches: [] },
): PlanInput {
  return apply(
    plan,
    events,
    context,
    (path, code, message) => {
      throw new EventApplicationError(`${code} at event ${path}: ${message}`);
    },
    (i) => `/${i}`,
  ).plan;
}

/** Where in event `event` (at `base` in the body) a problem at `path` in the plan it produced is to be fixed. */
function pointBack(event: PlanEvent, touch: Touch | undefined, base: string, path: string): string {
  if (touch === undefined) return base;
  const prefix = touch.list === "budget" ? "/budget/total" : `/${touch.list}/${touch.index}`;
  if (path !== prefix && !path.startsWith(`${prefix}/`)) return base;
  const rest = path.slice(prefix.length);
  switch (event.type) {
    case "cadre_updated":
    case "staff_updated":
    case "venue_changed":
      return `${base}/changes${rest}`;
    case "cadre_added":
    case "cadre_recommended":
      return `${base}/cadre${rest}`;
    case "staff_added":
      return `${base}/staff${rest}`;
    case "staff_unavailable":
    case "venue_closed":
      return `${base}/range`;
    case "budget_changed":
      return `${base}/total`;
    case "batch_completed":
      return `${base}/actualCost`;
    default:
      return base;
  }
}

export type CheckedEvents = { ok: true; plan: PlanInput } | { ok: false; problems: Problem[] };

/**
 * New events on top of the stored ones: every reference must resolve, and the plan they leave must meet the
 * contract. Problems point into the request body (`pointer(i)` is event i's place in it); when the plan
 * breaks the contract, the event that broke it is found by bisection, so at most log2(n) plans are parsed.
 */
export function checkNewEvents(
  plan: PlanInput,
  stored: readonly PlanEvent[],
  added: readonly PlanEvent[],
  context: ApplyContext,
  pointer: (i: number) => string,
): CheckedEvents {
  // Always from the stored plan: a budget_changed resets the approved total, not the charges before it.
  const upTo = (n: number, report: Report = () => {}) =>
    apply(plan, [...stored, ...added.slice(0, n)], context, report, (j) => pointer(j - stored.length));
  const problems: Problem[] = [];
  const applied = upTo(added.length, (path, code, message) => problems.push({ path, code, message }));
  if (problems.length > 0) return { ok: false, problems };
  if (parsePlan(applied.plan).ok) return { ok: true, plan: applied.plan };
  // The stored plan meets the contract and all events do not: some event i breaks what events 0..i-1 kept.
  let good = 0;
  let bad = added.length;
  while (bad - good > 1) {
    const middle = (good + bad) >> 1;
    if (parsePlan(upTo(middle).plan).ok) good = middle;
    else bad = middle;
  }
  const culprit = bad - 1;
  const prefix = upTo(bad);
  const parsed = parsePlan(prefix.plan);
  const event = added[culprit] as PlanEvent;
  return {
    ok: false,
    problems: parsed.ok
      ? []
      : parsed.problems.map((problem) => ({
          ...problem,
          path: pointBack(event, prefix.touched[stored.length + culprit], pointer(culprit), problem.path),
        })),
  };
}

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasIds(list: Json): list is Record<string, Json>[] {
  return Array.isArray(list) && list.every((item) => isObject(item) && typeof item.id === "string");
}

/**
 * A merge patch (src/contract/merge-patch.ts, lists of items with ids patched by id) that makes `after` from `before`:
 * stored beside a version, so the plan it answers can be rebuilt without storing the plan again. Events
 * never delete an item or set a field to null where absence means something else, so the patch is exact.
 */
export function mergePatchBetween(before: Json, after: Json): Json {
  if (hasIds(before) && hasIds(after) && after.length > 0) {
    const old = new Map(before.map((item) => [item.id as string, item]));
    const patch: Record<string, Json> = {};
    for (const item of after) {
      const id = item.id as string;
      const previous = old.get(id);
      if (previous === undefined) patch[id] = item;
      else if (JSON.stringify(previous) !== JSON.stringify(item))
        patch[id] = mergePatchBetween(previous, item);
    }
    return patch;
  }
  if (!isObject(before) || !isObject(after)) return after;
  const patch: Record<string, Json> = {};
  for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) patch[key] = null;
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(before[key]) === JSON.stringify(value)) continue;
    patch[key] = Object.hasOwn(before, key) ? mergePatchBetween(before[key], value) : value;
  }
  return patch;
}

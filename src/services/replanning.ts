import { setTimeout as sleep } from "node:timers/promises";
import { DateTime } from "luxon";
import type { Logger } from "pino";
import type { ReadinessItem } from "../contract/dossier.js";
import type { Evaluation } from "../contract/evaluation.js";
import { isBatchEvent, type PlanEvent } from "../contract/events.js";
import type { PlanInput, Problem } from "../contract/index.js";
import { DEFAULT_READINESS_DAYS } from "../contract/replan.js";
import type { JobRunner, JobSpec, SubmitOutcome } from "../jobs/pool.js";
import type { ReplanInput, ReplanResult } from "../replan/compute.js";
import { type CyclePlan, commitmentsFor, publicationConflict } from "../replan/cycle.js";
import { evaluate } from "../replan/evaluation.js";
import { applyEvents } from "../replan/events.js";
import { blockedDeparture, type Readiness, readiness } from "../replan/readiness.js";
import {
  applyContext,
  type Commitments,
  type CurrentVersion,
  checkEvents,
  deriveState,
  type PlanState,
} from "../replan/state.js";
import type { Storage } from "../storage/storage.js";
import { eventFromStored, planFromStored, scheduleFromStored } from "../storage/stored.js";
import { newId } from "../support/ids.js";
import { acrossTenants } from "../support/tenancy.js";
import type { ReplanOutcome, ReplanTask } from "./replanning-task.js";

// The service's side of replanning: recording events, starting replans under the plan's lock, and the
// nightly run over every active plan. The computation itself runs in a solve worker (replanning-task.ts).

export const ZONE = "Asia/Shanghai";

export function todayInShanghai(): string {
  return DateTime.now().setZone(ZONE).toISODate() ?? "";
}

export interface ReplannerOptions {
  storage: Storage;
  jobs: JobRunner;
  log: Logger;
  /** The calendar day in Asia/Shanghai; tests fix it. */
  today?: (() => string) | undefined;
  /** How far ahead the readiness report of each replan looks. */
  readinessDays?: number | undefined;
}

export interface Snapshot {
  plan: PlanInput;
  events: PlanEvent[];
  lastSequence: number;
  current: CurrentVersion | null;
}

export type RecordOutcome =
  | { kind: "stored"; first: number; last: number }
  | { kind: "no-plan" }
  | { kind: "invalid"; problems: Problem[] }
  | { kind: "conflict"; message: string; jobId?: string; openItems?: ReadinessItem[] };

export type ReadinessOutcome =
  | { kind: "ok"; readiness: Readiness }
  | { kind: "no-plan" }
  | { kind: "no-version" };

export type Trigger = "request" | "nightly";

export interface Derived extends Snapshot {
  applied: PlanInput;
  state: PlanState;
}

/** A replan job as data: its id (the lock's), what it computes, and what started it. */
export interface ReplanRecipe {
  id: string;
  input: ReplanInput;
  trigger: Trigger;
}

/** Checking events reads the log first; if it moved on meanwhile, they are checked again, this often. */
const RECORD_ATTEMPTS = 3;
const NIGHTLY_POLL_MS = 1000;

export class Replanner {
  private readonly today: () => string;
  private readonly readinessDays: number;

  constructor(private readonly options: ReplannerOptions) {
    this.today = options.today ?? todayInShanghai;
    this.readinessDays = options.readinessDays ?? DEFAULT_READINESS_DAYS;
  }

  /** The day the service takes to be today. */
  day(): string {
    return this.today();
  }

  /** The stored plan, its events in sequence order and its current version. */
  async snapshot(planId: string): Promise<Snapshot | undefined> {
    const { storage } = this.options;
    const record = await storage.getPlan(planId);
    if (record === undefined) return undefined;
    const [events, version] = await Promise.all([storage.listEvents(planId), storage.currentVersion(planId)]);
    return {
      plan: planFromStored(record.json),
      events: events.map((e) => eventFromStored(e.payload)),
      lastSequence: events.at(-1)?.sequence ?? 0,
      current:
        version === undefined
          ? null
          : {
              scheduleId: version.id,
              version: version.version,
              schedule: scheduleFromStored(version.json),
              commitments: JSON.parse(version.commitments) as Commitments,
            },
    };
  }

  /**
   * The plans of a cycle (any city; the roll-up keeps one), oldest first, each with its events, current
   * version and the plan that version answers. Read across tenants: Art. 8 binds every plan of the cycle,
   * whoever asks (the roll-up holds what it shows to the caller's own: src/http/cycles.ts).
   */
  cyclePlans(cycleId: string): Promise<CyclePlan[]> {
    return acrossTenants(() => this.readCyclePlans(cycleId));
  }

  private async readCyclePlans(cycleId: string): Promise<CyclePlan[]> {
    const { storage } = this.options;
    const plans: CyclePlan[] = [];
    for (const planId of await storage.plansInCycle(cycleId)) {
      const snap = await this.snapshot(planId);
      if (snap === undefined) continue;
      const source = snap.current && (await storage.getScheduleSource(snap.current.scheduleId));
      plans.push({
        planId,
        plan: snap.plan,
        events: snap.events,
        current: snap.current,
        versionPlan: source ? planFromStored(source.planJson, source.planPatch) : null,
      });
    }
    return plans;
  }

  /**
   * Checks new events against everything before them and stores them all or none: their references, batch
   * life cycle and the current version (batch events), the plan they leave (the contract), and history
   * (nothing that happened may become invalid).
   */
  async record(
    planId: string,
    events: readonly PlanEvent[],
    pointer: (i: number) => string,
    sentBy: string,
  ): Promise<RecordOutcome> {
    for (let attempt = 0; attempt < RECORD_ATTEMPTS; attempt++) {
      const snap = await this.snapshot(planId);
      if (snap === undefined) return { kind: "no-plan" };
      const check = checkEvents(snap.plan, snap.events, snap.current, events, this.today(), pointer);
      if (!check.ok && check.status === 400) return { kind: "invalid", problems: check.problems };
      // A departure with items open is told what is open before what it would break for good.
      if (check.ok || "history" in check) {
        const blocked = blockedDeparture(snap.plan, snap.events, snap.current, events, pointer);
        if (blocked !== undefined) return { kind: "conflict", ...blocked };
      }
      if (!check.ok) return { kind: "conflict", message: check.message };
      const taken = events.some((e) => e.type === "batch_published")
        ? commitmentsFor({ planId, plan: snap.plan }, await this.cyclePlans(snap.plan.cycle.id))
        : [];
      const conflict = publicationConflict(snap.current, events, taken, pointer);
      if (conflict !== undefined) return { kind: "conflict", message: conflict };
      const outcome = await this.options.storage.appendEvents(
        planId,
        events.map((event) => ({ type: event.type, payload: JSON.stringify(event) })),
        { sentBy, receivedAt: new Date().toISOString() },
        {
          afterSequence: snap.lastSequence,
          versionId: snap.current?.scheduleId ?? null,
          batchEvents: events.some(isBatchEvent),
        },
      );
      if (outcome.appended) return { kind: "stored", first: outcome.first, last: outcome.last };
      if (outcome.reason === "replanning")
        return {
          kind: "conflict",
          message: "该计划正在重新排程，批次事件须等新版本生成后按新版本记录",
          jobId: outcome.jobId,
        };
    }
    return { kind: "conflict", message: "事件记录与其他请求同时修改了该计划，请重试" };
  }

  /**
   * Starts a replan: takes the plan's lock first, so the events and version it reads cannot be overtaken by a
   * batch event or another replan, then queues the job. The lock goes with the job's end, or at once if the
   * job was never queued. With no version yet, the replan is the first solve (version 1).
   */
  async submit(planId: string, trigger: Trigger): Promise<SubmitOutcome> {
    const { storage, jobs } = this.options;
    if (!jobs.accepting) return { kind: "unavailable" };
    const jobId = newId("job");
    const lock = await storage.acquireReplanLock(planId, jobId, new Date().toISOString());
    if (!lock.acquired) return "jobId" in lock ? { kind: "active", jobId: lock.jobId } : { kind: "no-plan" };
    let queued = false;
    try {
      const snap = await this.snapshot(planId);
      if (snap === undefined) return { kind: "no-plan" };
      const others = await this.cyclePlans(snap.plan.cycle.id);
      const committedElsewhere = commitmentsFor({ planId, plan: snap.plan }, others);
      const input: ReplanInput = {
        planId,
        scheduleId: newId("sch"),
        version: (snap.current?.version ?? 0) + 1,
        eventsThrough: snap.lastSequence,
        events: snap.events,
        previous: snap.current,
        today: this.today(),
        readinessDays: this.readinessDays,
        ...(committedElsewhere.length > 0 ? { committedElsewhere } : {}),
      };
      const outcome = await jobs.submit(planId, this.job({ id: jobId, input, trigger }));
      queued = outcome.kind === "queued";
      return outcome;
    } finally {
      if (!queued) await storage.releaseReplanLock(jobId);
    }
  }

  /** The replan job of `input`, under the id that holds the plan's lock; also built again from its recipe. */
  job(recipe: ReplanRecipe): JobSpec<ReplanOutcome, ReplanTask> {
    const { id, input, trigger } = recipe;
    const log = this.options.log;
    return {
      id,
      kind: "replan",
      recipe: { name: "replan", args: recipe },
      tasks: [{ kind: "replan", inputJson: JSON.stringify(input) }],
      result: ([outcome]) => {
        if (outcome === undefined) throw new Error("a replan job ended without its replan");
        return { ...outcome.result };
      },
      // Figures only: ids of plans, jobs and versions, and counts; never a person.
      stored: (stored) => {
        const result = stored as unknown as ReplanResult;
        const { added, removed, moved, staffChanged, notify, publishedChanged, scheduled, seconds } =
          result.figures;
        log.info(
          {
            planId: input.planId,
            jobId: id,
            trigger,
            scheduleId: result.scheduleId,
            version: result.version,
            eventsThrough: result.eventsThrough,
            status: result.status,
            added,
            removed,
            moved,
            staffChanged,
            notify,
            publishedChanged,
            scheduled,
            seconds,
          },
          "replan stored",
        );
      },
    };
  }

  /** The readiness report on the current version, as of `today`. */
  async readiness(planId: string, today: string, days: number): Promise<ReadinessOutcome> {
    const snap = await this.snapshot(planId);
    if (snap === undefined) return { kind: "no-plan" };
    if (snap.current === null) return { kind: "no-version" };
    const plan = applyEvents(snap.plan, snap.events, applyContext(snap.current));
    const state = deriveState(snap.current, snap.events);
    return { kind: "ok", readiness: readiness(plan, snap.current.schedule, state, today, days) };
  }

  /** The plan after its events and its state: what the dossier view and the evaluation read. */
  async derived(planId: string): Promise<Derived | undefined> {
    const snap = await this.snapshot(planId);
    if (snap === undefined) return undefined;
    return {
      ...snap,
      applied: applyEvents(snap.plan, snap.events, applyContext(snap.current)),
      state: deriveState(snap.current, snap.events),
    };
  }

  /** The year so far against the performance targets (Art. 16), as of `today`. */
  async evaluation(planId: string, today: string): Promise<Evaluation | undefined> {
    const d = await this.derived(planId);
    if (d === undefined) return undefined;
    return evaluate({
      planId,
      stored: d.plan,
      plan: d.applied,
      events: d.events,
      schedule: d.current?.schedule ?? null,
      state: d.state,
      today,
    });
  }

  /**
   * The nightly run: every plan with a version whose planning window has not ended is replanned, one after
   * the other so the queue never refuses one, city plans before county plans (a county gives way to the city
   * plan's current version, Art. 8); each run logs its own figures when stored.
   */
  async replanActivePlans(): Promise<{ replanned: number; failed: number; skipped: number }> {
    const { storage, log } = this.options;
    const began = performance.now();
    const today = this.today();
    const tally = { replanned: 0, failed: 0, skipped: 0 };
    const active: { planId: string; county: boolean }[] = [];
    for (const planId of await storage.versionedPlanIds()) {
      const record = await storage.getPlan(planId);
      const plan = record && planFromStored(record.json);
      if (plan === undefined || plan.planningWindow.end < today) tally.skipped++;
      else active.push({ planId, county: plan.organizer.level === "county" });
    }
    // Stable: inside a level, the storage's order stays.
    active.sort((a, b) => Number(a.county) - Number(b.county));
    for (const { planId } of active) {
      const outcome = await this.submit(planId, "nightly");
      if (outcome.kind !== "queued") {
        log.warn({ planId, outcome: outcome.kind }, "nightly replan not started");
        tally.skipped++;
        continue;
      }
      const status = await this.settled(outcome.jobId);
      if (status === "succeeded") tally.replanned++;
      else {
        log.warn({ planId, jobId: outcome.jobId, status }, "nightly replan did not succeed");
        tally.failed++;
      }
    }
    log.info({ ...tally, seconds: Math.round(performance.now() - began) / 1000 }, "nightly replanning done");
    return tally;
  }

  private async settled(jobId: string): Promise<string> {
    for (;;) {
      const job = await this.options.storage.getJob(jobId);
      if (job === undefined || (job.status !== "queued" && job.status !== "running"))
        return job?.status ?? "gone";
      await sleep(NIGHTLY_POLL_MS, undefined, { ref: false });
    }
  }
}

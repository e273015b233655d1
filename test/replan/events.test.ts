import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ScheduledBatch } from "../../solver/index.js";
import { type PlanEvent, parseEventsBody } from "../../src/contract/events.js";
import { type PlanInput, parsePlan } from "../../src/contract/index.js";
import { applyMergePatch } from "../../src/contract/merge-patch.js";
import { applyEvents, checkNewEvents, mergePatchBetween } from "../../src/replan/events.js";
import {
  type CurrentVersion,
  checkBatchEvents,
  deriveState,
  fromToday,
  frozenConflict,
} from "../../src/replan/state.js";
import { EMPTY_SUMMARY } from "../support/schedules.js";

// Events as pure functions: what each does to a plan, how a bad one is pointed at, and what history forbids.

function tiny(): PlanInput {
  const parsed = parsePlan(
    JSON.parse(readFileSync(new URL("../../fixtures/plans/tiny-d.json", import.meta.url), "utf8")),
  );
  if (!parsed.ok) throw new Error("tiny-d meets the contract");
  return parsed.plan;
}

const plan = tiny();
const cadre = (p: PlanInput, id: string) => p.cadres.find((c) => c.id === id);
const at = (i: number) => `/${i}`;

const batch: ScheduledBatch = {
  id: "B01",
  venueId: "V01",
  start: "2027-09-23",
  end: "2027-09-27",
  cadreIds: ["C00002", "C00003", "C00009", "C00015", "C00021", "C00024", "C00029"],
  staffIds: ["S001"],
  cost: { fixed: 0, cadres: 0, staff: 0, total: 13849 },
};
const version: CurrentVersion = {
  scheduleId: "sch_v1",
  version: 1,
  schedule: {
    planId: "p",
    scheduleId: "sch_v1",
    candidate: "priority",
    status: "optimal",
    batches: [batch],
    summary: EMPTY_SUMMARY,
    unscheduled: [],
    ineligible: [],
    excludedVenues: [],
    solver: { backend: "highs", seconds: 0, provenOptimal: true },
  },
  commitments: { publishedBatchIds: ["B01"], frozenBatchIds: [] },
};

describe("applyEvents", () => {
  it("applies each kind of event, in order, and leaves the input alone", () => {
    const before = JSON.stringify(plan);
    const range = { start: "2027-10-01", end: "2027-10-03" };
    const newcomer = { ...(cadre(plan, "C00001") as PlanInput["cadres"][number]), id: "C09999" };
    const events: PlanEvent[] = [
      { type: "cadre_withdrew", cadreId: "C00002" },
      { type: "cadre_updated", cadreId: "C00003", changes: { health: { criticalIllness: true } } },
      { type: "cadre_added", cadre: newcomer },
      { type: "staff_unavailable", staffId: "S002", range },
      { type: "staff_added", staff: { id: "S099", medical: true } },
      { type: "venue_changed", venueId: "V02", changes: { capacityPerBatch: 4 } },
      { type: "venue_closed", venueId: "V01", range },
      { type: "budget_changed", total: 30000 },
      { type: "cadre_prepared", cadreId: "C00002", agreementSigned: true, insurancePurchased: false },
      { type: "batch_published", scheduleId: "sch_v1", batchId: "B01" },
    ];
    const after = applyEvents(plan, events, { batches: [batch] });
    expect(JSON.stringify(plan)).toBe(before);
    expect(cadre(after, "C00002")?.application).toEqual({
      ...cadre(plan, "C00002")?.application,
      voluntary: false,
    });
    expect(cadre(after, "C00003")?.health).toEqual({ criticalIllness: true });
    expect(after.cadres.at(-1)).toEqual(newcomer);
    expect(after.staff.find((s) => s.id === "S002")?.unavailable?.at(-1)).toEqual(range);
    expect(after.staff.at(-1)).toEqual({ id: "S099", medical: true });
    expect(after.venues.find((v) => v.id === "V02")?.capacityPerBatch).toBe(4);
    expect(after.venues.find((v) => v.id === "V01")?.blackout?.at(-1)).toEqual(range);
    expect(after.budget.total).toBe(30000);
    expect(parsePlan(after).ok).toBe(true);
  });

  it("charges a completed batch's cost difference to the budget, whatever the budget is set to", () => {
    const completed: PlanEvent = {
      type: "batch_completed",
      scheduleId: "sch_v1",
      batchId: "B01",
      attendedCadreIds: batch.cadreIds.slice(1),
      actualCost: 14349,
    };
    const context = { batches: [batch] };
    expect(applyEvents(plan, [completed], context).budget.total).toBe(plan.budget.total - 500);
    // A later budget_changed sets the approved total; the overrun is still charged against it.
    const reset: PlanEvent = { type: "budget_changed", total: 40000 };
    expect(applyEvents(plan, [completed, reset], context).budget.total).toBe(39500);
    expect(applyEvents(plan, [reset, completed], context).budget.total).toBe(39500);
    // Under budget: the saving returns to it.
    expect(applyEvents(plan, [{ ...completed, actualCost: 13000 }], context).budget.total).toBe(
      plan.budget.total + 849,
    );
  });

  it("throws on a stored event whose reference does not resolve", () => {
    expect(() => applyEvents(plan, [{ type: "cadre_withdrew", cadreId: "C404" }])).toThrow(/UNKNOWN_ID/);
  });
});

describe("checking new events", () => {
  it("points a bad shape at the event's field, a single event at the body itself", () => {
    const many = parseEventsBody([
      { type: "cadre_withdrew", cadreId: "C00002" },
      { type: "staff_unavailable", staffId: "S001", range: { start: "2027-13-01", end: "2027-10-01" } },
    ]);
    expect(many).toMatchObject({ ok: false, problems: [{ path: "/1/range/start", code: "INVALID_DATE" }] });
    expect(parseEventsBody({ type: "nope" })).toMatchObject({
      ok: false,
      problems: [{ path: "/type", code: "INVALID_ENUM" }],
    });
    expect(parseEventsBody({ type: "cadre_updated", cadreId: "C1", changes: { id: "C2" } })).toMatchObject({
      ok: false,
      problems: [{ path: "/changes/id" }],
    });
    const one = parseEventsBody({ type: "budget_changed", total: 1 });
    expect(one.ok && one.pointer(0)).toBe("");
  });

  it("reports unknown ids and duplicates with their paths", () => {
    const checked = checkNewEvents(
      plan,
      [],
      [
        { type: "cadre_withdrew", cadreId: "C00002" },
        { type: "cadre_withdrew", cadreId: "C404" },
        { type: "staff_added", staff: { id: "S001", medical: false } },
      ],
      { batches: [] },
      at,
    );
    expect(checked).toMatchObject({
      ok: false,
      problems: [
        { path: "/1/cadreId", code: "UNKNOWN_ID" },
        { path: "/2/staff/id", code: "DUPLICATE_ID" },
      ],
    });
  });

  it("finds the event that leaves the plan outside the contract and points into it", () => {
    const events: PlanEvent[] = [
      { type: "cadre_withdrew", cadreId: "C00002" },
      { type: "venue_closed", venueId: "V01", range: { start: "2027-10-05", end: "2027-10-01" } },
      { type: "cadre_withdrew", cadreId: "C00003" },
    ];
    expect(checkNewEvents(plan, [], events, { batches: [] }, at)).toMatchObject({
      ok: false,
      problems: [{ path: "/1/range", code: "RANGE_START_AFTER_END" }],
    });
    const negative = checkNewEvents(
      plan,
      [],
      [
        {
          type: "batch_completed",
          scheduleId: "sch_v1",
          batchId: "B01",
          attendedCadreIds: [],
          actualCost: plan.budget.total + 20000,
        },
      ],
      { batches: [batch] },
      at,
    );
    expect(negative).toMatchObject({ ok: false, problems: [{ path: "/0/actualCost", code: "TOO_SMALL" }] });
  });

  it("holds batch events to the current version and the batch's life", () => {
    const state = deriveState(version, []);
    const check = (events: PlanEvent[], today = "2027-09-24") =>
      checkBatchEvents(version, state, events, today, at);
    expect(check([{ type: "batch_departed", scheduleId: "sch_v1", batchId: "B01" }])).toEqual({ ok: true });
    expect(check([{ type: "batch_departed", scheduleId: "sch_old", batchId: "B01" }])).toMatchObject({
      status: 409,
    });
    expect(
      check([{ type: "batch_departed", scheduleId: "sch_v1", batchId: "B01" }], "2027-09-22"),
    ).toMatchObject({
      status: 409,
      message: expect.stringContaining("未到"),
    });
    expect(check([{ type: "batch_published", scheduleId: "sch_v1", batchId: "B01" }])).toMatchObject({
      status: 409,
      message: expect.stringContaining("已发布"),
    });
    expect(check([{ type: "batch_published", scheduleId: "sch_v1", batchId: "B09" }])).toMatchObject({
      status: 400,
      problems: [{ path: "/0/batchId", code: "UNKNOWN_ID" }],
    });
    expect(
      check(
        [
          { type: "batch_departed", scheduleId: "sch_v1", batchId: "B01" },
          { type: "batch_departed", scheduleId: "sch_v1", batchId: "B01" },
        ],
        "2027-09-28",
      ),
    ).toMatchObject({ status: 409, message: expect.stringContaining("已出发") });
    expect(
      check(
        [
          {
            type: "batch_completed",
            scheduleId: "sch_v1",
            batchId: "B01",
            attendedCadreIds: ["C00002", "C00001"],
            actualCost: 1,
          },
        ],
        "2027-09-28",
      ),
    ).toMatchObject({ status: 400, problems: [{ path: "/0/attendedCadreIds/1", code: "NOT_IN_BATCH" }] });
  });

  it("refuses what would unmake a departed batch, and nothing else", () => {
    const departed: PlanEvent = { type: "batch_departed", scheduleId: "sch_v1", batchId: "B01" };
    const conflict = (added: PlanEvent[]) => frozenConflict(plan, [departed], added, version, at);
    expect(conflict([{ type: "cadre_withdrew", cadreId: "C00001" }])).toBeUndefined();
    expect(
      conflict([
        { type: "cadre_withdrew", cadreId: "C00001" },
        { type: "cadre_withdrew", cadreId: "C00002" },
      ]),
    ).toMatch(/事件 \/1 .*C00002 CADRE_INELIGIBLE/);
    expect(
      conflict([
        { type: "staff_unavailable", staffId: "S001", range: { start: "2027-09-25", end: "2027-09-25" } },
      ]),
    ).toMatch(/STAFF_AVAILABILITY/);
    expect(
      conflict([{ type: "venue_closed", venueId: "V01", range: { start: "2027-09-27", end: "2027-09-30" } }]),
    ).toMatch(/BATCH_BLACKOUT/);
    expect(conflict([{ type: "budget_changed", total: 100 }])).toMatch(/BUDGET/);
    // Before departure, the same withdrawal is just news for the next replan.
    expect(
      frozenConflict(plan, [], [{ type: "cadre_withdrew", cadreId: "C00002" }], version, at),
    ).toBeUndefined();
  });
});

describe("the plan a replan sees", () => {
  it("closes every day before today, except the days of departed batches for their own people", () => {
    const seen = fromToday(plan, "2027-09-25", [batch]);
    const past = { start: plan.planningWindow.start, end: "2027-09-24" };
    expect(cadre(seen, "C00001")?.unavailable?.at(-1)).toEqual(past);
    expect(cadre(seen, "C00002")?.unavailable?.slice(-1)).toEqual([{ start: past.start, end: "2027-09-22" }]);
    expect(seen.staff.find((s) => s.id === "S001")?.unavailable).toEqual([
      { start: past.start, end: "2027-09-22" },
    ]);
    expect(fromToday(plan, plan.planningWindow.start, [])).toBe(plan);
  });

  it("stores the plan after events as a merge patch that rebuilds it exactly", () => {
    const after = applyEvents(plan, [
      { type: "cadre_updated", cadreId: "C00003", changes: { application: { voluntary: true } } },
      { type: "staff_unavailable", staffId: "S002", range: { start: "2027-10-01", end: "2027-10-02" } },
      { type: "budget_changed", total: 1234 },
      { type: "staff_added", staff: { id: "S099", medical: true } },
    ]);
    const patch = mergePatchBetween(plan, after);
    expect(applyMergePatch(plan, patch)).toEqual(after);
    expect(mergePatchBetween(plan, plan)).toEqual({});
  });
});

import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Schedule, ScheduledBatch } from "../../solver/index.js";
import type { ReplanResult } from "../../src/replan/compute.js";
import { planner, readPlan, startService, type TestService, viewer } from "../support/service.js";

// A simulated year through the API on tiny-d (B01 from 2027-09-23, B02 from 2027-10-11, S001 the one medic):
// dossiers, departures (one with an override), completions, surveys and incidents; then every figure of the
// evaluation is recomputed here from the recorded events.

let today = "2027-09-01";
let service: TestService;
const lines: string[] = [];

beforeAll(async () => {
  service = await startService({ today: () => today, logLines: lines });
});
afterAll(async () => {
  await service.close();
});

// biome-ignore lint/suspicious/noExplicitAny: the answers are read field by field, each checked by an expect
type Json = Record<string, any>;

const inject = (method: "GET" | "POST" | "PATCH", url: string, payload?: unknown, headers = planner) =>
  service.app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

async function record(planId: string, body: unknown): Promise<void> {
  const response = await inject("POST", `/v1/plans/${planId}/events`, body);
  expect(response.statusCode, response.body).toBe(201);
}

const PHONE = "13905370001";
const LEADER = "王组长";
const TARGETS = {
  participants: 5,
  completionRate: 0.9,
  batchCompletionRate: 1,
  satisfactionRate: 0.95,
  responseRate: 0.8,
  coverageTiers1to3: 0.5,
  budgetExecution: { min: 0.5, max: 1 },
};

const fullDossier = (batch: ScheduledBatch) => [
  {
    type: "batch_host_recorded",
    batchId: batch.id,
    hostUnit: "泰安市军休疗养基地",
    agreementSigned: true,
    signedOn: "2027-09-05",
  },
  {
    type: "batch_emergency_plan_recorded",
    batchId: batch.id,
    present: true,
    reference: "济军休〔2027〕12号",
    date: "2027-09-06",
  },
  {
    type: "batch_programme_recorded",
    batchId: batch.id,
    days: [{ date: batch.start, activities: [{ kind: "red_education", title: "参观孟良崮纪念馆" }] }],
  },
  {
    type: "batch_service_groups_recorded",
    batchId: batch.id,
    organiser: { name: LEADER, phone: PHONE },
    host: { name: "李站长", phone: "0538-1234567" },
  },
];

const prepared = (batch: ScheduledBatch) =>
  batch.cadreIds.map((cadreId) => ({
    type: "cadre_prepared",
    cadreId,
    agreementSigned: true,
    insurancePurchased: true,
  }));

describe("the evaluation before anything happened", () => {
  it("has ratios without a denominator null, and their indicators neither met nor missed", async () => {
    const planId = await service.postPlan({ ...readPlan("tiny-d"), performanceTargets: TARGETS });
    const response = await inject("GET", `/v1/plans/${planId}/evaluation?today=2027-09-01`);
    expect(response.statusCode).toBe(200);
    const evaluation = response.json();
    expect(evaluation.scheduleId).toBeNull();
    expect([evaluation.completionRate, evaluation.batchCompletionRate, evaluation.satisfaction.rate]).toEqual(
      [null, null, null],
    );
    expect(evaluation.budget).toEqual({ approved: 34500, spent: 0, execution: 0 });
    // Eligible cadres and the budget are there from the start: coverage, participants and execution are 0.
    const zero = new Set(["participants", "coverageTiers1to3", "budgetExecution"]);
    for (const indicator of evaluation.indicators as Json[])
      expect(indicator.met, indicator.key).toBe(zero.has(indicator.key) ? false : null);
    const unknown = await inject("GET", `/v1/plans/${planId}/batches/B01/dossier`);
    expect(unknown.statusCode).toBe(404);
  });
});

describe("a year of dossiers and its evaluation", () => {
  let planId: string;
  let v1: Schedule;
  let b01: ScheduledBatch;
  let b02: ScheduledBatch;
  const codes = (items: Json[]) => items.map((i) => i.code).sort();

  beforeAll(async () => {
    planId = await service.postPlan({ ...readPlan("tiny-d"), name: "2027年测试计划" });
    const replan = await inject("POST", `/v1/plans/${planId}/replan`);
    const job = await service.waitForJob(replan.json().jobId);
    v1 = (await service.getSchedule((job.result as ReplanResult).scheduleId, planner)).json();
    b01 = v1.batches.find((b) => b.id === "B01") as ScheduledBatch;
    b02 = v1.batches.find((b) => b.id === "B02") as ScheduledBatch;
    expect(b01.staffIds).toContain("S001");
  });

  it("sets performance targets until the first departure", async () => {
    for (const [performanceTargets, path] of [
      [{ satisfactionRate: 1.5 }, "/performanceTargets/satisfactionRate"],
      [{ budgetExecution: { min: 1, max: 0.5 } }, "/performanceTargets/budgetExecution"],
    ] as const) {
      const bad = await inject("PATCH", `/v1/plans/${planId}`, { performanceTargets });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().problems.map((p: Json) => p.path)).toEqual([path]);
    }
    expect((await inject("PATCH", `/v1/plans/${planId}`, { performanceTargets: TARGETS })).statusCode).toBe(
      200,
    );
  });

  it("refuses bad dossier events with their paths, and stores nothing", async () => {
    const response = await inject("POST", `/v1/plans/${planId}/events`, [
      { type: "batch_host_recorded", batchId: "B01", hostUnit: "某基地", agreementSigned: true },
      {
        type: "batch_service_groups_recorded",
        batchId: "B01",
        organiser: { name: "甲", phone: "abc" },
        host: { name: "乙", phone: PHONE },
      },
    ]);
    expect(response.statusCode).toBe(400);
    expect(response.json().problems.map((p: Json) => p.path)).toEqual(["/0/signedOn", "/1/organiser/phone"]);
    const outside = await inject("POST", `/v1/plans/${planId}/events`, [
      {
        type: "batch_programme_recorded",
        batchId: "B01",
        days: [{ date: "2027-12-01", activities: [{ kind: "rest", title: "休养" }] }],
      },
      { type: "batch_host_recorded", batchId: "B99", hostUnit: "某基地", agreementSigned: false },
    ]);
    expect(outside.statusCode).toBe(400);
    expect(outside.json().problems).toEqual([
      expect.objectContaining({ path: "/0/days/0/date", code: "OUTSIDE_BATCH" }),
      expect.objectContaining({ path: "/1/batchId", code: "UNKNOWN_ID" }),
    ]);
    const early = await inject("POST", `/v1/plans/${planId}/events`, {
      type: "incident_recorded",
      batchId: "B01",
      date: b01.start,
      cadreId: b01.cadreIds[0],
      kind: "illness",
      handling: "送医",
    });
    expect(early.statusCode).toBe(409);
    expect((await inject("GET", `/v1/plans/${planId}/events`)).json().events).toEqual([]);
  });

  it("flags a lapsed certificate, a missing emergency plan and an unsigned host agreement before departure", async () => {
    await record(planId, [
      { type: "batch_host_recorded", batchId: "B01", hostUnit: "泰安市军休疗养基地", agreementSigned: false },
      {
        type: "batch_programme_recorded",
        batchId: "B01",
        days: [{ date: b01.start, activities: [{ kind: "rest", title: "休养" }] }],
      },
      fullDossier(b01)[3] as Json,
      ...prepared(b01),
      // The certificate lapses on the first day: it does not cover the batch (Art. 10).
      {
        type: "staff_updated",
        staffId: "S001",
        changes: { qualification: { type: "nurse", certificate: "N-001", validUntil: b01.start } },
      },
    ]);
    const readiness = (await inject("GET", `/v1/plans/${planId}/readiness?days=30`)).json();
    const first = readiness.batches.find((b: Json) => b.batchId === "B01");
    expect(first.ready).toBe(false);
    expect(codes(first.items)).toEqual([
      "ART10_NO_QUALIFIED_MEDIC",
      "ART11_EMERGENCY_PLAN_MISSING",
      "ART12_NO_STUDY_OR_RED_EDUCATION",
      "ART9_AGREEMENT_UNSIGNED",
    ]);
    expect(first.items.find((i: Json) => i.code === "ART12_NO_STUDY_OR_RED_EDUCATION")).toMatchObject({
      severity: "warning",
      article: 12,
    });
    expect(readiness.withoutMedic.map((b: Json) => b.batchId)).toContain("B01");

    today = b01.start;
    const departure = { type: "batch_departed", scheduleId: v1.scheduleId, batchId: "B01" };
    const refused = await inject("POST", `/v1/plans/${planId}/events`, departure);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(codes(refused.json().openItems)).toEqual([
      "ART10_NO_QUALIFIED_MEDIC",
      "ART11_EMERGENCY_PLAN_MISSING",
      "ART9_AGREEMENT_UNSIGNED",
    ]);
    expect(refused.json().message).toContain("override");
    // The override does not make a medic qualified: the departed batch would break MEDICAL_COVER for good.
    const overridden = { ...departure, override: { reason: "承办协议已口头确认，预案随队携带" } };
    const history = await inject("POST", `/v1/plans/${planId}/events`, overridden);
    expect(history.statusCode).toBe(409);
    expect(history.json().message).toContain("MEDICAL_COVER");
    // Renewed: the medic counts again; the paperwork is still open, so the batch leaves on the override.
    await record(planId, {
      type: "staff_updated",
      staffId: "S001",
      changes: { qualification: { type: "nurse", certificate: "N-002", validUntil: "2030-12-31" } },
    });
    const still = await inject("POST", `/v1/plans/${planId}/events`, departure);
    expect(codes(still.json().openItems)).toEqual([
      "ART11_EMERGENCY_PLAN_MISSING",
      "ART9_AGREEMENT_UNSIGNED",
    ]);
    await record(planId, overridden);
    const trail = (await inject("GET", `/v1/plans/${planId}/events`)).json().events as Json[];
    expect(trail.at(-1)?.event.override.reason).toBe("承办协议已口头确认，预案随队携带");
    const patch = await inject("PATCH", `/v1/plans/${planId}`, { performanceTargets: { participants: 1 } });
    expect(patch.statusCode).toBe(409);
    expect(patch.json().message).toContain("绩效目标");
  });

  it("gives viewers no phones and no persons in charge, and never logs them", async () => {
    const asViewer = JSON.stringify(
      (await inject("GET", `/v1/plans/${planId}/events`, undefined, viewer)).json(),
    );
    const dossier = (
      await inject("GET", `/v1/plans/${planId}/batches/B01/dossier`, undefined, viewer)
    ).json();
    for (const shown of [asViewer, JSON.stringify(dossier)]) {
      expect(shown).not.toContain(PHONE);
      expect(shown).not.toContain(LEADER);
    }
    expect(dossier.personalData).toBe("withheld");
    expect(dossier.batch.override).toContain("口头确认");
    const asPlanner = (await inject("GET", `/v1/plans/${planId}/batches/B01/dossier`)).json();
    expect(asPlanner.serviceGroups.organiser).toEqual({ name: LEADER, phone: PHONE });
    expect(lines.join("\n")).not.toContain(PHONE);
  });

  it("records the rest of the year and evaluates it exactly as the events say", async () => {
    await record(planId, {
      type: "incident_recorded",
      batchId: "B01",
      date: b01.start,
      cadreId: b01.cadreIds[0],
      kind: "illness",
      handling: "随队医护处置后返回",
    });
    today = b01.end;
    const absent = b01.cadreIds.at(-1) as string;
    const attended01 = b01.cadreIds.filter((id) => id !== absent);
    await record(planId, {
      type: "batch_completed",
      scheduleId: v1.scheduleId,
      batchId: "B01",
      attendedCadreIds: attended01,
      actualCost: b01.cost.total + 500,
    });
    const notThere = await inject("POST", `/v1/plans/${planId}/events`, {
      type: "satisfaction_recorded",
      batchId: "B01",
      responses: [{ cadreId: absent, rating: "satisfied" }],
    });
    expect(notThere.statusCode).toBe(400);
    expect(notThere.json().problems[0]).toMatchObject({ path: "/responses/0/cadreId", code: "NOT_IN_BATCH" });
    const ratings = ["satisfied", "basically_satisfied", "dissatisfied"] as const;
    await record(planId, {
      type: "satisfaction_recorded",
      batchId: "B01",
      responses: attended01.map((cadreId, i) => ({
        cadreId,
        rating: ratings[i % 3],
        comment: i === 0 ? "伙食很好" : undefined,
      })),
    });
    // A cadre's later response replaces the earlier one.
    await record(planId, {
      type: "satisfaction_recorded",
      batchId: "B01",
      responses: [{ cadreId: attended01[2], rating: "satisfied" }],
    });

    // B02 is ready: it leaves without an override.
    await record(planId, [...fullDossier(b02), ...prepared(b02)]);
    today = b02.start;
    const ready = (await inject("GET", `/v1/plans/${planId}/batches/B02/dossier`)).json();
    expect(ready.items).toEqual([]);
    await record(planId, { type: "batch_departed", scheduleId: v1.scheduleId, batchId: "B02" });
    today = b02.end;
    await record(planId, {
      type: "batch_completed",
      scheduleId: v1.scheduleId,
      batchId: "B02",
      attendedCadreIds: b02.cadreIds,
      actualCost: b02.cost.total - 200,
    });
    // B02's survey comes back as the sheet the service wrote: one bad word, one cadre who was not there.
    const template = await inject("GET", `/v1/plans/${planId}/survey.xlsx`);
    expect(template.statusCode).toBe(200);
    const survey = new ExcelJS.Workbook();
    await survey.xlsx.load(template.rawPayload as unknown as ArrayBuffer);
    const sheet = survey.getWorksheet("满意度调查") as ExcelJS.Worksheet;
    const surveyRow = (cadreId: string) =>
      (sheet.getRows(2, sheet.rowCount - 1) ?? []).find(
        (r) => r.getCell(1).value === "B02" && r.getCell(2).value === cadreId,
      );
    const [first, second] = b02.cadreIds as [string, string];
    (surveyRow(first) as ExcelJS.Row).getCell(3).value = "满意";
    (surveyRow(second) as ExcelJS.Row).getCell(3).value = "很好";
    sheet.addRow(["B02", absent, "满意", ""]);
    const upload = async () =>
      service.app.inject({
        method: "POST",
        url: `/v1/plans/${planId}/survey`,
        headers: {
          ...planner,
          "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
        payload: Buffer.from(await survey.xlsx.writeBuffer()),
      });
    const badWord = await upload();
    expect(badWord.statusCode).toBe(400);
    expect(badWord.json().problems).toEqual([
      expect.objectContaining({
        sheet: "满意度调查",
        row: (surveyRow(second) as ExcelJS.Row).number,
        column: "C 满意度",
        code: "INVALID_ENUM",
      }),
    ]);
    (surveyRow(second) as ExcelJS.Row).getCell(3).value = "基本满意";
    const notThere02 = await upload();
    expect(notThere02.statusCode).toBe(400);
    expect(notThere02.json().problems).toEqual([
      expect.objectContaining({ row: sheet.rowCount, column: "B 军休干部编号", code: "NOT_IN_BATCH" }),
    ]);
    sheet.spliceRows(sheet.rowCount, 1);
    const imported = await upload();
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json().stored).toBe(1);
    today = "2027-10-31";

    const evaluation = (await inject("GET", `/v1/plans/${planId}/evaluation`)).json();

    // By hand, from the recorded events and the version they name.
    const events = ((await inject("GET", `/v1/plans/${planId}/events`)).json().events as Json[]).map(
      (e) => e.event,
    );
    const completed = events.filter((e) => e.type === "batch_completed");
    const batchById = new Map(v1.batches.map((b) => [b.id, b]));
    const scheduled = completed.reduce((n, e) => n + (batchById.get(e.batchId)?.cadreIds.length ?? 0), 0);
    const attended = completed.reduce((n, e) => n + e.attendedCadreIds.length, 0);
    const latest = new Map<string, string>();
    for (const e of events.filter((x) => x.type === "satisfaction_recorded"))
      for (const r of e.responses) latest.set(`${e.batchId}/${r.cadreId}`, r.rating);
    const count = (rating: string) => [...latest.values()].filter((r) => r === rating).length;
    const spent = completed.reduce((n, e) => n + e.actualCost, 0);
    const due = v1.batches.filter((b) => b.end < today || completed.some((e) => e.batchId === b.id)).length;
    const eligibility = (await inject("GET", `/v1/plans/${planId}/eligibility`)).json().cadres as Json[];
    const went = new Set(completed.flatMap((e) => e.attendedCadreIds));
    const top = eligibility.filter((c) => c.eligible && c.tier <= 3);

    expect(evaluation.scheduled).toBe(scheduled);
    expect(evaluation.attended).toBe(attended);
    expect(evaluation.completionRate).toBeCloseTo(attended / scheduled, 12);
    expect(evaluation.batches).toMatchObject({
      planned: v1.batches.length,
      completed: 2,
      departed: 2,
      overridden: 1,
      due,
    });
    expect(evaluation.batchCompletionRate).toBeCloseTo(2 / due, 12);
    expect(evaluation.satisfaction.distribution).toEqual({
      satisfied: count("satisfied"),
      basically_satisfied: count("basically_satisfied"),
      dissatisfied: count("dissatisfied"),
    });
    expect(evaluation.satisfaction.responses).toBe(latest.size);
    expect(evaluation.satisfaction.rate).toBeCloseTo(
      (count("satisfied") + count("basically_satisfied")) / latest.size,
      12,
    );
    expect(evaluation.satisfaction.responseRate).toBeCloseTo(latest.size / attended, 12);
    expect(evaluation.budget).toEqual({ approved: 34500, spent, execution: spent / 34500 });
    expect(evaluation.coverage.tiers1to3).toEqual({
      eligible: top.length,
      attended: top.filter((c) => went.has(c.cadreId)).length,
      rate: top.filter((c) => went.has(c.cadreId)).length / top.length,
    });
    for (const row of evaluation.coverage.byCounty as Json[]) {
      const here = eligibility.filter((c) => c.eligible && (c.county ?? "未填") === row.county);
      expect(row.eligible).toBe(here.length);
      expect(row.attended).toBe(here.filter((c) => went.has(c.cadreId)).length);
    }
    expect(evaluation.incidents.total).toBe(1);
    expect(evaluation.incidents.byKind.illness).toBe(1);
    const indicator = (key: string) => (evaluation.indicators as Json[]).find((i) => i.key === key);
    expect(indicator("participants")).toMatchObject({ value: went.size, target: 5, met: went.size >= 5 });
    expect(indicator("satisfactionRate")?.met).toBe(evaluation.satisfaction.rate >= 0.95);
    expect(indicator("budgetExecution")?.met).toBe(spent / 34500 >= 0.5 && spent / 34500 <= 1);

    // Viewers see incidents without how they were handled.
    const forViewer = (await inject("GET", `/v1/plans/${planId}/evaluation`, undefined, viewer)).json();
    expect(JSON.stringify(forViewer)).not.toContain("随队医护处置");

    // The report opens in exceljs with its sheets and the same figures.
    const xlsx = await inject("GET", `/v1/plans/${planId}/evaluation.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      "绩效指标",
      "批次",
      "覆盖情况",
      "满意度",
      "意外情况",
    ]);
    const summary = workbook.getWorksheet("绩效指标") as ExcelJS.Worksheet;
    const rowOf = (label: string) =>
      summary.getRows(1, summary.rowCount)?.find((r) => r.getCell(1).value === label);
    expect(rowOf("满意度（满意+基本满意）")?.getCell(2).value).toBeCloseTo(evaluation.satisfaction.rate, 12);
    expect(rowOf("参加疗养人数")?.getCell(2).value).toBe(went.size);
  });
});

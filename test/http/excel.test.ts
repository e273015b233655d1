import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Schedule } from "../../solver/index.js";
import { exportRoster, exportRosterCsv, XLSX_TYPE } from "../../src/excel/index.js";
import { planner, readPlan, startService, type TestService, viewer } from "../support/service.js";

let service: TestService;
const plan = readPlan("tiny-d") as { cadres: unknown[]; staff: unknown[]; venues: unknown[] };
const schedule: Schedule = JSON.parse(
  readFileSync(new URL("../excel/golden/tiny-d.schedule.json", import.meta.url), "utf8"),
);
let scheduleId: string;

/** A stored schedule without a solve: the golden one, stored as a finished job would store it. */
async function storeSchedule(): Promise<string> {
  const planId = await service.postPlan(plan);
  const at = new Date().toISOString();
  const job = { id: "job_excel", planId, kind: "solve" as const, createdAt: at };
  expect((await service.storage.insertJob(job, () => true)).inserted).toBe(true);
  await service.storage.startJob(job.id, at);
  const id = "sch_excel";
  const json = JSON.stringify({ ...schedule, planId, scheduleId: id });
  await service.storage.completeJob(job.id, at, [
    { id, candidate: "priority", status: schedule.status, summary: schedule.summary, json },
  ]);
  return id;
}

beforeAll(async () => {
  service = await startService();
  scheduleId = await storeSchedule();
});
afterAll(async () => {
  await service.close();
});

async function sheetsOf(body: Buffer): Promise<string[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
  return workbook.worksheets.map((ws) => ws.name);
}

describe("GET /v1/templates/roster.xlsx", () => {
  it("gives a viewer the template as an .xlsx download", async () => {
    const response = await service.app.inject({
      method: "GET",
      url: "/v1/templates/roster.xlsx",
      headers: viewer,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe(XLSX_TYPE);
    expect(response.headers["content-disposition"]).toBe('attachment; filename="roster-template.xlsx"');
    expect(await sheetsOf(response.rawPayload)).toEqual(["说明", "军休干部", "服务保障人员", "疗养地点"]);
  });

  it("answers 401 without a token", async () => {
    const response = await service.app.inject({ method: "GET", url: "/v1/templates/roster.xlsx" });
    expect(response.statusCode).toBe(401);
  });
});

describe("POST /v1/roster/import", () => {
  const importing = (url: string, contentType: string, payload: Buffer | string, headers = planner) =>
    service.app.inject({
      method: "POST",
      url,
      headers: { ...headers, "content-type": contentType },
      payload,
    });

  it("reads an .xlsx roster into cadres, staff and venues", async () => {
    const response = await importing(
      "/v1/roster/import",
      XLSX_TYPE,
      await exportRoster(readPlan("tiny-d") as never),
    );
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.cadres).toHaveLength(plan.cadres.length);
    expect(body.staff).toEqual(plan.staff);
    expect(body.venues).toEqual(plan.venues);
  });

  it("reads one roster from a CSV, the format from the content type and the sheet from the query", async () => {
    const csv = exportRosterCsv(readPlan("tiny-d") as never, "venues");
    const response = await importing("/v1/roster/import?sheet=venues", "text/csv; charset=utf-8", csv);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ cadres: [], staff: [], venues: plan.venues, warnings: [] });
    const octets = await importing(
      "/v1/roster/import?format=csv&sheet=venues",
      "application/octet-stream",
      csv,
    );
    expect(octets.json()).toEqual({ cadres: [], staff: [], venues: plan.venues, warnings: [] });
  });

  it("reads a large roster off the HTTP thread, which answers other requests meanwhile", async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => `S${i},服务人员${i},${i % 2 ? "是" : "否"}`);
    const csv = ["编号,姓名,是否医护人员", ...rows].join("\r\n");
    const answered: string[] = [];
    const imported = importing("/v1/roster/import?sheet=staff", "text/csv", csv).then((response) => {
      answered.push("import");
      return response;
    });
    // Long enough for the import to reach its worker; far shorter than reading 40,000 rows.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const health = await service.app.inject({ method: "GET", url: "/healthz" });
    answered.push("healthz");
    expect(health.statusCode).toBe(200);
    const response = await imported;
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().staff).toHaveLength(40_000);
    expect(answered).toEqual(["healthz", "import"]);
  });

  it("answers 400 with every bad cell's sheet, row and column", async () => {
    const csv =
      "编号,类别,省,市,是否由退役军人事务部门管理,出生日期\r\nC1,离退休干部,山东省,济宁市,是,2027-02-30\r\nC2,干休,山东省,济宁市,是,1950-01-01\r\n";
    const response = await importing("/v1/roster/import?sheet=cadres", "text/csv", csv);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      code: "INVALID_ROSTER",
      message: expect.any(String),
      problems: [
        {
          sheet: "军休干部",
          row: 2,
          column: "F 出生日期",
          path: "/cadres/0/birthDate",
          code: "INVALID_DATE",
          message: "日期「2027-02-30」不存在",
        },
        {
          sheet: "军休干部",
          row: 3,
          column: "B 类别",
          path: "/cadres/1/category",
          code: "INVALID_ENUM",
          message: expect.stringContaining("干休"),
        },
      ],
    });
  });

  it("answers 400 for a CSV without a sheet, and for a bad query", async () => {
    const missing = await importing("/v1/roster/import", "text/csv", "编号\r\n");
    expect(missing.statusCode).toBe(400);
    expect(missing.json().problems.map((p: { code: string }) => p.code)).toEqual(["SHEET_REQUIRED"]);
    const bad = await importing("/v1/roster/import?sheet=people", "text/csv", "编号\r\n");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe("INVALID_REQUEST");
    expect(bad.json().problems[0].path).toBe("/sheet");
    const unnamed = await importing("/v1/roster/import", "application/octet-stream", "编号\r\n");
    expect(unnamed.statusCode).toBe(400);
  });

  it("answers 415 for JSON or a form, 403 for a viewer, 413 past the body limit", async () => {
    const json = await importing("/v1/roster/import", "application/json", "{}");
    expect(json.statusCode).toBe(415);
    expect(json.json()).toEqual({ code: "UNSUPPORTED_MEDIA_TYPE", message: expect.stringContaining("CSV") });
    expect(
      (await importing("/v1/roster/import", "application/x-www-form-urlencoded", "a=b")).statusCode,
    ).toBe(415);
    expect(
      (await importing("/v1/roster/import?sheet=staff", "text/csv", "编号\r\n", viewer)).statusCode,
    ).toBe(403);

    const small = await startService({ bodyLimit: 1024 });
    try {
      const response = await small.app.inject({
        method: "POST",
        url: "/v1/roster/import?sheet=staff",
        headers: { ...planner, "content-type": "text/csv" },
        payload: "x".repeat(2048),
      });
      expect(response.statusCode).toBe(413);
    } finally {
      await small.close();
    }
  });

  it("leaves the other routes' content types alone", async () => {
    const response = await service.sendPlanText("a,b", "text/csv");
    expect(response.statusCode).toBe(415);
  });
});

describe("GET /v1/schedules/{scheduleId}/export.xlsx and export.csv", () => {
  it("gives a planner the workbook", async () => {
    const response = await service.app.inject({
      method: "GET",
      url: `/v1/schedules/${scheduleId}/export.xlsx`,
      headers: planner,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers["content-type"]).toBe(XLSX_TYPE);
    expect(response.headers["content-disposition"]).toBe(`attachment; filename="${scheduleId}.xlsx"`);
    expect(await sheetsOf(response.rawPayload)).toEqual([
      "费用",
      "B01 泰安市军休疗养基地",
      "B02 泰安市军休疗养基地",
      "未安排",
      "不符合条件",
    ]);
  });

  it("gives a planner the CSV", async () => {
    const response = await service.app.inject({
      method: "GET",
      url: `/v1/schedules/${scheduleId}/export.csv`,
      headers: planner,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const rows: string[][] = parse(response.body, { bom: true });
    expect(rows[0]?.[0]).toBe("状态");
    expect(rows.filter((row) => row[0] === "已安排")).toHaveLength(16);
  });

  it("answers 403 to a viewer (names) and 404 for an unknown schedule", async () => {
    for (const ext of ["xlsx", "csv"]) {
      const forViewer = await service.app.inject({
        method: "GET",
        url: `/v1/schedules/${scheduleId}/export.${ext}`,
        headers: viewer,
      });
      expect(forViewer.statusCode).toBe(403);
      const unknown = await service.app.inject({
        method: "GET",
        url: `/v1/schedules/sch_nope/export.${ext}`,
        headers: planner,
      });
      expect(unknown.statusCode).toBe(404);
    }
  });
});

describe("POST /v1/plans/{id}/validate (a draft schedule workbook)", () => {
  let planId: string;
  let exported: Buffer;
  const check = (body: Buffer | string, headers = planner, id = planId) =>
    service.app.inject({
      method: "POST",
      url: `/v1/plans/${id}/validate`,
      headers: { ...headers, "content-type": XLSX_TYPE },
      payload: body,
    });

  beforeAll(async () => {
    planId = await service.postPlan(plan);
    const response = await service.app.inject({
      method: "GET",
      url: `/v1/schedules/${scheduleId}/export.xlsx`,
      headers: planner,
    });
    exported = response.rawPayload;
  });

  it("checks the schedule's own export clean against the stored plan", async () => {
    const response = await check(exported);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ valid: true, violations: [], mismatches: [] });
    expect(response.json().schedule.summary.totalCost).toBe(schedule.summary.totalCost);
  });

  it("tells a stated figure that differs from the computed one by its cell", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(exported as unknown as ExcelJS.Buffer);
    (workbook.getWorksheet("费用") as ExcelJS.Worksheet).getCell("J2").value = 99_999;
    const response = await check(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(response.statusCode, response.body).toBe(200);
    const { valid, mismatches } = response.json();
    expect(valid).toBe(false);
    expect(mismatches).toContainEqual(
      expect.objectContaining({ code: "DERIVED_MISMATCH", sheet: "费用", row: 2, column: "J 合计" }),
    );
  });

  it("answers 400 INVALID_DRAFT for a file that is not a workbook, 403 to a viewer, 404 for no plan", async () => {
    const broken = await check("not a workbook");
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ code: "INVALID_DRAFT", problems: [{ code: "NOT_XLSX" }] });
    expect((await check(exported, viewer)).statusCode).toBe(403);
    expect((await check(exported, planner, "pln_nope")).statusCode).toBe(404);
  });
});

describe("the OpenAPI document", () => {
  it("documents the spreadsheet routes with their file types", async () => {
    const document = (await service.app.inject({ method: "GET", url: "/openapi.json" })).json();
    const upload = document.paths["/v1/roster/import"].post;
    expect(Object.keys(upload.requestBody.content).sort()).toEqual(
      ["application/octet-stream", "text/csv", XLSX_TYPE].sort(),
    );
    expect(upload.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["format", "sheet"]);
    expect(Object.keys(upload.responses)).toEqual(
      expect.arrayContaining(["200", "400", "403", "413", "415"]),
    );
    expect(document.paths["/v1/templates/roster.xlsx"].get.responses["200"].content[XLSX_TYPE]).toBeDefined();
    expect(
      document.paths["/v1/schedules/{scheduleId}/export.xlsx"].get.responses["200"].content[XLSX_TYPE],
    ).toBeDefined();
    expect(
      document.paths["/v1/schedules/{scheduleId}/export.csv"].get.responses["200"].content["text/csv"],
    ).toBeDefined();
  });
});

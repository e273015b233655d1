import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { Plan, Schedule } from "../../solver/index.js";
import { validateDraft } from "../../src/contract/draft.js";
import { COST_SHEET, exportScheduleXlsx, importScheduleDraft } from "../../src/excel/index.js";

// A draft in the schedule export's own layout: the export of a solved tiny plan, then cells stripped or altered.

const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const plan = read("../../fixtures/plans/tiny-d.json") as Plan;
const solved = read("./golden/tiny-d.schedule.json") as Schedule;

async function exported(edit: (workbook: ExcelJS.Workbook) => void = () => {}): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await exportScheduleXlsx(plan, solved)) as unknown as ExcelJS.Buffer);
  edit(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const batchSheet = (workbook: ExcelJS.Workbook, id: string) =>
  workbook.worksheets.find((sheet) => sheet.name.startsWith(`${id} `)) as ExcelJS.Worksheet;

describe("importScheduleDraft", () => {
  it("reads the export back as the schedule's batches, costs and totals, which check clean", async () => {
    const result = await importScheduleDraft(await exported());
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.draft.batches).toEqual(
      solved.batches.map(({ id, venueId, start, end, cadreIds, staffIds, cost }) => ({
        id,
        venueId,
        start,
        end,
        cadreIds,
        staffIds,
        cost,
      })),
    );
    expect(result.draft.summary).toEqual({
      budget: solved.summary.budget,
      totalCost: solved.summary.totalCost,
      eligible: solved.summary.eligible,
      scheduled: solved.summary.scheduled,
    });
    expect(validateDraft(plan, result.draft)).toMatchObject({ valid: true, violations: [], mismatches: [] });
  });

  it("a workbook of batch sheets only, costs left blank, is a draft the core completes", async () => {
    const file = await exported((workbook) => {
      for (const name of [COST_SHEET, "未安排", "不符合条件"])
        workbook.removeWorksheet(workbook.getWorksheet(name)?.id ?? -1);
      for (const id of ["B01", "B02"]) batchSheet(workbook, id).getCell("B4").value = null;
    });
    const result = await importScheduleDraft(file);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.draft.batches.map((b) => b.cost)).toEqual([undefined, undefined]);
    const verdict = validateDraft(plan, result.draft);
    expect(verdict).toMatchObject({ valid: true, mismatches: [] });
    expect(verdict.schedule.summary.totalCost).toBe(solved.summary.totalCost);
  });

  it("tells every bad cell by sheet, row and column, in Chinese", async () => {
    const file = await exported((workbook) => {
      const b01 = batchSheet(workbook, "B01");
      b01.getCell("B3").value = "2027-09-31 至 2027-10-04";
      b01.getCell("B4").value = "很多";
      (workbook.getWorksheet(COST_SHEET) as ExcelJS.Worksheet).getCell("G3").value = "免费";
    });
    const result = await importScheduleDraft(file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const b01 = solved.batches[0]?.id ?? "";
    expect(result.problems).toEqual([
      expect.objectContaining({
        row: 3,
        column: "B 日期",
        code: "INVALID_DATE",
        sheet: expect.stringMatching(b01),
      }),
      expect.objectContaining({ row: 4, column: "B 费用（元）", code: "INVALID_NUMBER" }),
      expect.objectContaining({ sheet: COST_SHEET, row: 3, column: "G 固定费用", code: "INVALID_NUMBER" }),
    ]);
    for (const problem of result.problems) expect(problem.message).toMatch(/\p{Script=Han}/u);
  });

  it("a cadre id the contract refuses is told at its cell", async () => {
    const file = await exported((workbook) => {
      const sheet = batchSheet(workbook, "B02");
      // Row 8 is the first cadre (rows 1–4 facts, 5 blank, 6 title, 7 header).
      sheet.getCell("B8").value = "";
      sheet.getCell("C8").value = "某某";
    });
    const result = await importScheduleDraft(file);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems).toEqual([
        expect.objectContaining({
          row: 8,
          column: "B 编号",
          path: "/batches/1/cadreIds/0",
          code: "TOO_SMALL",
        }),
      ]);
  });

  it("a stated cost that differs from the computed one is a mismatch at its cell", async () => {
    const file = await exported((workbook) => {
      (workbook.getWorksheet(COST_SHEET) as ExcelJS.Worksheet).getCell("J2").value = 99_999;
    });
    const result = await importScheduleDraft(file);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const verdict = validateDraft(plan, result.draft);
    expect(verdict.mismatches.map(result.locate)).toEqual([
      {
        sheet: COST_SHEET,
        row: 2,
        column: "J 合计",
        path: "/batches/0/cost/total",
        code: "DERIVED_MISMATCH",
        message: expect.stringContaining("99999"),
      },
    ]);
  });

  it("a file that is not a workbook is one problem", async () => {
    const result = await importScheduleDraft(Buffer.from("not a workbook"));
    expect(result).toEqual({ ok: false, problems: [expect.objectContaining({ code: "NOT_XLSX" })] });
  });
});

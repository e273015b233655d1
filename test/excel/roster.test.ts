import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { Honor, Plan } from "../../solver/index.js";
import { parsePlan } from "../../src/contract/index.js";
import {
  exportRoster,
  exportRosterCsv,
  importRoster,
  type RosterSheet,
  rosterTemplate,
  SHEETS,
} from "../../src/excel/index.js";
import { APPLIED, HEALTHY, RENCHENG_PLACEMENT, TAIAN_VENUE } from "../support/plans.js";

function readPlan(name: string): Plan {
  return JSON.parse(readFileSync(new URL(`../../fixtures/plans/${name}.json`, import.meta.url), "utf8"));
}

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  return workbook;
}

async function save(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function headersOf(sheet: ExcelJS.Worksheet): string[] {
  const values: string[] = [];
  sheet.getRow(1).eachCell((cell) => {
    values.push(String(cell.value));
  });
  return values;
}

/** Types into a row the way a person does: by header, leaving the rest blank. */
function fill(sheet: ExcelJS.Worksheet, row: number, cells: Record<string, ExcelJS.CellValue>): void {
  const headers = headersOf(sheet);
  for (const [header, value] of Object.entries(cells)) {
    const column = headers.indexOf(header);
    if (column < 0) throw new Error(`no column ${header} in ${sheet.name}`);
    const cell = sheet.getRow(row).getCell(column + 1);
    cell.value = value;
    // Excel formats a cell that takes a date as a date.
    if (value instanceof Date) cell.numFmt = "yyyy-mm-dd";
  }
}

/** The plan around a roster, so parsePlan can judge it. */
function planWith(roster: { cadres: unknown[]; staff: unknown[]; venues: unknown[] }): unknown {
  const { cadres: _c, staff: _s, venues: _v, ...frame } = readPlan("tiny-d");
  return { ...frame, ...roster };
}

const HONOR_ORDER: Honor["kind"][] = ["merit", "commendation", "advanced_cadre", "honorary_title"];

/** Honors come back grouped by column (立功情况, 表彰, 先进军休干部, 荣誉称号); their order carries no meaning. */
function byColumn(plan: Plan): Plan["cadres"] {
  return plan.cadres.map((cadre) =>
    cadre.honors === undefined
      ? cadre
      : {
          ...cadre,
          honors: [...cadre.honors].sort((a, b) => HONOR_ORDER.indexOf(a.kind) - HONOR_ORDER.indexOf(b.kind)),
        },
  );
}

describe("the roster template", () => {
  it("has the three roster sheets with Chinese headers, notes on each header, and a 说明 sheet", async () => {
    const workbook = await load(await rosterTemplate());
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual([
      "说明",
      "军休干部",
      "服务保障人员",
      "疗养地点",
    ]);
    const cadres = workbook.getWorksheet("军休干部") as ExcelJS.Worksheet;
    expect(headersOf(cadres)).toEqual([
      "编号",
      "姓名",
      "性别",
      "类别",
      "省",
      "市",
      "区县",
      "军休所",
      "是否由退役军人事务部门管理",
      "出生日期",
      "立功情况",
      "表彰",
      "先进军休干部",
      "荣誉称号",
      "推荐级别",
      "扩大范围依据",
      "扩大范围审批",
      "扩大范围公示结束日期",
      "扩大范围是否有异议",
      "传染病",
      "精神疾病",
      "危急重症",
      "自愿报名",
      "家属同意",
      "军休机构批准",
      "不可出行日期",
      "疗养经历",
    ]);
    expect(cadres.rowCount).toBe(1);
    expect(String(cadres.getCell("J1").note)).toContain("yyyy-mm-dd");
    expect(String(cadres.getCell("K1").note)).toContain("二等功;战时三等功");
    expect(headersOf(workbook.getWorksheet("服务保障人员") as ExcelJS.Worksheet)).toEqual([
      "编号",
      "姓名",
      "所属机构",
      "是否医护人员",
      "资质类型",
      "资质证书编号",
      "资质有效期至",
      "可出行日期",
      "不可出行日期",
    ]);
    expect(headersOf(workbook.getWorksheet("疗养地点") as ExcelJS.Worksheet)).toEqual([
      "编号",
      "名称",
      "权属",
      "省",
      "市",
      "天数",
      "每批容量",
      "同时批次上限",
      "每人每天价格",
      "每人交通费",
      "每批固定费用",
      "出发星期",
      "开放日期",
      "停用日期",
    ]);
    // 说明 lists every column of every sheet with its format.
    const notes = workbook.getWorksheet("说明") as ExcelJS.Worksheet;
    const documented = new Set<string>();
    notes.eachRow((row, n) => {
      if (n > 1 && row.getCell(3).value) documented.add(`${row.getCell(1).value}/${row.getCell(3).value}`);
    });
    for (const key of ["cadres", "staff", "venues"] as const) {
      for (const column of SHEETS[key].columns)
        expect(documented).toContain(`${SHEETS[key].name}/${column.header}`);
    }
  });

  it("imports empty when nothing was filled in", async () => {
    expect(await importRoster(await rosterTemplate(), "xlsx")).toEqual({
      ok: true,
      warnings: [],
      cadres: [],
      staff: [],
      venues: [],
    });
  });

  it("documents every column in src/excel/README.md", () => {
    const readme = readFileSync(new URL("../../src/excel/README.md", import.meta.url), "utf8");
    for (const key of ["cadres", "staff", "venues"] as const) {
      for (const column of SHEETS[key].columns) expect(readme).toContain(`| ${column.header} |`);
    }
  });
});

describe("a roster filled in by hand", () => {
  async function handMade(): Promise<Buffer> {
    const workbook = await load(await rosterTemplate());
    const cadres = workbook.getWorksheet("军休干部") as ExcelJS.Worksheet;
    fill(cadres, 2, {
      编号: "C1001",
      姓名: "王建国",
      性别: "男",
      类别: "离退休干部",
      省: "山东省",
      市: "济宁市",
      区县: "任城区",
      军休所: "任城区军休所",
      是否由退役军人事务部门管理: "是",
      // Excel turns a typed date into a date cell.
      出生日期: new Date(Date.UTC(1950, 2, 12)),
      立功情况: "二等功;战时三等功",
      表彰: "军委；市级表彰",
      传染病: "否",
      精神疾病: "否",
      危急重症: "否",
      自愿报名: "是",
      家属同意: "是",
      军休机构批准: "是",
      不可出行日期: "2027-07-01~2027-07-20;2027-08-15",
      疗养经历: "2023:市级:2023-05-12~2023-05-18",
    });
    fill(cadres, 3, {
      编号: "C1002",
      姓名: "李秀英",
      性别: "女",
      类别: "退休军（警）士",
      省: "山东省",
      市: "济宁市",
      区县: "梁山县",
      是否由退役军人事务部门管理: "Y",
      出生日期: "1948/11/3",
      先进军休干部: "省级",
      荣誉称号: "是",
      推荐级别: "省级",
      扩大范围依据: "参战、因公致残",
      扩大范围审批: "局党组",
      扩大范围公示结束日期: "2026年12月20日",
      传染病: "无",
      精神疾病: "N",
      危急重症: false,
      自愿报名: true,
      家属同意: "是",
      军休机构批准: "是",
    });
    // Row 4 left empty; row 5 with an id Excel made a number, no health declaration, no application.
    fill(cadres, 5, {
      编号: 1003,
      类别: "退休干部",
      省: "山东省",
      市: "济宁市",
      是否由退役军人事务部门管理: "是",
      出生日期: "1960-01-31",
      立功情况: "移交后一等功",
      扩大范围审批: "管委会",
    });
    const staff = workbook.getWorksheet("服务保障人员") as ExcelJS.Worksheet;
    fill(staff, 2, {
      编号: "S01",
      姓名: "张医生",
      所属机构: "任城区军休所",
      是否医护人员: "是",
      资质类型: "执业医师",
      资质证书编号: "110370800012345",
      资质有效期至: "2028年12月31日",
      可出行日期: "2027-04-01~2027-06-30；2027-09-01~2027-09-30",
    });
    fill(staff, 3, { 编号: "S02", 姓名: "赵干事", 是否医护人员: "否", 不可出行日期: "2027-05-01" });
    const venues = workbook.getWorksheet("疗养地点") as ExcelJS.Worksheet;
    // TAIAN_VENUE, as a person types it.
    fill(venues, 2, {
      编号: "V01",
      名称: "泰安市军休疗养基地",
      权属: "自有",
      省: "山东省",
      市: "泰安市",
      天数: 6,
      每批容量: 30,
      同时批次上限: 1,
      每人每天价格: 260,
      每人交通费: 120,
      每批固定费用: 1500,
      出发星期: "周一;周四",
      开放日期: "2027-04-01~2027-06-30",
      停用日期: "2027-05-01~2027-05-05",
    });
    fill(venues, 3, {
      编号: "V02",
      名称: "威海市疗养院",
      权属: "购买服务",
      省: "山东省",
      天数: "5",
      每批容量: "20",
      每人每天价格: "1,200元",
      出发星期: 3,
    });
    return save(workbook);
  }

  it("imports to cadres, staff and venues that the contract accepts", async () => {
    const result = await importRoster(await handMade(), "xlsx");
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    expect(result.cadres).toEqual([
      {
        id: "C1001",
        name: "王建国",
        gender: "M",
        category: "retired_cadre",
        placement: RENCHENG_PLACEMENT,
        birthDate: "1950-03-12",
        honors: [
          { kind: "merit", class: 2, wartime: false, period: "service" },
          { kind: "merit", class: 3, wartime: true, period: "service" },
          { kind: "commendation", period: "service", level: "cmc" },
          { kind: "commendation", period: "post_transfer", level: "city" },
        ],
        health: HEALTHY,
        application: APPLIED,
        unavailable: [
          { start: "2027-07-01", end: "2027-07-20" },
          { start: "2027-08-15", end: "2027-08-15" },
        ],
        history: [{ cycleId: "2023", level: "city", start: "2023-05-12", end: "2023-05-18" }],
      },
      {
        id: "C1002",
        name: "李秀英",
        gender: "F",
        category: "retired_nco",
        placement: { province: "山东省", city: "济宁市", county: "梁山县", managedByVeteranAffairs: true },
        birthDate: "1948-11-03",
        honors: [
          { kind: "advanced_cadre", level: "provincial" },
          { kind: "honorary_title", period: "service" },
        ],
        nominee: "provincial",
        countyExpansion: {
          grounds: ["combat", "disability_duty"],
          approvedBy: "party_group",
          publicNoticeEnded: "2026-12-20",
          objection: false,
        },
        health: HEALTHY,
        application: APPLIED,
      },
      {
        id: "1003",
        category: "retired_cadre",
        placement: { province: "山东省", city: "济宁市", managedByVeteranAffairs: true },
        birthDate: "1960-01-31",
        honors: [{ kind: "merit", class: 1, wartime: false, period: "post_transfer" }],
        // One expansion cell makes a record; the rest of it is "not yet".
        countyExpansion: {
          grounds: [],
          approvedBy: "management_committee",
          publicNoticeEnded: null,
          objection: false,
        },
      },
    ]);
    expect(result.staff).toEqual([
      {
        id: "S01",
        name: "张医生",
        institution: "任城区军休所",
        medical: true,
        qualification: { type: "physician", certificate: "110370800012345", validUntil: "2028-12-31" },
        available: [
          { start: "2027-04-01", end: "2027-06-30" },
          { start: "2027-09-01", end: "2027-09-30" },
        ],
      },
      {
        id: "S02",
        name: "赵干事",
        medical: false,
        unavailable: [{ start: "2027-05-01", end: "2027-05-01" }],
      },
    ]);
    expect(result.venues).toEqual([
      TAIAN_VENUE,
      {
        id: "V02",
        name: "威海市疗养院",
        ownership: "contracted",
        province: "山东省",
        days: 5,
        capacityPerBatch: 20,
        pricePerPersonDay: 1200,
        startWeekdays: [3],
      },
    ]);
    // The warnings are for the planner, not part of a plan: the contract refuses fields it does not name.
    const { ok: _ok, warnings: _warnings, ...roster } = result;
    const parsed = parsePlan(planWith(roster));
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
  });

  it("imports one sheet when asked, and reads a CSV in UTF-8 with or without a BOM, or in GBK", async () => {
    const only = await importRoster(await handMade(), "xlsx", "venues");
    expect(only.ok && [only.cadres.length, only.staff.length, only.venues.length]).toEqual([0, 0, 2]);

    const csv =
      '编号,姓名,是否医护人员,不可出行日期\r\nS01,"张,医生",是,2027-07-01~2027-07-20;2027-08-01\r\n';
    const expected = [
      {
        id: "S01",
        name: "张,医生",
        medical: true,
        unavailable: [
          { start: "2027-07-01", end: "2027-07-20" },
          { start: "2027-08-01", end: "2027-08-01" },
        ],
      },
    ];
    for (const bytes of [Buffer.from(csv), Buffer.from(`\uFEFF${csv}`), gbk(csv)]) {
      expect(await importRoster(bytes, "csv", "staff")).toEqual({
        ok: true,
        warnings: [],
        cadres: [],
        staff: expected,
        venues: [],
      });
    }
  });
});

/**
 * `text` as Excel's plain "CSV" writes it on a Chinese Windows: GBK, which Node can decode but not encode, so
 * each character's bytes are found by decoding the two-byte range.
 */
function gbk(text: string): Buffer {
  const decoder = new TextDecoder("gbk");
  const twoBytes = new Map<string, number[]>();
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++)
      if (trail !== 0x7f) twoBytes.set(decoder.decode(Uint8Array.of(lead, trail)), [lead, trail]);
  return Buffer.from(
    [...text].flatMap((char) => {
      const code = char.codePointAt(0) ?? 0;
      const bytes = code < 0x80 ? [code] : twoBytes.get(char);
      if (bytes === undefined) throw new Error(`${char} has no GBK encoding`);
      return bytes;
    }),
  );
}

describe("a broken roster", () => {
  it("is rejected cell by cell with sheet, row and column, and nothing is imported", async () => {
    const workbook = await load(await rosterTemplate());
    const cadres = workbook.getWorksheet("军休干部") as ExcelJS.Worksheet;
    const good = {
      类别: "离退休干部",
      省: "山东省",
      市: "济宁市",
      是否由退役军人事务部门管理: "是",
      出生日期: "1950-03-12",
    };
    fill(cadres, 2, { ...good, 编号: "C1", 出生日期: "2027-02-30" });
    fill(cadres, 3, { ...good, 编号: "C2", 类别: "干休人员" });
    fill(cadres, 4, { ...good, 姓名: "无编号" });
    fill(cadres, 5, { ...good, 编号: "C1" });
    fill(cadres, 6, { ...good, 编号: "C6", 立功情况: "二等功;二等奖" });
    fill(cadres, 7, { ...good, 编号: "C7" });
    const venues = workbook.getWorksheet("疗养地点") as ExcelJS.Worksheet;
    fill(venues, 2, { 编号: "V01", 权属: "自有", 省: "山东省", 天数: "六天", 每批容量: 30 });
    // Cells that read fine but break the contract: the schema's problems land on their cells too.
    fill(venues, 3, { 编号: "V02", 权属: "自有", 省: "山东省", 天数: 6.5, 每批容量: 0 });

    const result = await importRoster(await save(workbook), "xlsx");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const cell = (sheet: string, row: number, column: string, path: string, code: string) => ({
      sheet,
      row,
      column,
      path,
      code,
      message: expect.any(String),
    });
    expect(result.problems).toEqual([
      cell("军休干部", 2, "J 出生日期", "/cadres/0/birthDate", "INVALID_DATE"),
      cell("军休干部", 3, "D 类别", "/cadres/1/category", "INVALID_ENUM"),
      cell("军休干部", 4, "A 编号", "/cadres/2/id", "REQUIRED"),
      cell("军休干部", 5, "A 编号", "/cadres/3/id", "DUPLICATE_ID"),
      cell("军休干部", 6, "K 立功情况", "/cadres/4/honors", "INVALID_HONOR"),
      cell("疗养地点", 2, "F 天数", "/venues/0/days", "INVALID_NUMBER"),
      cell("疗养地点", 3, "F 天数", "/venues/1/days", "NOT_INTEGER"),
      cell("疗养地点", 3, "G 每批容量", "/venues/1/capacityPerBatch", "TOO_SMALL"),
    ]);
    const messages = result.problems.map((p) => p.message);
    expect(messages[0]).toBe("日期「2027-02-30」不存在");
    expect(messages[3]).toContain("已见于第 2 行");
    expect(messages[4]).toContain("二等奖");
  });

  it("names missing and unknown columns, and refuses what is not a roster", async () => {
    const csv = Buffer.from("编号,姓名,医护\r\nS1,张三,是\r\n");
    expect(await importRoster(csv, "csv", "staff")).toEqual({
      ok: false,
      problems: [
        {
          sheet: "服务保障人员",
          row: 1,
          column: "C 医护",
          path: "/staff",
          code: "UNKNOWN_COLUMN",
          message: expect.any(String),
        },
        {
          sheet: "服务保障人员",
          row: 1,
          column: "是否医护人员",
          path: "/staff",
          code: "MISSING_COLUMN",
          message: "缺少必填列「是否医护人员」",
        },
      ],
    });
    const codes = async (file: Buffer, format: "xlsx" | "csv", sheet?: RosterSheet) => {
      const result = await importRoster(file, format, sheet);
      return result.ok ? [] : result.problems.map((p) => p.code);
    };
    expect(await codes(csv, "xlsx")).toEqual(["NOT_XLSX"]);
    expect(await codes(csv, "csv")).toEqual(["SHEET_REQUIRED"]);
    // 0xFF starts no character in UTF-8 or in GBK.
    expect(await codes(Buffer.from([0xff, 0xfe, 0x0d, 0x0a]), "csv", "staff")).toEqual(["UNKNOWN_ENCODING"]);
    const other = new ExcelJS.Workbook();
    other.addWorksheet("Sheet1").getCell("A1").value = "x";
    expect(await codes(await save(other), "xlsx")).toEqual(["NO_ROSTER_SHEET"]);
    expect(await codes(await save(other), "xlsx", "staff")).toEqual(["MISSING_SHEET"]);
    expect(await codes(await rosterTemplate(), "xlsx", "staff")).toEqual([]);
    expect(await codes(Buffer.alloc(0), "xlsx")).toEqual(["EMPTY_FILE"]);
  });

  it("reports each blank required cell once, not the objects they would have made", async () => {
    const csv = "编号,姓名,类别,省,市,是否由退役军人事务部门管理,出生日期\r\nC1,张三,,,,,\r\n";
    const result = await importRoster(Buffer.from(csv), "csv", "cadres");
    expect(result.ok ? [] : result.problems.map((p) => [p.row, p.column, p.code])).toEqual([
      [2, "C 类别", "REQUIRED"],
      [2, "D 省", "REQUIRED"],
      [2, "E 市", "REQUIRED"],
      [2, "F 是否由退役军人事务部门管理", "REQUIRED"],
      [2, "G 出生日期", "REQUIRED"],
    ]);
  });

  it("lists at most 1000 problems, and says how many more there are", async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => `S${i},也许`);
    const result = await importRoster(Buffer.from(["编号,是否医护人员", ...rows].join("\n")), "csv", "staff");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1001);
    expect(result.problems.at(-1)).toMatchObject({
      code: "TOO_MANY_PROBLEMS",
      message: expect.stringContaining("200"),
    });
  });
});

describe("round trip", () => {
  for (const name of ["tiny-d", "county"]) {
    it(`exports ${name}'s roster to the template format and imports it back unchanged`, async () => {
      const plan = readPlan(name);
      const result = await importRoster(await exportRoster(plan), "xlsx");
      expect(result.ok, JSON.stringify(result).slice(0, 2000)).toBe(true);
      if (!result.ok) return;
      expect(result.cadres).toEqual(byColumn(plan));
      expect(result.staff).toEqual(plan.staff);
      expect(result.venues).toEqual(plan.venues);
    });

    it(`does the same through CSV for ${name}`, async () => {
      const plan = readPlan(name);
      const expected = { cadres: byColumn(plan), staff: plan.staff, venues: plan.venues };
      for (const sheet of ["cadres", "staff", "venues"] as const) {
        const csv = exportRosterCsv(plan, sheet);
        expect(csv.startsWith("\uFEFF编号,")).toBe(true);
        const result = await importRoster(Buffer.from(csv), "csv", sheet);
        expect(result.ok && result[sheet]).toEqual(expected[sheet]);
      }
    });
  }
});

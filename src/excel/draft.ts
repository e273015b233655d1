// A planner's draft schedule read from the schedule export's own layout (schedule.ts): one sheet per batch
// (批次, 疗养地点, 日期, 费用（元） on rows 1–4, then the cadres and the staff by 编号), and, if present, 费用 with
// each batch's costs and the totals. What is read becomes a draft for `validateDraft`; every path into it
// remembers its cell, so that both bad cells and wrong figures are told by sheet, row and column.

import ExcelJS from "exceljs";
import { type Problem, parseScheduleDraft, type ScheduleDraftInput } from "../contract/index.js";
import { type Cell, CellError, isBlank, readDate, readId, readNumber, readText, unwrap } from "./cells.js";
import { fileProblem, notXlsx, type RosterProblem } from "./roster.js";
import { COST_SHEET, INELIGIBLE_SHEET, UNSCHEDULED_SHEET } from "./schedule.js";
import { assertZipWithin, ZipLimitError } from "./xlsx-stream.js";

/**
 * A draft is read whole (exceljs's in-memory reader), so it is held to less than a roster: a city's schedule
 * export inflates to well under 1 MB.
 */
export const MAX_DRAFT_UNCOMPRESSED_BYTES = 20 * 1024 * 1024;

interface CellPlace {
  sheet: string;
  row: number;
  column: string;
}

export type DraftImport =
  | { ok: true; draft: ScheduleDraftInput; locate: (problem: Problem) => RosterProblem }
  | { ok: false; problems: RosterProblem[] };

// 费用's columns G–J, in the order the export writes them.
const COST_COLUMNS = [
  ["fixed", "G 固定费用"],
  ["cadres", "H 军休干部费用"],
  ["staff", "I 服务保障人员费用"],
  ["total", "J 合计"],
] as const;
// The figures under 费用's table, by their label in column A.
const SUMMARY_FIGURES: Record<string, string> = {
  预算: "budget",
  总费用: "totalCost",
  符合条件人数: "eligible",
  已安排人数: "scheduled",
};

class Reader {
  readonly problems: RosterProblem[] = [];
  readonly places = new Map<string, CellPlace>();

  /** The cell's value read by `read`, remembered at `path`; a cell that cannot be read is a problem. */
  cell<T>(sheet: ExcelJS.Worksheet, row: number, column: string, path: string, read: (cell: Cell) => T) {
    const place = { sheet: sheet.name, row, column };
    this.places.set(path, place);
    try {
      return read(unwrap(sheet.getCell(`${column.charAt(0)}${row}`).value));
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      this.problems.push({ ...place, path, code: error.code, message: error.message });
      return undefined;
    }
  }

  /** Where a path into the draft came from: its own cell, else the nearest enclosing one. */
  locate(problem: Problem): RosterProblem {
    for (let path = problem.path; ; path = path.slice(0, path.lastIndexOf("/"))) {
      const place = this.places.get(path);
      if (place) return { ...place, ...problem };
      if (path === "") return { sheet: null, row: null, column: null, ...problem };
    }
  }
}

const text = (cell: Cell) => (isBlank(cell) ? "" : readText(cell));

/** 疗养地点 is written 名称（V01）: the id is in the last brackets; a bare id will do too. */
function venueId(cell: Cell): string {
  const written = readText(cell);
  const bracketed = /[（(]([^（()）]+)[)）]\s*$/.exec(written);
  const id = bracketed?.[1]?.trim() ?? written;
  if (id === "") throw new CellError("REQUIRED", "缺少疗养地点编号");
  return id;
}

/** 日期 is written 2027-09-23 至 2027-09-27. */
function dates(cell: Cell): { start: string; end: string } {
  const [start, end, ...rest] = readText(cell).split(/\s*(?:至|~|到)\s*/);
  if (start === undefined || end === undefined || rest.length > 0)
    throw new CellError("INVALID_DATE", "日期应写作「开始日期 至 结束日期」，如 2027-07-01 至 2027-07-05");
  return { start: readDate(start), end: readDate(end) };
}

/** The ids listed under a section title (军休干部（7 人）) and its header row, down to the first blank row. */
function listedIds(reader: Reader, sheet: ExcelJS.Worksheet, title: string, path: string): string[] {
  let row = 5;
  while (row <= sheet.rowCount && !text(unwrap(sheet.getCell(`A${row}`).value)).startsWith(title)) row++;
  const ids: string[] = [];
  if (row > sheet.rowCount) return ids;
  reader.places.set(path, { sheet: sheet.name, row, column: `A ${title}` });
  for (row += 2; row <= sheet.rowCount; row++) {
    const first = unwrap(sheet.getCell(`A${row}`).value);
    const id = unwrap(sheet.getCell(`B${row}`).value);
    if (isBlank(first) && isBlank(id)) break;
    const read = reader.cell(sheet, row, "B 编号", `${path}/${ids.length}`, readId);
    ids.push(read ?? "");
  }
  return ids;
}

function readBatch(reader: Reader, sheet: ExcelJS.Worksheet, i: number): Record<string, unknown> {
  const at = `/batches/${i}`;
  const id = reader.cell(sheet, 1, "B 批次", `${at}/id`, (c) => (isBlank(c) ? undefined : readId(c)));
  const venue = reader.cell(sheet, 2, "B 疗养地点", `${at}/venueId`, venueId);
  const when = reader.cell(sheet, 3, "B 日期", `${at}/start`, dates);
  reader.places.set(`${at}/end`, { sheet: sheet.name, row: 3, column: "B 日期" });
  const total = reader.cell(sheet, 4, "B 费用（元）", `${at}/cost/total`, (c) =>
    isBlank(c) ? undefined : readNumber(c),
  );
  reader.places.set(at, { sheet: sheet.name, row: 1, column: "A 批次" });
  return {
    ...(id === undefined ? {} : { id }),
    venueId: venue ?? "",
    start: when?.start ?? "",
    end: when?.end ?? "",
    cadreIds: listedIds(reader, sheet, "军休干部", `${at}/cadreIds`),
    staffIds: listedIds(reader, sheet, "服务保障人员", `${at}/staffIds`),
    ...(total === undefined ? {} : { cost: { total } }),
  };
}

/** 费用: each batch's cost parts (matched by 批次) and the totals under the table, where filled in. */
function readCosts(reader: Reader, sheet: ExcelJS.Worksheet, batches: Record<string, unknown>[]) {
  const summary: Record<string, number> = {};
  for (let row = 2; row <= sheet.rowCount; row++) {
    const label = text(unwrap(sheet.getCell(`A${row}`).value));
    const figure = SUMMARY_FIGURES[label];
    if (figure) {
      const value = reader.cell(sheet, row, `B ${label}`, `/summary/${figure}`, (c) =>
        isBlank(c) ? undefined : readNumber(c),
      );
      if (value !== undefined) summary[figure] = value;
      continue;
    }
    const i = batches.findIndex((b) => b.id === label);
    const batch = batches[i];
    if (!batch) continue;
    const cost: Record<string, number> = { ...(batch.cost as Record<string, number> | undefined) };
    for (const [key, column] of COST_COLUMNS) {
      const value = reader.cell(sheet, row, column, `/batches/${i}/cost/${key}`, (c) =>
        isBlank(c) ? undefined : readNumber(c),
      );
      if (value !== undefined) cost[key] = value;
    }
    if (Object.keys(cost).length > 0) batch.cost = cost;
  }
  return summary;
}

/** A draft schedule from a workbook in the export's layout; every bad cell with its sheet, row and column. */
export async function importScheduleDraft(file: Buffer): Promise<DraftImport> {
  const workbook = new ExcelJS.Workbook();
  try {
    await assertZipWithin(file, MAX_DRAFT_UNCOMPRESSED_BYTES);
    await workbook.xlsx.load(file as unknown as ExcelJS.Buffer);
  } catch (error) {
    const problem =
      error instanceof ZipLimitError
        ? fileProblem(
            "WORKBOOK_TOO_LARGE",
            `工作簿解压后超过 ${MAX_DRAFT_UNCOMPRESSED_BYTES / 1024 / 1024} MB 或含过多文件，不像是日程草稿：请只保留批次工作表后另存为 .xlsx`,
          )
        : notXlsx();
    return { ok: false, problems: [problem] };
  }
  const reader = new Reader();
  const lists = new Set([COST_SHEET, UNSCHEDULED_SHEET, INELIGIBLE_SHEET]);
  const batchSheets = workbook.worksheets.filter(
    (sheet) => !lists.has(sheet.name) && text(unwrap(sheet.getCell("A1").value)) === "批次",
  );
  const batches = batchSheets.map((sheet, i) => readBatch(reader, sheet, i));
  const costSheet = workbook.getWorksheet(COST_SHEET);
  const summary = costSheet ? readCosts(reader, costSheet, batches) : {};
  const draft = { batches, ...(Object.keys(summary).length > 0 ? { summary } : {}) };
  if (reader.problems.length > 0) return { ok: false, problems: reader.problems };
  const parsed = parseScheduleDraft(draft);
  if (!parsed.ok) return { ok: false, problems: parsed.problems.map((p) => reader.locate(p)) };
  return { ok: true, draft: parsed.schedule, locate: (p) => reader.locate(p) };
}

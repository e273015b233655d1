// Rosters in and out of spreadsheets: the template planners fill, the import that turns a filled one into
// contract cadres, staff and venues (or every bad cell, and nothing imported), and the export back.

import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import type { z } from "zod";
import type { Cadre, Staff, Venue } from "../../solver/index.js";
import { cadreSchema, staffSchema, toProblems, venueSchema } from "../contract/index.js";
import { type Cell, CellError, isBlank, readText, unwrap } from "./cells.js";
import {
  type Column,
  getPath,
  type Item,
  type RosterSheet,
  SHEET_ORDER,
  SHEETS,
  type SheetSpec,
} from "./columns.js";
import { excelCsv, FORMULA_START, unneutralise } from "./csv.js";
import { MAX_UNCOMPRESSED_BYTES, worksheets, ZipLimitError } from "./xlsx-stream.js";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const NOTES_SHEET = "说明";

/** Past this many problems the rest are summed up in one: a garbage file must not make a huge answer. */
export const MAX_PROBLEMS = 1000;
/** Rows per sheet; the largest plan (province) has 20 000 cadres. */
export const MAX_ROWS = 100_000;
/** Rows the template's dropdowns cover; cells past them are read all the same. */
const TEMPLATE_ROWS = 5000;

/**
 * One bad cell, column or file. `sheet` is the worksheet's name (军休干部…), `row` the 1-based spreadsheet row
 * (1 is the header), `column` its letter and header ("J 出生日期"); null where the problem has no such place
 * (a file that is not a workbook, a missing column has no letter: then `column` is the header alone).
 * `path` is where the value would have gone in the imported `{ cadres, staff, venues }` (JSON Pointer).
 */
export interface RosterProblem {
  sheet: string | null;
  row: number | null;
  column: string | null;
  path: string;
  code: string;
  message: string;
}

export type CadreRow = z.output<typeof cadreSchema>;
export type StaffRow = z.output<typeof staffSchema>;
export type VenueRow = z.output<typeof venueSchema>;

export interface Roster {
  cadres: CadreRow[];
  staff: StaffRow[];
  venues: VenueRow[];
}

/**
 * Imported, with `warnings`: cells taken as they are that a planner should look at again (text Excel would
 * run as a formula), in the problems' shape.
 */
export type ImportResult =
  | ({ ok: true; warnings: RosterProblem[] } & Roster)
  | { ok: false; problems: RosterProblem[] };

/** What exportRoster writes: a plan will do. */
export interface RosterSource {
  cadres: readonly Cadre[];
  staff: readonly Staff[];
  venues: readonly Venue[];
}

const SCHEMAS: Record<RosterSheet, z.ZodType> = {
  cadres: cadreSchema,
  staff: staffSchema,
  venues: venueSchema,
};

type Grid = (Cell | CellError)[][];

/** A, B, … Z, AA, … for a 0-based column index. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = "";
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

class Problems {
  readonly list: RosterProblem[] = [];
  private dropped = 0;

  constructor(private readonly unlisted = (n: number) => `另有 ${n} 个问题未列出：请先改正以上问题再导入`) {}

  add(problem: RosterProblem): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push(problem);
    else this.dropped++;
  }

  get count(): number {
    return this.list.length + this.dropped;
  }

  result(): RosterProblem[] {
    if (this.dropped === 0) return this.list;
    return [
      ...this.list,
      {
        sheet: null,
        row: null,
        column: null,
        path: "",
        code: "TOO_MANY_PROBLEMS",
        message: this.unlisted(this.dropped),
      },
    ];
  }
}

export function fileProblem(code: string, message: string, sheet: string | null = null): RosterProblem {
  return { sheet, row: null, column: null, path: "", code, message };
}

/** Header text as written, compared loosely: 全角, spaces, a trailing * or (…) do not matter. */
function headerKey(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/\s+/g, "")
    .replace(/\*$/, "")
    .replace(/\([^)]*\)$/, "");
}

interface Bound<T> {
  index: number;
  column: Column<T>;
  label: string;
}

function bindHeader<T>(spec: SheetSpec<T>, header: readonly (Cell | CellError)[], problems: Problems) {
  const byHeader = new Map(spec.columns.map((column) => [headerKey(column.header), column]));
  const bound: Bound<T>[] = [];
  const seen = new Map<Column<T>, number>();
  const unnamed: number[] = [];
  header.forEach((cell, index) => {
    const letter = columnLetter(index);
    if (cell instanceof CellError || isBlank(cell)) {
      unnamed.push(index);
      return;
    }
    const written = readText(cell);
    const column = byHeader.get(headerKey(written));
    const problem = (code: string, message: string) =>
      problems.add({
        sheet: spec.name,
        row: 1,
        column: `${letter} ${written}`,
        path: `/${spec.key}`,
        code,
        message,
      });
    if (column === undefined) {
      // Notes are welcome; any other header may be a misspelt column, whose data would be lost unseen.
      if (!headerKey(written).startsWith("备注")) {
        problem("UNKNOWN_COLUMN", `未知的列「${written}」：请改为模板中的表头，或改名为以「备注」开头的列`);
      }
      return;
    }
    const first = seen.get(column);
    if (first !== undefined) {
      problem("DUPLICATE_COLUMN", `列「${column.header}」重复（已见于 ${columnLetter(first)} 列）`);
      return;
    }
    seen.set(column, index);
    bound.push({ index, column, label: `${letter} ${column.header}` });
  });
  const missing = spec.columns.filter((column) => column.required && !seen.has(column));
  for (const column of missing) {
    problems.add({
      sheet: spec.name,
      row: 1,
      column: column.header,
      path: `/${spec.key}`,
      code: "MISSING_COLUMN",
      message: `缺少必填列「${column.header}」`,
    });
  }
  return { bound, unnamed, absent: new Set(spec.columns.filter((column) => !seen.has(column))) };
}

function rowIsBlank(cells: readonly (Cell | CellError)[] | undefined): boolean {
  return (cells ?? []).every((cell) => !(cell instanceof CellError) && isBlank(cell));
}

/** The column a schema problem belongs to: the longest pointer prefix a column filled. */
function columnFor<T>(origin: ReadonlyMap<string, Column<T>>, path: string): Column<T> | undefined {
  for (let prefix = path; ; prefix = prefix.slice(0, prefix.lastIndexOf("/"))) {
    const column = origin.get(prefix);
    if (column !== undefined) return column;
    if (prefix === "") return undefined;
  }
}

/** The strings a column's cell put into an item: its value, or what it added to a list. */
function textsRead(value: unknown, before: number): string[] {
  const added = Array.isArray(value) ? value.slice(before) : [value];
  return added.filter((text): text is string => typeof text === "string");
}

function importSheet<T>(spec: SheetSpec<T>, grid: Grid, problems: Problems, warnings: Problems): unknown[] {
  const [header, ...rows] = grid;
  if (header === undefined || (rowIsBlank(header) && rows.every((row) => rowIsBlank(row)))) return [];
  const { bound, unnamed, absent } = bindHeader(spec, header, problems);
  const staticOrigin = new Map<string, Column<T>>();
  for (const column of spec.columns)
    if (!staticOrigin.has(column.path)) staticOrigin.set(column.path, column);
  const schema = SCHEMAS[spec.key];
  const firstRowOfId = new Map<string, number>();
  const unnamedReported = new Set<number>();
  const items: unknown[] = [];

  rows.forEach((cells, r) => {
    const rowNumber = r + 2;
    if (rowIsBlank(cells)) return;
    const index = items.length;
    const item: Item = {};
    const origin = new Map(staticOrigin);
    const rowProblems: { at: number; problem: RosterProblem }[] = [];
    const badColumns = new Set<Column<T>>();
    const report = (place: Bound<T>, code: string, message: string) => {
      badColumns.add(place.column);
      rowProblems.push({
        at: place.index,
        problem: {
          sheet: spec.name,
          row: rowNumber,
          column: place.label,
          path: `/${spec.key}/${index}${place.column.path}`,
          code,
          message,
        },
      });
    };

    for (const at of unnamed) {
      const cell = cells[at];
      if (!unnamedReported.has(at) && (cell instanceof CellError || !isBlank(cell))) {
        unnamedReported.add(at);
        problems.add({
          sheet: spec.name,
          row: rowNumber,
          column: columnLetter(at),
          path: `/${spec.key}`,
          code: "UNKNOWN_COLUMN",
          message: "该列没有表头却填有内容：请补上模板中的表头，或删除该列",
        });
      }
    }

    for (const place of bound) {
      const { column } = place;
      const cell = cells[place.index];
      if (cell instanceof CellError) {
        report(place, cell.code, cell.message);
        continue;
      }
      // 无 reads as blank except where it means 否.
      if (isBlank(cell) || (!column.boolean && readText(cell) === "无")) {
        if (column.required) report(place, "REQUIRED", `「${column.header}」为必填项`);
        continue;
      }
      const list = getPath(item, column.path);
      const before = Array.isArray(list) ? list.length : 0;
      try {
        column.read(cell, item);
      } catch (error) {
        if (!(error instanceof CellError)) throw error;
        report(place, error.code, error.message);
        continue;
      }
      // Honors from four columns share one list: remember which column each came from.
      const after = getPath(item, column.path);
      // Cells are read trimmed, so a leading tab or carriage return is gone by now.
      const formula = textsRead(after, before).find((text) => FORMULA_START.test(text));
      if (formula !== undefined) {
        warnings.add({
          sheet: spec.name,
          row: rowNumber,
          column: place.label,
          path: `/${spec.key}/${index}${column.path}`,
          code: "FORMULA_LIKE_TEXT",
          message:
            `「${column.header}」以「${formula.charAt(0)}」开头，Excel 可能把它当作公式执行：` +
            "已照原样导入（导出的 CSV 会在其前加单引号），请核对是否填错",
        });
      }
      if (Array.isArray(after))
        for (let i = before; i < after.length; i++) origin.set(`${column.path}/${i}`, column);
    }
    spec.finish?.(item);

    const parsed = schema.safeParse(item, { reportInput: true });
    if (!parsed.success) {
      for (const problem of toProblems(parsed.error)) {
        const column = columnFor(origin, problem.path);
        const reported = (c: Column<T>) => badColumns.has(c) || absent.has(c);
        // A bad cell, or a column the header lacks, is reported already; so is an object (placement) that
        // is missing because its cells were.
        if (
          column !== undefined
            ? reported(column)
            : spec.columns.some((c) => c.path.startsWith(`${problem.path}/`) && reported(c))
        ) {
          continue;
        }
        const place = bound.find((b) => b.column === column);
        rowProblems.push({
          at: place?.index ?? Number.MAX_SAFE_INTEGER,
          problem: {
            sheet: spec.name,
            row: rowNumber,
            column: place?.label ?? column?.header ?? null,
            path: `/${spec.key}/${index}${problem.path}`,
            code: problem.code,
            message: column ? `「${column.header}」${problem.message}` : problem.message,
          },
        });
      }
    }

    const id = item.id;
    const idPlace = bound.find((b) => b.column.path === "/id");
    if (typeof id === "string" && idPlace) {
      const first = firstRowOfId.get(id);
      if (first === undefined) firstRowOfId.set(id, rowNumber);
      else
        report(
          idPlace,
          "DUPLICATE_ID",
          `${spec.noun}编号「${id}」重复（已见于第 ${first} 行），编号在工作表内必须唯一`,
        );
    }

    rowProblems.sort((a, b) => a.at - b.at);
    for (const { problem } of rowProblems) problems.add(problem);
    items.push(parsed.success ? parsed.data : item);
  });
  return items;
}

function cellsOf(row: ExcelJS.Row): (Cell | CellError)[] {
  const cells: (Cell | CellError)[] = [];
  row.eachCell({ includeEmpty: true }, (cell, c) => {
    try {
      cells[c - 1] = unwrap(cell.value);
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      cells[c - 1] = error;
    }
  });
  return cells;
}

export const notXlsx = () =>
  fileProblem("NOT_XLSX", "文件不是可读取的 Excel 工作簿（.xlsx）：请用 Excel 另存为 .xlsx 后再导入");

const tooLarge = () =>
  fileProblem(
    "WORKBOOK_TOO_LARGE",
    `工作簿解压后超过 ${MAX_UNCOMPRESSED_BYTES / 1024 / 1024} MB 或含过多文件，不像是名册：请只保留名册工作表后另存为 .xlsx 再导入`,
  );

/**
 * The wanted sheets' rows, read as a stream within the zip's limits (xlsx-stream.ts): a sheet stops being read
 * at its row limit, so a huge one costs no more than the limit.
 */
async function xlsxGrids(
  file: Buffer,
  wanted: readonly RosterSheet[],
  problems: Problems,
): Promise<Map<RosterSheet, Grid>> {
  const grids = new Map<RosterSheet, Grid>();
  try {
    for await (const worksheet of worksheets(file)) {
      const name = worksheet.name.normalize("NFKC").trim();
      const key = wanted.find((k) => [SHEETS[k].name, k].includes(name));
      if (key === undefined || grids.has(key)) continue;
      const grid: Grid = [];
      for await (const row of worksheet) {
        if (row.number > MAX_ROWS) {
          problems.add(fileProblem("TOO_MANY_ROWS", `工作表超过 ${MAX_ROWS} 行`, SHEETS[key].name));
          return new Map();
        }
        // Rows nobody wrote are absent from the stream; they read as blank.
        while (grid.length < row.number - 1) grid.push([]);
        grid.push(cellsOf(row));
      }
      // Every row as wide as the widest, so that a column without a header is seen on every row.
      const width = grid.reduce((widest, cells) => Math.max(widest, cells.length), 0);
      grids.set(
        key,
        grid.map((cells) => Array.from({ length: width }, (_, c) => cells[c])),
      );
    }
  } catch (error) {
    problems.add(error instanceof ZipLimitError ? tooLarge() : notXlsx());
    return new Map();
  }
  if (grids.size === 0 && problems.count === 0) {
    const names = wanted.map((key) => `「${SHEETS[key].name}」`).join("");
    problems.add(
      fileProblem(
        wanted.length === 1 ? "MISSING_SHEET" : "NO_ROSTER_SHEET",
        `工作簿中没有${names}工作表：请使用模板（GET /v1/templates/roster.xlsx）`,
      ),
    );
  }
  return grids;
}

/**
 * UTF-8 (the decoder drops the BOM Excel writes), else GBK: Excel's plain "CSV" on a Chinese Windows. GB18030
 * decodes GBK and the rest of Unicode; Chinese text in GBK is almost never also valid UTF-8.
 */
function decodeCsv(file: Buffer): string | undefined {
  for (const encoding of ["utf-8", "gb18030"]) {
    try {
      return new TextDecoder(encoding, { fatal: true }).decode(file);
    } catch {}
  }
  return undefined;
}

function csvGrid(file: Buffer, spec: SheetSpec<unknown>, problems: Problems): Grid | undefined {
  const text = decodeCsv(file);
  if (text === undefined) {
    problems.add(
      fileProblem(
        "UNKNOWN_ENCODING",
        "CSV 文件既不是 UTF-8 也不是 GBK 编码：请在 Excel 中另存为「CSV UTF-8（逗号分隔）」后再导入",
        spec.name,
      ),
    );
    return undefined;
  }
  try {
    const records: string[][] = parse(text, {
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    });
    if (records.length > MAX_ROWS) {
      problems.add(fileProblem("TOO_MANY_ROWS", `CSV 超过 ${MAX_ROWS} 行`, spec.name));
      return undefined;
    }
    // What our own CSV exports neutralised comes back as it was.
    return records.map((record) => record.map(unneutralise));
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    problems.add({
      ...fileProblem("INVALID_CSV", `CSV 格式有误：${(error as Error).message}`, spec.name),
      row: typeof line === "number" ? line : null,
    });
    return undefined;
  }
}

/**
 * Reads a filled roster. xlsx: the sheets 军休干部, 服务保障人员 and 疗养地点 (or only `sheet`); a sheet the
 * workbook lacks imports as an empty list. CSV: one kind per file, which `sheet` names; UTF-8 with or without
 * a BOM, or GBK. Every bad cell is reported, and then nothing is imported.
 */
export async function importRoster(
  file: Buffer,
  format: "xlsx" | "csv",
  sheet?: RosterSheet,
): Promise<ImportResult> {
  const problems = new Problems();
  const warnings = new Problems((n) => `另有 ${n} 处类似提示未列出`);
  const grids = new Map<RosterSheet, Grid>();
  if (file.length === 0) {
    problems.add(fileProblem("EMPTY_FILE", "文件是空的"));
  } else if (format === "csv") {
    if (sheet === undefined) {
      problems.add(fileProblem("SHEET_REQUIRED", "CSV 文件只含一种名册：请指明是 cadres、staff 还是 venues"));
    } else {
      const grid = csvGrid(file, SHEETS[sheet] as SheetSpec<unknown>, problems);
      if (grid) grids.set(sheet, grid);
    }
  } else {
    for (const [key, grid] of await xlsxGrids(file, sheet ? [sheet] : SHEET_ORDER, problems))
      grids.set(key, grid);
  }
  const roster: Record<RosterSheet, unknown[]> = { cadres: [], staff: [], venues: [] };
  for (const key of SHEET_ORDER) {
    const grid = grids.get(key);
    if (grid) roster[key] = importSheet(SHEETS[key] as SheetSpec<unknown>, grid, problems, warnings);
  }
  if (problems.count > 0) return { ok: false, problems: problems.result() };
  return { ok: true, warnings: warnings.result(), ...(roster as unknown as Roster) };
}

const NUMBER_PATHS = new Set([
  "/days",
  "/capacityPerBatch",
  "/maxConcurrentBatches",
  "/pricePerPersonDay",
  "/transportPerPerson",
  "/fixedCostPerBatch",
]);

function rowValues<T>(spec: SheetSpec<T>, item: T): (string | number | null)[] {
  return spec.columns.map((column) => column.write(item) ?? null);
}

function noteOf(column: Column<unknown>): string {
  return `${column.required ? "必填。" : ""}${column.format}\n示例：${column.example}`;
}

function addRosterSheet<T>(workbook: ExcelJS.Workbook, spec: SheetSpec<T>, items: readonly T[]): void {
  const sheet = workbook.addWorksheet(spec.name, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = spec.columns.map((column) => ({
    header: column.header,
    width: column.width,
    // Text cells keep what a person types: leading zeros of ids, dates as written, 1;4 as it is.
    style: { numFmt: NUMBER_PATHS.has(column.path) ? "General" : "@" },
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  spec.columns.forEach((column, i) => {
    const cell = header.getCell(i + 1);
    cell.note = noteOf(column as Column<unknown>);
    cell.font = { bold: true, color: { argb: column.required ? "FFC00000" : "FF000000" } };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFEFEFEF" } };
  });
  for (const item of items) sheet.addRow(rowValues(spec, item));
  const lastRow = Math.max(TEMPLATE_ROWS, items.length + 1000);
  spec.columns.forEach((column, i) => {
    if (!column.list) return;
    const letter = columnLetter(i);
    // exceljs has data validations at run time but not in its types.
    (
      sheet as unknown as { dataValidations: { add(range: string, rule: ExcelJS.DataValidation): void } }
    ).dataValidations.add(`${letter}2:${letter}${lastRow}`, {
      type: "list",
      allowBlank: true,
      formulae: [`"${column.list.join(",")}"`],
      showErrorMessage: true,
      errorTitle: column.header,
      error: `请从下拉列表中选择：${column.list.join("、")}`,
    });
  });
}

const GENERAL_NOTES: readonly string[] = [
  "本工作簿由荣誉疗养计划系统生成。第 1 行为表头（红色为必填列），数据从第 2 行开始，一行一人（或一个地点）。",
  "列的顺序可以调整，表头文字须与模板一致；以「备注」开头的列不导入。整行留空的行会被跳过。",
  "是/否列填「是」或「否」（也可填 Y/N、TRUE/FALSE、1/0）。在其他列中填「无」等同于留空。",
  "日期写作 yyyy-mm-dd，如 2027-07-01（也可 2027/7/1、2027年7月1日，或使用 Excel 日期格式）。",
  "日期段写作 开始~结束，如 2027-07-01~2027-07-20；单独一个日期表示那一天。",
  "一格中有多项时用分号分隔，如 二等功;战时三等功（全角分号、逗号、顿号也可以）。",
  "导入时会逐格检查，任何一格有误都会列出其工作表、行号与列，并且整个文件都不导入。",
  "CSV 文件每个只含一种名册（军休干部、服务保障人员或疗养地点），表头同下，UTF-8 或 GBK 编码均可（Excel：另存为「CSV UTF-8」或「CSV（逗号分隔）」）。",
];

function addNotesSheet(workbook: ExcelJS.Workbook): void {
  const sheet = workbook.addWorksheet(NOTES_SHEET);
  sheet.columns = [
    { header: "工作表", width: 14 },
    { header: "列", width: 5 },
    { header: "表头", width: 26 },
    { header: "必填", width: 6 },
    { header: "格式与取值", width: 90 },
    { header: "示例", width: 32 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const note of GENERAL_NOTES) sheet.addRow(["填写须知", null, null, null, note]);
  sheet.addRow([]);
  for (const key of SHEET_ORDER) {
    const spec = SHEETS[key] as SheetSpec<unknown>;
    spec.columns.forEach((column, i) => {
      sheet.addRow([
        spec.name,
        columnLetter(i),
        column.header,
        column.required ? "是" : "",
        column.format,
        column.example,
      ]);
    });
  }
  sheet.getColumn(5).alignment = { wrapText: true, vertical: "top" };
}

async function workbookBuffer(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The roster of a plan (or any cadres, staff and venues) in the template's format: import gives it back. */
export async function exportRoster(roster: RosterSource): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "荣誉疗养计划系统";
  addNotesSheet(workbook);
  addRosterSheet(workbook, SHEETS.cadres, roster.cadres);
  addRosterSheet(workbook, SHEETS.staff, roster.staff);
  addRosterSheet(workbook, SHEETS.venues, roster.venues);
  // Open on the cadre sheet: 说明 is one tab away.
  workbook.views = [
    { x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: 1, visibility: "visible" },
  ];
  return workbookBuffer(workbook);
}

/** The empty roster template: headers, notes on each header, dropdowns, and the 说明 sheet. */
export function rosterTemplate(): Promise<Buffer> {
  return exportRoster({ cadres: [], staff: [], venues: [] });
}

/** One kind of roster as CSV (UTF-8 with BOM, so Excel reads the Chinese right). */
export function exportRosterCsv(roster: RosterSource, sheet: RosterSheet): string {
  const spec = SHEETS[sheet] as SheetSpec<unknown>;
  const items = roster[sheet] as readonly unknown[];
  return excelCsv([spec.columns.map((c) => c.header), ...items.map((item) => rowValues(spec, item))]);
}

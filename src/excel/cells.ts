// Cell codecs: what a person types into one spreadsheet cell, read into contract values and written back.
// Reading is forgiving where the meaning is plain (全角 characters, 是/Y/TRUE, 2027/7/1, Excel's own date
// cells); anything it cannot read for certain is a CellError naming what it expected.

import type { CellValue } from "exceljs";
import { isIsoDate } from "../contract/index.js";

/** A cell's content once unwrapped: exceljs gives these (plus rich text, formulas…), CSV gives strings. */
export type Cell = string | number | boolean | Date | undefined;

export class CellError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The value a cell shows: the text of rich text and hyperlinks, a formula's cached result. */
export function unwrap(value: CellValue): Cell {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (value instanceof Date) return value;
  if ("richText" in value) return value.richText.map((run) => run.text).join("");
  if ("error" in value) throw new CellError("INVALID_CELL", `单元格是错误值 ${value.error}`);
  if ("formula" in value || "sharedFormula" in value) {
    const result = (value as { result?: unknown }).result;
    if (result === undefined || result === null) return undefined;
    if (typeof result === "object" && "error" in result) {
      throw new CellError("INVALID_CELL", `公式结果是错误值 ${String((result as { error: unknown }).error)}`);
    }
    return result as Cell;
  }
  if ("text" in value) {
    const text: unknown = value.text;
    // A hyperlink's text may itself be rich text.
    if (typeof text === "string") return text;
    if (typeof text === "object" && text !== null && "richText" in text) {
      return (text as { richText: { text: string }[] }).richText.map((run) => run.text).join("");
    }
  }
  throw new CellError("INVALID_CELL", "无法读取该单元格的内容");
}

/** Full-width letters, digits and punctuation to their ASCII forms (；→; （→( ～→~ １→1). */
function normalise(text: string): string {
  return text.normalize("NFKC").trim();
}

export function isBlank(cell: Cell): boolean {
  return cell === undefined || (typeof cell === "string" && normalise(cell) === "");
}

/** Shown in messages; long cells are cut. */
export function show(cell: Cell): string {
  const text = cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Dates of Excel's own date cells: exceljs reads the serial as UTC midnight. */
function isoOfDateCell(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new CellError("INVALID_DATE", "日期无效");
  return date.toISOString().slice(0, 10);
}

export function readText(cell: Cell): string {
  if (cell instanceof Date) return isoOfDateCell(cell);
  return normalise(String(cell));
}

/** An id: text, or a whole number Excel made of digits typed into a general cell. */
export function readId(cell: Cell): string {
  if (typeof cell === "number" && !Number.isInteger(cell)) {
    throw new CellError("INVALID_VALUE", `编号应为文字或整数，收到 ${cell}`);
  }
  return readText(cell);
}

const TRUE = new Set(["是", "有", "Y", "YES", "TRUE", "1", "√", "✓", "✔"]);
const FALSE = new Set(["否", "无", "N", "NO", "FALSE", "0", "×", "✗", "✘"]);

export function readBoolean(cell: Cell): boolean {
  if (typeof cell === "boolean") return cell;
  const text = readText(cell).toUpperCase();
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw new CellError("INVALID_ENUM", `应填「是」或「否」，收到「${show(cell)}」`);
}

export const writeBoolean = (value: boolean): string => (value ? "是" : "否");

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** A number: a numeric cell, or text such as 1500, 1,500 or 1500元. */
export function readNumber(cell: Cell): number {
  if (typeof cell === "number") {
    if (Number.isFinite(cell)) return cell;
  } else if (typeof cell === "string") {
    const text = normalise(cell).replaceAll(",", "").replace(/元$/, "").trim();
    if (DECIMAL.test(text)) return Number(text);
  }
  throw new CellError("INVALID_NUMBER", `应为数字，收到「${show(cell)}」`);
}

const DATE_TEXT = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/;
// 19500312, as dates taken from ID-card numbers are often written.
const DATE_DIGITS = /^(\d{4})(\d{2})(\d{2})$/;

function dateFromText(text: string, original: Cell): string {
  const match = DATE_TEXT.exec(text) ?? DATE_DIGITS.exec(text);
  if (!match) {
    throw new CellError(
      "INVALID_DATE",
      typeof original === "number"
        ? `日期应为 yyyy-mm-dd 格式（如 2027-07-01），收到数字「${show(original)}」：若是 Excel 日期显示成了数字，请把单元格设为日期格式，或改填文字 yyyy-mm-dd`
        : `日期应为 yyyy-mm-dd 格式（如 2027-07-01），收到「${show(original)}」`,
    );
  }
  const [, y, m, d] = match;
  const iso = `${y}-${(m ?? "").padStart(2, "0")}-${(d ?? "").padStart(2, "0")}`;
  if (!isIsoDate(iso)) throw new CellError("INVALID_DATE", `日期「${iso}」不存在`);
  return iso;
}

/** yyyy-mm-dd; also 2027/7/1, 2027.7.1, 2027年7月1日, 20270701 and Excel date cells. */
export function readDate(cell: Cell): string {
  if (cell instanceof Date) return isoOfDateCell(cell);
  return dateFromText(readText(cell), cell);
}

/** Items of a list cell: separated by ; , 、 or line breaks (全角 or not). */
export function splitList(cell: Cell): string[] {
  return readText(cell)
    .split(/[;,、\n\r]+/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

export const joinList = (items: readonly string[]): string => items.join(";");

export interface Range {
  start: string;
  end: string;
}

const RANGE_SEPARATOR = /\s*(?:~|至|到|—|–)\s*/;

function readRangeText(text: string, original: Cell): Range {
  const parts = text.split(RANGE_SEPARATOR);
  if (parts.length > 2 || parts.some((part) => part === "")) {
    throw new CellError(
      "INVALID_RANGE",
      `日期段应写作「开始~结束」（如 2027-07-01~2027-07-20），收到「${show(original)}」`,
    );
  }
  const start = dateFromText(parts[0] ?? "", original);
  const end = parts[1] === undefined ? start : dateFromText(parts[1], original);
  if (start > end) throw new CellError("RANGE_START_AFTER_END", `日期段 ${start}~${end} 的开始晚于结束`);
  return { start, end };
}

/** Date ranges: 2027-07-01~2027-07-20;2027-08-01 (a lone date is that one day). */
export function readRanges(cell: Cell): Range[] {
  if (cell instanceof Date) {
    const day = isoOfDateCell(cell);
    return [{ start: day, end: day }];
  }
  return splitList(cell).map((item) => readRangeText(item, cell));
}

export function writeRanges(ranges: readonly Range[]): string {
  return joinList(ranges.map((r) => (r.start === r.end ? r.start : `${r.start}~${r.end}`)));
}

/** One of a closed set of words; `names` maps each accepted word (canonical first) to its value. */
export function readChoice<T>(cell: Cell, names: ReadonlyMap<string, T>, what: string): T {
  const text = readText(cell);
  const value = names.get(text) ?? names.get(text.toLowerCase());
  if (value === undefined)
    throw new CellError("INVALID_ENUM", `${what}应为 ${choices(names)} 之一，收到「${show(cell)}」`);
  return value;
}

/** The canonical word of each value: the first name listed for it. */
export function writeChoice<T>(value: T, names: ReadonlyMap<string, T>): string {
  for (const [name, v] of names) if (v === value) return name;
  return String(value);
}

/** The canonical words, for messages and the 说明 sheet. */
export function choices<T>(names: ReadonlyMap<string, T>): string {
  const seen = new Set<T>();
  const words: string[] = [];
  for (const [name, value] of names) {
    if (!seen.has(value)) {
      seen.add(value);
      words.push(`「${name}」`);
    }
  }
  return words.join("、");
}

/** Words for values; aliases after the canonical word. */
export function names<T>(entries: readonly [T, ...string[]][]): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const [value, ...words] of entries) for (const word of words) map.set(word, value);
  return map;
}

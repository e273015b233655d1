// CSV as planners open it in Excel, and the one defence CSV needs there: formula injection (OWASP, "CSV
// Injection"). Excel runs a cell that begins with = + - @ (or a tab or carriage return before one) as a
// formula, so a roster name like =HYPERLINK(…) would act in every planner's Excel that opens an export.

import { stringify } from "csv-stringify/sync";

/** Text Excel would read as a formula. */
export const FORMULA_START = /^[=+\-@\t\r]/;

/** OWASP's neutralisation: a single quote before the cell makes Excel show it as text. */
export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Undoes `neutralise` on a cell read back from CSV, so an export imports back unchanged. */
export function unneutralise(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

/** Rows as UTF-8 CSV with a BOM and CRLF line ends, which Excel opens without garbling the Chinese. */
export function excelCsv(rows: readonly (readonly (string | number | null)[])[]): string {
  return stringify(rows as (string | number | null)[][], {
    bom: true,
    record_delimiter: "windows",
    cast: { string: neutralise },
  });
}

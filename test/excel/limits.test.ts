import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { numberedRows, repeatedRows, row, workbook } from "../../fixtures/workbooks.js";
import { importRoster, importScheduleDraft, MAX_ROWS, XLSX_TYPE } from "../../src/excel/index.js";
import { MAX_UNCOMPRESSED_BYTES, worksheets } from "../../src/excel/xlsx-stream.js";
import { planner, startService, type TestService } from "../support/service.js";

// Workbooks built here, never committed: a zip bomb (a sheet of one row repeated past the uncompressed
// limit, deflated to well under a megabyte), one that lies about its size, and one of 200 000 rows. Time and
// memory are measured in bench/RESULTS.md (zip bomb), not here.

const MiB = 1024 * 1024;
const bombRows = () => repeatedRows(MAX_UNCOMPRESSED_BYTES + MiB);

let bomb: Buffer;
beforeAll(async () => {
  bomb = await workbook("军休干部", bombRows());
});

const problemsOf = async (file: Buffer) => {
  const result = await importRoster(file, "xlsx");
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems;
};

describe("a zip bomb", () => {
  it("is refused by its declared size before anything is inflated for parsing", async () => {
    expect(bomb.length).toBeLessThan(MiB);
    expect(await problemsOf(bomb)).toEqual([
      {
        sheet: null,
        row: null,
        column: null,
        path: "",
        code: "WORKBOOK_TOO_LARGE",
        message: expect.stringMatching(/^工作簿解压后超过 100 MB/),
      },
    ]);
  });

  it("is refused as a draft schedule too, which is read whole, before exceljs loads it", async () => {
    const result = await importScheduleDraft(bomb);
    expect(result.ok ? [] : result.problems.map((p) => p.code)).toEqual(["WORKBOOK_TOO_LARGE"]);
  });

  it("is refused when it lies about its size, as soon as it inflates past what it declared", async () => {
    const liar = await workbook("军休干部", bombRows(), 1000);
    expect((await problemsOf(liar)).map((p) => p.code)).toEqual(["NOT_XLSX"]);
  });

  describe("over HTTP", () => {
    let service: TestService;
    beforeAll(async () => {
      service = await startService();
    });
    afterAll(async () => {
      await service.close();
    });

    it("answers 400 INVALID_ROSTER with the limit's code and a Chinese message", async () => {
      const response = await service.app.inject({
        method: "POST",
        url: "/v1/roster/import",
        headers: { ...planner, "content-type": XLSX_TYPE },
        payload: bomb,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: "INVALID_ROSTER",
        problems: [{ code: "WORKBOOK_TOO_LARGE", message: expect.stringContaining("工作簿解压后超过") }],
      });
    });
  });
});

describe("a sheet of 200 000 rows", () => {
  const rows = (broken: number) => numberedRows(200_000, broken);

  it("is refused at the row limit, without reading the rows past it", async () => {
    const file = await workbook("军休干部", rows(MAX_ROWS + 50_000));
    expect(await problemsOf(file)).toEqual([
      expect.objectContaining({ sheet: "军休干部", code: "TOO_MANY_ROWS" }),
    ]);
  });

  it("is read to the broken row when that row is within the limit", async () => {
    const file = await workbook("军休干部", rows(3));
    expect((await problemsOf(file)).map((p) => p.code)).toEqual(["NOT_XLSX"]);
  });
});

describe("a sheet read as a stream", () => {
  it("keeps every Chinese character whole, wherever the inflated chunks end", async () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `军休干部${"荣誉疗养".repeat(1 + (i % 3))}${i}`);
    const file = await workbook("军休干部", [
      Buffer.from(names.map((name, i) => row(i + 1, [name])).join("")),
    ]);
    const read: unknown[] = [];
    for await (const sheet of worksheets(file)) for await (const r of sheet) read.push(r.getCell(1).value);
    expect(read).toEqual(names);
  });
});

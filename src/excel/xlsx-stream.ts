import type { Readable } from "node:stream";
import ExcelJS from "exceljs";
import yauzl from "yauzl";

// Workbooks read as streams, within limits. A workbook is a zip, and a zip can be a bomb (391 KB that
// inflates to 400 MB) or hold 200 000 rows. yauzl reads the zip's central directory: the declared sizes must
// stay within the limits, and every entry is inflated once, counting and keeping nothing, while yauzl
// refuses an entry that inflates past its declared size; so the declared total bounds what is inflated,
// whatever the zip claims. Then exceljs's streaming reader parses the entries yauzl hands it, in the order
// it needs them (relationships, workbook, shared strings, styles, then the sheets), so no sheet waits in a
// temporary file, and the caller stops reading a sheet where it likes.

/** Uncompressed bytes of a whole workbook. The province roster (20 000 cadres) is 20 MB. */
export const MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024;
/** Files inside a workbook. The roster template has 30. */
export const MAX_ZIP_ENTRIES = 1000;

export class ZipLimitError extends Error {}

type Zip = { file: yauzl.ZipFile; entries: Map<string, yauzl.Entry> };

function openStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))),
  );
}

/** Every entry, after the limits are checked; ZipLimitError past them, any other error: not a zip. */
function openZip(buffer: Buffer, maxBytes = MAX_UNCOMPRESSED_BYTES): Promise<Zip> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, validateEntrySizes: true, autoClose: false },
      (openError, file) => {
        if (openError) return reject(openError);
        const entries = new Map<string, yauzl.Entry>();
        let declared = 0;
        const fail = (error: Error) => {
          file.close();
          reject(error);
        };
        file.on("error", fail);
        file.on("end", () => resolve({ file, entries }));
        file.on("entry", (entry: yauzl.Entry) => {
          entries.set(entry.fileName, entry);
          declared += entry.uncompressedSize;
          if (entries.size > MAX_ZIP_ENTRIES || declared > maxBytes)
            return fail(new ZipLimitError("past the zip limits"));
          if (entry.fileName.endsWith("/")) return file.readEntry();
          openStream(file, entry).then((stream) => {
            stream.on("error", fail);
            stream.on("end", () => file.readEntry());
            stream.resume();
          }, fail);
        });
        file.readEntry();
      },
    );
  });
}

/** What exceljs's WorkbookReader does with each part; it is driven here instead of from its own unzipper. */
interface ReaderParts {
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(
    iterator: Readable,
    sheetNo: string,
  ): Iterable<{ value: ExcelJS.stream.xlsx.WorksheetReader }>;
}

/**
 * For a workbook read whole rather than streamed (a draft schedule): ZipLimitError when it would inflate
 * past `maxBytes`, any other error for a file that is not a zip.
 */
export async function assertZipWithin(buffer: Buffer, maxBytes: number): Promise<void> {
  (await openZip(buffer, maxBytes)).file.close();
}

const SHEET = /^xl\/worksheets\/sheet(\d+)\.xml$/;

/**
 * The workbook's sheets, each with its `name` and its rows as an async iterable. Throws ZipLimitError past
 * the limits, and any other error for a file that is not a workbook.
 */
export async function* worksheets(
  buffer: Buffer,
): AsyncGenerator<ExcelJS.stream.xlsx.WorksheetReader & { name: string }> {
  const zip = await openZip(buffer);
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(undefined as never, {
      sharedStrings: "cache",
      // Excel's date cells are read by their styles.
      styles: "cache",
      hyperlinks: "ignore",
      worksheets: "emit",
    }) as unknown as ReaderParts;
    const part = async (name: string) => {
      const entry = zip.entries.get(name);
      if (entry === undefined) return undefined;
      // Text, not bytes: exceljs decodes each chunk alone, which splits a character across two chunks.
      return (await openStream(zip.file, entry)).setEncoding("utf8");
    };
    const required = async (name: string) =>
      (await part(name)) ?? Promise.reject(new Error(`the workbook has no ${name}`));
    await reader._parseRels(await required("xl/_rels/workbook.xml.rels"));
    await reader._parseWorkbook(await required("xl/workbook.xml"));
    const strings = await part("xl/sharedStrings.xml");
    if (strings) for await (const _ of reader._parseSharedStrings(strings));
    const styles = await part("xl/styles.xml");
    if (styles) await reader._parseStyles(styles);
    const sheets = [...zip.entries.keys()]
      .flatMap((name) => {
        const number = SHEET.exec(name)?.[1];
        return number === undefined ? [] : [{ name, number }];
      })
      .sort((a, b) => Number(a.number) - Number(b.number));
    for (const sheet of sheets) {
      for (const { value } of reader._parseWorksheet(await required(sheet.name), sheet.number))
        yield value as ExcelJS.stream.xlsx.WorksheetReader & { name: string };
    }
  } finally {
    zip.file.close();
  }
}

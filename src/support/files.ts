import { readFile, writeFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";

/** A file that cannot be read (`unreadable`) or is not JSON (`not-json`, which breaks the contract). */
export class InputFileError extends Error {
  constructor(
    readonly kind: "unreadable" | "not-json",
    message: string,
  ) {
    super(message);
  }
}

/** Reads a JSON document, gunzipping `.gz` files (province-sized plans are kept compressed). */
export async function readJsonFile(path: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InputFileError(
      "unreadable",
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "unknown error"}`,
    );
  }
  try {
    const text = (path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputFileError("not-json", `${path} is not valid JSON: ${(error as Error).message}`);
  }
}

export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, "utf8");
}

import { importRoster, type RosterSheet } from "../excel/index.js";

// Runs in a worker thread of the offload pool (src/http/offload.ts): request work too heavy for the HTTP thread.

export interface ImportTask {
  file: Uint8Array;
  format: "xlsx" | "csv";
  sheet?: RosterSheet | undefined;
}

export function importRosterTask({ file, format, sheet }: ImportTask) {
  // A Buffer crosses to a worker as a plain Uint8Array; view the same bytes as a Buffer again.
  return importRoster(Buffer.from(file.buffer, file.byteOffset, file.byteLength), format, sheet);
}

import { type Violation, validateSchedule } from "../../solver/index.js";
import { type Problem, parseValidateRequest } from "../contract/index.js";
import { importRoster, type RosterSheet } from "../excel/index.js";
import { INVALID_JSON } from "./errors.js";

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

export type ValidateOutcome =
  | { ok: true; valid: boolean; violations: Violation[] }
  | { ok: false; problems: Problem[] };

/** POST /v1/validate from its body's text: parsed, checked against the contract, then by the referee. */
export function validateTask(body: string): ValidateOutcome {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problems: [INVALID_JSON] };
  }
  const parsed = parseValidateRequest(json);
  if (!parsed.ok) return parsed;
  const violations = validateSchedule(parsed.request.plan, parsed.request.schedule);
  return { ok: true, valid: violations.length === 0, violations };
}

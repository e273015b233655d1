import { type DraftVerdict, validateDraft } from "../contract/draft.js";
import {
  type Problem,
  parsePlan,
  parseValidateRequest,
  type Rejected,
  type WhatIfScenario,
} from "../contract/index.js";
import { applyMergePatch, pointerInPatch } from "../contract/merge-patch.js";
import { importRoster, importScheduleDraft, type RosterProblem, type RosterSheet } from "../excel/index.js";
import { planFromStored } from "../storage/stored.js";
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

export type ValidateOutcome = ({ ok: true } & DraftVerdict) | Rejected;

export interface DraftWorkbookTask {
  /** The stored plan the draft is checked against. */
  planJson: string;
  file: Uint8Array;
}

export type DraftWorkbookOutcome =
  | ({ ok: true } & Omit<DraftVerdict, "mismatches"> & { mismatches: RosterProblem[] })
  | { ok: false; problems: RosterProblem[] };

/** A draft schedule in the export's layout, checked against the stored plan; mismatches told by their cells. */
export async function draftWorkbookTask({
  planJson,
  file,
}: DraftWorkbookTask): Promise<DraftWorkbookOutcome> {
  const read = await importScheduleDraft(Buffer.from(file.buffer, file.byteOffset, file.byteLength));
  if (!read.ok) return read;
  const verdict = validateDraft(planFromStored(planJson), read.draft);
  return { ok: true, ...verdict, mismatches: verdict.mismatches.map(read.locate) };
}

function parseJson(body: string): { ok: true; json: unknown } | Rejected {
  try {
    return { ok: true, json: JSON.parse(body) };
  } catch {
    return { ok: false, problems: [INVALID_JSON] };
  }
}

export type PlanOutcome = { ok: true; json: string } | Rejected;

/** POST /v1/plans from its body's text: the plan as stored, after the contract's checks. */
export function planTask(body: string): PlanOutcome {
  const read = parseJson(body);
  if (!read.ok) return read;
  const parsed = parsePlan(read.json);
  return parsed.ok ? { ok: true, json: JSON.stringify(parsed.plan) } : parsed;
}

/** POST /v1/validate from its body's text: parsed, checked against the contract, completed, then judged. */
export function validateTask(body: string): ValidateOutcome {
  const read = parseJson(body);
  if (!read.ok) return read;
  const parsed = parseValidateRequest(read.json);
  if (!parsed.ok) return parsed;
  return { ok: true, ...validateDraft(parsed.request.plan, parsed.request.schedule, "/schedule") };
}

export interface ScenariosTask {
  /** The stored plan. */
  planJson: string;
  scenarios: readonly WhatIfScenario[];
}

/** Every way a scenario's patched plan breaks the contract, each path pointing into its patch. */
export function scenarioProblemsTask({ planJson, scenarios }: ScenariosTask): Problem[] {
  const plan: unknown = JSON.parse(planJson);
  return scenarios.flatMap(({ patch }, i) => {
    const patched = applyMergePatch(plan, patch);
    const parsed = parsePlan(patched);
    return parsed.ok
      ? []
      : parsed.problems.map((problem) => ({
          ...problem,
          path: `/scenarios/${i}/patch${pointerInPatch(patch, patched, problem.path)}`,
        }));
  });
}

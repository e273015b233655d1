// Contract problems: what a client is told when its input breaks the contract. Plain data, so the CLI
// (stderr JSON) and the HTTP API (400 body) can present the same list their own way.

import type { z } from "zod";
import { clip, type PlanInput, planSchema } from "./plan.js";
import {
  draftScheduleSchema,
  type ScheduleDraftInput,
  type ScheduleInput,
  scheduleSchema,
  type ValidateRequestInput,
  validateRequestSchema,
} from "./schedule.js";

/**
 * One way the input breaks the contract.
 *
 * - `path`: where, as a JSON Pointer (RFC 6901) into the submitted document: `/cadres/12/birthDate`,
 *   array indices 0-based, `~` written `~0` and `/` written `~1` inside a key; `""` is the document itself
 *   (e.g. when the body is not an object). A missing field's path names the field that should be there.
 * - `code`: a stable English identifier for programs (see `PROBLEM_CODES`).
 * - `message`: for people, in Chinese; cites the regulation's article where one applies.
 */
export interface Problem {
  path: string;
  code: string;
  message: string;
}

/** Every code `toProblems` and the parse functions produce. */
export const PROBLEM_CODES = {
  REQUIRED: "a required field is missing (or misspelt)",
  INVALID_TYPE: "wrong JSON type (NaN and infinities count as wrong)",
  NOT_INTEGER: "a number where an integer is required",
  INVALID_ENUM: "a value outside a closed set (enum, literal, union tag)",
  TOO_SMALL: "below a minimum (number) or too short (string, array)",
  TOO_BIG: "above a maximum (number) or too long (string, array)",
  INVALID_FORMAT: "a string in the wrong format",
  INVALID_VALUE: "otherwise invalid",
  INVALID_DATE: "not a yyyy-mm-dd date, or no such calendar day",
  UNSUPPORTED_VERSION: "version is not 1",
  DUPLICATE_ID: "an id repeats within its list (reported at the later one)",
  RANGE_START_AFTER_END: "a date range whose start is after its end",
  WINDOW_OUTSIDE_CYCLE: "the planning window leaves the cycle (Art. 8)",
  POLICY_MAX_DAYS_ART6: "policy.maxDays above 7 (Art. 6)",
  POLICY_RATIO_MIN_ART10: "policy.cadresPerStaff.min below 5 (Art. 10)",
  POLICY_RATIO_MAX_ART10: "policy.cadresPerStaff.max above 10 (Art. 10)",
  POLICY_RATIO_ORDER_ART10: "policy.cadresPerStaff.min above max (Art. 10)",
  POLICY_MAX_AGE_ART7: "policy.maxAge above 80 (Art. 7)",
  COUNTY_ORGANIZER_WITHOUT_COUNTY: "a county organizer names no county",
  UNKNOWN_COUNTY: "a county organizer under 济宁市 names no county or district of the organisation tree",
  DERIVED_MISMATCH:
    "a derived value the input states (a batch cost, a summary total, a list) differs from the computed one",
  UNREADABLE_INPUT: "the input could not be read at all (e.g. a getter threw)",
  UNKNOWN_FIELD: "a field the contract does not have (often a misspelt one); free text goes in notes",
  BIRTH_AFTER_WINDOW: "a cadre born after the planning window's last day",
  QUALIFICATION_WITHOUT_MEDICAL:
    "a staff member with a medical qualification is not marked medical (Art. 10)",
  TOO_DEEP: "a JSON body nested deeper than MAX_JSON_DEPTH objects and arrays",
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** RFC 6901 JSON Pointer for a zod issue path. */
export function toPointer(path: readonly PropertyKey[]): string {
  // String() rather than a template: a symbol in a template literal throws.
  return path.map((segment) => `/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

const TYPE_NAMES: Record<string, string> = {
  string: "字符串",
  number: "数字",
  int: "整数",
  boolean: "布尔值",
  object: "对象",
  array: "数组",
  null: "null",
  undefined: "空缺",
  nan: "NaN",
  bigint: "大整数",
  symbol: "符号",
  function: "函数",
};

function typeName(name: string): string {
  return TYPE_NAMES[name] ?? name;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && !Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : "Infinity";
  return typeof value;
}

function listValues(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === "string" ? v : String(v))).join("、");
}

function lastKey(path: readonly PropertyKey[]): string {
  const key = path[path.length - 1];
  return key === undefined ? "" : String(key);
}

type Issue = z.core.$ZodIssue;

function hasInput(issue: Issue): boolean {
  return Object.hasOwn(issue, "input");
}

/** The value that failed: for a union tag zod reports the object holding it, so look the tag up. */
function failedValue(issue: Issue): unknown {
  if (issue.code === "invalid_union" && issue.discriminator !== undefined) {
    const holder = issue.input;
    return typeof holder === "object" && holder !== null ? Reflect.get(holder, issue.discriminator) : holder;
  }
  return issue.input;
}

function isMissing(issue: Issue): boolean {
  if (issue.code === "custom" || issue.path.length === 0) return false;
  // JSON has no undefined: an undefined value is an absent field.
  if (hasInput(issue)) return failedValue(issue) === undefined;
  // Without reportInput zod keeps no input; its own message is the only witness left.
  return issue.code === "invalid_type" && issue.message.endsWith("received undefined");
}

function classify(issue: Issue): Problem["code"] {
  if (isMissing(issue)) return "REQUIRED";
  switch (issue.code) {
    case "custom": {
      const code: unknown = issue.params?.code;
      return typeof code === "string" ? code : "INVALID_VALUE";
    }
    case "invalid_type":
      if (issue.expected === "int" && typeof issue.input === "number" && Number.isFinite(issue.input)) {
        return "NOT_INTEGER";
      }
      return "INVALID_TYPE";
    case "invalid_value":
      return "INVALID_ENUM";
    case "invalid_union":
      return issue.discriminator === undefined ? "INVALID_VALUE" : "INVALID_ENUM";
    case "too_small":
      return "TOO_SMALL";
    case "too_big":
      return "TOO_BIG";
    case "invalid_format":
      return "INVALID_FORMAT";
    case "unrecognized_keys":
      return "UNKNOWN_FIELD";
    default:
      return "INVALID_VALUE";
  }
}

function bound(
  issue: { origin: string; inclusive?: boolean; exact?: boolean },
  n: string,
  big: boolean,
): string {
  switch (issue.origin) {
    case "array":
      if (issue.exact) return `应恰有 ${n} 项`;
      return big ? `最多 ${n} 项` : `至少 ${n} 项`;
    case "string":
      if (!big && n === "1") return "不能为空字符串";
      return big ? `长度不超过 ${n}` : `长度至少为 ${n}`;
    default:
      if (big) return issue.inclusive === false ? `应小于 ${n}` : `应不大于 ${n}`;
      return issue.inclusive === false ? `应大于 ${n}` : `应不小于 ${n}`;
  }
}

/** Chinese text for zod's own issues; custom issues already carry ours. */
function describeIssue(issue: Issue, code: string): string {
  if (code === "REQUIRED") return `缺少必填字段「${lastKey(issue.path)}」`;
  switch (issue.code) {
    case "custom":
      return issue.message;
    case "invalid_type": {
      if (code === "NOT_INTEGER") return `应为整数，收到 ${String(issue.input)}`;
      const received: unknown = (issue as { received?: unknown }).received;
      const actual = hasInput(issue)
        ? jsonTypeOf(issue.input)
        : typeof received === "string"
          ? received
          : undefined;
      return actual === undefined
        ? `类型错误：应为${typeName(issue.expected)}`
        : `类型错误：应为${typeName(issue.expected)}，收到${typeName(actual)}`;
    }
    case "invalid_value":
      return `取值无效：应为 ${listValues(issue.values)} 之一`;
    case "invalid_union":
      if (issue.discriminator !== undefined && "options" in issue && issue.options) {
        return `「${issue.discriminator}」取值无效：应为 ${listValues(issue.options)} 之一`;
      }
      return "取值不符合任何允许的形式";
    case "too_small":
      return `取值过小：${bound(issue, String(issue.minimum), false)}`;
    case "too_big":
      return `取值过大：${bound(issue, String(issue.maximum), true)}`;
    case "invalid_format":
      return "格式无效";
    case "unrecognized_keys":
      return `契约中没有字段「${clip(lastKey(issue.path))}」（是否拼写错误？自由文字请写在 notes 中）`;
    default:
      return "取值无效";
  }
}

/** An object's unknown fields, one issue each, at the field's own path. */
function perKey(issue: Issue): Issue[] {
  if (issue.code !== "unrecognized_keys") return [issue];
  return issue.keys.map((key) => ({ ...issue, keys: [key], path: [...issue.path, key] }));
}

/**
 * The problems in a zod error, in the error's order, duplicates dropped. Pure: no I/O, no input needed.
 * Missing fields are told apart from wrong types best when the parse ran with `reportInput: true`
 * (the parse functions below do).
 */
export function toProblems(error: z.ZodError): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const issue of error.issues.flatMap(perKey)) {
    const code = classify(issue);
    const problem = { path: toPointer(issue.path), code, message: describeIssue(issue, code) };
    const key = `${problem.path}\u0000${problem.code}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

export type Rejected = { ok: false; problems: Problem[] };
export type PlanParseResult = { ok: true; plan: PlanInput } | Rejected;
export type ScheduleParseResult = { ok: true; schedule: ScheduleInput } | Rejected;
export type DraftParseResult = { ok: true; schedule: ScheduleDraftInput } | Rejected;
export type ValidateRequestParseResult = { ok: true; request: ValidateRequestInput } | Rejected;

function describeThrown(error: unknown): string {
  try {
    return (error instanceof Error ? error.message : String(error)).slice(0, 200);
  } catch {
    return "未知错误";
  }
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown): { ok: true; value: T } | Rejected {
  try {
    const result = schema.safeParse(input, { reportInput: true });
    return result.success
      ? { ok: true, value: result.data }
      : { ok: false, problems: toProblems(result.error) };
  } catch (error) {
    // Only a hostile non-JSON value gets here (a throwing getter or proxy); JSON input cannot.
    return {
      ok: false,
      problems: [{ path: "", code: "UNREADABLE_INPUT", message: `无法读取输入：${describeThrown(error)}` }],
    };
  }
}

// The parsers below share parseWith; each stays its own function so that its result names what it parsed.
/** Checks a plan against the contract. Never throws. */
export function parsePlan(input: unknown): PlanParseResult {
  const result = parseWith(planSchema, input);
  return result.ok ? { ok: true, plan: result.value } : result;
}

/** Checks a schedule against the contract. Never throws. */
export function parseSchedule(input: unknown): ScheduleParseResult {
  const result = parseWith(scheduleSchema, input);
  return result.ok ? { ok: true, schedule: result.value } : result;
}

/** Checks a schedule that may be a planner's draft (only its batches needed). Never throws. */
export function parseScheduleDraft(input: unknown): DraftParseResult {
  const result = parseWith(draftScheduleSchema, input);
  return result.ok ? { ok: true, schedule: result.value } : result;
}

/** Checks a `POST /v1/validate` body `{ plan, schedule }`. Never throws. */
export function parseValidateRequest(input: unknown): ValidateRequestParseResult {
  const result = parseWith(validateRequestSchema, input);
  return result.ok ? { ok: true, request: result.value } : result;
}

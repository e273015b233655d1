// The plan as the contract (spec/CONTRACT.md) puts it on the wire. Objects are strict: an unknown
// field is a typo more often than not, so it is refused with its path (free text goes in `notes`). Required
// fields, closed enums, the regulation's limits and the bounds of bounds.ts are enforced here, once, so the
// core can trust what it reads.

import { z } from "zod";
import { isCalendarDay, type Plan } from "../../solver/index.js";
import {
  MAX_AGE,
  MAX_CADRES,
  MAX_CAPACITY_PER_BATCH,
  MAX_CONCURRENT_BATCHES,
  MAX_COUNT,
  MAX_ID_LENGTH,
  MAX_LIST_ITEMS,
  MAX_NAME_LENGTH,
  MAX_NOTES_LENGTH,
  MAX_STAFF,
  MAX_TRIP_DAYS,
  MAX_VENUES,
  MAX_YUAN,
} from "./bounds.js";
import { cityNode } from "./organizations.js";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A `yyyy-mm-dd` string naming a real calendar day, read as the solver reads days (solver/dates.ts: whether a
 * day exists does not depend on the time zone).
 */
export function isIsoDate(value: unknown): value is string {
  return typeof value === "string" && ISO_DATE.test(value) && isCalendarDay(value);
}

/** Keeps messages short when a client sends a huge string where a date belongs. */
export function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

export const isoDate = z
  .string()
  .superRefine((value, ctx) => {
    if (!ISO_DATE.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: `日期应为 yyyy-mm-dd 格式，收到「${clip(value)}」`,
        params: { code: "INVALID_DATE" },
      });
    } else if (!isIsoDate(value)) {
      ctx.addIssue({
        code: "custom",
        message: `日期「${value}」不存在`,
        params: { code: "INVALID_DATE" },
      });
    }
  })
  // The refinement is invisible to JSON Schema; the format keeps the OpenAPI doc honest.
  .meta({ format: "date" })
  .describe("Calendar date yyyy-mm-dd (Asia/Shanghai); must exist (2027-02-30 is rejected)");

/**
 * An integer in [min, max]. Not `z.int()`: its non-integer issue aborts explicitly, and an explicit abort
 * anywhere in the plan would stop the plan-wide checks, so one `6.5` would hide every cross-field problem.
 */
export function integer(min: number, max: number) {
  return z
    .number()
    .superRefine((n, ctx) => {
      if (!Number.isInteger(n)) {
        ctx.addIssue({ code: "custom", message: `应为整数，收到 ${n}`, params: { code: "NOT_INTEGER" } });
      } else if (n < min) {
        ctx.addIssue({ code: "too_small", origin: "number", minimum: min, inclusive: true, message: "" });
      } else if (n > max) {
        ctx.addIssue({ code: "too_big", origin: "number", maximum: max, inclusive: true, message: "" });
      }
    })
    .meta({ type: "integer", minimum: min, maximum: max });
}

export const id = z.string().min(1).max(MAX_ID_LENGTH);
/** A name, an institution, a place: free text of bounded length. */
export const text = z.string().max(MAX_NAME_LENGTH);
const place = text.min(1);
export const money = (what: string) =>
  z.number().nonnegative().max(MAX_YUAN).describe(`${what}; yuan (元), in [0, ${MAX_YUAN}]`);
const positiveCount = (what: string, max: number) =>
  integer(1, max).describe(`${what}; integer in [1, ${max}]`);
/** A bounded list. */
export const list = <T extends z.ZodType>(item: T, max: number = MAX_LIST_ITEMS) => z.array(item).max(max);
const notes = (what: string) =>
  z
    .string()
    .max(MAX_NOTES_LENGTH)
    .optional()
    .describe(`Free-form notes on ${what}, at most ${MAX_NOTES_LENGTH} characters; the planner ignores them`);

/** A closed date range; both ends inclusive. `start ≤ end` is checked on the whole plan. */
export const dateRangeSchema = (what: string) =>
  z
    .strictObject({
      start: isoDate.describe(`First day of ${what} (inclusive), yyyy-mm-dd`),
      end: isoDate.describe(`Last day of ${what} (inclusive), yyyy-mm-dd; not before start`),
    })
    .describe(`${what}: { start, end }, both days included, start ≤ end`);

const rangeList = (what: string, absent: string) =>
  list(dateRangeSchema(what)).describe(`${what} ranges; ${absent}`);

export const organizerSchema = z
  .strictObject({
    level: z
      .enum(["city", "county"])
      .describe("Level of the organizing veterans-affairs department: city (市级) or county (县级)"),
    province: place.describe("Organizer's province (省), e.g. 山东省"),
    city: place.describe("Organizer's city (设区的市), e.g. 济宁市"),
    county: place
      .nullable()
      .optional()
      .describe("Organizer's county or district (县/区); required when level is county, else null or absent"),
  })
  .describe("Who organizes this plan (Art. 2, 18): eligibility is scoped to this area");

export const cycleSchema = z
  .strictObject({
    id: id.describe("Convalescence cycle id (疗养周期, Art. 8), e.g. 2027; matched against cadres' history"),
    start: isoDate.describe("First day of the cycle (inclusive), yyyy-mm-dd"),
    end: isoDate.describe("Last day of the cycle (inclusive), yyyy-mm-dd; the cycle may span years"),
  })
  .describe("The convalescence cycle (Art. 8): at most one honorary convalescence per cadre inside it");

export const policySchema = z
  .strictObject({
    maxDays: integer(1, MAX_TRIP_DAYS)
      .optional()
      .describe("Longest trip in days, travel included (Art. 6); integer in [1, 7], default 7"),
    cadresPerStaff: z
      .strictObject({
        min: integer(1, MAX_COUNT).describe(
          "Fewest cadres per staff member (Art. 10); integer in [5, 10], ≤ max, default 5",
        ),
        max: integer(1, MAX_COUNT).describe(
          "Most cadres per staff member (Art. 10); integer in [5, 10], ≥ min, default 10",
        ),
      })
      .optional()
      .describe("Staff ratio 1:min to 1:max (Art. 10); may narrow [5, 10], never widen it; default {5, 10}"),
    maxAge: integer(1, MAX_AGE)
      .optional()
      .describe("Age limit in 周岁 on a batch's start date (Art. 7); integer in [1, 80], default 80"),
    requireMedicalStaff: z
      .boolean()
      .optional()
      .describe("Every batch needs a qualified medical staff member (Art. 10); default true"),
    allowOutOfProvince: z
      .boolean()
      .optional()
      .describe("Venues outside the organizer's province may be used (Art. 6: 原则上省内); default false"),
    minBatchSize: integer(1, MAX_CAPACITY_PER_BATCH)
      .optional()
      .describe(
        `Fewest cadres in a batch (Art. 6: the organizer's call); integer in [1, ${MAX_CAPACITY_PER_BATCH}], default 1`,
      ),
    staffMaxBatches: integer(1, MAX_COUNT)
      .optional()
      .describe(
        `Most batches one staff member may accompany in the plan; integer in [1, ${MAX_COUNT}], absent: no limit`,
      ),
  })
  .describe("Organizer's parameters; each may tighten the regulation's limit, never loosen it");

export const budgetSchema = z
  .strictObject({
    total: money("Total budget for the plan (Art. 15)"),
    costStandard: z
      .strictObject({
        perPersonPerDay: money("Cost ceiling per cadre per trip day (Art. 14)").optional(),
        perPersonPerTrip: money("Cost ceiling per cadre per whole trip (Art. 14)").optional(),
      })
      .optional()
      .describe("Cost standard (参照劳模疗休养标准, Art. 14); each ceiling optional, absent: no ceiling"),
    insurancePerPerson: money("Accident insurance per cadre per trip (Art. 7)").optional(),
    staffPerDay: money("Business-trip allowance per staff member per day (Art. 10)").optional(),
    includeStaffCosts: z
      .boolean()
      .optional()
      .describe("Staff trip costs count against the budget; default true"),
  })
  .describe("Money, in yuan (元); absent amounts are 0");

export const venueSchema = z
  .strictObject({
    id: id.describe("Venue id, unique among venues"),
    name: text.optional().describe("Venue name"),
    ownership: z
      .enum(["system", "contracted"])
      .describe(
        "system: owned by the veterans-affairs system (preferred, Art. 9); contracted: bought service",
      ),
    province: place.describe(
      "Venue's province; outside the organizer's needs policy.allowOutOfProvince (Art. 6)",
    ),
    city: text.optional().describe("Venue's city"),
    days: positiveCount(
      "Trip length in days, travel included; batches run start..start+days-1",
      MAX_TRIP_DAYS,
    ),
    capacityPerBatch: positiveCount("Most cadres in one batch", MAX_CAPACITY_PER_BATCH),
    maxConcurrentBatches: positiveCount(
      "Most batches at the venue on any one day",
      MAX_CONCURRENT_BATCHES,
    ).optional(),
    pricePerPersonDay: money("Lodging, meals and activities per cadre per day").optional(),
    transportPerPerson: money("Round trip per person (cadre or staff)").optional(),
    fixedCostPerBatch: money("Fixed cost per batch").optional(),
    startWeekdays: list(integer(1, 7).describe("ISO weekday: 1 = Monday … 7 = Sunday, integer in [1, 7]"), 7)
      .optional()
      .describe("Weekdays a batch may start on; absent: any day"),
    available: rangeList("Venue availability", "absent or empty: the planning window").optional(),
    blackout: rangeList("Venue blackout", "no batch may touch one").optional(),
    notes: notes("the venue"),
  })
  .describe("A convalescence venue")
  .meta({ id: "Venue" });

export const MEDICAL_QUALIFICATION_TYPES = ["physician", "assistant_physician", "nurse", "other"] as const;

export const qualificationSchema = z
  .strictObject({
    type: z
      .enum(MEDICAL_QUALIFICATION_TYPES)
      .describe("physician (执业医师), assistant_physician (执业助理医师), nurse (护士), other (其他)"),
    certificate: text.min(1).describe("Certificate number (资格证书编号)"),
    validUntil: isoDate.describe("Last day the certificate is valid (有效期至), yyyy-mm-dd"),
  })
  .describe(
    "A medic's practising qualification (从业资质, Art. 10): a medic whose certificate lapses before a batch " +
      "ends does not count as qualified for it; absent: medical counts as the plan states it",
  );

export const staffSchema = z
  .strictObject({
    id: id.describe("Staff id, unique among staff"),
    name: text.optional().describe("Staff member's name"),
    institution: text.optional().describe("Staff member's institution (军休所)"),
    medical: z.boolean().describe("Qualified medical staff (医护人员, Art. 10)"),
    qualification: qualificationSchema.optional(),
    available: rangeList("Staff availability", "absent or empty: the planning window").optional(),
    unavailable: rangeList("Staff unavailability", "a batch may not touch one").optional(),
    notes: notes("the staff member"),
  })
  .describe("A service staff member (服务保障人员, Art. 10)")
  .meta({ id: "Staff" });

const honorPeriod = z
  .enum(["service", "post_transfer"])
  .describe("service: earned in service; post_transfer: after transfer to government placement");

const honoraryTitle = z
  .strictObject({
    kind: z.literal("honorary_title").describe("荣誉称号"),
    period: honorPeriod.optional(),
  })
  .describe("Honorary title (荣誉称号)");

const merit = z
  .strictObject({
    kind: z.literal("merit").describe("立功"),
    class: z.literal([1, 2, 3]).describe("Merit class: 1 (一等功), 2 (二等功) or 3 (三等功)"),
    wartime: z.boolean().optional().describe("Wartime merit counts one class higher; default false"),
    period: honorPeriod.optional(),
  })
  .describe("Merit citation (立功)");

const serviceCommendation = z
  .strictObject({
    kind: z.literal("commendation").describe("嘉奖/表彰"),
    period: z.literal("service").describe("Earned in service"),
    level: z
      .enum(["cmc", "military_region", "deputy_military_region", "corps"])
      .describe(
        "Commending authority: cmc (军委), military_region (大军区级), deputy_military_region, corps",
      ),
  })
  .describe("Commendation earned in service");

const postTransferCommendation = z
  .strictObject({
    kind: z.literal("commendation").describe("嘉奖/表彰"),
    period: z.literal("post_transfer").describe("Earned after transfer to government placement"),
    level: z
      .enum(["national", "provincial", "city", "county"])
      .describe("Commending party committee or government: national, provincial, city or county"),
  })
  .describe("Commendation earned after transfer");

const advancedCadre = z
  .strictObject({
    kind: z.literal("advanced_cadre").describe("先进(优秀)军休干部"),
    level: z.enum(["ministry", "provincial", "city", "county"]).describe("Awarding level"),
  })
  .describe("Advanced (outstanding) retired cadre award (先进(优秀)军休干部)");

export const honorSchema = z
  .discriminatedUnion("kind", [
    honoraryTitle,
    merit,
    z
      .discriminatedUnion("period", [serviceCommendation, postTransferCommendation])
      .describe("Commendation; its levels depend on period"),
    advancedCadre,
  ])
  .describe("An honor; kind decides the shape (RULES.md §2)");

export const countyExpansionSchema = z
  .strictObject({
    grounds: list(z.enum(["combat", "disability_war", "disability_duty", "service_length"]), 4)
      .optional()
      .describe(
        "Grounds: combat (参战), disability_war (因战致残), disability_duty (因公致残), service_length",
      ),
    approvedBy: z
      .enum(["management_committee", "party_group"])
      .nullable()
      .optional()
      .describe(
        "Approved by the management committee (军休干部管委会) or the party group (局党组); null: not yet",
      ),
    publicNoticeEnded: isoDate
      .nullable()
      .optional()
      .describe("Day the public notice (公示) ended, yyyy-mm-dd; null: not finished"),
    objection: z.boolean().optional().describe("An objection was raised during the notice"),
  })
  .describe("County-level expansion record (Art. 4 ¶2); county organizers only");

export const historyEntrySchema = z
  .strictObject({
    cycleId: id.describe("Cycle the convalescence belonged to"),
    level: z.enum(["city", "county", "provincial", "ministerial"]).describe("Level of that convalescence"),
    start: isoDate.describe("First day (inclusive), yyyy-mm-dd"),
    end: isoDate.optional().describe("Last day (inclusive), yyyy-mm-dd; not before start"),
  })
  .describe("A past honorary convalescence");

export const cadreSchema = z
  .strictObject({
    id: id.describe("Cadre id, unique among cadres"),
    name: text.optional().describe("Cadre's name"),
    gender: z.enum(["M", "F"]).optional().describe("M or F"),
    category: z
      .enum(["retired_cadre", "retired_nco"])
      .describe("retired_cadre (离休/退休干部) or retired_nco (退休军(警)士, Art. 18)"),
    placement: z
      .strictObject({
        province: place.describe("Placement province"),
        city: place.describe("Placement city"),
        county: text.nullable().optional().describe("Placement county or district"),
        institution: text.optional().describe("Managing institution (军休所)"),
        managedByVeteranAffairs: z.boolean().describe("Served by the veterans-affairs system (Art. 2)"),
      })
      .describe("Where the cadre is placed and managed"),
    birthDate: isoDate.describe("Date of birth, yyyy-mm-dd; decides the 周岁 age limit (Art. 7)"),
    honors: list(honorSchema).optional().describe("Honors; the best one decides the tier"),
    nominee: z
      .enum(["ministerial", "provincial"])
      .nullable()
      .optional()
      .describe("Meets ministerial or provincial convalescence conditions (Art. 8 ¶2): tier 1; null: no"),
    countyExpansion: countyExpansionSchema
      .nullable()
      .optional()
      .describe("County-level expansion record (Art. 4 ¶2), county organizers only; absent or null: none"),
    health: z
      .strictObject({
        infectiousDisease: z.boolean().optional().describe("Has an infectious disease (传染病)"),
        mentalIllness: z.boolean().optional().describe("Has a mental illness (精神疾病)"),
        criticalIllness: z.boolean().optional().describe("Has a critical illness (危急重症)"),
      })
      .nullable()
      .optional()
      .describe("Health declaration (Art. 7, 17); absent or null: undeclared"),
    application: z
      .strictObject({
        voluntary: z.boolean().optional().describe("Applied voluntarily (自愿报名)"),
        familyConsent: z.boolean().optional().describe("Family consented (家属同意)"),
        institutionApproved: z.boolean().optional().describe("Institution approved (军休机构批准)"),
      })
      .nullable()
      .optional()
      .describe("Application (Art. 7); absent or null: not applied"),
    unavailable: rangeList("Cadre unavailability", "a batch may not touch one").optional(),
    history: list(historyEntrySchema).optional().describe("Past honorary convalescences"),
    notes: notes("the cadre"),
  })
  .describe("A retired military cadre (军休干部)")
  .meta({ id: "Cadre" });

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function rangeOf(value: unknown): { start: string; end: string } | undefined {
  const range = asRecord(value);
  if (range === undefined) return undefined;
  const { start, end } = range;
  return isIsoDate(start) && isIsoDate(end) ? { start, end } : undefined;
}

function report(ctx: Ctx, path: Path, code: string, message: string, input: unknown, article?: number): void {
  ctx.addIssue({ code: "custom", path, message, input, params: article ? { code, article } : { code } });
}

function checkRange(ctx: Ctx, value: unknown, path: Path): void {
  const range = rangeOf(value);
  // yyyy-mm-dd strings compare as the days they name.
  if (range && range.start > range.end) {
    report(ctx, path, "RANGE_START_AFTER_END", `起始日期 ${range.start} 晚于结束日期 ${range.end}`, value);
  }
}

function checkRangeList(ctx: Ctx, list: unknown, path: Path): void {
  asArray(list).forEach((range, index) => {
    checkRange(ctx, range, [...path, index]);
  });
}

function checkUniqueIds(ctx: Ctx, list: unknown, key: string, noun: string): void {
  const firstAt = new Map<string, number>();
  asArray(list).forEach((item, index) => {
    const itemId = asRecord(item)?.id;
    if (typeof itemId !== "string") return;
    const first = firstAt.get(itemId);
    if (first === undefined) {
      firstAt.set(itemId, index);
    } else {
      report(
        ctx,
        [key, index, "id"],
        "DUPLICATE_ID",
        `${noun}编号「${clip(itemId)}」重复（已见于 /${key}/${first}），编号在列表内必须唯一`,
        itemId,
      );
    }
  });
}

function checkPolicy(ctx: Ctx, policyValue: unknown): void {
  const policy = asRecord(policyValue);
  if (policy === undefined) return;
  const { maxDays, maxAge } = policy;
  if (finite(maxDays) && maxDays > 7) {
    report(
      ctx,
      ["policy", "maxDays"],
      "POLICY_MAX_DAYS_ART6",
      `每期疗养时间不超过7天（含往返程，第六条），maxDays 为 ${maxDays}`,
      maxDays,
      6,
    );
  }
  const ratio = asRecord(policy.cadresPerStaff);
  if (ratio) {
    const { min, max } = ratio;
    if (finite(min) && min < 5) {
      report(
        ctx,
        ["policy", "cadresPerStaff", "min"],
        "POLICY_RATIO_MIN_ART10",
        `服务保障人员按1：5至1：10的比例配备（第十条），cadresPerStaff.min 为 ${min}，不得小于 5`,
        min,
        10,
      );
    }
    if (finite(max) && max > 10) {
      report(
        ctx,
        ["policy", "cadresPerStaff", "max"],
        "POLICY_RATIO_MAX_ART10",
        `服务保障人员按1：5至1：10的比例配备（第十条），cadresPerStaff.max 为 ${max}，不得大于 10`,
        max,
        10,
      );
    }
    if (finite(min) && finite(max) && min > max) {
      report(
        ctx,
        ["policy", "cadresPerStaff"],
        "POLICY_RATIO_ORDER_ART10",
        `服务保障人员配备比例（第十条）的下限 ${min} 大于上限 ${max}`,
        ratio,
        10,
      );
    }
  }
  if (finite(maxAge) && maxAge > 80) {
    report(
      ctx,
      ["policy", "maxAge"],
      "POLICY_MAX_AGE_ART7",
      `参加荣誉疗养的军休干部年龄应当不超过80周岁（第七条），maxAge 为 ${maxAge}`,
      maxAge,
      7,
    );
  }
}

/**
 * Cross-field rules of the contract. Runs even when fields are malformed (so one response lists every
 * problem), hence it reads the value as unknown and skips whatever is not well-formed: the field schemas
 * already report those.
 */
function checkPlan(value: unknown, ctx: Ctx): void {
  const plan = asRecord(value);
  if (plan === undefined) return;

  checkUniqueIds(ctx, plan.venues, "venues", "场地");
  checkUniqueIds(ctx, plan.staff, "staff", "服务保障人员");
  checkUniqueIds(ctx, plan.cadres, "cadres", "军休干部");

  checkRange(ctx, plan.cycle, ["cycle"]);
  checkRange(ctx, plan.planningWindow, ["planningWindow"]);
  asArray(plan.venues).forEach((venue, index) => {
    const v = asRecord(venue);
    checkRangeList(ctx, v?.available, ["venues", index, "available"]);
    checkRangeList(ctx, v?.blackout, ["venues", index, "blackout"]);
  });
  asArray(plan.staff).forEach((member, index) => {
    const s = asRecord(member);
    checkRangeList(ctx, s?.available, ["staff", index, "available"]);
    checkRangeList(ctx, s?.unavailable, ["staff", index, "unavailable"]);
    if (s?.qualification !== undefined && s.medical === false)
      report(
        ctx,
        ["staff", index, "qualification"],
        "QUALIFICATION_WITHOUT_MEDICAL",
        "登记了医护从业资质的人员应标为医护人员（medical 为 true，第十条）",
        s.qualification,
        10,
      );
  });
  const execution = asRecord(asRecord(plan.performanceTargets)?.budgetExecution);
  if (execution && finite(execution.min) && finite(execution.max) && execution.min > execution.max)
    report(
      ctx,
      ["performanceTargets", "budgetExecution"],
      "RANGE_START_AFTER_END",
      `预算执行率目标的下限 ${execution.min} 大于上限 ${execution.max}`,
      execution,
      16,
    );
  asArray(plan.cadres).forEach((cadre, index) => {
    const c = asRecord(cadre);
    checkRangeList(ctx, c?.unavailable, ["cadres", index, "unavailable"]);
    asArray(c?.history).forEach((entry, h) => {
      // history.end is optional: only a present end can be out of order.
      checkRange(ctx, entry, ["cadres", index, "history", h]);
    });
  });

  const cycle = rangeOf(plan.cycle);
  const window = rangeOf(plan.planningWindow);
  if (cycle && window && (window.start < cycle.start || window.end > cycle.end)) {
    report(
      ctx,
      ["planningWindow"],
      "WINDOW_OUTSIDE_CYCLE",
      `计划时段 ${window.start} 至 ${window.end} 超出疗养周期 ${cycle.start} 至 ${cycle.end}（第八条）`,
      plan.planningWindow,
      8,
    );
  }

  if (window) {
    asArray(plan.cadres).forEach((cadre, index) => {
      const birthDate = asRecord(cadre)?.birthDate;
      // Later than the window's last day: nobody in the plan can be that cadre yet, so it is a typo.
      if (isIsoDate(birthDate) && birthDate > window.end) {
        report(
          ctx,
          ["cadres", index, "birthDate"],
          "BIRTH_AFTER_WINDOW",
          `出生日期 ${birthDate} 晚于计划时段的最后一天 ${window.end}`,
          birthDate,
        );
      }
    });
  }

  checkPolicy(ctx, plan.policy);

  const organizer = asRecord(plan.organizer);
  if (organizer?.level === "county" && (organizer.county === undefined || organizer.county === null)) {
    report(
      ctx,
      ["organizer", "county"],
      "COUNTY_ORGANIZER_WITHOUT_COUNTY",
      "县级组织方须填写所在县（区）",
      organizer.county,
    );
  }
  checkCountyInTree(ctx, organizer);
}

/** Art. 3–5: under a city the tree holds (济宁市), a county organizer names one of its counties or districts. */
function checkCountyInTree(ctx: Ctx, organizer: Record<string, unknown> | undefined): void {
  const { province, city, county } = organizer ?? {};
  if (organizer?.level !== "county" || typeof province !== "string" || typeof city !== "string") return;
  if (typeof county !== "string") return;
  const node = cityNode(province, city);
  if (node === undefined || node.children.some((c) => c.name === county)) return;
  report(
    ctx,
    ["organizer", "county"],
    "UNKNOWN_COUNTY",
    `「${county}」不是${city}所辖的县（市、区）；应为：${node.children.map((c) => c.name).join("、")}`,
    county,
  );
}

const rate = (what: string) =>
  z.number().min(0).max(1).describe(`${what}; a fraction in [0, 1] (0.9 = 90 %)`);

/** Performance targets (绩效目标, Art. 16): the evaluation marks each indicator met or not met against them. */
export const performanceTargetsSchema = z
  .strictObject({
    participants: integer(0, MAX_CADRES)
      .optional()
      .describe("Cadres who attended a completed batch, at least; integer"),
    completionRate: rate("Attended ÷ scheduled over completed batches, at least").optional(),
    batchCompletionRate: rate("Completed ÷ batches whose end date has passed, at least").optional(),
    satisfactionRate: rate("(满意 + 基本满意) ÷ responses, at least").optional(),
    responseRate: rate("Responses ÷ attended, at least").optional(),
    coverageTiers1to3: rate(
      "Attended cadres of tiers 1–3 ÷ eligible cadres of tiers 1–3, at least",
    ).optional(),
    budgetExecution: z
      .strictObject({
        min: z.number().min(0).max(10).describe("Lowest acceptable actual spending ÷ approved budget"),
        max: z.number().min(0).max(10).describe("Highest acceptable actual spending ÷ approved budget"),
      })
      .optional()
      .describe("Budget execution range (预算执行率), e.g. { min: 0.9, max: 1 }; min ≤ max"),
  })
  .describe(
    "Performance targets (绩效目标, Art. 16); each optional, absent: that indicator has no target. Editable " +
      "(PATCH /v1/plans/{id}) until the first batch departs",
  );

export const planSchema = z
  .strictObject({
    version: z
      .number()
      // Checked here rather than in checkPlan: the type predicate narrows the output to the core's `1`.
      .refine((v): v is 1 => v === 1, {
        error: "仅支持契约版本 1（version 必须为 1）",
        params: { code: "UNSUPPORTED_VERSION" },
      })
      .meta({ const: 1 })
      .describe("Contract version; must be 1"),
    name: text
      .optional()
      .describe("The plan's name as planners call it, e.g. 2027年市级荣誉疗养计划; optional"),
    organizer: organizerSchema,
    cycle: cycleSchema,
    planningWindow: dateRangeSchema("the planning window").describe(
      "Days batches may use; both ends inclusive, inside the cycle",
    ),
    policy: policySchema.optional(),
    budget: budgetSchema,
    venues: list(venueSchema, MAX_VENUES).describe(`Venues, at most ${MAX_VENUES}; ids unique`),
    staff: list(staffSchema, MAX_STAFF).describe(`Service staff, at most ${MAX_STAFF}; ids unique`),
    cadres: list(cadreSchema, MAX_CADRES).describe(`Candidate cadres, at most ${MAX_CADRES}; ids unique`),
    performanceTargets: performanceTargetsSchema.optional(),
    notes: notes("the plan"),
  })
  .superRefine(checkPlan, {
    when: (payload) => asRecord(payload.value) !== undefined,
  })
  .describe("A plan for one convalescence cycle (CONTRACT.md)")
  .meta({ id: "Plan" });

export type PlanInput = z.output<typeof planSchema>;

// Compile-time only: fails to type-check if the wire type drifts from what the core reads.
type Assignable<T extends U, U> = T;
type _PlanFitsCore = Assignable<PlanInput, Plan>;

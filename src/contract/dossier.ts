import { z } from "zod";
import { MAX_CAPACITY_PER_BATCH, MAX_NOTES_LENGTH, MAX_TRIP_DAYS } from "./bounds.js";
import { id, isoDate, list, text } from "./plan.js";

// A batch's dossier (Art. 9–13) and the year's evaluation (Art. 16), as events and as the readiness items
// they open. The events are recorded like any other (src/contract/events.ts puts them in the union); the
// latest event of each kind per batch is the batch's dossier.

const batchId = id.describe("Batch id of the plan's current version; ids stay the same across versions");
const cadreId = id.describe("Cadre id in the plan");
const required = text.min(1);
const longText = (what: string) => z.string().min(1).max(MAX_NOTES_LENGTH).describe(what);

/** Phone numbers as people write them: digits, spaces, +, - and parentheses, 5–30 characters. */
const phone = z
  .string()
  .regex(/^[0-9+\-() ]{5,30}$/, { error: "电话号码应由数字、空格、+、-、括号组成，5–30 个字符" })
  .describe("Phone number of the person in charge (personal data: never logged, withheld from viewers)");

/** A conditional field: when `flag` is true, `field` must be present. Reported at the field's path. */
function requireWhen<T extends Record<string, unknown>>(flag: keyof T, fields: (keyof T & string)[]) {
  return (value: T, ctx: z.RefinementCtx) => {
    if (value[flag] !== true) return;
    for (const field of fields)
      if (value[field] === undefined)
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `${String(flag)} 为 true 时须填写 ${field}`,
          params: { code: "REQUIRED" },
        });
  };
}

export const hostRecorded = z
  .strictObject({
    type: z.literal("batch_host_recorded"),
    batchId,
    hostUnit: required.describe("The host unit (承办单位)"),
    agreementSigned: z.boolean().describe("The agreement with the host unit is signed (Art. 9)"),
    signedOn: isoDate.optional().describe("The day it was signed; required when agreementSigned"),
  })
  .superRefine(requireWhen("agreementSigned", ["signedOn"]))
  .describe("The batch's host unit and its agreement (Art. 9); the latest per batch counts");

export const emergencyPlanRecorded = z
  .strictObject({
    type: z.literal("batch_emergency_plan_recorded"),
    batchId,
    present: z.boolean().describe("A safety and emergency plan (安全保障和应急预案) exists (Art. 11)"),
    reference: required.optional().describe("Its reference (文号); required when present"),
    date: isoDate.optional().describe("Its date; required when present"),
  })
  .superRefine(requireWhen("present", ["reference", "date"]))
  .describe("The batch's safety and emergency plan (Art. 11); the latest per batch counts");

export const ACTIVITY_KINDS = {
  current_affairs: "时事政治理论学习",
  red_education: "红色教育基地参观",
  visit: "参观学习（军营、企事业单位、学校、乡村）",
  exchange: "座谈交流",
  charity: "公益慈善",
  defence_education: "国防教育",
  recreation: "文体活动",
  rest: "休养",
  travel: "往返行程",
  other: "其他",
} as const;
export type ActivityKind = keyof typeof ACTIVITY_KINDS;
const activityKind = z.enum(Object.keys(ACTIVITY_KINDS) as [ActivityKind, ...ActivityKind[]]).describe(
  Object.entries(ACTIVITY_KINDS)
    .map(([k, v]) => `${k} (${v})`)
    .join(", "),
);

export const programmeRecorded = z
  .strictObject({
    type: z.literal("batch_programme_recorded"),
    batchId,
    days: list(
      z.strictObject({
        date: isoDate.describe("A day of the batch"),
        activities: list(
          z.strictObject({ kind: activityKind, title: required.describe("What is done, e.g. 参观孟子故里") }),
          50,
        ).min(1),
      }),
      MAX_TRIP_DAYS,
    )
      .min(1)
      .describe("Day by day, each day inside the batch's dates, each once"),
  })
  .describe("The batch's programme (活动安排, Art. 12); the latest per batch counts");

const group = (side: string) =>
  z
    .strictObject({
      name: required.describe("The person in charge (personal data: withheld from viewers)"),
      phone,
    })
    .describe(`The ${side}'s service group (专项服务小组): its person in charge`);

export const serviceGroupsRecorded = z
  .strictObject({
    type: z.literal("batch_service_groups_recorded"),
    batchId,
    organiser: group("organiser (组织单位)"),
    host: group("host unit (承办单位)"),
  })
  .describe("The two service groups, each with its person in charge and phone (Art. 13); latest per batch");

export const SATISFACTION = {
  satisfied: "满意",
  basically_satisfied: "基本满意",
  dissatisfied: "不满意",
} as const;
export type Satisfaction = keyof typeof SATISFACTION;
export const SATISFACTION_LEVELS = Object.keys(SATISFACTION) as [Satisfaction, ...Satisfaction[]];

export const satisfactionRecorded = z
  .strictObject({
    type: z.literal("satisfaction_recorded"),
    batchId,
    responses: list(
      z.strictObject({
        cadreId,
        rating: z
          .enum(SATISFACTION_LEVELS)
          .describe("satisfied 满意, basically_satisfied 基本满意, dissatisfied 不满意"),
        comment: longText("Optional comment (意见建议)").optional(),
      }),
      MAX_CAPACITY_PER_BATCH,
    )
      .min(1)
      .describe("One per cadre who attended; a later response of the same cadre replaces an earlier one"),
  })
  .describe("Participants' satisfaction after a completed batch (Art. 16)");

export const INCIDENT_KINDS = {
  illness: "突发疾病",
  injury: "意外受伤",
  traffic: "交通事故",
  lost: "走失",
  other: "其他",
} as const;
export type IncidentKind = keyof typeof INCIDENT_KINDS;

export const incidentRecorded = z
  .strictObject({
    type: z.literal("incident_recorded"),
    batchId,
    date: isoDate.describe("The day it happened, inside the batch's dates"),
    cadreId,
    kind: z
      .enum(Object.keys(INCIDENT_KINDS) as [IncidentKind, ...IncidentKind[]])
      .describe("illness 突发疾病, injury 意外受伤, traffic 交通事故, lost 走失, other 其他"),
    handling: longText("How it was handled (处置情况); may tell health: withheld from viewers"),
  })
  .describe("An incident (意外情况) on a departed batch (Art. 13, 16)");

export const departureOverride = z
  .strictObject({ reason: longText("Why the batch leaves with blocking readiness items open") })
  .describe(
    "Required to record a departure while a blocking readiness item is open; kept in the event trail",
  );

export const DOSSIER_EVENTS = [
  hostRecorded,
  emergencyPlanRecorded,
  programmeRecorded,
  serviceGroupsRecorded,
  satisfactionRecorded,
  incidentRecorded,
] as const;

export type HostRecorded = z.output<typeof hostRecorded>;
export type EmergencyPlanRecorded = z.output<typeof emergencyPlanRecorded>;
export type ProgrammeRecorded = z.output<typeof programmeRecorded>;
export type ServiceGroupsRecorded = z.output<typeof serviceGroupsRecorded>;
export type SatisfactionRecorded = z.output<typeof satisfactionRecorded>;
export type IncidentRecorded = z.output<typeof incidentRecorded>;
export type DossierEvent = z.output<(typeof DOSSIER_EVENTS)[number]>;

export const DOSSIER_EVENT_TYPES: ReadonlySet<string> = new Set([
  "batch_host_recorded",
  "batch_emergency_plan_recorded",
  "batch_programme_recorded",
  "batch_service_groups_recorded",
  "satisfaction_recorded",
  "incident_recorded",
]);

export function isDossierEvent(event: { type: string }): event is DossierEvent {
  return DOSSIER_EVENT_TYPES.has(event.type);
}

/**
 * The one table of readiness items: each a code, its article, whether it blocks a departure (an override
 * with a reason is then needed) or only warns, and its Chinese message.
 */
export const READINESS_CODES = {
  ART7_AGREEMENT_MISSING: { article: 7, severity: "blocking", message: "有参加人员未签订疗养协议（第七条）" },
  ART7_INSURANCE_MISSING: {
    article: 7,
    severity: "blocking",
    message: "有参加人员未购买疗养期间的意外伤害保险（第七条）",
  },
  ART9_HOST_UNRECORDED: { article: 9, severity: "blocking", message: "未登记承办单位（第九条）" },
  ART9_AGREEMENT_UNSIGNED: {
    article: 9,
    severity: "blocking",
    message: "与承办单位的协议尚未签订（第九条）",
  },
  ART10_NO_QUALIFIED_MEDIC: {
    article: 10,
    severity: "blocking",
    message: "没有能出行、且从业资质在批次结束前有效的医护人员（第十条）",
  },
  ART10_QUALIFICATION_UNRECORDED: {
    article: 10,
    severity: "warning",
    message: "随队医护人员未登记从业资质，请核对资格证书（第十条）",
  },
  ART11_EMERGENCY_PLAN_MISSING: {
    article: 11,
    severity: "blocking",
    message: "未制定安全保障和应急预案（第十一条）",
  },
  ART12_PROGRAMME_MISSING: { article: 12, severity: "warning", message: "未登记活动安排（第十二条）" },
  ART12_NO_STUDY_OR_RED_EDUCATION: {
    article: 12,
    severity: "warning",
    message: "活动安排中既无时事政治理论学习，也无红色教育基地参观（第十二条，适当安排）",
  },
  ART13_SERVICE_GROUP_MISSING: {
    article: 13,
    severity: "blocking",
    message: "组织单位和承办单位的专项服务小组及负责人未全部明确（第十三条）",
  },
} as const satisfies Record<string, { article: number; severity: "blocking" | "warning"; message: string }>;

export type ReadinessCode = keyof typeof READINESS_CODES;

export const readinessItemSchema = z.object({
  code: z.enum(Object.keys(READINESS_CODES) as [ReadinessCode, ...ReadinessCode[]]),
  article: z.int(),
  severity: z.enum(["blocking", "warning"]).describe("blocking: a departure needs an override with a reason"),
  message: z.string().describe("In Chinese"),
  cadreIds: z.array(z.string()).optional().describe("The participants concerned (Art. 7 items)"),
  staffIds: z.array(z.string()).optional().describe("The staff concerned (Art. 10 items)"),
});
export type ReadinessItem = z.output<typeof readinessItemSchema>;

export function readinessItem(
  code: ReadinessCode,
  people: { cadreIds?: string[]; staffIds?: string[] } = {},
): ReadinessItem {
  const { article, severity, message } = READINESS_CODES[code];
  return { code, article, severity, message, ...people };
}

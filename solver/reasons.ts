import type { CycleCommitment, OrganizerLevel } from "./types.js";

// The one table of reason codes: every code the core reports, with its article and the Chinese
// message a planner reads. Nothing else in the project writes these messages.

export const ELIGIBILITY_CODES = {
  ART2_NOT_IN_SCOPE: { article: 2, message: "不属于本级组织的军休干部服务管理范围（第二条、第十八条）" },
  ART4_NO_QUALIFYING_HONOR: { article: 4, message: "无符合本级疗养条件的立功、表彰或评选（第四条）" },
  ART4_EXPANSION_NOT_APPROVED: {
    article: 4,
    message: "县级扩大范围未完成：缺少依据、未经管委会或局党组研究通过、未公示或公示有异议（第四条第二款）",
  },
  ART7_AGE: { article: 7, message: "在整个计划期内年龄均超过规定周岁（第七条）" },
  ART7_HEALTH_UNDECLARED: { article: 7, message: "未如实填报个人身体状况（第七条、第十七条）" },
  ART7_HEALTH_EXCLUDED: { article: 7, message: "患有传染病、精神疾病或危急重症，不宜参加疗养（第七条）" },
  ART7_NOT_APPLIED: { article: 7, message: "未完成自愿报名、家属同意或军休机构批准（第七条）" },
  ART8_ALREADY_IN_CYCLE: { article: 8, message: "本疗养周期内已参加过荣誉疗养（第八条）" },
} as const;

export const VENUE_CODES = {
  ART6_OUT_OF_PROVINCE: { article: 6, message: "疗养地点在省外，原则上安排在省内（第六条）" },
  ART6_TOO_LONG: { article: 6, message: "每期疗养时间超过规定天数（含往返程，第六条）" },
  ART14_OVER_COST_STANDARD: { article: 14, message: "人均疗养费用超过费用标准（第十四条）" },
} as const;

export const UNSCHEDULED_CODES = {
  NO_COMPATIBLE_BATCH: {
    article: 6,
    message: "没有任何可安排的批次适合其日期或年龄",
    advice: "调整其不可出行日期，或增加与其日期、年龄相符的开放批次",
  },
  BUDGET: { article: 15, message: "经费不足，无法再安排", advice: "增加预算，或改用人均费用更低的疗养地点" },
  CAPACITY: { article: 6, message: "疗养地点名额已满", advice: "增加疗养地点名额或开放批次" },
  STAFF: {
    article: 10,
    message: "服务保障人员（含医护人员）不足",
    advice: "增派可在相应日期出行的服务保障人员或医护人员",
  },
  PRIORITY: {
    article: 8,
    message: "其可参加的批次名额或日期已优先安排给排序在前的军休干部",
    advice: "如排序在前者退出或增加名额，将按顺序递补",
  },
} as const;

export type UnscheduledCode = keyof typeof UNSCHEDULED_CODES;

/** Said of a cadre whose reasons wait for the re-solves that run after the schedule is stored. */
export const REASONS_PENDING_SENTENCE =
  "未能安排：原因正在计算（放宽经费、名额、人员后重新求解），稍后刷新可见。";

/**
 * The sentence a planner can read out: what kept the cadre home, and what would change it; with no reason
 * yet and the re-solves still to come (`pending`), that they are coming.
 */
export function unscheduledSentence(reasons: readonly UnscheduledCode[], pending = false): string {
  if (reasons.length === 0) return pending ? REASONS_PENDING_SENTENCE : "";
  const why = reasons.map((code) => UNSCHEDULED_CODES[code].message).join("；");
  const change = reasons.map((code) => UNSCHEDULED_CODES[code].advice).join("；");
  return `未能安排：${why}。可行办法：${change}。`;
}

export const RULE_CODES = {
  UNKNOWN_VENUE: { article: 6, message: "批次所用疗养地点不在计划中" },
  UNKNOWN_CADRE: { article: 2, message: "批次中的军休干部不在计划名单中" },
  UNKNOWN_STAFF: { article: 10, message: "批次中的服务保障人员不在计划名单中" },
  DUPLICATE_BATCH_ID: { article: 6, message: "批次编号重复" },
  VENUE_EXCLUDED: { article: 6, message: "使用了不得使用的疗养地点" },
  BATCH_LENGTH: { article: 6, message: "批次天数与疗养地点天数不符或超过7天（含往返程，第六条）" },
  BATCH_WEEKDAY: { article: 6, message: "批次开始日不是该疗养地点的可出发日" },
  BATCH_WINDOW: { article: 6, message: "批次不在疗养地点开放期或计划期内" },
  BATCH_BLACKOUT: { article: 6, message: "批次与疗养地点停用日期重叠" },
  VENUE_LOAD: { article: 6, message: "同一疗养地点同日批次数超过上限" },
  BATCH_SIZE: { article: 6, message: "批次人数低于最低人数或超过疗养地点容量" },
  STAFF_RATIO: { article: 10, message: "服务保障人员与军休干部比例不在1:5至1:10之间（第十条）" },
  MEDICAL_COVER: { article: 10, message: "批次没有具备资质的医护人员（第十条）" },
  STAFF_OVERLAP: { article: 10, message: "同一服务保障人员被安排在日期重叠的两个批次" },
  STAFF_AVAILABILITY: { article: 10, message: "服务保障人员在批次日期内不可出行" },
  STAFF_BATCH_LIMIT: { article: 10, message: "服务保障人员带队批次数超过上限" },
  STAFF_DUPLICATE_IN_BATCH: { article: 10, message: "同一服务保障人员在批次中重复出现" },
  CADRE_AVAILABILITY: { article: 7, message: "军休干部在批次日期内不能出行" },
  CADRE_AGE: { article: 7, message: "批次开始日军休干部年龄超过规定周岁（第七条）" },
  CADRE_INELIGIBLE: { article: 4, message: "安排了不符合荣誉疗养条件的军休干部" },
  ONCE_PER_CYCLE: { article: 8, message: "同一军休干部在本周期内被安排多于一次（第八条）" },
  COST_MISMATCH: { article: 14, message: "批次费用与费用标准计算结果不符" },
  BUDGET: { article: 15, message: "总费用超过预算（第十五条）" },
  PRIORITY_INVERSION: {
    article: 8,
    message: "有优先级更高或同级排序在前的军休干部等待，而其可参加该批次（第八条、优先原则）",
  },
} as const;

export type EligibilityCode = keyof typeof ELIGIBILITY_CODES;
export type VenueCode = keyof typeof VENUE_CODES;
export type RuleCode = keyof typeof RULE_CODES;

export interface Reason {
  code: string;
  article: number;
  message: string;
  /** ART8_ALREADY_IN_CYCLE only: the other plan of the cycle that took the cadre. */
  source?: { planId: string; level: OrganizerLevel; batchId: string };
}

type Table = Record<string, { article: number; message: string }>;

function reasonFrom<T extends Table>(table: T, code: keyof T & string): Reason {
  const entry = table[code] as { article: number; message: string };
  return { code, article: entry.article, message: entry.message };
}

export const eligibilityReason = (code: EligibilityCode): Reason => reasonFrom(ELIGIBILITY_CODES, code);

const LEVEL_NAMES: Record<OrganizerLevel, string> = { city: "市级", county: "县级" };

/** Art. 8 across levels: the ART8_ALREADY_IN_CYCLE reason naming the plan and batch that took the cadre. */
export function takenElsewhereReason(taken: CycleCommitment): Reason {
  const { article } = ELIGIBILITY_CODES.ART8_ALREADY_IN_CYCLE;
  return {
    code: "ART8_ALREADY_IN_CYCLE",
    article,
    message: `本疗养周期内已由${LEVEL_NAMES[taken.level]}计划「${taken.planName}」（${taken.planId}）批次 ${taken.batchId} 安排，一个周期只参加一次（第八条）`,
    source: { planId: taken.planId, level: taken.level, batchId: taken.batchId },
  };
}
export const venueReason = (code: VenueCode): Reason => reasonFrom(VENUE_CODES, code);

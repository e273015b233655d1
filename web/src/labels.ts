// Chinese names for the codes the API answers with; the codes themselves stay visible beside them.

export const CANDIDATE_LABEL: Record<string, string> = {
  priority: "优先保障方案",
  economy: "经济方案",
  "system-only": "系统内场所方案",
  "fewest-batches": "最少批次方案",
};

export const SOLVE_STATUS_LABEL: Record<string, string> = {
  optimal: "已证明最优",
  feasible: "可行（未证明最优）",
  timedout: "超时，取当前最好结果",
  infeasible: "无可行方案",
};

export const UNSCHEDULED_LABEL: Record<string, string> = {
  BUDGET: "经费不足",
  CAPACITY: "名额已满",
  STAFF: "服务保障人员不足",
  NO_COMPATIBLE_BATCH: "无合适批次",
  PRIORITY: "名额已优先安排给排序在前者",
};

export const RESOURCE_LABEL: Record<string, string> = {
  BUDGET: "经费",
  STAFF: "工作人员",
  MEDICAL: "医护人员",
  CAPACITY: "名额",
};

export const NOTIFY_REASON_LABEL: Record<string, string> = {
  NEW_PLACE: "新安排名额",
  WITHDREW: "本人退出",
  INELIGIBLE: "不再符合条件",
  UNAVAILABLE: "原日期无法出行",
  NOT_DEPARTED: "原批次到期未出发",
  BATCH_CANCELLED: "原批次取消",
  REPLANNED: "重新编排调整",
};

export const CHANGE_LABEL: Record<string, string> = {
  added: "新增",
  removed: "移出",
  moved: "调整批次",
  reassigned: "调整随行批次",
};

export function candidateLabel(candidate: string, run?: string | null, version?: number | null): string {
  if (version) return `第${version}版（重新编排）`;
  if (run?.startsWith("budget=")) return `预算推演：¥${Number(run.slice(7)).toLocaleString("zh-CN")}`;
  if (run?.startsWith("scenario=")) return `情景：${run.slice(9)}`;
  return CANDIDATE_LABEL[candidate] ?? candidate;
}

/** A staff member as a select option names them: id, name (planners only) and whether a medic. */
export function staffLabel(staff: { id: string; name?: string; medical: boolean }): string {
  return `${staff.id} ${staff.name ?? ""}${staff.medical ? "（医护）" : ""}`;
}

/** The six priority tiers of RULES.md §6.1, for charts with one series per tier. */
export const TIERS = [1, 2, 3, 4, 5, 6];

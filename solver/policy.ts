import type { Plan } from "./types.js";

// The regulation's ceilings. A plan may tighten them, never loosen them; the contract rejects a looser
// policy, and the core clamps as well so that a direct caller cannot loosen them either.
export const STATUTORY = {
  maxDays: 7, // Art. 6
  staffRatioMin: 5, // Art. 10
  staffRatioMax: 10, // Art. 10
  maxAge: 80, // Art. 7
} as const;

export interface EffectivePolicy {
  maxDays: number;
  staffRatioMin: number;
  staffRatioMax: number;
  maxAge: number;
  requireMedicalStaff: boolean;
  allowOutOfProvince: boolean;
  minBatchSize: number;
  staffMaxBatches: number;
}

export function effectivePolicy(plan: Plan): EffectivePolicy {
  const p = plan.policy ?? {};
  return {
    maxDays: Math.min(p.maxDays ?? STATUTORY.maxDays, STATUTORY.maxDays),
    staffRatioMin: Math.max(p.cadresPerStaff?.min ?? STATUTORY.staffRatioMin, STATUTORY.staffRatioMin),
    staffRatioMax: Math.min(p.cadresPerStaff?.max ?? STATUTORY.staffRatioMax, STATUTORY.staffRatioMax),
    maxAge: Math.min(p.maxAge ?? STATUTORY.maxAge, STATUTORY.maxAge),
    requireMedicalStaff: p.requireMedicalStaff ?? true,
    allowOutOfProvince: p.allowOutOfProvince ?? false,
    minBatchSize: Math.max(p.minBatchSize ?? 1, 1),
    staffMaxBatches: p.staffMaxBatches ?? Number.POSITIVE_INFINITY,
  };
}

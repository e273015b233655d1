// The plan and schedule as the core reads and writes them. The wire contract (src/contract) is checked
// against these types at compile time, so the two cannot drift apart.

export type IsoDate = string;

export interface DateRange {
  start: IsoDate;
  end: IsoDate;
}

export type OrganizerLevel = "city" | "county";

export interface Organizer {
  level: OrganizerLevel;
  province: string;
  city: string;
  county?: string | null | undefined;
}

export interface Policy {
  maxDays?: number | undefined;
  cadresPerStaff?: { min: number; max: number } | undefined;
  maxAge?: number | undefined;
  requireMedicalStaff?: boolean | undefined;
  allowOutOfProvince?: boolean | undefined;
  minBatchSize?: number | undefined;
  staffMaxBatches?: number | undefined;
}

export interface Budget {
  total: number;
  costStandard?: { perPersonPerDay?: number | undefined; perPersonPerTrip?: number | undefined } | undefined;
  insurancePerPerson?: number | undefined;
  staffPerDay?: number | undefined;
  includeStaffCosts?: boolean | undefined;
}

export interface Venue {
  id: string;
  name?: string | undefined;
  ownership: "system" | "contracted";
  province: string;
  city?: string | undefined;
  days: number;
  capacityPerBatch: number;
  maxConcurrentBatches?: number | undefined;
  pricePerPersonDay?: number | undefined;
  transportPerPerson?: number | undefined;
  fixedCostPerBatch?: number | undefined;
  startWeekdays?: readonly number[] | undefined;
  available?: readonly DateRange[] | undefined;
  blackout?: readonly DateRange[] | undefined;
}

/** A medic's practising qualification (从业资质, Art. 10): what it is, its certificate, its last valid day. */
export interface MedicalQualification {
  type: "physician" | "assistant_physician" | "nurse" | "other";
  certificate: string;
  validUntil: IsoDate;
}

export interface Staff {
  id: string;
  name?: string | undefined;
  institution?: string | undefined;
  medical: boolean;
  qualification?: MedicalQualification | undefined;
  available?: readonly DateRange[] | undefined;
  unavailable?: readonly DateRange[] | undefined;
}

export type Honor =
  | { kind: "honorary_title"; period?: "service" | "post_transfer" | undefined }
  | {
      kind: "merit";
      class: 1 | 2 | 3;
      wartime?: boolean | undefined;
      period?: "service" | "post_transfer" | undefined;
    }
  | {
      kind: "commendation";
      period: "service";
      level: "cmc" | "military_region" | "deputy_military_region" | "corps";
    }
  | { kind: "commendation"; period: "post_transfer"; level: "national" | "provincial" | "city" | "county" }
  | { kind: "advanced_cadre"; level: "ministry" | "provincial" | "city" | "county" };

export type ExpansionGround = "combat" | "disability_war" | "disability_duty" | "service_length";

export interface CountyExpansion {
  grounds?: readonly ExpansionGround[] | undefined;
  approvedBy?: "management_committee" | "party_group" | null | undefined;
  publicNoticeEnded?: IsoDate | null | undefined;
  objection?: boolean | undefined;
}

export interface HistoryEntry {
  cycleId: string;
  level: "city" | "county" | "provincial" | "ministerial";
  start: IsoDate;
  end?: IsoDate | undefined;
}

export interface Cadre {
  id: string;
  name?: string | undefined;
  gender?: "M" | "F" | undefined;
  category: "retired_cadre" | "retired_nco";
  placement: {
    province: string;
    city: string;
    county?: string | null | undefined;
    institution?: string | undefined;
    managedByVeteranAffairs: boolean;
  };
  birthDate: IsoDate;
  honors?: readonly Honor[] | undefined;
  nominee?: "ministerial" | "provincial" | null | undefined;
  countyExpansion?: CountyExpansion | null | undefined;
  health?:
    | {
        infectiousDisease?: boolean | undefined;
        mentalIllness?: boolean | undefined;
        criticalIllness?: boolean | undefined;
      }
    | null
    | undefined;
  application?:
    | {
        voluntary?: boolean | undefined;
        familyConsent?: boolean | undefined;
        institutionApproved?: boolean | undefined;
      }
    | null
    | undefined;
  unavailable?: readonly DateRange[] | undefined;
  history?: readonly HistoryEntry[] | undefined;
}

/**
 * Art. 8 across levels: a cadre another plan of the same cycle has already taken, and where. The service
 * finds these in the other plans of the cycle; the core only reads them (RULES.md §1, ART8_ALREADY_IN_CYCLE).
 */
export interface CycleCommitment {
  cadreId: string;
  /** The plan that took the cadre. */
  planId: string;
  /** That plan's name as planners know it (its `name`, else its organizer), for the reason's message. */
  planName: string;
  level: OrganizerLevel;
  batchId: string;
}

export interface Plan {
  version: 1;
  organizer: Organizer;
  cycle: { id: string; start: IsoDate; end: IsoDate };
  planningWindow: DateRange;
  policy?: Policy | undefined;
  budget: Budget;
  venues: readonly Venue[];
  staff: readonly Staff[];
  cadres: readonly Cadre[];
  /** Set by the service for a replan, never by a client: cadres the cycle's other plans have taken. */
  committedElsewhere?: readonly CycleCommitment[] | undefined;
}

export interface BatchCost {
  fixed: number;
  cadres: number;
  staff: number;
  total: number;
}

export interface ScheduledBatch {
  id: string;
  venueId: string;
  start: IsoDate;
  end: IsoDate;
  cadreIds: readonly string[];
  staffIds: readonly string[];
  cost: BatchCost;
}

export type ScheduleStatus = "optimal" | "feasible" | "timedout" | "infeasible";

export type UnscheduledReason = "BUDGET" | "CAPACITY" | "STAFF" | "NO_COMPATIBLE_BATCH" | "PRIORITY";

export interface ReasonEntry {
  code: string;
  article: number;
  message: string;
  /** ART8_ALREADY_IN_CYCLE only: the other plan of the cycle that took the cadre. */
  source?: { planId: string; level: OrganizerLevel; batchId: string } | undefined;
}

export interface ScheduleSummary {
  eligibleByTier: number[];
  scheduledByTier: number[];
  eligible: number;
  scheduled: number;
  totalCost: number;
  budget: number;
  systemVenueShare: number;
}

export interface Schedule {
  planId: string;
  scheduleId: string;
  candidate: string;
  status: ScheduleStatus;
  batches: readonly ScheduledBatch[];
  summary: ScheduleSummary;
  unscheduled: readonly {
    cadreId: string;
    tier: number;
    reasons: readonly UnscheduledReason[];
    /** A sentence in Chinese: what kept them out, and what would change it. */
    explanation?: string | undefined;
  }[];
  ineligible: readonly { cadreId: string; reasons: readonly ReasonEntry[] }[];
  excludedVenues: readonly { venueId: string; reasons: readonly ReasonEntry[] }[];
  solver: { backend: string; seconds: number; provenOptimal: boolean; [key: string]: unknown };
  /** Filled in by the optimizer; see solver/kpis.ts. */
  kpis?: ScheduleKpis | undefined;
  [key: string]: unknown;
}

/** The schedule fields the validator reads; anything else a client sends is ignored by it. */
export interface ScheduleToValidate {
  batches: readonly ScheduledBatch[];
  unscheduled?: readonly { cadreId: string }[] | undefined;
}

/** What a planner compares candidates on; all counts are people or batches, money in yuan. */
export interface ScheduleKpis {
  /** Per tier 1–6: scheduled ÷ eligible; null where nobody of the tier is eligible, since nothing was covered. */
  coverageByTier: (number | null)[];
  scheduled: number;
  totalCost: number;
  budgetLeft: number;
  batches: number;
  /** Σ over batches of staff × days away. */
  staffDays: number;
  systemVenueShare: number;
  /** Distinct counties (区县) with at least one cadre scheduled. */
  countiesReached: number;
}

export type Backend = "highs" | "jslp";

export interface SolveProgress {
  stage: string;
  /** 0–1, how far through the stages of the lexicographic solve. */
  fraction: number;
}

export interface SolveOptions {
  planId: string;
  scheduleId: string;
  candidate?: string | undefined;
  backend?: Backend | undefined;
  /** Wall-clock seconds for the whole solve; on expiry the best schedule found is returned as `timedout`. */
  timeLimitSeconds?: number | undefined;
  onProgress?: ((progress: SolveProgress) => void) | undefined;
  /**
   * `later`: the BUDGET / CAPACITY / STAFF re-solves are left for `explainSchedule`, so the schedule comes
   * at once; it says so with `solver.unscheduledReasonsPending: true`. Default `now`.
   */
  reasons?: "now" | "later" | undefined;
  /**
   * The priority candidate's coverage at this budget, already proven by the plan's frontier, and the
   * frontier's schedule for it: the coverage stages hold it at once and only the later stages are solved.
   */
  known?: KnownCoverage | undefined;
}

/** A schedule as the model's nonzero column values (`Frontier.starts`): valid for the model of the same plan only. */
export interface ModelStart {
  /** The model's column count, so that a start for another model is recognised and not used. */
  columns: number;
  indices: number[];
  values: number[];
}

/** The proven coverage at a budget, from the plan's frontier, and a schedule reaching it within that budget. */
export interface KnownCoverage {
  scheduledByTier: number[];
  start: ModelStart;
  /**
   * The start is the priority schedule at an unlimited budget and costs no more than this one: it is then
   * the priority schedule here too (a superset's optimum that fits), so every stage ends at once.
   */
  optimal?: boolean | undefined;
}

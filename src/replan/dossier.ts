import type { ScheduledBatch } from "../../solver/index.js";
import type {
  DossierEvent,
  EmergencyPlanRecorded,
  HostRecorded,
  IncidentRecorded,
  ProgrammeRecorded,
  Satisfaction,
  ServiceGroupsRecorded,
} from "../contract/dossier.js";
import type { Problem } from "../contract/index.js";

// A batch's dossier (Art. 9–13) and what was recorded after it (Art. 16), folded from the events: the latest
// of each kind per batch counts, as for cadre_prepared. Pure; state.ts keeps the result in the plan's state.

export interface BatchDossier {
  host?: HostRecorded;
  emergencyPlan?: EmergencyPlanRecorded;
  programme?: ProgrammeRecorded;
  serviceGroups?: ServiceGroupsRecorded;
}

export interface Response {
  rating: Satisfaction;
  comment?: string | undefined;
}

export interface DossierState {
  dossiers: Map<string, BatchDossier>;
  /** Per batch, per cadre: the latest response. */
  responses: Map<string, Map<string, Response>>;
  incidents: IncidentRecorded[];
}

export function emptyDossierState(): DossierState {
  return { dossiers: new Map(), responses: new Map(), incidents: [] };
}

export function copyDossierState(state: DossierState): DossierState {
  return {
    dossiers: new Map(state.dossiers),
    responses: new Map([...state.responses].map(([batch, byCadre]) => [batch, new Map(byCadre)])),
    incidents: [...state.incidents],
  };
}

export function recordDossier(state: DossierState, event: DossierEvent): void {
  const dossier = (): BatchDossier => state.dossiers.get(event.batchId) ?? {};
  switch (event.type) {
    case "batch_host_recorded":
      state.dossiers.set(event.batchId, { ...dossier(), host: event });
      break;
    case "batch_emergency_plan_recorded":
      state.dossiers.set(event.batchId, { ...dossier(), emergencyPlan: event });
      break;
    case "batch_programme_recorded":
      state.dossiers.set(event.batchId, { ...dossier(), programme: event });
      break;
    case "batch_service_groups_recorded":
      state.dossiers.set(event.batchId, { ...dossier(), serviceGroups: event });
      break;
    case "satisfaction_recorded": {
      const byCadre = state.responses.get(event.batchId) ?? new Map<string, Response>();
      for (const r of event.responses)
        byCadre.set(
          r.cadreId,
          r.comment === undefined ? { rating: r.rating } : { rating: r.rating, comment: r.comment },
        );
      state.responses.set(event.batchId, byCadre);
      break;
    }
    case "incident_recorded":
      state.incidents.push(event);
      break;
  }
}

/** What a dossier event may refer to: the current version's batches and where each stands. */
export interface DossierContext {
  batches: readonly ScheduledBatch[];
  frozen: ReadonlySet<string>;
  completed: ReadonlyMap<string, { attendedCadreIds: string[] }>;
}

/**
 * One dossier event against the current version: its batch must be there, its dates inside the batch, its
 * cadres on it. Problems (400) go into `problems` at their paths under `p`; a step out of the batch's life
 * (a survey before completion, an incident before departure) is returned as a 409 message.
 */
export function checkDossierEvent(
  context: DossierContext,
  event: DossierEvent,
  p: string,
  problems: Problem[],
): string | undefined {
  const batch = context.batches.find((b) => b.id === event.batchId);
  if (batch === undefined) {
    problems.push({
      path: `${p}/batchId`,
      code: "UNKNOWN_ID",
      message: `当前版本中没有批次「${event.batchId}」`,
    });
    return undefined;
  }
  const outside = (date: string, path: string) => {
    if (date < batch.start || date > batch.end)
      problems.push({
        path,
        code: "OUTSIDE_BATCH",
        message: `日期 ${date} 不在批次 ${batch.id} 的日期 ${batch.start} 至 ${batch.end} 之内`,
      });
  };
  switch (event.type) {
    case "batch_programme_recorded": {
      const seen = new Set<string>();
      event.days.forEach((day, i) => {
        outside(day.date, `${p}/days/${i}/date`);
        if (seen.has(day.date))
          problems.push({
            path: `${p}/days/${i}/date`,
            code: "DUPLICATE_ID",
            message: `日期 ${day.date} 重复`,
          });
        seen.add(day.date);
      });
      return undefined;
    }
    case "satisfaction_recorded": {
      const completed = context.completed.get(batch.id);
      if (completed === undefined) return `批次 ${batch.id} 尚未完成，完成后才能登记满意度`;
      const attended = new Set(completed.attendedCadreIds);
      const seen = new Set<string>();
      event.responses.forEach((r, k) => {
        const path = `${p}/responses/${k}/cadreId`;
        if (!attended.has(r.cadreId))
          problems.push({
            path,
            code: "NOT_IN_BATCH",
            message: `军休干部「${r.cadreId}」未参加批次 ${batch.id}`,
          });
        else if (seen.has(r.cadreId))
          problems.push({ path, code: "DUPLICATE_ID", message: `军休干部「${r.cadreId}」在本次登记中重复` });
        seen.add(r.cadreId);
      });
      return undefined;
    }
    case "incident_recorded":
      if (!context.frozen.has(batch.id)) return `批次 ${batch.id} 尚未出发，出发后才能登记意外情况`;
      if (!batch.cadreIds.includes(event.cadreId))
        problems.push({
          path: `${p}/cadreId`,
          code: "NOT_IN_BATCH",
          message: `军休干部「${event.cadreId}」不在批次 ${batch.id} 中`,
        });
      outside(event.date, `${p}/date`);
      return undefined;
    default:
      return undefined;
  }
}

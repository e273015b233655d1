import type { paths } from "./schema";

// Names for the answers the page reads, all taken from the generated schema: none is written by hand.

type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { "application/json": infer T } } };
}
  ? T
  : never;

export type PlanList = Ok<"/v1/plans", "get">;
export type PlanListItem = PlanList["items"][number];
export type PlanAnswer = Ok<"/v1/plans/{id}", "get">;
export type StoredPlan = PlanAnswer["plan"];
export type Eligibility = Ok<"/v1/plans/{id}/eligibility", "get">;
export type EligibilityCadre = Eligibility["cadres"][number];
export type Job = Ok<"/v1/jobs/{jobId}", "get">;
export type JobResult = NonNullable<Job["result"]>;
export type Compare = Ok<"/v1/plans/{id}/compare", "get">;
export type ScheduleList = Ok<"/v1/plans/{id}/schedules", "get">;
export type Schedule = Ok<"/v1/schedules/{scheduleId}", "get">;
export type Batch = Schedule["batches"][number];
export type Bottlenecks = Ok<"/v1/schedules/{scheduleId}/bottlenecks", "get">;
export type Readiness = Ok<"/v1/plans/{id}/readiness", "get">;
export type EventTrail = Ok<"/v1/plans/{id}/events", "get">;
export type Session = Ok<"/v1/session", "get">;
export type RosterImport = Ok<"/v1/roster/import", "post">;
export type PlanEdit = NonNullable<
  paths["/v1/plans/{id}"]["patch"]["requestBody"]
>["content"]["application/json"];
export type NewPlan = NonNullable<paths["/v1/plans"]["post"]["requestBody"]>["content"]["application/json"];
export type EventInput = NonNullable<
  paths["/v1/plans/{id}/events"]["post"]["requestBody"]
>["content"]["application/json"];
export type WhatIfRequest = NonNullable<
  paths["/v1/plans/{id}/what-if"]["post"]["requestBody"]
>["content"]["application/json"];

export type SolveResult = Extract<JobResult, { candidates: unknown }>;
export type SweepResult = Extract<JobResult, { leastBudgetForTiers: unknown }>;
export type ScenarioResult = Exclude<Extract<JobResult, { runs: unknown }>, SweepResult>;
export type ReplanResult = Extract<JobResult, { diff: unknown }>;
export type CycleRollUp = Ok<"/v1/cycles/{cycleId}", "get">;
export type CyclePlacement = CycleRollUp["placements"][number];
export type Evaluation = Ok<"/v1/plans/{id}/evaluation", "get">;
export type BatchDossier = Ok<"/v1/plans/{id}/batches/{batchId}/dossier", "get">;

import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { planParams } from "../contract/api.js";
import { readinessItemSchema } from "../contract/dossier.js";
import { type Evaluation, evaluationSchema } from "../contract/evaluation.js";
import { isoDate } from "../contract/plan.js";
import { omitPersonal } from "../contract/privacy.js";
import { evaluationXlsx, XLSX_TYPE } from "../excel/index.js";
import { batchReadiness } from "../replan/readiness.js";
import type { Replanner } from "../services/replanning.js";
import { bearer, errorResponses, personalDataFor, type RouteDeps } from "./deps.js";
import { notFound, planNotFound } from "./errors.js";
import { download } from "./excel.js";

// A batch's dossier (Art. 9–13) and the year's evaluation (Art. 16), read from the recorded events.

export interface DossierRouteDeps extends RouteDeps {
  replanner: Replanner;
}

const WITHHELD = "（仅对计划员显示）";

const dayQuery = z.object({
  today: isoDate.optional().describe("The day to read it on; default today in Asia/Shanghai"),
});

const batchParams = planParams.extend({
  batchId: z.string().max(100).describe("Batch id of the current version, e.g. B01"),
});

const recorded = z.looseObject({ type: z.string() }).nullable();

const dossierSchema = z
  .object({
    planId: z.string(),
    scheduleId: z.string().describe("The current version"),
    personalData: z.enum(["included", "withheld"]).describe("withheld: no person in charge, no phone"),
    batch: z.object({
      batchId: z.string(),
      venueId: z.string(),
      start: z.string(),
      end: z.string(),
      cadres: z.int(),
      staffIds: z.array(z.string()),
      status: z.enum(["planned", "published", "departed", "completed"]),
      override: z.string().nullable().describe("The reason given when it departed with items open"),
    }),
    host: recorded.describe("The latest batch_host_recorded (Art. 9); null: none"),
    emergencyPlan: recorded.describe("The latest batch_emergency_plan_recorded (Art. 11)"),
    programme: recorded.describe("The latest batch_programme_recorded (Art. 12)"),
    serviceGroups: recorded.describe("The latest batch_service_groups_recorded (Art. 13)"),
    ready: z.boolean(),
    items: z.array(readinessItemSchema).describe("Every open item, whatever the date"),
  })
  .describe("One batch's dossier with its readiness");

/** The evaluation as a viewer may see it: how an incident was handled may tell a cadre's health. */
function forViewer(evaluation: Evaluation): Evaluation {
  return {
    ...evaluation,
    incidents: {
      ...evaluation.incidents,
      list: evaluation.incidents.list.map((i) => ({ ...i, handling: WITHHELD })),
    },
  };
}

export const dossierRoutes: FastifyPluginAsyncZod<DossierRouteDeps> = async (app, { replanner }) => {
  app.get(
    "/plans/:id/batches/:batchId/dossier",
    {
      config: { access: "viewer" },
      schema: {
        summary: "One batch's dossier (Art. 9–13) and its readiness",
        description:
          "Host unit and agreement, safety and emergency plan, programme, service groups, as last recorded, " +
          "with every readiness item the batch has open. Viewers get the service groups without the persons " +
          "in charge and their phones. 404 until the plan has a version, or for a batch not in it.",
        operationId: "getBatchDossier",
        tags: ["evaluation"],
        security: bearer,
        params: batchParams,
        response: { 200: dossierSchema, ...errorResponses(400, 404, 414) },
      },
    },
    async (request) => {
      const { id, batchId } = request.params;
      const d = (await replanner.derived(id)) ?? planNotFound();
      if (d.current === null) return notFound("该计划尚无排程版本，请先重新排程");
      const batch =
        d.current.schedule.batches.find((b) => b.id === batchId) ??
        notFound(`当前版本中没有批次「${batchId}」`);
      const { whole, personalData } = personalDataFor(request.role);
      const dossier = d.state.dossiers.get(batchId) ?? {};
      const groups = dossier.serviceGroups;
      const readiness = batchReadiness(d.applied, batch, d.state);
      return {
        planId: id,
        scheduleId: d.current.scheduleId,
        personalData,
        batch: {
          batchId,
          venueId: batch.venueId,
          start: batch.start,
          end: batch.end,
          cadres: batch.cadreIds.length,
          staffIds: [...batch.staffIds],
          status: d.state.completed.has(batchId)
            ? ("completed" as const)
            : d.state.frozen.has(batchId)
              ? ("departed" as const)
              : d.state.published.has(batchId)
                ? ("published" as const)
                : ("planned" as const),
          override: d.state.overrides.get(batchId) ?? null,
        },
        host: dossier.host ?? null,
        emergencyPlan: dossier.emergencyPlan ?? null,
        programme: dossier.programme ?? null,
        serviceGroups:
          groups === undefined
            ? null
            : whole
              ? groups
              : { ...groups, organiser: omitPersonal(groups.organiser), host: omitPersonal(groups.host) },
        ready: readiness.ready,
        items: readiness.items,
      };
    },
  );

  const evaluationFor = async (id: string, today: string | undefined, role: string | undefined) => {
    const evaluation = (await replanner.evaluation(id, today ?? replanner.day())) ?? planNotFound();
    return personalDataFor(role).whole ? evaluation : forViewer(evaluation);
  };

  app.get(
    "/plans/:id/evaluation",
    {
      config: { access: "viewer" },
      schema: {
        summary: "The year's performance evaluation against its targets (Art. 16)",
        description:
          "Completion rate (attended ÷ scheduled, over completed batches), batch completion (completed ÷ " +
          "batches whose end has passed), satisfaction ((满意 + 基本满意) ÷ responses) with its distribution " +
          "and response rate (responses ÷ attended), budget execution (spent ÷ approved), coverage by tier " +
          "and county (attended ÷ eligible), incidents, and each indicator met or not met against the plan's " +
          "performanceTargets; a ratio is null where its denominator is 0. Viewers get incidents without how " +
          "they were handled.",
        operationId: "getEvaluation",
        tags: ["evaluation"],
        security: bearer,
        params: planParams,
        querystring: dayQuery,
        response: { 200: evaluationSchema, ...errorResponses(400, 404, 414) },
      },
    },
    async (request) => evaluationFor(request.params.id, request.query.today, request.role),
  );

  app.get(
    "/plans/:id/evaluation.xlsx",
    {
      config: { access: "viewer" },
      schema: {
        summary: "The performance evaluation report (绩效评价报告) as a workbook",
        description: "Sheets 绩效指标, 批次, 覆盖情况, 满意度, 意外情况: the figures of GET …/evaluation.",
        operationId: "exportEvaluationXlsx",
        tags: ["evaluation"],
        security: bearer,
        params: planParams,
        querystring: dayQuery,
        response: {
          200: {
            description: "An .xlsx workbook",
            content: { [XLSX_TYPE]: { schema: z.string().meta({ format: "binary" }) } },
          },
          ...errorResponses(400, 404, 414),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const evaluation = await evaluationFor(id, request.query.today, request.role);
      const d = await replanner.derived(id);
      const body = await evaluationXlsx(evaluation, d?.plan.name ?? id);
      return download(reply, XLSX_TYPE, `evaluation-${id}.xlsx`, body);
    },
  );
};

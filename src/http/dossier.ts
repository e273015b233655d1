import type { FastifyPluginAsyncZod, ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { errorSchema, planParams } from "../contract/api.js";
import { readinessItemSchema } from "../contract/dossier.js";
import { type Evaluation, evaluationSchema } from "../contract/evaluation.js";
import { isoDate } from "../contract/plan.js";
import { omitPersonal } from "../contract/privacy.js";
import {
  evaluationXlsx,
  importSurvey,
  type SurveyField,
  type SurveyRow,
  surveyProblem,
  surveyTemplate,
  XLSX_TYPE,
} from "../excel/index.js";
import { batchReadiness } from "../replan/readiness.js";
import type { Replanner } from "../services/replanning.js";
import { bearer, errorResponses, personalDataFor, type RouteDeps } from "./deps.js";
import { HttpError, notFound, planNotFound } from "./errors.js";
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

const SURVEY_TYPES = [XLSX_TYPE, "application/octet-stream"];

const surveyProblemSchema = z.object({
  path: z.string(),
  code: z.string(),
  message: z.string().describe("In Chinese"),
  sheet: z.string().nullable(),
  row: z.int().nullable().describe("1-based row; 1 is the header"),
  column: z.string().nullable().describe('Column letter and header, e.g. "C 满意度"'),
});

const SURVEY_FIELDS: Record<SurveyField, true> = {
  batchId: true,
  cadreId: true,
  rating: true,
  comment: true,
};

/** One satisfaction_recorded event per batch, in the order the batches first appear, with each response's row. */
function surveyEvents(rows: readonly SurveyRow[]) {
  const byBatch = new Map<string, SurveyRow[]>();
  for (const row of rows) byBatch.set(row.batchId, [...(byBatch.get(row.batchId) ?? []), row]);
  const groups = [...byBatch.values()];
  const events = groups.map((group) => ({
    type: "satisfaction_recorded" as const,
    batchId: (group[0] as SurveyRow).batchId,
    responses: group.map(({ cadreId, rating, comment }) => ({
      cadreId,
      rating,
      ...(comment === undefined ? {} : { comment }),
    })),
  }));
  /** A problem the events have, at the row and column it came from (/k/responses/j/rating: row of j in k). */
  const locate = (problem: { path: string; code: string; message: string }) => {
    const [, k, part, j, field] = problem.path.split("/");
    const group = groups[Number(k)] ?? [];
    const row = part === "responses" ? group[Number(j)] : group[0];
    const column: SurveyField =
      part === "responses" && field && field in SURVEY_FIELDS ? (field as SurveyField) : "batchId";
    return row === undefined
      ? { sheet: null, row: null, column: null, ...problem }
      : { ...surveyProblem(row.row, column, problem.code, problem.message), path: problem.path };
  };
  return { events, locate };
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

  app.get(
    "/plans/:id/survey.xlsx",
    {
      config: { access: "planner" },
      schema: {
        summary: "The satisfaction survey sheet (满意度调查) to fill in",
        description:
          "One row per cadre who attended a completed batch of the current version (批次编号, 军休干部编号), " +
          "满意度 (满意 / 基本满意 / 不满意) and 意见建议 left to fill. Import it with POST …/survey.",
        operationId: "getSurveyTemplate",
        tags: ["evaluation"],
        security: bearer,
        params: planParams,
        response: {
          200: {
            description: "An .xlsx workbook",
            content: { [XLSX_TYPE]: { schema: z.string().meta({ format: "binary" }) } },
          },
          ...errorResponses(403, 404, 414),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const d = (await replanner.derived(id)) ?? planNotFound();
      const rows = (d.current?.schedule.batches ?? []).flatMap((b) =>
        (d.state.completed.get(b.id)?.attendedCadreIds ?? []).map((cadreId) => ({ batchId: b.id, cadreId })),
      );
      return download(reply, XLSX_TYPE, `survey-${id}.xlsx`, await surveyTemplate(rows));
    },
  );

  // A scope of its own: this route takes the workbook as it is, and nothing else.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(SURVEY_TYPES, { parseAs: "buffer" }, (_request, body, done) =>
      done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      "/plans/:id/survey",
      {
        config: { access: "planner" },
        onRequest: async (request) => {
          const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
          if (!SURVEY_TYPES.includes(type))
            throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", `请求体应为 .xlsx 文件（${XLSX_TYPE}）`);
        },
        schema: {
          summary: "Import the filled satisfaction survey sheet as satisfaction_recorded events",
          description:
            "The body is the workbook itself. Every row with a 满意度 becomes a response, one event per batch, " +
            "recorded all or none like any events. 400 lists every bad cell, and every response the events " +
            "refuse (a cadre who did not attend: NOT_IN_BATCH), by sheet, row and column; 409: a batch not yet " +
            "completed.",
          operationId: "importSurvey",
          tags: ["evaluation"],
          security: bearer,
          consumes: SURVEY_TYPES,
          params: planParams,
          body: z
            .custom<Buffer>((value) => Buffer.isBuffer(value), { error: "请求体应为 .xlsx 文件" })
            .meta({ type: "string", format: "binary" }),
          response: {
            201: z.object({ stored: z.int(), sequence: z.tuple([z.int(), z.int()]) }),
            400: errorSchema.extend({ problems: z.array(surveyProblemSchema) }),
            ...errorResponses(403, 404, 409, 413, 414, 415),
          },
        },
      },
      async (request, reply) => {
        const imported = await importSurvey(request.body);
        const rejected = (problems: z.output<typeof surveyProblemSchema>[]) =>
          reply
            .code(400)
            .send({ code: "INVALID_SURVEY", message: "满意度调查表有误，未登记任何数据", problems });
        if (!imported.ok) return rejected(imported.problems);
        const { events, locate } = surveyEvents(imported.rows);
        const outcome = await replanner.record(request.params.id, events, (i) => `/${i}`, request.principal);
        switch (outcome.kind) {
          case "no-plan":
            return planNotFound();
          case "invalid":
            return rejected(outcome.problems.map(locate));
          case "conflict":
            throw new HttpError(409, "CONFLICT", outcome.message);
          case "stored":
            return reply
              .code(201)
              .send({ stored: outcome.last - outcome.first + 1, sequence: [outcome.first, outcome.last] });
        }
      },
    );
  });
};

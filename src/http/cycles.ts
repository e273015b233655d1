import type { FastifyPluginAsyncZod, ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { planParams } from "../contract/api.js";
import {
  cycleParams,
  cycleQuery,
  cycleRollUpSchema,
  nomineesSchema,
  recommendationListSchema,
  recommendationParams,
  recommendationsAcceptedSchema,
  recommendationsBodySchema,
} from "../contract/cycle.js";
import { type PlanEvent, type RecommendedBy, recommendedBySchema } from "../contract/events.js";
import type { PlanInput, Problem } from "../contract/index.js";
import { eventsAcceptedSchema } from "../contract/replan.js";
import { exportNomineesXlsx, XLSX_TYPE } from "../excel/index.js";
import { cycleNominees, recordsDiffering, rollUpCycle } from "../replan/cycle.js";
import { standingRecommendations, toldCadreIds } from "../replan/recommendations.js";
import { deriveState } from "../replan/state.js";
import type { RecordOutcome, Replanner } from "../services/replanning.js";
import { acrossTenants, canRead, organisationOf } from "../support/tenancy.js";
import { bearer, errorResponses, personalDataFor } from "./deps.js";
import { HttpError, InvalidRequestError, notFound, planNotFound } from "./errors.js";
import {
  acceptUploads,
  download,
  fileBody,
  importUpload,
  rosterRejected,
  rosterRejectedSchema,
  takeUploads,
} from "./excel.js";
import type { ReplanRouteDeps } from "./replan.js";
import { holdToOwnCounty } from "./tenancy.js";

type Cadre = PlanInput["cadres"][number];

// One cycle, city and counties together (Art. 3–5, 8): the roll-up, the nominees, and recommendations
// upward. Everything is computed from the plans, their events and current versions (src/replan/cycle.ts).

/** A recommendation event's problem path, as the request body has it: /cadres/3/birthDate, /county. */
function pointIntoBody(problem: Problem): Problem {
  const path = problem.path
    .replace(/^\/cadres\/(\d+)\/cadre(?=\/|$)/, "/cadres/$1")
    .replace(/^\/cadres\/\d+\/recommendedBy\//, "/");
  return { ...problem, path };
}

function answerRecord(outcome: RecordOutcome) {
  switch (outcome.kind) {
    case "no-plan":
      return planNotFound();
    case "invalid":
      throw new InvalidRequestError(outcome.problems.map(pointIntoBody));
    case "conflict":
      throw new HttpError(
        409,
        "CONFLICT",
        outcome.message,
        outcome.jobId === undefined ? {} : { jobId: outcome.jobId },
      );
    case "stored":
      return outcome;
  }
}

/** Ids the cycle's other plans hold with another name or birth date than the recommendation gives. */
async function identityWarnings(replanner: Replanner, planId: string, cadres: readonly Cadre[]) {
  const snap = await replanner.snapshot(planId);
  if (snap === undefined) return [];
  return recordsDiffering(
    { planId, plan: snap.plan },
    cadres,
    await replanner.cyclePlans(snap.plan.cycle.id),
  );
}

async function snapshotOrNotFound(replanner: Replanner, planId: string) {
  return (await replanner.snapshot(planId)) ?? planNotFound();
}

export const cycleRoutes: FastifyPluginAsyncZod<ReplanRouteDeps> = async (app, { replanner, offload }) => {
  /**
   * Each cadre recorded as a cadre_recommended event, all or none, with the cycle's identity warnings. A
   * county's caller writes into its city's plan, which it may not read: once it is held to its own county,
   * the work runs across tenants.
   */
  const recommend = (
    planId: string,
    by: RecommendedBy,
    cadres: readonly Cadre[],
    principal: string,
    tenant: string | undefined,
  ) => acrossTenants(() => recordRecommendations(planId, by, cadres, principal, tenant));

  const recordRecommendations = async (
    planId: string,
    by: RecommendedBy,
    cadres: readonly Cadre[],
    principal: string,
    tenant: string | undefined,
  ) => {
    const { plan } = await snapshotOrNotFound(replanner, planId);
    holdToOwnCounty(tenant, organisationOf(plan.organizer), by.county);
    const events: PlanEvent[] = cadres.map((cadre) => ({
      type: "cadre_recommended",
      cadre,
      recommendedBy: by,
    }));
    const stored = answerRecord(await replanner.record(planId, events, (i) => `/cadres/${i}`, principal));
    const warnings = await identityWarnings(replanner, planId, cadres);
    return {
      stored: stored.last - stored.first + 1,
      sequence: [stored.first, stored.last] as [number, number],
      warnings,
    };
  };

  /**
   * The cycle's plans in the city: those the caller's organisation may read (src/support/tenancy.ts), and all
   * of them, for what the caller may learn of the rest. None readable answers 404, as a missing cycle.
   */
  const cycleOrNotFound = async (
    tenant: string | undefined,
    cycleId: string,
    province: string,
    city: string,
  ) => {
    const all = (await replanner.cyclePlans(cycleId)).filter(
      (p) => p.plan.organizer.province === province && p.plan.organizer.city === city,
    );
    const readable = all.filter((p) => canRead(tenant, organisationOf(p.plan.organizer)));
    if (readable.length === 0) notFound(`${province}${city}没有疗养周期「${cycleId}」的计划`);
    return { readable, all };
  };

  app.get(
    "/cycles/:cycleId",
    {
      config: { access: "viewer" },
      schema: {
        summary: "One cycle, city and counties together: plans and roll-up",
        description:
          "The city plan and the county plans with this cycle.id in the city (default 济宁市): each plan's " +
          "figures, eligible / scheduled / served by tier, by level and by county, budget approved, planned and " +
          "spent, batches, who is placed at which level, and warnings (an id whose name or birth date differs " +
          "between plans; a cadre in two plans' batches). Names for planners only.",
        operationId: "getCycle",
        tags: ["cycles"],
        security: bearer,
        params: cycleParams,
        querystring: cycleQuery,
        response: { 200: cycleRollUpSchema, ...errorResponses(400, 404, 414) },
      },
    },
    async (request) => {
      const { cycleId } = request.params;
      const { province, city } = request.query;
      const { whole, personalData } = personalDataFor(request.role);
      const { readable, all } = await cycleOrNotFound(request.organisation, cycleId, province, city);
      const rollUp = rollUpCycle(cycleId, province, city, readable, whole);
      if (readable.length < all.length) {
        // A county sees which of its own cadres a plan it may not read has taken: what the ART8 reasons of its
        // next replan tell it anyway, and all its 疗养周期 page shows of the city.
        const own = new Set(readable.flatMap((p) => p.plan.cadres.map((c) => c.id)));
        const hidden = new Set(all.filter((p) => !readable.includes(p)).map((p) => p.planId));
        const elsewhere = rollUpCycle(cycleId, province, city, all, whole).placements.filter(
          (p) => hidden.has(p.planId) && own.has(p.cadreId),
        );
        rollUp.placements.push(...elsewhere);
      }
      return { ...rollUp, personalData };
    },
  );

  app.get(
    "/cycles/:cycleId/nominees",
    {
      config: { access: "viewer" },
      schema: {
        summary: "Ministry and province nominees of the cycle (Art. 8 ¶2, 优先推荐)",
        description:
          "Cadres eligible in a plan of the cycle (so having applied, Art. 7) with `nominee` set, once each by " +
          "id. Names for planners only; the workbook for the report upward is …/nominees.xlsx.",
        operationId: "listCycleNominees",
        tags: ["cycles"],
        security: bearer,
        params: cycleParams,
        querystring: cycleQuery,
        response: { 200: nomineesSchema, ...errorResponses(400, 404, 414) },
      },
    },
    async (request) => {
      const { cycleId } = request.params;
      const { province, city } = request.query;
      const { whole, personalData } = personalDataFor(request.role);
      const { readable } = await cycleOrNotFound(request.organisation, cycleId, province, city);
      return { cycleId, personalData, nominees: cycleNominees(cycleId, province, city, readable, whole) };
    },
  );

  app.get(
    "/cycles/:cycleId/nominees.xlsx",
    {
      config: { access: "planner" },
      schema: {
        summary: "The cycle's nominees as a workbook for the report upward",
        description:
          "One row a cadre: 登记号, 姓名, 区县, 军休机构, the honors in the roster's words, 推荐层级.",
        operationId: "exportCycleNominees",
        tags: ["cycles"],
        security: bearer,
        params: cycleParams,
        querystring: cycleQuery,
        response: {
          200: {
            description: "The workbook",
            content: {
              [XLSX_TYPE]: { schema: z.string().meta({ format: "binary" }).describe("An .xlsx workbook") },
            },
          },
          ...errorResponses(400, 403, 404, 414),
        },
      },
    },
    async (request, reply) => {
      const { cycleId } = request.params;
      const { province, city } = request.query;
      const { readable } = await cycleOrNotFound(request.organisation, cycleId, province, city);
      const body = await exportNomineesXlsx(cycleId, cycleNominees(cycleId, province, city, readable, true));
      return download(reply, XLSX_TYPE, `nominees-${cycleId}.xlsx`, body);
    },
  );

  app.post(
    "/plans/:id/recommendations",
    {
      config: { access: "planner", upward: true },
      schema: {
        summary: "A county recommends cadres to the city plan (推荐申报, Art. 5)",
        description:
          "Each cadre is recorded as a cadre_recommended event with the recommending county and date, and joins " +
          "the city plan's roster for its next replan. 409 names both sources when a cadre was recommended " +
          "already (or is on the city's own roster); 409 for a county plan; 400 UNKNOWN_COUNTY for a county " +
          "the city does not have. warnings: ids the cycle's county plans hold with another name or birth date.",
        operationId: "recommendCadres",
        tags: ["cycles"],
        security: bearer,
        params: planParams,
        body: recommendationsBodySchema,
        response: {
          201: recommendationsAcceptedSchema,
          ...errorResponses(400, 403, 404, 409, 413, 414, 415),
        },
      },
    },
    async (request, reply) => {
      const { county, date, cadres } = request.body;
      return reply
        .code(201)
        .send(
          await recommend(
            request.params.id,
            { county, date },
            cadres,
            request.principal,
            request.organisation,
          ),
        );
    },
  );

  // The same recommendation as a filled roster template: its 军休干部 sheet is read as POST /v1/roster/import
  // reads it, and each row is recommended as above. Encapsulated: this route takes files and nothing else.
  await app.register(async (files) => {
    takeUploads(files);
    files.withTypeProvider<ZodTypeProvider>().post(
      "/plans/:id/recommendations/workbook",
      {
        config: { access: "planner", upward: true },
        onRequest: acceptUploads,
        schema: {
          summary: "A county recommends cadres to the city plan with a filled roster template",
          description:
            "The body is the roster template (.xlsx) with the recommended cadres on its 军休干部 sheet; county " +
            "and date come in the query. Every bad cell is a 400 INVALID_ROSTER with its sheet, row and column; " +
            "otherwise as the JSON route (409 naming both sources for a second recommendation).",
          operationId: "recommendCadresWorkbook",
          tags: ["cycles"],
          security: bearer,
          consumes: [XLSX_TYPE, "application/octet-stream"],
          params: planParams,
          querystring: recommendedBySchema,
          body: fileBody,
          response: {
            201: recommendationsAcceptedSchema,
            400: rosterRejectedSchema,
            ...errorResponses(403, 404, 409, 413, 414, 415),
          },
        },
      },
      async (request, reply) => {
        const result = await importUpload(offload, request, request.body, {
          format: "xlsx",
          sheet: "cadres",
        });
        if (!result.ok) return rosterRejected(reply, result.problems);
        if (result.cadres.length === 0)
          throw new HttpError(400, "INVALID_ROSTER", "名册的军休干部表中没有任何人员，未推荐任何人");
        return reply
          .code(201)
          .send(
            await recommend(
              request.params.id,
              request.query,
              result.cadres,
              request.principal,
              request.organisation,
            ),
          );
      },
    );
  });

  app.get(
    "/plans/:id/recommendations",
    {
      config: { access: "viewer" },
      schema: {
        summary: "The city plan's standing recommendations",
        description: "Who recommended whom and when; told: the cadre's batch was published, so it stands.",
        operationId: "listRecommendations",
        tags: ["cycles"],
        security: bearer,
        params: planParams,
        response: { 200: recommendationListSchema, ...errorResponses(400, 404, 414) },
      },
    },
    async (request) => {
      const planId = request.params.id;
      const { events, current } = await snapshotOrNotFound(replanner, planId);
      const told = toldCadreIds(current?.schedule.batches ?? [], deriveState(current, events));
      return {
        planId,
        recommendations: [...standingRecommendations(events).values()].map((r) => ({
          cadreId: r.cadreId,
          county: r.recommendedBy.county,
          date: r.recommendedBy.date,
          told: told.has(r.cadreId),
        })),
      };
    },
  );

  app.delete(
    "/plans/:id/recommendations/:cadreId",
    {
      config: { access: "planner", upward: true },
      schema: {
        summary: "Withdraw a recommendation before the cadre is told",
        description:
          "Recorded as a recommendation_withdrawn event: the cadre leaves the city plan's roster at its next " +
          "replan. 404 without a standing recommendation; 409 once a batch holding the cadre was published.",
        operationId: "withdrawRecommendation",
        tags: ["cycles"],
        security: bearer,
        params: recommendationParams,
        response: { 200: eventsAcceptedSchema, ...errorResponses(400, 403, 404, 409, 413, 414, 415) },
      },
    },
    (request) =>
      acrossTenants(() => withdraw(replanner, request.params, request.principal, request.organisation)),
  );
};

/** Withdraws a standing recommendation (see recommend on tenants: the caller was held to its county). */
async function withdraw(
  replanner: Replanner,
  { id: planId, cadreId }: { id: string; cadreId: string },
  principal: string,
  tenant: string | undefined,
) {
  const { plan, events } = await snapshotOrNotFound(replanner, planId);
  const standing = standingRecommendations(events).get(cadreId);
  if (standing === undefined) notFound(`计划中没有对「${cadreId}」的推荐`);
  holdToOwnCounty(tenant, organisationOf(plan.organizer), standing.recommendedBy.county);
  const stored = answerRecord(
    await replanner.record(planId, [{ type: "recommendation_withdrawn", cadreId }], () => "", principal),
  );
  return { stored: 1, sequence: [stored.first, stored.last] as [number, number] };
}

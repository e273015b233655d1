import type { FastifyPluginAsyncZod, ZodTypeProvider } from "fastify-type-provider-zod";
import {
  compareSchema,
  jobAcceptedSchema,
  planCreatedSchema,
  planParams,
  planResponseSchema,
  scheduleListSchema,
} from "../contract/api.js";
import { planSchema } from "../contract/index.js";
import { withoutPersonalData } from "../contract/privacy.js";
import { type SolveResult, solveJob } from "../services/planning.js";
import { planFromStored } from "../storage/stored.js";
import { newId } from "../support/ids.js";
import { bearer, errorResponses, personalDataFor, type RouteDeps, requirePlan } from "./deps.js";
import { InvalidRequestError, notFound, planNotFound } from "./errors.js";
import { answerSubmit } from "./jobs.js";
import { keepJsonBodiesAsText } from "./json-body.js";
import { passBodyThrough } from "./offload.js";

export const planRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { storage, jobs, offload, frontiers },
) => {
  // A scope of its own: the plan's JSON stays text on the HTTP thread; an offload worker parses and checks it.
  await app.register(async (scope) => {
    keepJsonBodiesAsText(scope);
    scope.withTypeProvider<ZodTypeProvider>().post(
      "/plans",
      {
        config: { access: "planner" },
        schema: {
          summary: "Store a plan",
          description:
            "The plan is checked against the contract whole; a 400 lists every problem with its path.",
          operationId: "createPlan",
          tags: ["plans"],
          security: bearer,
          body: planSchema,
          response: { 201: planCreatedSchema, ...errorResponses(400, 403, 413, 415) },
        },
        validatorCompiler: passBodyThrough,
      },
      async (request, reply) => {
        const outcome = await offload.plan(request.body as unknown as string);
        if (!outcome.ok) throw new InvalidRequestError(outcome.problems);
        const id = newId("pln");
        await storage.insertPlan({ id, createdAt: new Date().toISOString(), json: outcome.json });
        void frontiers.changed(id);
        return reply.code(201).send({ id });
      },
    );
  });

  app.get(
    "/plans/:id",
    {
      config: { access: "viewer" },
      schema: {
        summary: "A plan and its state",
        description: "Planners get the plan whole; viewers get it without names, birth dates and health.",
        operationId: "getPlan",
        tags: ["plans"],
        security: bearer,
        params: planParams,
        response: { 200: planResponseSchema, ...errorResponses(404, 414) },
      },
    },
    async (request) => {
      const record = (await storage.getPlan(request.params.id)) ?? planNotFound();
      const plan = planFromStored(record.json);
      const { whole, personalData } = personalDataFor(request.role);
      return {
        id: record.id,
        createdAt: record.createdAt,
        personalData,
        latestJob: record.latestJob,
        scheduleCount: record.scheduleCount,
        plan: whole ? plan : withoutPersonalData(plan),
      } as const;
    },
  );

  app.post(
    "/plans/:id/solve",
    {
      config: { access: "planner" },
      schema: {
        summary: "Compute the plan's candidate schedules",
        description:
          "Queues a job that computes every candidate: priority (RULES.md §6), economy, system-only and " +
          "fewest-batches, each with its KPIs, spread over the solve workers, each with its own time limit. " +
          "The job's result lists them (scheduleIds, priority first). 409 while the plan already has a solve queued " +
          "or running (its jobId is in the answer); 429 with Retry-After when the queue is full.",
        operationId: "solvePlan",
        tags: ["plans"],
        security: bearer,
        params: planParams,
        response: { 202: jobAcceptedSchema, ...errorResponses(400, 403, 404, 409, 413, 414, 415, 503) },
      },
    },
    async (request, reply) => {
      return answerSubmit(reply, await jobs.submit(request.params.id, solveJob()), "求解");
    },
  );

  app.get(
    "/plans/:id/schedules",
    {
      config: { access: "viewer" },
      schema: {
        summary: "The plan's schedules with their summaries",
        description:
          "Candidates, what-if runs and replanned versions; currentVersion names the latest version.",
        operationId: "listPlanSchedules",
        tags: ["schedules"],
        security: bearer,
        params: planParams,
        response: { 200: scheduleListSchema, ...errorResponses(404, 414) },
      },
    },
    async (request) => {
      const planId = request.params.id;
      await requirePlan(storage, planId);
      const schedules = await storage.listSchedules(planId);
      const current = schedules.reduce<(typeof schedules)[number] | undefined>(
        (latest, s) => (s.version !== null && s.version > (latest?.version ?? 0) ? s : latest),
        undefined,
      );
      return {
        planId,
        currentVersion: current ? { scheduleId: current.id, version: current.version ?? 0 } : null,
        schedules: schedules.map((s) => ({
          scheduleId: s.id,
          candidate: s.candidate,
          ...(s.run === null ? {} : { run: s.run }),
          ...(s.version === null ? {} : { version: s.version }),
          ...(s.parentId === null ? {} : { parentScheduleId: s.parentId }),
          jobId: s.jobId,
          status: s.status,
          createdAt: s.createdAt,
          summary: s.summary,
        })),
      };
    },
  );

  app.get(
    "/plans/:id/compare",
    {
      config: { access: "viewer" },
      schema: {
        summary: "The candidate schedules of the plan's latest solve, side by side",
        description:
          "KPIs per candidate (coverage by tier, scheduled, cost, budget left, batches, staff-days, " +
          "system-venue share, counties reached). 404 until a solve of the plan has succeeded.",
        operationId: "compareCandidates",
        tags: ["what-if"],
        security: bearer,
        params: planParams,
        response: { 200: compareSchema, ...errorResponses(404, 414) },
      },
    },
    async (request) => {
      const planId = request.params.id;
      const job = await storage.latestSucceededJob(planId, "solve");
      if (job?.result == null) {
        await requirePlan(storage, planId);
        return notFound("该计划尚无成功的求解，请先求解");
      }
      // Jobs stored before candidates existed have none to compare.
      const { candidates } = job.result as Partial<SolveResult>;
      if (!candidates?.length) return notFound("该计划的求解结果没有候选方案，请重新求解");
      return {
        planId,
        jobId: job.id,
        solvedAt: job.finishedAt ?? job.createdAt,
        priority:
          candidates.find((c) => c.candidate === "priority")?.scheduleId ?? job.result.scheduleIds[0] ?? "",
        candidates,
      };
    },
  );
};

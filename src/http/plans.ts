import type { FastifyPluginAsyncZod, ZodTypeProvider } from "fastify-type-provider-zod";
import { type PlanInput, planSchema } from "../contract/index.js";
import { newId } from "../ids.js";
import { solveJob } from "../jobs/workflows.js";
import { withoutPersonalData } from "../privacy.js";
import { bearer, errorResponses, type RouteDeps } from "./deps.js";
import { InvalidRequestError, notFound } from "./errors.js";
import { answerSubmit } from "./jobs.js";
import { keepJsonBodiesAsText, passBodyThrough } from "./offload.js";
import {
  jobAcceptedSchema,
  planCreatedSchema,
  planParams,
  planResponseSchema,
  scheduleListSchema,
} from "./schemas.js";

export const planRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { storage, jobs, offload }) => {
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
      const record = (await storage.getPlan(request.params.id)) ?? notFound("计划不存在");
      const plan = JSON.parse(record.json) as PlanInput;
      const whole = request.role === "planner";
      return {
        id: record.id,
        createdAt: record.createdAt,
        personalData: whole ? "included" : "withheld",
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
      if (!(await storage.hasPlan(planId))) notFound("计划不存在");
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
};

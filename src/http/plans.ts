import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type PlanInput, planSchema } from "../contract/index.js";
import { newId } from "../ids.js";
import { withoutPersonalData } from "../privacy.js";
import { bearer, errorResponses, type RouteDeps } from "./deps.js";
import { HttpError, notFound } from "./errors.js";
import {
  jobAcceptedSchema,
  planCreatedSchema,
  planParams,
  planResponseSchema,
  scheduleListSchema,
} from "./schemas.js";

export const planRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { storage, jobs }) => {
  app.post(
    "/plans",
    {
      config: { access: "planner" },
      schema: {
        summary: "Store a plan",
        description:
          "The plan is checked against the contract whole; a 400 lists every problem with its path.",
        tags: ["plans"],
        security: bearer,
        body: planSchema,
        response: { 201: planCreatedSchema, ...errorResponses(400, 403, 413, 415) },
      },
    },
    async (request, reply) => {
      const id = newId("pln");
      await storage.insertPlan({
        id,
        createdAt: new Date().toISOString(),
        json: JSON.stringify(request.body),
      });
      return reply.code(201).send({ id });
    },
  );

  app.get(
    "/plans/:id",
    {
      config: { access: "viewer" },
      schema: {
        summary: "A plan and its state",
        description: "Planners get the plan whole; viewers get it without names, birth dates and health.",
        tags: ["plans"],
        security: bearer,
        params: planParams,
        response: { 200: planResponseSchema, ...errorResponses(404) },
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
          "Queues a job that computes the priority schedule. 409 while the plan already has a solve queued " +
          "or running (its jobId is in the answer); 429 with Retry-After when the queue is full.",
        tags: ["plans"],
        security: bearer,
        params: planParams,
        response: { 202: jobAcceptedSchema, ...errorResponses(403, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const outcome = await jobs.submitSolve(request.params.id);
      switch (outcome.kind) {
        case "queued":
          return reply.code(202).send({ jobId: outcome.jobId });
        case "no-plan":
          return notFound("计划不存在");
        case "active":
          throw new HttpError(409, "CONFLICT", "该计划已有排队或进行中的求解任务", { jobId: outcome.jobId });
        case "queue-full":
          throw new HttpError(429, "QUEUE_FULL", "求解队列已满，请稍后再试", {
            retryAfterSeconds: outcome.retryAfterSeconds,
          });
        case "unavailable":
          throw new HttpError(503, "UNAVAILABLE", "服务暂时不能求解");
      }
    },
  );

  app.get(
    "/plans/:id/schedules",
    {
      config: { access: "viewer" },
      schema: {
        summary: "The plan's schedules with their summaries",
        tags: ["plans"],
        security: bearer,
        params: planParams,
        response: { 200: scheduleListSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const planId = request.params.id;
      if (!(await storage.hasPlan(planId))) notFound("计划不存在");
      const schedules = await storage.listSchedules(planId);
      return {
        planId,
        schedules: schedules.map((s) => ({
          scheduleId: s.id,
          candidate: s.candidate,
          jobId: s.jobId,
          status: s.status,
          createdAt: s.createdAt,
          summary: s.summary,
        })),
      };
    },
  );
};

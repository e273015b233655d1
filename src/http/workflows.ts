import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { sweepBudgets, whatIfRequestSchema } from "../contract/index.js";
import { budgetSweepJob, type SolveResult, scenarioJob } from "../jobs/workflows.js";
import { bearer, errorResponses, type RouteDeps } from "./deps.js";
import { InvalidRequestError, notFound } from "./errors.js";
import { answerSubmit } from "./jobs.js";
import { compareSchema, jobAcceptedSchema, planParams } from "./schemas.js";

export const workflowRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { storage, jobs, offload }) => {
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
        if (!(await storage.hasPlan(planId))) notFound("计划不存在");
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

  app.post(
    "/plans/:id/what-if",
    {
      config: { access: "planner" },
      schema: {
        summary: "Run the plan under other budgets or scenarios",
        description:
          "Queues a job of priority solves, one per budget or scenario, spread over the solve workers. " +
          "budgets / range: the result's runs (ascending budget) carry the tier vector, scheduled, cost, " +
          "batches and the marginal cost per extra cadre; leastBudgetForTiers gives, for each k, the least " +
          "budget at which tiers 1..k reach their most coverage (an exact min-cost solve). scenarios: each " +
          "patch is a JSON merge patch on the stored plan (venues, staff and cadres may be patched by id); a " +
          "patched plan that breaks the contract answers 400 with paths into /scenarios/i/patch, and nothing " +
          "is queued. Every run's schedule is stored (GET /v1/schedules/{id}). 409 while the plan already has " +
          "a what-if job queued or running.",
        operationId: "runWhatIf",
        tags: ["what-if"],
        security: bearer,
        params: planParams,
        body: whatIfRequestSchema,
        response: { 202: jobAcceptedSchema, ...errorResponses(400, 403, 404, 409, 413, 414, 415, 503) },
      },
    },
    async (request, reply) => {
      const planId = request.params.id;
      const { scenarios } = request.body;
      if (scenarios === undefined) {
        return answerSubmit(
          reply,
          await jobs.submit(planId, budgetSweepJob(sweepBudgets(request.body))),
          "假设分析",
        );
      }
      const record = (await storage.getPlan(planId)) ?? notFound("计划不存在");
      const problems = await offload.scenarioProblems({ planJson: record.json, scenarios });
      if (problems.length > 0) throw new InvalidRequestError(problems);
      return answerSubmit(reply, await jobs.submit(planId, scenarioJob(scenarios)), "假设分析");
    },
  );
};

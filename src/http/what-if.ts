import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { jobAcceptedSchema, planParams } from "../contract/api.js";
import { sweepBudgets, whatIfRequestSchema } from "../contract/index.js";
import { scenarioJob } from "../services/planning.js";
import type { BudgetSweeps } from "../services/what-if.js";
import { bearer, errorResponses, type RouteDeps } from "./deps.js";
import { InvalidRequestError, planNotFound } from "./errors.js";
import { answerSubmit } from "./jobs.js";

export const whatIfRoutes: FastifyPluginAsyncZod<RouteDeps & { sweeps: BudgetSweeps }> = async (
  app,
  { storage, jobs, offload, sweeps },
) => {
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
          "budget at which tiers 1..k reach their most coverage (an exact min-cost solve, computed once per " +
          "stored plan). A budget's schedule is stored as soon as it is solved, with " +
          "solver.unscheduledReasonsPending: its BUDGET, CAPACITY and STAFF reasons take re-solves, which a " +
          "background job of kind explain writes in afterwards. scenarios: each " +
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
        return answerSubmit(reply, await sweeps.submit(planId, sweepBudgets(request.body)), "假设分析");
      }
      const record = (await storage.getPlan(planId)) ?? planNotFound();
      const problems = await offload.scenarioProblems({ planJson: record.json, scenarios });
      if (problems.length > 0) throw new InvalidRequestError(problems);
      return answerSubmit(reply, await jobs.submit(planId, scenarioJob(scenarios)), "假设分析");
    },
  );
};

import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { frontierAtSchema, frontierSchema, planParams } from "../contract/api.js";
import { MAX_YUAN } from "../contract/bounds.js";
import type { FrontierView } from "../services/frontier.js";
import { bearer, errorResponses, type RouteDeps } from "./deps.js";
import { HttpError, planNotFound } from "./errors.js";

const frontierQuery = z.object({
  budget: z.coerce
    .number()
    .min(0)
    .max(MAX_YUAN)
    .optional()
    .describe("A budget (yuan): answers the coverage it buys instead of the whole frontier"),
});

const MESSAGES: Record<FrontierView["state"], string> = {
  ready: "预算前沿已按当前计划计算完成",
  computing: "预算前沿正在计算，已给出目前找到的各级",
  failed: "预算前沿计算失败，计划或事件再次变更时将重新计算",
  none: "尚未按当前计划计算预算前沿，计划或事件变更后将自动计算",
};

export const frontierRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { frontiers }) => {
  app.get(
    "/plans/:id/frontier",
    {
      config: { access: "viewer" },
      schema: {
        summary: "The budget frontier: coverage by tier for every budget, exact",
        description:
          "The priority objective's coverage as a step function of the budget (RULES.md §6.1): each step's " +
          "budget is the least at which the priority solve reaches its coverage, proven by min-cost solves, " +
          "and one yuan less reaches the step before. Computed in the background whenever the plan or its " +
          "events change; while computing, answers the steps found so far. With ?budget=B, answers the step " +
          "that budget buys from the stored frontier at once (409 while there is none for the plan as it stands).",
        operationId: "getFrontier",
        tags: ["what-if"],
        security: bearer,
        params: planParams,
        querystring: frontierQuery,
        response: {
          200: z.union([frontierSchema, frontierAtSchema]),
          ...errorResponses(400, 404, 409, 414),
        },
      },
    },
    async (request) => {
      const planId = request.params.id;
      const { budget } = request.query;
      if (budget !== undefined) {
        const answer = await frontiers.at(planId, budget);
        switch (answer.kind) {
          case "no-plan":
            return planNotFound();
          case "not-ready":
            throw new HttpError(
              409,
              "CONFLICT",
              `${MESSAGES[answer.view.state]}，暂不能按预算查询`,
              "jobId" in answer.view ? { jobId: answer.view.jobId } : {},
            );
          case "ok":
            return {
              planId,
              budget,
              jobId: answer.jobId,
              step: answer.step,
              nextStep: answer.nextStep,
              complete: answer.complete,
            };
        }
      }
      const view = (await frontiers.view(planId)) ?? planNotFound();
      return { planId, message: MESSAGES[view.state], ...view };
    },
  );
};

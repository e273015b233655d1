import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import { jobParams, jobSchema } from "../contract/api.js";
import type { JobProgress, SubmitOutcome } from "../jobs/pool.js";
import type { JobRecord } from "../storage/storage.js";
import { bearer, errorResponses, type RouteDeps } from "./deps.js";
import { HttpError, notFound, planNotFound } from "./errors.js";

type JobBody = z.output<typeof jobSchema>;

/** 202 with the job id, or why the job was not queued; `what` names the job in messages, e.g. 求解. */
export function answerSubmit(reply: FastifyReply, outcome: SubmitOutcome, what: string) {
  switch (outcome.kind) {
    case "queued":
      return reply.code(202).send({ jobId: outcome.jobId });
    case "no-plan":
      return planNotFound();
    case "active":
      throw new HttpError(409, "CONFLICT", `该计划已有排队或进行中的${what}任务`, { jobId: outcome.jobId });
    case "queue-full":
      throw new HttpError(429, "QUEUE_FULL", "求解队列已满，请稍后再试", {
        retryAfterSeconds: outcome.retryAfterSeconds,
      });
    case "unavailable":
      throw new HttpError(503, "UNAVAILABLE", "服务暂时不能求解");
  }
}

function toBody(job: JobRecord, progress: JobProgress | undefined): JobBody {
  const body: JobBody = {
    id: job.id,
    kind: job.kind,
    planId: job.planId,
    status: job.status,
    createdAt: job.createdAt,
  };
  if (job.startedAt !== null) body.startedAt = job.startedAt;
  if (job.finishedAt !== null) body.finishedAt = job.finishedAt;
  // The pool stores one of the documented shapes, by the job's kind (src/services/planning.ts).
  if (job.result !== null) body.result = job.result as JobBody["result"];
  if (job.error !== null) body.error = job.error;
  // A task's partial result is shown by its own route (the frontier's steps), not in every poll.
  if (progress !== undefined) {
    const { partial: _shownElsewhere, ...shown } = progress;
    body.progress = shown;
  }
  return body;
}

export const jobRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { storage, jobs }) => {
  app.get(
    "/jobs/:jobId",
    {
      config: { access: "viewer" },
      schema: {
        summary: "A job's status, result or error, and progress while it runs",
        description: "Answers from storage at once: a poll never waits on a solve.",
        operationId: "getJob",
        tags: ["jobs"],
        security: bearer,
        params: jobParams,
        response: { 200: jobSchema, ...errorResponses(404, 414) },
      },
    },
    async (request) => {
      const job = (await storage.getJob(request.params.jobId)) ?? notFound("任务不存在");
      return toBody(job, job.status === "running" ? jobs.progress(job.id) : undefined);
    },
  );

  app.delete(
    "/jobs/:jobId",
    {
      config: { access: "planner" },
      schema: {
        summary: "Cancel a queued or running job",
        description: "Answers the canceled job; 409 when it had already ended.",
        operationId: "cancelJob",
        tags: ["jobs"],
        security: bearer,
        params: jobParams,
        response: { 200: jobSchema, ...errorResponses(400, 403, 404, 409, 413, 414, 415) },
      },
    },
    async (request) => {
      const canceled = await jobs.cancel(request.params.jobId);
      const job = (await storage.getJob(request.params.jobId)) ?? notFound("任务不存在");
      if (!canceled) throw new HttpError(409, "CONFLICT", `任务已结束（${job.status}），不能取消`);
      return toBody(job, undefined);
    },
  );
};

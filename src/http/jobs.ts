import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { SolveProgress } from "../../solver/index.js";
import type { JobRecord } from "../storage/storage.js";
import { bearer, errorResponses, type RouteDeps } from "./deps.js";
import { HttpError, notFound } from "./errors.js";
import { jobParams, jobSchema } from "./schemas.js";

function toBody(job: JobRecord, progress: SolveProgress | undefined): z.output<typeof jobSchema> {
  const body: z.output<typeof jobSchema> = {
    id: job.id,
    kind: job.kind,
    planId: job.planId,
    status: job.status,
    createdAt: job.createdAt,
  };
  if (job.startedAt !== null) body.startedAt = job.startedAt;
  if (job.finishedAt !== null) body.finishedAt = job.finishedAt;
  if (job.result !== null) body.result = job.result;
  if (job.error !== null) body.error = job.error;
  if (progress !== undefined) body.progress = progress;
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
        tags: ["jobs"],
        security: bearer,
        params: jobParams,
        response: { 200: jobSchema, ...errorResponses(404) },
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
        tags: ["jobs"],
        security: bearer,
        params: jobParams,
        response: { 200: jobSchema, ...errorResponses(403, 404, 409) },
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

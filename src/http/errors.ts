import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { errorSchema } from "../contract/api.js";
import type { ReadinessItem } from "../contract/dossier.js";
import type { Problem } from "../contract/index.js";
import { ForeignTenantError } from "../storage/storage.js";

/** An error a handler means the client to see, with its status and a stable code. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: { jobId?: string; retryAfterSeconds?: number; openItems?: ReadinessItem[] } = {},
  ) {
    super(message);
  }
}

/** A request that breaks the contract; carries every problem, each with its JSON Pointer. */
export class InvalidRequestError extends Error {
  readonly statusCode = 400;
  constructor(readonly problems: Problem[]) {
    super("the request breaks the contract");
  }
}

type ErrorBody = z.output<typeof errorSchema>;

// What fastify and its plugins throw on their own; handlers throw HttpError.
const BY_STATUS: Record<number, [code: string, message: string]> = {
  413: ["PAYLOAD_TOO_LARGE", "请求体超过大小限制"],
  415: ["UNSUPPORTED_MEDIA_TYPE", "请求体应为 application/json"],
  429: ["TOO_MANY_REQUESTS", "请求过多，请稍后再试"],
};

const INTERNAL: ErrorBody = { code: "INTERNAL", message: "服务内部错误" };

function breaksContract(problems: Problem[]): ErrorBody {
  return { code: "INVALID_REQUEST", message: "请求不符合数据契约", problems };
}

/** A request target the router cannot read, e.g. a bad percent-encoding. */
export const BAD_URL = { code: "BAD_URL", message: "请求地址无效：百分号编码有误" } as const;

/** A body that is not JSON: the code the command line uses for a file that is not JSON. */
export const INVALID_JSON: Problem = { path: "", code: "INVALID_JSON", message: "请求体不是合法的 JSON" };

function unreadableBody(error: FastifyError): boolean {
  return error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || error.code === "FST_ERR_CTP_EMPTY_JSON_BODY";
}

/** The one error handler: every error answer is an `errorSchema`, and a 500 tells nothing of internals. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): ErrorBody {
  if (error instanceof InvalidRequestError) {
    reply.code(400);
    return breaksContract(error.problems);
  }
  if (error instanceof HttpError) {
    reply.code(error.statusCode);
    if (error.extra.retryAfterSeconds !== undefined)
      reply.header("retry-after", error.extra.retryAfterSeconds);
    const body: ErrorBody = { code: error.code, message: error.message };
    if (error.extra.jobId !== undefined) body.jobId = error.extra.jobId;
    if (error.extra.openItems !== undefined) body.openItems = error.extra.openItems;
    return body;
  }
  if (error instanceof ForeignTenantError) {
    reply.code(403);
    return { code: "FORBIDDEN", message: "计划的组织方不是本单位：只能提交和修改本单位的计划" };
  }
  if (unreadableBody(error)) {
    reply.code(400);
    return breaksContract([INVALID_JSON]);
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    reply.code(status);
    const [code, message] = BY_STATUS[status] ?? ["BAD_REQUEST", "请求无效"];
    return { code, message };
  }
  request.log.error({ err: error }, "request failed");
  reply.code(500);
  return INTERNAL;
}

export function notFound(message = "资源不存在"): never {
  throw new HttpError(404, "NOT_FOUND", message);
}

/** The 404 of every route under /plans/{id} whose plan is not stored. */
export function planNotFound(): never {
  return notFound("计划不存在");
}

import { type FastifyReply, type FastifyRequest, LogController } from "fastify";
import { type LoggerOptions, stdSerializers } from "pino";
import { PERSONAL_FIELDS } from "./contract/privacy.js";

const SECRET_KEYS: ReadonlySet<string> = new Set([...PERSONAL_FIELDS, "authorization"]);
const REDACTED = "[redacted]";

/** Plain objects, and pino's serialised errors, which inherit from a plain prototype; not errors themselves. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const maker = (value as { constructor?: unknown }).constructor;
  return maker === undefined || maker === Object;
}

/**
 * A copy with personal fields and credentials replaced, at any depth: pino's own `redact` needs every path
 * spelt out, and a plan nests people two levels down. Errors are scrubbed once serialised, so that their
 * own fields (a zod error's input, say) are covered too.
 */
function scrub(record: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(record))
    copy[key] = SECRET_KEYS.has(key) ? REDACTED : scrubValue(field);
  return copy;
}

function scrubValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubValue);
  return isRecord(value) ? scrub(value) : value;
}

export function logOptions(level: string): LoggerOptions {
  return {
    level,
    formatters: { log: scrub },
    serializers: { err: (error: Error) => scrub(stdSerializers.err(error)) },
  };
}

/** One line per request, once answered: fastify binds its id; no headers, no body. */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (error) request.log.error({ ...line, err: error }, "request");
    else request.log.info(line, "request");
  }
}

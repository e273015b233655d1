import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { HttpError } from "./errors.js";

/** `planner` may write and read; `viewer` may only read. */
export type Role = "viewer" | "planner";

/** Role by SHA-256 of the token, so a lookup compares digests, never the secret itself. */
export type TokenTable = ReadonlyMap<string, Role>;

declare module "fastify" {
  interface FastifyContextConfig {
    /** The least role a /v1 route needs; planner unless it says viewer. Routes outside /v1 are public. */
    access?: Role;
  }
  interface FastifyRequest {
    role: Role;
    /** Who is calling, for audit trails: the role and a short fingerprint of the token, never the token. */
    principal: string;
  }
}

const MIN_TOKEN_LENGTH = 16;

function digest(token: string): string {
  return createHash("sha256").update(token).digest("base64");
}

export function createTokenTable(tokens: Record<Role, readonly string[]>): TokenTable {
  const table = new Map<string, Role>();
  for (const role of ["viewer", "planner"] as const) {
    for (const token of tokens[role]) {
      if (token.length < MIN_TOKEN_LENGTH) {
        throw new Error(`a ${role} token is shorter than ${MIN_TOKEN_LENGTH} characters`);
      }
      const key = digest(token);
      if (table.has(key)) throw new Error("a token is configured twice");
      table.set(key, role);
    }
  }
  return table;
}

/**
 * onRequest hook for /v1. Without a token table every caller is a planner: server.ts allows that only on
 * loopback.
 */
export function authenticate(tokens: TokenTable | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const caller =
      tokens === undefined
        ? { role: "planner" as const, principal: "planner (no tokens configured)" }
        : callerOf(tokens, request.headers.authorization, reply);
    request.role = caller.role;
    request.principal = caller.principal;
    if (request.routeOptions.config.access !== "viewer" && request.role !== "planner") {
      throw new HttpError(403, "FORBIDDEN", "该操作仅限计划员，查看员不能执行");
    }
  };
}

function callerOf(
  tokens: TokenTable,
  header: string | undefined,
  reply: FastifyReply,
): { role: Role; principal: string } {
  const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  const key = match?.[1] === undefined ? undefined : digest(match[1]);
  const role = key === undefined ? undefined : tokens.get(key);
  if (key === undefined || role === undefined) {
    reply.header("www-authenticate", 'Bearer realm="convalescence"');
    throw new HttpError(401, "UNAUTHORIZED", header === undefined ? "缺少访问令牌" : "访问令牌无效");
  }
  // Eight characters of the digest tell the configured tokens apart and reveal nothing of the secret.
  return { role, principal: `${role}#${key.slice(0, 8)}` };
}

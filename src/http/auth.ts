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
    request.role = tokens === undefined ? "planner" : roleOf(tokens, request.headers.authorization, reply);
    if (request.routeOptions.config.access !== "viewer" && request.role !== "planner") {
      throw new HttpError(403, "FORBIDDEN", "该操作需要 planner 角色");
    }
  };
}

function roleOf(tokens: TokenTable, header: string | undefined, reply: FastifyReply): Role {
  const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  const role = match?.[1] === undefined ? undefined : tokens.get(digest(match[1]));
  if (role === undefined) {
    reply.header("www-authenticate", 'Bearer realm="convalescence"');
    throw new HttpError(401, "UNAUTHORIZED", header === undefined ? "缺少访问令牌" : "访问令牌无效");
  }
  return role;
}

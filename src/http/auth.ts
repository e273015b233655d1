import { hash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { setTenant } from "../support/tenancy.js";
import { HttpError } from "./errors.js";

/** `planner` may write and read; `viewer` may only read. */
export type Role = "viewer" | "planner";

/** Who a token speaks for: a role, and the organisation it is bound to (none: every organisation). */
export interface Caller {
  role: Role;
  organisation?: string | undefined;
}

/** Callers by SHA-256 of the token, so a lookup compares digests, never the secret itself. */
export type TokenTable = ReadonlyMap<string, Caller>;

/** One line of a tokens file (TOKENS_FILE): a token bound to one organisation and one role. */
export interface BoundToken {
  token: string;
  role: Role;
  /** An organisation path (src/support/tenancy.ts), e.g. 山东省/济宁市/金乡县. */
  organisation: string;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** The least role a /v1 route needs; planner unless it says viewer. Routes outside /v1 are public. */
    access?: Role;
    /**
     * A county below the plan's organisation may call it too (recommendations upward, Art. 5), for its own
     * county only (src/http/tenancy.ts).
     */
    upward?: true;
  }
  interface FastifyRequest {
    role: Role;
    /** The organisation the caller's token is bound to; undefined: every organisation. */
    organisation: string | undefined;
    /** Who is calling, for audit trails: the role and a short fingerprint of the token, never the token. */
    principal: string;
  }
}

const MIN_TOKEN_LENGTH = 16;

function digest(token: string): string {
  return hash("sha256", token, "base64");
}

/** PLANNER_TOKENS and VIEWER_TOKENS (bound to no organisation) and a tokens file's bound tokens, in one table. */
export function createTokenTable(
  tokens: Record<Role, readonly string[]>,
  bound: readonly BoundToken[] = [],
): TokenTable {
  const table = new Map<string, Caller>();
  const add = (token: string, caller: Caller) => {
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new Error(`a ${caller.role} token is shorter than ${MIN_TOKEN_LENGTH} characters`);
    }
    const key = digest(token);
    if (table.has(key)) throw new Error("a token is configured twice");
    table.set(key, caller);
  };
  for (const role of ["viewer", "planner"] as const) for (const token of tokens[role]) add(token, { role });
  for (const { token, role, organisation } of bound) add(token, { role, organisation });
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
    request.organisation = caller.organisation;
    request.principal = caller.principal;
    // The rest of the request, storage's queries included, is held to the organisation (tenancy.ts).
    if (caller.organisation !== undefined) setTenant(caller.organisation);
    if (request.routeOptions.config.access !== "viewer" && request.role !== "planner") {
      throw new HttpError(403, "FORBIDDEN", "该操作仅限计划员，查看员不能执行");
    }
  };
}

function callerOf(
  tokens: TokenTable,
  header: string | undefined,
  reply: FastifyReply,
): Caller & { principal: string } {
  const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  const key = match?.[1] === undefined ? undefined : digest(match[1]);
  const caller = key === undefined ? undefined : tokens.get(key);
  if (key === undefined || caller === undefined) {
    reply.header("www-authenticate", 'Bearer realm="convalescence"');
    throw new HttpError(401, "UNAUTHORIZED", header === undefined ? "缺少访问令牌" : "访问令牌无效");
  }
  // Eight characters of the digest tell the configured tokens apart and reveal nothing of the secret.
  return { ...caller, principal: `${caller.role}#${key.slice(0, 8)}` };
}

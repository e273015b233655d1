import createClient from "openapi-fetch";
import type { paths } from "./schema";

// One typed client for the service's API, by path. Every request carries the signed-in token, if any.

const TOKEN_KEY = "planner.token";

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export const api = createClient<paths>({ baseUrl: window.location.origin });

api.use({
  onRequest({ request }) {
    const token = getToken();
    if (token) request.headers.set("authorization", `Bearer ${token}`);
    return request;
  },
});

/** Every error answer's shape, as the API documents it. */
export type ErrorBody = paths["/v1/plans"]["post"]["responses"][400]["content"]["application/json"];
/** A roster import's 400: each bad cell with its sheet, row and column. */
export type RosterErrorBody =
  paths["/v1/roster/import"]["post"]["responses"][400]["content"]["application/json"];
export type Problem = RosterErrorBody["problems"][number];

/** An error answer, with the API's Chinese message and, for a 400, every problem with its path. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

const UNREACHABLE = new ApiError(0, "NETWORK", "无法连接服务，请检查网络后重试");

/** The data of a successful answer; an ApiError with the service's own message otherwise. */
export async function ok<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  let outcome: { data?: T; error?: unknown; response: Response };
  try {
    outcome = await call;
  } catch {
    throw UNREACHABLE;
  }
  const { data, error, response } = outcome;
  if (response.ok && data !== undefined && data !== null) return data as NonNullable<T>;
  const body = (error ?? {}) as Partial<RosterErrorBody>;
  throw new ApiError(
    response.status,
    body.code ?? `HTTP_${response.status}`,
    body.message ?? `服务返回错误（${response.status}）`,
    body.problems ?? [],
  );
}

/** Saves a file the API answers (exports, the template) under the given name. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

import { afterEach, describe, expect, it } from "vitest";
import { startService, type TestService, viewer } from "../support/service.js";

// The rate limit counts per client address. Behind a reverse proxy every request comes from the proxy, so
// only a trusted proxy's X-Forwarded-For may name the client; anyone else's is ignored, or a client could
// pick a fresh address for every request.

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

/** Status of one request from the proxy at 127.0.0.1, forwarding for `client`. */
async function statusFor(s: TestService, client: string): Promise<number> {
  const response = await s.app.inject({
    method: "GET",
    url: "/v1/plans/pln_nope",
    remoteAddress: "127.0.0.1",
    headers: { ...viewer, "x-forwarded-for": client },
  });
  return response.statusCode;
}

describe("the rate limit behind a reverse proxy", () => {
  it("counts each client a trusted proxy names on its own", async () => {
    service = await startService({ rateLimitMax: 1, trustedProxies: ["127.0.0.1"] });
    expect(await statusFor(service, "203.0.113.1")).toBe(404);
    expect(await statusFor(service, "203.0.113.2")).toBe(404);
    expect(await statusFor(service, "203.0.113.1")).toBe(429);
  });

  it("ignores X-Forwarded-For from a peer it does not trust", async () => {
    service = await startService({ rateLimitMax: 1 });
    expect(await statusFor(service, "203.0.113.1")).toBe(404);
    expect(await statusFor(service, "203.0.113.2")).toBe(429);
  });
});

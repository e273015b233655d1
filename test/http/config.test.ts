import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const TOKEN = "a-long-enough-token-1234";

describe("loadConfig", () => {
  it("defaults to loopback on port 3000 with no tokens", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: "127.0.0.1", port: 3000, tokens: undefined });
    expect(config.pool.size).toBeGreaterThanOrEqual(1);
    expect(config.databaseFile).toMatch(/data\/planner\.sqlite$/);
  });

  it("refuses to listen beyond loopback without tokens", () => {
    for (const HOST of ["0.0.0.0", "::", "192.0.2.10"]) {
      expect(() => loadConfig({ HOST }), HOST).toThrow(ConfigError);
    }
    expect(loadConfig({ HOST: "::1" }).tokens).toBeUndefined();
  });

  it("reads tokens by role", () => {
    const config = loadConfig({
      HOST: "0.0.0.0",
      PLANNER_TOKENS: TOKEN,
      VIEWER_TOKENS: ` ${TOKEN}-v , ${TOKEN}-w`,
    });
    expect(config.tokens?.size).toBe(3);
    expect([...(config.tokens?.values() ?? [])].map((caller) => caller.role).sort()).toEqual([
      "planner",
      "viewer",
      "viewer",
    ]);
  });

  it("rejects short or repeated tokens and bad numbers", () => {
    expect(() => loadConfig({ PLANNER_TOKENS: "short" })).toThrow(ConfigError);
    expect(() => loadConfig({ PLANNER_TOKENS: TOKEN, VIEWER_TOKENS: TOKEN })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "http" })).toThrow(ConfigError);
    expect(() => loadConfig({ SOLVE_WORKERS: "0" })).toThrow(ConfigError);
  });

  it("allows the roles api and worker with PostgreSQL only, and says so with SQLite", () => {
    expect(loadConfig({}).role).toBe("all");
    const url = "postgresql://planner@db.example/planner";
    for (const SERVICE_ROLE of ["api", "worker"]) {
      expect(() => loadConfig({ SERVICE_ROLE }), SERVICE_ROLE).toThrow(/needs PostgreSQL \(DATABASE_URL\)/);
      expect(loadConfig({ SERVICE_ROLE, DATABASE_URL: url })).toMatchObject({
        role: SERVICE_ROLE,
        databaseUrl: url,
      });
    }
    expect(() => loadConfig({ SERVICE_ROLE: "both" })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: "mysql://x/y" })).toThrow(ConfigError);
  });

  it("gives a worker a port for its probes only when METRICS_PORT names one", () => {
    expect(loadConfig({}).metricsPort).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: "9101" }).metricsPort).toBe(9101);
    for (const METRICS_PORT of ["x", "70000", "-1"])
      expect(() => loadConfig({ METRICS_PORT }), METRICS_PORT).toThrow(ConfigError);
  });

  it("turns the demo plan off when DEMO_PLAN is empty", () => {
    expect(loadConfig({ DEMO_PLAN: "" }).demoPlan).toBeUndefined();
    expect(loadConfig({}).demoPlan).toMatch(/fixtures\/plans\/city\.json$/);
  });

  it("trusts no proxy unless told, and reads addresses, CIDR blocks and range names", () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(
      loadConfig({ TRUSTED_PROXIES: "10.0.0.0/8, 192.0.2.7,loopback, fd00::/8, ::1" }).trustedProxies,
    ).toEqual(["10.0.0.0/8", "192.0.2.7", "loopback", "fd00::/8", "::1"]);
    for (const TRUSTED_PROXIES of ["true", "*", "10.0.0.0/33", "::1/129", "10.0.0.0/8/1", "proxy.local"])
      expect(() => loadConfig({ TRUSTED_PROXIES }), TRUSTED_PROXIES).toThrow(ConfigError);
  });
});

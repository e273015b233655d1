import { AsyncLocalStorage } from "node:async_hooks";

// Tenants: each organisation (a province, a city, a county) is one, named by its path, e.g. 山东省/济宁市/金乡县.
// A caller bound to an organisation reads the plans of that organisation and of every one below it (a city
// its counties, for the roll-up; a county only its own), and writes only its own. A caller bound to none
// (PLANNER_TOKENS, VIEWER_TOKENS, loopback without tokens; workers and the nightly run) sees everything.
//
// The caller's tenant travels with the request's async context, so storage can hold every query to it
// (PostgreSQL's row-level security, src/storage/postgres.ts) without each call passing it along.

interface Scope {
  tenant: string | undefined;
}

const scopes = new AsyncLocalStorage<Scope>();

/** Runs `work` in a scope of its own, with no tenant until one is set (the HTTP hooks: src/app.ts). */
export function runInScope<T>(work: () => T): T {
  return scopes.run({ tenant: undefined }, work);
}

/**
 * Runs `work` seeing every organisation, whoever asked: for rules that span tenants, such as once per cycle
 * across levels (Art. 8), which must read the other plans of a cycle to tell the caller who is taken.
 */
export function acrossTenants<T>(work: () => T): T {
  return scopes.run({ tenant: undefined }, work);
}

/** Binds the current scope (and so the rest of the request) to an organisation. */
export function setTenant(tenant: string): void {
  const scope = scopes.getStore();
  if (scope === undefined) throw new Error("no request scope to bind a tenant to");
  scope.tenant = tenant;
}

/** The organisation the current request is bound to; undefined: none (everything visible). */
export function currentTenant(): string | undefined {
  return scopes.getStore()?.tenant;
}

/** An organizer's organisation path: province/city, and /county for a county. */
export function organisationOf(organizer: {
  level: string;
  province: string;
  city: string;
  county?: string | null;
}): string {
  const path = [organizer.province, organizer.city];
  if (organizer.level === "county" && organizer.county) path.push(organizer.county);
  return path.join("/");
}

/** Whether a caller of `tenant` may read what belongs to `organisation`: its own and everything below it. */
export function canRead(tenant: string | undefined, organisation: string): boolean {
  return tenant === undefined || organisation === tenant || organisation.startsWith(`${tenant}/`);
}

/** Whether a caller of `tenant` may change what belongs to `organisation`: its own only. */
export function canWrite(tenant: string | undefined, organisation: string): boolean {
  return tenant === undefined || organisation === tenant;
}

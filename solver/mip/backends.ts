import type { Backend } from "../types.js";
import { highsBackend } from "./highs.js";
import type { MipBackend } from "./types.js";

/**
 * The backend a caller names, HiGHS unless jslp is asked for; asked for again after a solve, since a HiGHS
 * instance that erred is replaced. javascript-lp-solver's module loads only when named, so that a fresh
 * process solving with HiGHS does not load it (bench/RESULTS.md, Cold start).
 */
export async function backendNamed(name: Backend | undefined): Promise<MipBackend> {
  return name === "jslp" ? (await import("./jslp.js")).jslpBackend() : highsBackend();
}

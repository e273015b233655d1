/**
 * The URL of a worker thread's module, `path` relative to src/. Workers always run compiled JS; under vitest
 * this module runs from its TS source, so it points at the build (`npm test` builds first).
 */
export function workerModule(path: string): URL {
  return import.meta.url.endsWith(".ts")
    ? new URL(`../../dist/src/${path}`, import.meta.url)
    : new URL(`../${path}`, import.meta.url);
}

/** The solve pool's worker thread: its task table names every kind of task the services queue. */
export const SOLVE_WORKER_URL = workerModule("services/solve-worker.js");

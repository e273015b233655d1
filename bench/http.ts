import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import Fastify from "fastify";
import {
  endedJob,
  freePort,
  machine,
  ROOT,
  startProcess,
  stopChild,
  waitForHealth,
  writeResultsSection,
} from "./results.js";

// npm run bench:http — the service (dist/src/server.js, its own process) against a bare fastify route
// (this file with --bare, another process) that sends the same schedule bytes, on loopback, while a city
// solve runs. Figures go to bench/RESULTS.md, section "## HTTP".

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const CONNECTIONS = 50;
const TOKEN = "bench-planner-token-0123456789";
const auth = { authorization: `Bearer ${TOKEN}` };
const JSON_HEADERS = { ...auth, "content-type": "application/json" };
const DEMO_PLAN_ID = "pln_demo";

if (process.argv[2] === "--bare") await serveBare(Number(process.argv[3]), process.argv[4] ?? "");
else await main();

async function serveBare(port: number, bodyFile: string): Promise<void> {
  // Bytes, as the service sends them: the difference is then the service's own work per request.
  const body = readFileSync(bodyFile);
  const app = Fastify();
  app.get("/schedule", (_request, reply) => reply.type("application/json; charset=utf-8").send(body));
  await app.listen({ host: "127.0.0.1", port });
}

async function call(base: string, path: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${path}`, { ...init, headers: auth });
  if (!response.ok)
    throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function solveAndWait(base: string): Promise<Record<string, unknown>> {
  const { jobId } = await call(base, `/v1/plans/${DEMO_PLAN_ID}/solve`, { method: "POST" });
  return endedJob(base, String(jobId), auth);
}

/** Keeps one city solve running until stopped; samples how much of the time one was. */
function keepSolving(base: string) {
  let stopped = false;
  let samples = 0;
  let running = 0;
  const done = (async () => {
    while (!stopped) {
      const { jobId } = await call(base, `/v1/plans/${DEMO_PLAN_ID}/solve`, { method: "POST" });
      for (;;) {
        const job = await call(base, `/v1/jobs/${jobId}`);
        samples++;
        if (job.status === "running") running++;
        if (job.status !== "queued" && job.status !== "running") break;
        if (stopped) {
          await fetch(`${base}/v1/jobs/${jobId}`, { method: "DELETE", headers: auth });
          break;
        }
        await sleep(200);
      }
    }
  })();
  return {
    async stop(): Promise<number> {
      stopped = true;
      await done;
      return samples === 0 ? 0 : running / samples;
    },
  };
}

interface Row {
  name: string;
  result: autocannon.Result;
}

async function load(name: string, options: autocannon.Options): Promise<Row> {
  await autocannon({ ...options, duration: WARMUP_SECONDS, connections: CONNECTIONS });
  const result = await autocannon({ ...options, duration: SECONDS, connections: CONNECTIONS });
  process.stdout.write(`${name}: ${result.requests.average} req/s, p99 ${result.latency.p99} ms\n`);
  return { name, result };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-http-"));
  const [servicePort, barePort] = [await freePort(), await freePort()];
  const service = `http://127.0.0.1:${servicePort}`;
  const bare = `http://127.0.0.1:${barePort}`;
  const children: ChildProcess[] = [];
  try {
    children.push(
      startProcess(
        ["dist/src/server.js"],
        {
          ...process.env,
          HOST: "127.0.0.1",
          PORT: String(servicePort),
          DATA_DIR: dir,
          PLANNER_TOKENS: TOKEN,
          VIEWER_TOKENS: "",
          RATE_LIMIT_MAX: "1000000000",
          DEMO_PLAN: join(ROOT, "fixtures/plans/city.json"),
        },
        join(dir, "service.log"),
      ),
    );
    await waitForHealth(service, "/healthz");

    const job = await solveAndWait(service);
    const [scheduleId] = (job.result as { scheduleIds: string[] } | undefined)?.scheduleIds ?? [];
    if (job.status !== "succeeded" || scheduleId === undefined) throw new Error(`city solve ${job.status}`);
    const scheduleJson = await (
      await fetch(`${service}/v1/schedules/${scheduleId}`, { headers: auth })
    ).text();
    const bodyFile = join(dir, "schedule.json");
    writeFileSync(bodyFile, scheduleJson);
    const plan = (await call(service, `/v1/plans/${DEMO_PLAN_ID}`)).plan;
    const validateBody = JSON.stringify({ plan, schedule: JSON.parse(scheduleJson) });

    children.push(
      startProcess(
        [fileURLToPath(import.meta.url), "--bare", String(barePort), bodyFile],
        process.env,
        join(dir, "bare.log"),
      ),
    );
    await waitForHealth(bare, "/schedule");

    const scheduleUrl = `${service}/v1/schedules/${scheduleId}`;
    const idle = await load("GET /v1/schedules/{id}, no solve running", { url: scheduleUrl, headers: auth });
    const solving = keepSolving(service);
    await sleep(500);
    const bareRow = await load("bare fastify route, same bytes", { url: `${bare}/schedule` });
    const getRow = await load("GET /v1/schedules/{id}", { url: scheduleUrl, headers: auth });
    const validateRow = await load("POST /v1/validate", {
      url: `${service}/v1/validate`,
      method: "POST",
      headers: JSON_HEADERS,
      body: validateBody,
    });
    const solvingShare = await solving.stop();
    writeResultsSection(
      "HTTP",
      report({ idle, bareRow, getRow, validateRow }, solvingShare, {
        schedule: Buffer.byteLength(scheduleJson),
        validate: Buffer.byteLength(validateBody),
      }),
    );
  } finally {
    await Promise.all(children.map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Rows {
  idle: Row;
  bareRow: Row;
  getRow: Row;
  validateRow: Row;
}

function report(rows: Rows, solvingShare: number, bytes: { schedule: number; validate: number }): string {
  const { idle, bareRow, getRow, validateRow } = rows;
  const ratio = getRow.result.requests.average / bareRow.result.requests.average;
  const p99 = getRow.result.latency.p99;
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  // Which statuses the non-2xx answers were: a 429 past a queue is the service's own backpressure, not a fault.
  const non2xx = ({ non2xx, statusCodeStats = {} }: Row["result"]) =>
    non2xx === 0
      ? "0"
      : `${non2xx} (${Object.entries(statusCodeStats)
          .filter(([code]) => !code.startsWith("2"))
          .map(([code, { count }]) => `${code}: ${count ?? 0}`)
          .join(", ")})`;
  const line = ({ name, result }: Row, solving: string) =>
    `| ${name} | ${solving} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ` +
    `${result.latency.p99} | ${result.latency.max} | ${result.timeouts} | ${result.errors - result.timeouts} | ` +
    `${non2xx(result)} |`;
  return [
    `Run ${new Date().toISOString().slice(0, 10)} by \`npm run bench:http\` on ${machine()}. ` +
      `Loopback; autocannon in the benchmark's process, ${CONNECTIONS} connections, ` +
      `${SECONDS} s per run after a ${WARMUP_SECONDS} s warm-up. The service runs as \`npm start\` would, in its ` +
      "own process: SQLite, one log line per request (to a file), bearer auth, helmet, the rate limit raised out " +
      "of the way. The bare route is plain fastify in a third process, sending the same " +
      `${kib(bytes.schedule)} city schedule as bytes from memory. During the runs marked *solving*, a city ` +
      `solve was running in the service's worker thread for ${(solvingShare * 100).toFixed(0)} % of the samples.`,
    "",
    "| target | solve | req/s | p50 ms | p99 ms | max ms | timeouts (10 s) | other errors | non-2xx |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    line(idle, "idle"),
    line(bareRow, "solving"),
    line(getRow, "solving"),
    line(validateRow, "solving"),
    "",
    `- GET schedule ÷ bare route, both while solving: **${ratio.toFixed(2)}** (target ≥ 0.5: ` +
      `${ratio >= 0.5 ? "met" : "NOT met"}).`,
    `- GET schedule p99 at ${CONNECTIONS} connections while solving: **${p99} ms** (target ≤ 50 ms: ` +
      `${p99 <= 50 ? "met" : "NOT met"}; the bare route's own p99 was ${bareRow.result.latency.p99} ms).`,
    `- POST /v1/validate carries the city plan and its schedule (${kib(bytes.validate)}) every time; each is ` +
      "parsed against the contract and checked in the service's offload pool (one worker thread on two cores), " +
      "which also shares the cores with the solve; the HTTP thread only receives the text. Past the pool's " +
      "queue (16 waiting) it answers 429 with Retry-After at once, rather than holding the body in memory.",
    "",
  ].join("\n");
}

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { numberedRows, repeatedRows, workbook } from "../fixtures/workbooks.js";
import { freePort, machine, ROOT, writeResultsSection } from "./results.js";

// What a hostile workbook costs the running server (dist/src/server.js): a zip bomb of 400 MB that honestly
// declares its size, the same lying that it is 1 KB, and a sheet of 200 000 rows. Each is posted once to
// POST /v1/roster/import after a small import has started the offload thread; the server's RSS is read from
// /proc every 10 ms while the request runs. Linux only.

const BOMB_BYTES = 400 * 1024 * 1024;

const rssMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

async function main(): Promise<void> {
  const cases: [string, Buffer][] = [
    ["zip bomb, 400 MB declared", await workbook("军休干部", repeatedRows(BOMB_BYTES))],
    ["zip bomb, 400 MB declared as 1 KB", await workbook("军休干部", repeatedRows(BOMB_BYTES), 1024)],
    ["200 000 rows", await workbook("军休干部", numberedRows(200_000))],
  ];
  const dir = mkdtempSync(join(tmpdir(), "planner-bench-uploads-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [join(ROOT, "dist/src/server.js")], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dir, PORT: String(port), DEMO_PLAN: "", LOG_LEVEL: "warn" },
    stdio: "ignore",
  });
  const pid = child.pid ?? 0;
  const post = (body: Buffer) =>
    fetch(`${base}/v1/roster/import`, {
      method: "POST",
      headers: { "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
      body,
    });
  try {
    for (let i = 0; ; i++) {
      if (
        await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 300) throw new Error("the server never came up");
      await sleep(100);
    }
    await post(await workbook("军休干部", numberedRows(10)));
    const rows: string[] = [];
    for (const [name, body] of cases) {
      await sleep(1000);
      const before = rssMiB(pid);
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssMiB(pid));
      }, 10);
      const started = performance.now();
      const response = await post(body);
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, rssMiB(pid));
      const answer = (await response.json()) as { problems?: { code: string }[] };
      const codes = (answer.problems ?? []).map((p) => p.code).join(", ");
      rows.push(
        `| ${name} | ${(body.length / 1024).toFixed(0)} KB | ${response.status} ${codes} | ${seconds.toFixed(2)} s | ${(peak - before).toFixed(0)} MB |`,
      );
      process.stdout.write(`${rows.at(-1)}\n`);
    }
    writeResultsSection(
      "Upload limits",
      [
        `\`npm run bench:uploads\` (bench/upload-limits.ts) on ${machine()}. One request each to the running`,
        "server's `POST /v1/roster/import`, after a small import started the offload thread; growth is the",
        "server's peak RSS during the request over its RSS just before. Before the limits (issue 9), the first",
        "bomb took 21.7 s and took the server to 3.15 GB, and the 200 000-row sheet was parsed whole (+1.1 GB).",
        "",
        "| workbook | size | answer | time | RSS growth |",
        "|---|---|---|---|---|",
        ...rows,
      ].join("\n"),
    );
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

// Memory over many solves in one thread, as a long-lived worker sees them: each HiGHS model is disposed
// after its solve, so the WebAssembly heap is reused rather than grown. Writes the Memory section.
import { join } from "node:path";
import { type Plan, solvePlan, validateSchedule } from "../solver/index.js";
import { readJsonFile } from "../src/support/files.js";
import { machine, ROOT, writeResultsSection } from "./results.js";

const SOLVES = 1000;
const plan = (await readJsonFile(join(ROOT, "fixtures/plans/tiny-d.json"))) as Plan;
const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const samples: { solves: number; rssMb: number }[] = [];
const began = performance.now();
for (let i = 1; i <= SOLVES; i++) {
  const schedule = await solvePlan(plan, { planId: "bench", scheduleId: `m${i}` });
  if (validateSchedule(plan, schedule).length > 0) throw new Error(`solve ${i} broke a rule`);
  if (i === 1 || i % 200 === 0) samples.push({ solves: i, rssMb: mb() });
}
const seconds = (performance.now() - began) / 1000;
const first = samples[0]?.rssMb ?? 0;
const last = samples.at(-1)?.rssMb ?? 0;
writeResultsSection(
  "Memory",
  [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()} by \`npm run bench:solver\`: ${SOLVES} solves of`,
    `fixtures/plans/tiny-d.json in one thread (${seconds.toFixed(0)} s), each schedule validated.`,
    "",
    "| solves | resident MB |",
    "|---|---|",
    ...samples.map((s) => `| ${s.solves} | ${s.rssMb} |`),
    "",
    `Growth from the first solve to the last: ${last - first} MB.`,
  ].join("\n"),
);

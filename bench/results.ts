import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

// bench/RESULTS.md holds one `## Title` section per benchmark; each benchmark rewrites only its own.

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FILE = `${ROOT}bench/RESULTS.md`;

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export function writeResultsSection(title: string, body: string): void {
  let text: string;
  try {
    text = readFileSync(FILE, "utf8");
  } catch {
    text = "# Benchmark results\n";
  }
  const section = `## ${title}\n\n${body.trimEnd()}\n`;
  const start = text.search(new RegExp(`^## ${title}\\s*$`, "m"));
  if (start < 0) text = `${text.trimEnd()}\n\n${section}`;
  else {
    const rest = text.slice(start + 1);
    const next = rest.search(/^## /m);
    text = text.slice(0, start) + section + (next < 0 ? "" : `\n${rest.slice(next)}`);
  }
  writeFileSync(FILE, text);
  process.stdout.write(`wrote the ${title} section of ${FILE}\n`);
}

/** A port free on loopback, for a server a benchmark starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

import { existsSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

// The first load is what index.html names: its entry script and the chunks it preloads. Everything else
// (each page, ECharts) is fetched when first used. `npm test` builds the page first (npm run build).

const WEB = new URL("../../dist/web/", import.meta.url);
const LIMIT_BYTES = 600 * 1024;

function initialScripts(html: string): string[] {
  const sources = [...html.matchAll(/<script[^>]*\ssrc="\/([^"]+)"/g)].map((m) => m[1] ?? "");
  const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/([^"]+)"/g)].map(
    (m) => m[1] ?? "",
  );
  return [...new Set([...sources, ...preloads])];
}

describe.runIf(existsSync(new URL("index.html", WEB)))("the built page", () => {
  const html = readFileSync(new URL("index.html", WEB), "utf8");
  const scripts = initialScripts(html);

  it("loads at most 600 KB of gzipped JavaScript first", () => {
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(new URL(file, WEB))).length, 0);
    expect(gzipped).toBeLessThanOrEqual(LIMIT_BYTES);
  });

  it("leaves ECharts out of the first load", () => {
    for (const file of scripts) {
      // ECharts marks every chart element with this attribute name.
      expect(readFileSync(new URL(file, WEB), "utf8")).not.toContain("_echarts_instance_");
      expect(file).not.toMatch(/EChart/);
    }
  });
});

import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { serverEnv } from "../support/server-process.js";

// The real service (dist/, as npm start runs it) on a free port with a temporary DATA_DIR, and Debian's
// Chromium driven by playwright-core: no browser is downloaded.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SCREENSHOTS = join(ROOT, ".ci", "out", "screenshots");
export const PLANNER_TOKEN = "e2e-planner-token-0123456789";
export const VIEWER_TOKEN = "e2e-viewer-token-0123456789";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface Service {
  url: string;
  stop(): Promise<void>;
}

export async function startService(options: { tokens?: boolean } = {}): Promise<Service> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "planner-e2e-"));
  // Each service keeps its own data (SQLite in its own directory), or every browser test's plans would share
  // .ci/run's PostgreSQL database, and one cycle.
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "dist", "src", "server.js")], {
    cwd: ROOT,
    env: {
      ...serverEnv(),
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: dataDir,
      DEMO_PLAN: "",
      REPLAN_CRON: "",
      LOG_LEVEL: "warn",
      SOLVE_WORKERS: "2",
      SOLVE_TIME_LIMIT_SECONDS: "20",
      ...(options.tokens ? { PLANNER_TOKENS: PLANNER_TOKEN, VIEWER_TOKENS: VIEWER_TOKEN } : {}),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    if (Date.now() > until) throw new Error("the service did not start within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function newPage(browser: Browser, width = 1366, height = 768): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width, height },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    acceptDownloads: true,
  });
  return context.newPage();
}

/**
 * Waits until no CSS animation or transition runs (a drawer sliding in, a mask fading), up to 5 s; endless
 * ones (a spinner, an active progress bar) do not count.
 */
export async function settle(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(
          "document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getTiming().iterations !== Infinity).length",
        ),
      {
        timeout: 5_000,
      },
    )
    .toBe(0);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await settle(page).catch(() => undefined);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core run in the page: no serious or critical violation. Its script is evaluated over the DevTools
 * protocol, which the page's CSP (no inline scripts) does not govern; @axe-core/playwright needs Node 22.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  // Colours are read mid-animation otherwise, and a fading drawer fails the contrast check.
  await settle(page);
  await page.evaluate(`${AXE}\n;undefined`);
  // A string, as the suite is compiled without the DOM's types.
  const violations = await page.evaluate(`axe.run(document).then((result) => result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target) })))`);
  expect(violations, `${where}: serious or critical accessibility violations`).toEqual([]);
}

/** Opens a page by its navigation label. */
export async function openPage(page: Page, label: string): Promise<void> {
  await page.getByRole("navigation", { name: "主导航" }).getByText(label, { exact: true }).click();
}

/** Chooses an option of an antd select, named by its label, as a mouse user would. */
export async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).click();
  const item = page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option", {
    hasText: new RegExp(`^${option.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
  });
  await item.first().click();
}

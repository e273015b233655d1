import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  expectAccessible,
  launchBrowser,
  newPage,
  openPage,
  PLANNER_TOKEN,
  type Service,
  screenshot,
  startService,
  VIEWER_TOKEN,
} from "./harness.js";

// A viewer sees what the API gives viewers: no cadre's name on any page, whatever they open.

const fixture = JSON.parse(
  readFileSync(new URL("../../fixtures/plans/tiny-d.json", import.meta.url), "utf8"),
);
const names: string[] = fixture.cadres.map((cadre: { name: string }) => cadre.name);

let service: Service;
let browser: Browser;
let page: Page;

async function asPlanner(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${PLANNER_TOKEN}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.ok, await response.clone().text()).toBe(true);
  return (await response.json()) as Record<string, unknown>;
}

async function finished(jobId: unknown): Promise<void> {
  for (;;) {
    const job = await asPlanner("GET", `/v1/jobs/${jobId}`);
    if (job.status === "succeeded") return;
    expect(["queued", "running"]).toContain(job.status);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

beforeAll(async () => {
  service = await startService({ tokens: true });
  // A planner has stored, solved and versioned a plan, and recorded a withdrawal.
  const { id } = await asPlanner("POST", "/v1/plans", { ...fixture, name: "查看者测试计划" });
  await finished((await asPlanner("POST", `/v1/plans/${id}/solve`)).jobId);
  await finished((await asPlanner("POST", `/v1/plans/${id}/replan`)).jobId);
  await asPlanner("POST", `/v1/plans/${id}/events`, {
    type: "cadre_withdrew",
    cadreId: fixture.cadres[0].id,
  });
  browser = await launchBrowser();
  page = await newPage(browser);
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

async function expectNoNames(where: string): Promise<void> {
  await page.waitForLoadState("networkidle");
  // All text in the page, hidden text too: a name kept out of sight is still sent to the viewer.
  const text = (await page.locator("body").textContent()) ?? "";
  const shown = names.filter((name) => text.includes(name));
  expect(shown, `${where} shows cadres' names to a viewer`).toEqual([]);
}

it("a viewer signs in and finds no cadre's name on any page", async ({ onTestFailed }) => {
  onTestFailed(() => screenshot(page, "failure-viewer"));
  await page.goto(service.url);
  await expect.poll(() => page.getByText("请先在右上角输入访问令牌并登录").isVisible()).toBe(true);
  await page.getByLabel("访问令牌").fill(VIEWER_TOKEN);
  await page.getByRole("button", { name: "登录" }).click();
  await expect.poll(() => page.getByText("当前角色：查看者").isVisible()).toBe(true);
  await page.getByRole("button", { name: /^选用 查看者测试计划/ }).click();
  await expectNoNames("计划");
  await screenshot(page, "viewer-1-plans");

  const pages = ["资格审查", "方案比选", "日程", "预算推演", "动态调整", "档案与评价", "导出", "疗养周期"];
  for (const [i, label] of pages.entries()) {
    await openPage(page, label);
    await expect.poll(() => page.getByRole("heading", { name: label, level: 2 }).isVisible()).toBe(true);
    await expectNoNames(label);
    await screenshot(page, `viewer-${i + 2}`);
  }

  // The deepest places names could hide: a batch's participants, and a printable roster.
  await openPage(page, "日程");
  const batch = page.locator("button.timeline-batch").first();
  await expect.poll(() => batch.isVisible(), { timeout: 30_000 }).toBe(true);
  await batch.click();
  await expect.poll(() => page.getByText(/参加人员（\d+ 人）/).isVisible()).toBe(true);
  await expectNoNames("日程：批次");
  await expectAccessible(page, "日程（查看者）");
  await page.keyboard.press("Escape");

  // Write actions say they are for planners instead of failing.
  await openPage(page, "方案比选");
  await expect.poll(() => page.getByRole("button", { name: "开始求解" }).isDisabled()).toBe(true);

  // The keyboard alone moves between pages: focus the navigation, End / Home / arrows, Enter.
  await page.getByRole("menu").focus();
  for (const [key, heading] of [
    ["End", "疗养周期"],
    ["Home", "计划"],
    ["ArrowRight", "资格审查"],
  ] as const) {
    await page.keyboard.press(key);
    // The menu moves focus a frame later; Enter before that would open the item focused before.
    await expect.poll(() => page.evaluate("document.activeElement?.textContent")).toBe(heading);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("heading", { name: heading, level: 2 }).isVisible()).toBe(true);
  }

  // Exports name people: the API refuses viewers, and the page says so in Chinese.
  await openPage(page, "导出");
  await page.getByRole("button", { name: "下载 Excel（.xlsx）" }).click();
  await expect.poll(() => page.getByText("错误：该操作仅限计划员，查看员不能执行").isVisible()).toBe(true);
});

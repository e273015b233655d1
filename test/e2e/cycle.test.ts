import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  expectAccessible,
  launchBrowser,
  newPage,
  openPage,
  type Service,
  screenshot,
  startService,
} from "./harness.js";

// The cycle page: the committed cycle (the city plan and three county plans sharing its cadres) replanned
// city first; the county view lists who the city has already taken, and the city view draws the counties.

const read = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/plans/${name}.json`, import.meta.url), "utf8"));

let service: Service;
let browser: Browser;
let page: Page;
let takenFromRencheng: string[] = [];

async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.ok, await response.clone().text()).toBe(true);
  return (await response.json()) as Record<string, unknown>;
}

async function replan(planId: unknown): Promise<void> {
  const { jobId } = await call("POST", `/v1/plans/${planId}/replan`);
  for (;;) {
    const job = await call("GET", `/v1/jobs/${jobId}`);
    if (job.status === "succeeded") return;
    expect(["queued", "running"]).toContain(job.status);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

beforeAll(async () => {
  service = await startService();
  const city = await call("POST", "/v1/plans", { ...read("cycle-city"), name: "2027年市级荣誉疗养计划" });
  await replan(city.id);
  for (const code of ["370811", "370883", "370829"])
    await replan((await call("POST", "/v1/plans", read(`cycle-${code}`))).id);
  const roll = (await call("GET", "/v1/cycles/2027")) as {
    placements: { level: string; county: string; cadreId: string }[];
  };
  takenFromRencheng = roll.placements
    .filter((p) => p.level === "city" && p.county === "任城区")
    .map((p) => p.cadreId);
  browser = await launchBrowser();
  page = await newPage(browser);
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

it("a county planner sees who the city has taken, and the counties side by side", async ({
  onTestFailed,
}) => {
  onTestFailed(() => screenshot(page, "failure-cycle"));
  expect(takenFromRencheng.length).toBeGreaterThan(0);
  await page.goto(service.url);
  await page.getByLabel("当前计划", { exact: true }).click();
  await page.locator(".ant-select-item-option", { hasText: "任城区" }).first().click();
  await openPage(page, "疗养周期");
  await expect
    .poll(() => page.getByText("市级计划已安排的任城区人员", { exact: false }).isVisible())
    .toBe(true);
  for (const id of takenFromRencheng.slice(0, 5))
    await expect.poll(() => page.getByRole("cell", { name: id, exact: true }).isVisible()).toBe(true);
  await expect
    .poll(() => page.getByRole("img", { name: "各县市区市级与县级计划安排人数柱状图" }).isVisible())
    .toBe(true);
  await screenshot(page, "cycle-county");
  await expectAccessible(page, "疗养周期");
});

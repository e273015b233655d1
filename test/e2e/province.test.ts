import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, newPage, openPage, type Service, screenshot, startService } from "./harness.js";

// A province's roster (20,000 cadres) in 资格审查: the virtual table keeps a few dozen rows in the page
// however far the planner scrolls, so scrolling stays smooth.

const plan = JSON.parse(
  gunzipSync(readFileSync(new URL("../../fixtures/plans/province.json.gz", import.meta.url))).toString(
    "utf8",
  ),
);

let service: Service;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  service = await startService();
  const response = await fetch(`${service.url}/v1/plans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...plan, name: "全省名册" }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  browser = await launchBrowser();
  page = await newPage(browser, 1920, 1080);
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

it("scrolls 20,000 cadres with only the visible rows in the page", async () => {
  await page.goto(service.url);
  await page.getByRole("button", { name: /^选用 全省名册/ }).click();
  await openPage(page, "资格审查");
  await expect.poll(() => page.getByText("显示 20000 人").isVisible(), { timeout: 60_000 }).toBe(true);
  const rows = page.locator(".ant-table-tbody-virtual .ant-table-row");
  expect(await rows.count()).toBeLessThan(100);
  // Down the list by wheel, as a planner scrolls: rows far down the roster come into the page.
  const body = page.locator(".ant-table-tbody-virtual").first();
  const box = await body.boundingBox();
  if (!box) throw new Error("the table has no body");
  await page.mouse.move(box.x + box.width / 2, box.y + 100);
  for (let i = 0; i < 30; i += 1) await page.mouse.wheel(0, 5_000);
  const firstShown = async () => Number((await rows.first().getAttribute("data-row-key"))?.slice(1) ?? 0);
  await expect.poll(firstShown).toBeGreaterThan(1_000);
  expect(await rows.count()).toBeLessThan(100);
  await screenshot(page, "province-eligibility-1920");
});

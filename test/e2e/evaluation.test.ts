import { readFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  choose,
  expectAccessible,
  launchBrowser,
  newPage,
  openPage,
  SCREENSHOTS,
  type Service,
  screenshot,
  startService,
} from "./harness.js";

// The performance evaluation report (Art. 16) in the workbench: a year recorded through the API on a plan
// whose one trip day is today (the service reads the real date, and departures wait for their day), then the
// page's figures against the API's, the A4 print as a PDF, and the workbook read back by exceljs.

// biome-ignore lint/suspicious/noExplicitAny: the answers are read field by field, each checked by an expect
type Json = Record<string, any>;
const fixture: Json = JSON.parse(
  readFileSync(new URL("../../fixtures/plans/tiny-d.json", import.meta.url), "utf8"),
);
const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());

/** tiny-d with every trip one day long and the window today only: batches leave and come back today. */
const plan = {
  ...fixture,
  name: "绩效评价测试计划",
  cycle: { ...fixture.cycle, start: today, end: today },
  planningWindow: { start: today, end: today },
  venues: fixture.venues.map(({ startWeekdays: _, available: __, blackout: ___, ...v }: Json) => ({
    ...v,
    days: 1,
  })),
  staff: [
    ...fixture.staff.map(({ available: _, ...s }: Json) => s),
    {
      id: "S005",
      name: "新护士",
      medical: true,
      qualification: { type: "nurse", certificate: "N-5", validUntil: "2099-12-31" },
    },
  ],
  performanceTargets: {
    participants: 5,
    satisfactionRate: 0.9,
    completionRate: 0.95,
    budgetExecution: { min: 0.01, max: 1 },
  },
};

let service: Service;
let browser: Browser;
let page: Page;
let planId: string;
let evaluation: Json;

async function call(method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.ok, await response.clone().text()).toBe(true);
  return (await response.json()) as Json;
}

async function finished(jobId: unknown): Promise<void> {
  for (;;) {
    const job = await call("GET", `/v1/jobs/${jobId}`);
    if (job.status === "succeeded") return;
    expect(["queued", "running"]).toContain(job.status);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

beforeAll(async () => {
  service = await startService();
  planId = (await call("POST", "/v1/plans", plan)).id;
  await finished((await call("POST", `/v1/plans/${planId}/replan`)).jobId);
  const { currentVersion } = await call("GET", `/v1/plans/${planId}/schedules`);
  const schedule = await call("GET", `/v1/schedules/${currentVersion.scheduleId}`);
  const [first, ...rest] = schedule.batches as Json[];
  if (first === undefined) throw new Error("the replan scheduled no batch today");
  const scheduleId = currentVersion.scheduleId;
  // The first batch's dossier is complete and it leaves as planned; the others leave on an override.
  await call("POST", `/v1/plans/${planId}/events`, [
    {
      type: "batch_host_recorded",
      batchId: first.id,
      hostUnit: "泰安市军休疗养基地",
      agreementSigned: true,
      signedOn: today,
    },
    {
      type: "batch_emergency_plan_recorded",
      batchId: first.id,
      present: true,
      reference: "济军休〔2027〕1号",
      date: today,
    },
    {
      type: "batch_programme_recorded",
      batchId: first.id,
      days: [{ date: today, activities: [{ kind: "current_affairs", title: "时事政治学习" }] }],
    },
    {
      type: "batch_service_groups_recorded",
      batchId: first.id,
      organiser: { name: "王组长", phone: "13905370001" },
      host: { name: "李站长", phone: "0538-1234567" },
    },
    ...(first.cadreIds as string[]).map((cadreId) => ({
      type: "cadre_prepared",
      cadreId,
      agreementSigned: true,
      insurancePurchased: true,
    })),
    { type: "batch_departed", scheduleId, batchId: first.id },
    ...rest.map((b) => ({
      type: "batch_departed",
      scheduleId,
      batchId: b.id,
      override: { reason: "档案纸质归档" },
    })),
    {
      type: "incident_recorded",
      batchId: first.id,
      date: today,
      cadreId: first.cadreIds[0],
      kind: "illness",
      handling: "随队医护处置",
    },
  ]);
  const ratings = ["satisfied", "satisfied", "basically_satisfied", "dissatisfied"];
  for (const b of [first, ...rest] as Json[]) {
    const attended = (b.cadreIds as string[]).slice(0, -1);
    await call("POST", `/v1/plans/${planId}/events`, [
      {
        type: "batch_completed",
        scheduleId,
        batchId: b.id,
        attendedCadreIds: attended,
        actualCost: b.cost.total,
      },
      {
        type: "satisfaction_recorded",
        batchId: b.id,
        responses: attended.map((cadreId, i) => ({ cadreId, rating: ratings[i % ratings.length] })),
      },
    ]);
  }
  evaluation = await call("GET", `/v1/plans/${planId}/evaluation`);
  browser = await launchBrowser();
  page = await newPage(browser);
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

const percent = (share: number | null) => (share === null ? "—" : `${(share * 100).toFixed(1)}%`);

it("shows the report with the API's figures, prints it on A4 and gives the workbook", async ({
  onTestFailed,
}) => {
  onTestFailed(() => screenshot(page, "failure-evaluation"));
  await page.goto(service.url);
  await page.getByRole("button", { name: /^选用 绩效评价测试计划/ }).click();
  await openPage(page, "档案与评价");
  await expect.poll(() => page.getByRole("heading", { name: "档案与评价", level: 2 }).isVisible()).toBe(true);

  const report = page.locator("section.evaluation-report");
  await expect.poll(() => report.isVisible(), { timeout: 30_000 }).toBe(true);
  for (const indicator of evaluation.indicators as Json[]) {
    const cell = report.locator(`tr[data-key="${indicator.key}"] td.value`);
    const expected = indicator.key === "participants" ? String(indicator.value) : percent(indicator.value);
    expect(await cell.textContent(), indicator.key).toBe(expected);
  }
  expect(evaluation.satisfaction.responses).toBeGreaterThan(0);
  expect(await report.textContent()).toContain(`共 ${evaluation.incidents.total} 起`);
  await expect.poll(() => report.locator("canvas").count(), { timeout: 30_000 }).toBe(2);

  // The dossier of the first batch: ready, nothing blocking.
  await choose(page, "选择批次", await firstBatchLabel());
  await expect.poll(() => page.getByText("无阻断事项，可按时出发").isVisible()).toBe(true);
  await screenshot(page, "evaluation-report");
  await expectAccessible(page, "档案与评价");

  // A planner records the dossier on the page: a host unit without a signed agreement blocks at once.
  await page.getByLabel("承办单位", { exact: true }).fill("济宁市军休疗养中心");
  await page.getByRole("button", { name: "登记", exact: true }).click();
  await expect.poll(() => page.getByText("济宁市军休疗养中心，协议未签订").isVisible()).toBe(true);
  await expect.poll(() => page.getByText("与承办单位的协议尚未签订（第九条）").isVisible()).toBe(true);
  await screenshot(page, "evaluation-dossier");

  // Printed: A4 (595 × 842 pt), the report only.
  await page.emulateMedia({ media: "print" });
  const pdf = await page.pdf({
    format: "A4",
    printBackground: false,
    path: join(SCREENSHOTS, "evaluation-report.pdf"),
  });
  const text = pdf.toString("latin1");
  expect(text.startsWith("%PDF")).toBe(true);
  // The report only: the rest of the page takes no paper.
  const pages = (text.match(/\/Type \/Page\b/g) ?? []).length;
  expect(pages).toBeGreaterThanOrEqual(1);
  expect(pages).toBeLessThanOrEqual(3);
  expect(text).toMatch(/\/MediaBox \[0 0 595\.\d+ 841\.\d+\]|\/MediaBox \[0 0 595\.\d+ 842\.\d+\]/);
  await screenshot(page, "evaluation-report-print");
  await page.emulateMedia({ media: "screen" });

  // The workbook opens, with its sheets and the same figures.
  const xlsx = await fetch(`${service.url}/v1/plans/${planId}/evaluation.xlsx`);
  expect(xlsx.headers.get("content-type")).toContain("spreadsheetml");
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await xlsx.arrayBuffer());
  expect(workbook.worksheets.map((s) => s.name)).toEqual([
    "绩效指标",
    "批次",
    "覆盖情况",
    "满意度",
    "意外情况",
  ]);
  const summary = workbook.getWorksheet("绩效指标") as ExcelJS.Worksheet;
  const values = new Map<string, unknown>();
  summary.eachRow((row) => values.set(String(row.getCell(1).value), row.getCell(2).value));
  for (const indicator of evaluation.indicators as Json[])
    expect(values.get(indicator.label), indicator.key).toBe(indicator.value);
});

async function firstBatchLabel(): Promise<string> {
  await page.getByLabel("选择批次").click();
  const option = page
    .locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option")
    .first();
  const label = (await option.textContent()) ?? "";
  await page.keyboard.press("Escape");
  return label;
}

import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { exportRoster } from "../../src/excel/index.js";
import {
  choose,
  expectAccessible,
  launchBrowser,
  newPage,
  openPage,
  type Service,
  screenshot,
  startService,
} from "./harness.js";

// The planner's year in the browser: roster in, eligibility, candidates, a batch, a budget sweep, a
// withdrawal and its replan, and the export read back.

const fixture = JSON.parse(
  readFileSync(new URL("../../fixtures/plans/tiny-d.json", import.meta.url), "utf8"),
);

let service: Service;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  service = await startService();
  browser = await launchBrowser();
  page = await newPage(browser);
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

async function pickDate(label: string, text: string): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(text);
  await input.press("Tab");
}

it("walks the whole year", async ({ onTestFailed }) => {
  onTestFailed(() => screenshot(page, "failure-year"));
  await page.goto(service.url);
  await expect.poll(() => page.getByText("荣誉疗养计划工作台").isVisible()).toBe(true);

  // 计划: the template downloads; the filled roster is uploaded and the plan created.
  const template = page.waitForEvent("download");
  await page.getByRole("button", { name: "下载名册模板" }).click();
  expect((await template).suggestedFilename()).toMatch(/\.xlsx$/);

  await page.getByRole("button", { name: "导入名册新建计划" }).click();
  const workbook = await exportRoster({
    cadres: fixture.cadres,
    staff: fixture.staff,
    venues: fixture.venues,
  });
  const upload = (buffer: Buffer) =>
    page.locator('input[type="file"]').setInputFiles({
      name: "名册.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer,
    });

  // A bad cell first: the planner sees its sheet, row, column and what is wrong, in Chinese.
  await upload(await withBadBirthDate(workbook));
  await expect.poll(() => page.getByRole("alert").isVisible(), { timeout: 30_000 }).toBe(true);
  await expect.poll(() => page.getByRole("cell", { name: "军休干部", exact: true }).isVisible()).toBe(true);
  await expect
    .poll(() =>
      page
        .getByRole("cell", { name: /出生日期/ })
        .first()
        .isVisible(),
    )
    .toBe(true);
  await screenshot(page, "1-plans-bad-roster");

  await upload(workbook);
  await expect
    .poll(() => page.getByText(/名册读取成功：军休干部 30 人/).isVisible(), { timeout: 30_000 })
    .toBe(true);
  await page.getByLabel("计划名称").fill("济宁市2027年度荣誉疗养");
  await pickDate("计划时段开始", `2027年9月13日`);
  await pickDate("计划时段结束", `2027年10月24日`);
  await page.getByLabel("预算总额（元）").fill(String(fixture.budget.total));
  await page.getByLabel("每批最少人数").fill(String(fixture.policy.minBatchSize ?? 1));
  await page.getByRole("button", { name: "创建计划" }).click();
  await expect
    .poll(() => page.getByRole("cell", { name: /^济宁市2027年度荣誉疗养 pln_/ }).isVisible())
    .toBe(true);
  await expect.poll(() => page.getByText("¥34,500").first().isVisible()).toBe(true);
  await screenshot(page, "1-plans");
  await expectAccessible(page, "计划");

  // Editing: a window past the cycle is refused, with the message beside the field; nothing changes.
  await page.getByRole("button", { name: /^编辑 济宁市2027年度荣誉疗养/ }).click();
  await pickDate("计划时段结束", "2028年1月31日");
  await page.getByRole("button", { name: "保存修改" }).click();
  await expect
    .poll(() => page.locator(".ant-form-item-explain-error", { hasText: "超出疗养周期" }).isVisible())
    .toBe(true);
  await screenshot(page, "1-plans-edit-error");
  await page.getByRole("button", { name: "取消" }).click();
  await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
  await expect.poll(() => page.getByText("2027年9月13日 至 2027年10月24日").first().isVisible()).toBe(true);

  // 资格审查: tier 2 only.
  await openPage(page, "资格审查");
  await expect.poll(() => page.getByText("符合条件").first().isVisible(), { timeout: 30_000 }).toBe(true);
  await choose(page, "按档次筛选", "第2档");
  await expect.poll(() => page.getByText("显示 4 人").isVisible()).toBe(true);
  await screenshot(page, "2-eligibility");
  await expectAccessible(page, "资格审查");

  // 方案比选: solve and see the four candidates.
  await openPage(page, "方案比选");
  await page.getByRole("button", { name: "开始求解" }).click();
  await expect.poll(() => page.getByText("状态：已完成").isVisible(), { timeout: 120_000 }).toBe(true);
  for (const name of ["优先保障方案", "经济方案", "系统内场所方案", "最少批次方案"]) {
    await expect.poll(() => page.getByRole("columnheader", { name }).isVisible()).toBe(true);
  }
  await screenshot(page, "3-candidates");
  await expectAccessible(page, "方案比选");

  // 日程: pick the priority schedule and open a batch.
  await page.getByRole("button", { name: /选用「优先保障方案」/ }).click();
  const batch = page.locator("button.timeline-batch").first();
  await expect.poll(() => batch.isVisible(), { timeout: 30_000 }).toBe(true);
  await batch.click();
  await expect.poll(() => page.getByText(/参加人员（\d+ 人）/).isVisible()).toBe(true);
  await expect.poll(() => page.getByText("✚ 医护人员").first().isVisible()).toBe(true);
  await screenshot(page, "4-schedule-batch");
  await page.keyboard.press("Escape");
  await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
  await expect.poll(() => page.getByText("瓶颈分析").isVisible()).toBe(true);
  await screenshot(page, "4-schedule");
  await expectAccessible(page, "日程");

  // 预算推演: three budgets and their curve.
  await openPage(page, "预算推演");
  await page.getByLabel("起始预算（元）").fill("20000");
  await page.getByLabel("结束预算（元）").fill("40000");
  await page.getByLabel("步长（元）").fill("10000");
  await page.getByRole("button", { name: "开始推演" }).click();
  await expect.poll(() => page.getByText("状态：已完成").isVisible(), { timeout: 240_000 }).toBe(true);
  await expect.poll(() => page.getByRole("img", { name: /各档覆盖率随预算变化/ }).isVisible()).toBe(true);
  for (const budget of ["¥20,000", "¥30,000", "¥40,000"]) {
    await expect.poll(() => page.getByRole("cell", { name: budget, exact: true }).isVisible()).toBe(true);
  }
  // The plan's budget frontier, computed in the background since the plan was stored: every budget, exact.
  await expect
    .poll(() => page.getByRole("img", { name: /预算前沿：共 \d+ 级/ }).isVisible(), { timeout: 240_000 })
    .toBe(true);
  // A scenario beside the baseline: fewer places per batch at the first venue.
  await choose(page, "疗养地点", await firstOptionText(page, "疗养地点"));
  await page.getByLabel("每批名额").fill("8");
  await page.getByRole("button", { name: "添加情景" }).click();
  await page.getByRole("button", { name: "运行情景比较" }).click();
  await expect
    .poll(() => page.getByRole("columnheader", { name: /每批名额 8/ }).isVisible(), { timeout: 240_000 })
    .toBe(true);
  await expect
    .poll(() => page.getByRole("columnheader", { name: "基准", exact: true }).isVisible())
    .toBe(true);
  await screenshot(page, "5-budget");
  await expectAccessible(page, "预算推演");

  // 动态调整: version 1, a scheduled cadre withdraws, version 2 and its diff.
  await openPage(page, "动态调整");
  await page.getByRole("button", { name: "重新编排" }).click();
  await expect.poll(() => page.getByText(/已生成第1版/).isVisible(), { timeout: 120_000 }).toBe(true);
  // Someone on version 1's first batch withdraws, so the diff has something to show.
  const read = async <T>(path: string): Promise<T> =>
    (await fetch(`${service.url}${path}`)).json() as Promise<T>;
  const plans = await read<{ items: { id: string }[] }>("/v1/plans");
  const versions = await read<{ currentVersion: { scheduleId: string } }>(
    `/v1/plans/${plans.items[0]?.id}/schedules`,
  );
  const version1 = await read<{ batches: { cadreIds: string[] }[] }>(
    `/v1/schedules/${versions.currentVersion.scheduleId}`,
  );
  const leaving = version1.batches[0]?.cadreIds[0] ?? "";
  await page.getByLabel("军休干部", { exact: true }).click();
  await page.keyboard.type(leaving);
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "登记" }).click();
  await expect.poll(() => page.getByRole("cell", { name: "军休干部退出" }).isVisible()).toBe(true);
  await page.getByRole("button", { name: "重新编排" }).click();
  await expect.poll(() => page.getByText(/已生成第2版/).isVisible(), { timeout: 120_000 }).toBe(true);
  await expect.poll(() => page.getByText(/本人退出（WITHDREW）/).isVisible()).toBe(true);
  await expect
    .poll(() =>
      page
        .getByRole("cell", { name: new RegExp(`^${leaving}`) })
        .first()
        .isVisible(),
    )
    .toBe(true);
  await screenshot(page, "6-events");
  await expectAccessible(page, "动态调整");

  // 导出: the workbook downloads and reads back; a batch roster prints on A4.
  await openPage(page, "导出");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "下载 Excel（.xlsx）" }).click();
  const file = await (await download).path();
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  const sheets = book.worksheets.map((sheet) => sheet.name);
  expect(sheets.length).toBeGreaterThan(1);
  expect(sheets.join()).toMatch(/费用/);
  await choose(page, "选择批次", await firstOptionText(page, "选择批次"));
  await expect.poll(() => page.getByRole("region", { name: "批次名单" }).isVisible()).toBe(true);
  await screenshot(page, "7-export");
  await expectAccessible(page, "导出");
  await page.emulateMedia({ media: "print" });
  await screenshot(page, "7-export-print");
  await page.emulateMedia({ media: "screen" });
});

/** The first option's text of an antd select (opens and closes it). */
async function firstOptionText(page: Page, label: string): Promise<string> {
  await page.getByLabel(label, { exact: true }).click();
  const first = page
    .locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option")
    .first();
  const text = (await first.textContent()) ?? "";
  await page.keyboard.press("Escape");
  return text;
}

/** The roster with one impossible birth date in the cadre sheet's first row. */
async function withBadBirthDate(roster: Buffer): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(roster as unknown as ArrayBuffer);
  const sheet = book.getWorksheet("军休干部");
  if (!sheet) throw new Error("the roster has no 军休干部 sheet");
  let column = 0;
  sheet.getRow(1).eachCell((cell, index) => {
    if (String(cell.value).includes("出生日期")) column = index;
  });
  sheet.getRow(2).getCell(column).value = "1936-02-30";
  return Buffer.from(await book.xlsx.writeBuffer());
}

import { useMutation, useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Descriptions, Space, Table, Tag, Typography } from "antd";
import { useMemo } from "react";
import { api, ok, saveBlob } from "../api/client";
import type { CyclePlacement, CycleRollUp } from "../api/types";
import { Chart } from "../components/Chart";
import { ErrorAlert } from "../components/ErrorAlert";
import { NeedPlan } from "../components/NeedPlan";
import { PageTitle } from "../components/PageTitle";
import { formatDate, formatMoney, formatTier } from "../format";
import { PLANNERS_ONLY, usePlan, useRole } from "../queries";
import { useWorkbench } from "../state";

// One cycle, city and counties together: the counties side by side for the city, and for a county plan who
// the city has already taken from its roster (they are out of the county's plan, Art. 8).

const LEVEL_LABEL = { city: "市级", county: "县级" } as const;
const STATE_LABEL: Record<CyclePlacement["state"], string> = {
  planned: "已排入（未发布）",
  published: "已发布",
  departed: "已出发",
  completed: "已完成",
  absent: "未参加",
};

type PlanFigures = CycleRollUp["plans"][number];

function countyChart(roll: CycleRollUp) {
  const rows = roll.byCounty;
  return {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 40, bottom: 48 },
    xAxis: { type: "category", data: rows.map((r) => r.name), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", name: "人数", minInterval: 1 },
    series: [
      { name: "市级计划安排", type: "bar", stack: "scheduled", data: rows.map((r) => r.cityPlan.scheduled) },
      {
        name: "县级计划安排",
        type: "bar",
        stack: "scheduled",
        data: rows.map((r) => r.countyPlans.scheduled),
      },
      { name: "县级计划符合条件", type: "bar", data: rows.map((r) => r.countyPlans.eligible) },
    ],
  };
}

export default function CyclePage() {
  const { planId } = useWorkbench();
  const viewer = useRole() === "viewer";
  const plan = usePlan(planId);
  const stored = plan.data?.plan;
  const cycleId = stored?.cycle.id ?? null;
  const roll = useQuery({
    queryKey: ["cycle", cycleId, stored?.organizer.city],
    enabled: cycleId !== null,
    queryFn: () =>
      ok(
        api.GET("/v1/cycles/{cycleId}", {
          params: {
            path: { cycleId: cycleId ?? "" },
            query: { province: stored?.organizer.province ?? "", city: stored?.organizer.city ?? "" },
          },
        }),
      ),
  });
  const download = useMutation({
    mutationFn: async () => {
      const blob = await ok(
        api.GET("/v1/cycles/{cycleId}/nominees.xlsx", {
          params: {
            path: { cycleId: cycleId ?? "" },
            query: { province: stored?.organizer.province ?? "", city: stored?.organizer.city ?? "" },
          },
          parseAs: "blob",
        }),
      );
      saveBlob(blob as unknown as Blob, `优先推荐人选-${cycleId}.xlsx`);
    },
  });
  const county = stored?.organizer.level === "county" ? (stored.organizer.county ?? null) : null;
  const takenByCity = useMemo(
    () => (roll.data?.placements ?? []).filter((p) => p.level === "city" && p.county === county),
    [roll.data, county],
  );
  if (!planId) return <NeedPlan />;
  const data = roll.data;
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Space wrap>
        <PageTitle>疗养周期 {cycleId ?? ""}</PageTitle>
        {data ? (
          <Tag>{`${data.province} › ${data.city}${data.cityCode ? `（${data.cityCode}）` : ""}`}</Tag>
        ) : null}
        <Button
          disabled={viewer || !data}
          title={viewer ? PLANNERS_ONLY : undefined}
          loading={download.isPending}
          onClick={() => download.mutate()}
        >
          下载部级、省级优先推荐人选（xlsx）
        </Button>
      </Space>
      <ErrorAlert error={roll.error ?? download.error} />
      {data ? (
        <>
          <Descriptions bordered size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label="符合条件（去重）">{data.total.eligible} 人</Descriptions.Item>
            <Descriptions.Item label="已安排（去重）">{data.total.scheduled} 人</Descriptions.Item>
            <Descriptions.Item label="已完成疗养">{data.total.served} 人</Descriptions.Item>
            {(["city", "county"] as const).map((level) => (
              <Descriptions.Item key={level} label={`${LEVEL_LABEL[level]}预算：批准 / 计划 / 实际支出`}>
                {formatMoney(data.byLevel[level].budget.approved)} /{" "}
                {formatMoney(data.byLevel[level].budget.planned)} /{" "}
                {formatMoney(data.byLevel[level].budget.spent)}
              </Descriptions.Item>
            ))}
          </Descriptions>
          {data.warnings.length > 0 ? (
            <Alert
              type="warning"
              showIcon
              message={`需要核对的情况 ${data.warnings.length} 项`}
              description={
                <ul style={{ margin: 0 }}>
                  {data.warnings.map((w) => (
                    <li key={`${w.code}-${w.cadreId}`}>{w.message}</li>
                  ))}
                </ul>
              }
            />
          ) : null}
          {county !== null ? (
            <Card title={`市级计划已安排的${county}人员（本县计划中按第八条不再安排）`} size="small">
              <Table<CyclePlacement>
                size="small"
                rowKey={(p) => `${p.planId}-${p.cadreId}`}
                dataSource={takenByCity}
                pagination={{ pageSize: 20 }}
                columns={[
                  { title: "登记号", dataIndex: "cadreId" },
                  { title: "姓名", dataIndex: "name", render: (name?: string) => name ?? "—" },
                  { title: "优先级", dataIndex: "tier", render: (tier: number | null) => formatTier(tier) },
                  { title: "市级批次", dataIndex: "batchId" },
                  {
                    title: "日期",
                    render: (_: unknown, p: CyclePlacement) =>
                      `${formatDate(p.start)} 至 ${formatDate(p.end)}`,
                  },
                  {
                    title: "状态",
                    dataIndex: "state",
                    render: (s: CyclePlacement["state"]) => STATE_LABEL[s],
                  },
                ]}
              />
            </Card>
          ) : null}
          <Card title="各县（市、区）对比：市级与县级计划安排人数" size="small">
            <Chart option={countyChart(data)} label="各县市区市级与县级计划安排人数柱状图" height={360} />
          </Card>
          <Card title="本周期的计划" size="small">
            <Table<PlanFigures>
              size="small"
              rowKey="planId"
              dataSource={data.plans}
              pagination={false}
              columns={[
                { title: "计划", dataIndex: "name", render: (n: string, p) => `${n}（${p.planId}）` },
                { title: "层级", dataIndex: "level", render: (l: PlanFigures["level"]) => LEVEL_LABEL[l] },
                {
                  title: "区划代码",
                  dataIndex: "countyCode",
                  render: (c: string | null) => c ?? data.cityCode ?? "—",
                },
                {
                  title: "当前版本",
                  dataIndex: "currentVersion",
                  render: (v: PlanFigures["currentVersion"]) => (v ? `第 ${v.version} 版` : "尚未排程"),
                },
                { title: "符合条件", dataIndex: "eligible" },
                { title: "已安排", dataIndex: "scheduled" },
                { title: "已完成", dataIndex: "served" },
                {
                  title: "批次（已发布 / 已出发 / 已完成）",
                  render: (_: unknown, p) =>
                    `${p.batches.total}（${p.batches.published} / ${p.batches.departed} / ${p.batches.completed}）`,
                },
                { title: "批准预算", render: (_: unknown, p) => formatMoney(p.budget.approved) },
                { title: "计划费用", render: (_: unknown, p) => formatMoney(p.budget.planned) },
              ]}
            />
          </Card>
          <Typography.Paragraph type="secondary">
            各级计划按军休干部登记号认人；一个疗养周期内每人只参加一次（第八条）：县级计划不再安排市级当前版本已安排的人员，
            市级计划不再安排县级已发布、已出发或已完成批次中的人员。
          </Typography.Paragraph>
        </>
      ) : null}
    </Space>
  );
}

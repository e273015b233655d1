import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Space, Table, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { api, ok } from "../api/client";
import type { Compare } from "../api/types";
import { Chart } from "../components/Chart";
import { ErrorAlert } from "../components/ErrorAlert";
import { JobProgress, useJob } from "../components/JobProgress";
import { NeedPlan } from "../components/NeedPlan";
import { PageTitle } from "../components/PageTitle";
import { formatDateTime, formatMoney, formatPercent } from "../format";
import { CANDIDATE_LABEL, SOLVE_STATUS_LABEL } from "../labels";
import { PLANNERS_ONLY, useRole } from "../queries";
import { useWorkbench } from "../state";

type Candidate = Compare["candidates"][number];

const KPI_ROWS: { key: string; label: string; value: (c: Candidate) => string }[] = [
  { key: "status", label: "求解状态", value: (c) => SOLVE_STATUS_LABEL[c.status] ?? c.status },
  { key: "scheduled", label: "安排人数", value: (c) => `${c.kpis.scheduled} 人` },
  { key: "totalCost", label: "总费用", value: (c) => formatMoney(c.kpis.totalCost) },
  { key: "budgetLeft", label: "预算结余", value: (c) => formatMoney(c.kpis.budgetLeft) },
  { key: "batches", label: "批次数", value: (c) => `${c.kpis.batches} 批` },
  { key: "staffDays", label: "工作人员出行人天", value: (c) => `${c.kpis.staffDays}` },
  { key: "systemVenueShare", label: "系统内场所占比", value: (c) => formatPercent(c.kpis.systemVenueShare) },
  { key: "countiesReached", label: "覆盖县（区）数", value: (c) => `${c.kpis.countiesReached}` },
  ...[0, 1, 2, 3, 4, 5].map((tier) => ({
    key: `tier${tier + 1}`,
    label: `第${tier + 1}档覆盖率`,
    value: (c: Candidate) => formatPercent(c.kpis.coverageByTier[tier]),
  })),
];

export default function CandidatesPage() {
  const { planId, scheduleId, chooseSchedule, go } = useWorkbench();
  const client = useQueryClient();
  const viewer = useRole() === "viewer";
  const [jobId, setJobId] = useState<string | null>(null);
  const plan = useQuery({
    queryKey: ["plan", planId],
    enabled: planId !== null,
    queryFn: () => ok(api.GET("/v1/plans/{id}", { params: { path: { id: planId ?? "" } } })),
  });
  // A solve already running (started earlier, or elsewhere) is followed too.
  const latest = plan.data?.latestJob;
  useEffect(() => {
    if (latest && (latest.status === "queued" || latest.status === "running")) setJobId(latest.id);
  }, [latest]);
  const job = useJob(jobId);
  const compare = useQuery({
    queryKey: ["compare", planId, job.data?.status],
    enabled: planId !== null,
    queryFn: () => ok(api.GET("/v1/plans/{id}/compare", { params: { path: { id: planId ?? "" } } })),
  });
  const solve = useMutation({
    mutationFn: () => ok(api.POST("/v1/plans/{id}/solve", { params: { path: { id: planId ?? "" } } })),
    onSuccess: (data) => {
      setJobId(data.jobId);
      client.invalidateQueries({ queryKey: ["plans"] });
    },
  });
  useEffect(() => {
    if (job.data?.status === "succeeded") client.invalidateQueries({ queryKey: ["plans"] });
  }, [job.data?.status, client]);

  if (!planId) return <NeedPlan />;
  const running = job.data?.status === "queued" || job.data?.status === "running";
  const candidates = compare.data?.candidates ?? [];
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <PageTitle>方案比选</PageTitle>
      <Card size="small">
        <Space direction="vertical" style={{ width: "100%" }}>
          <Typography.Paragraph style={{ margin: 0 }}>
            求解会同时计算四个候选方案：优先保障、经济、系统内场所、最少批次，每个方案都经过规则校验。
          </Typography.Paragraph>
          <Button
            type="primary"
            onClick={() => solve.mutate()}
            loading={solve.isPending}
            disabled={running || viewer}
            title={viewer ? PLANNERS_ONLY : undefined}
          >
            开始求解
          </Button>
          <ErrorAlert error={solve.error ?? job.error} />
          <JobProgress job={job.data} label="求解" />
        </Space>
      </Card>
      {compare.isError && !running ? (
        <Typography.Text>尚无求解结果，请点击「开始求解」。</Typography.Text>
      ) : null}
      {candidates.length > 0 ? (
        <>
          <Card size="small" title={`候选方案（求解于 ${formatDateTime(compare.data?.solvedAt)}）`}>
            <Table
              size="small"
              rowKey="key"
              pagination={false}
              scroll={{ x: 900 }}
              dataSource={KPI_ROWS}
              columns={[
                { title: "指标", dataIndex: "label", fixed: "left", width: 160 },
                ...candidates.map((c) => ({
                  title: (
                    <Space direction="vertical" size={0}>
                      <span>{CANDIDATE_LABEL[c.candidate] ?? c.candidate}</span>
                      {c.scheduleId === scheduleId ? <Tag>✓ 已选用</Tag> : null}
                    </Space>
                  ),
                  key: c.scheduleId,
                  render: (_: unknown, row: (typeof KPI_ROWS)[number]) => row.value(c),
                })),
              ]}
            />
            <Space wrap style={{ marginTop: 12 }}>
              {candidates.map((c) => (
                <Button
                  key={c.scheduleId}
                  type={c.scheduleId === scheduleId ? "primary" : "default"}
                  onClick={() => {
                    chooseSchedule(c.scheduleId);
                    go("schedule");
                  }}
                >
                  选用「{CANDIDATE_LABEL[c.candidate] ?? c.candidate}」并查看日程
                </Button>
              ))}
            </Space>
          </Card>
          <Card size="small" title="各档覆盖率">
            <Chart
              label={`各候选方案各档覆盖率：${candidates
                .map(
                  (c) =>
                    `${CANDIDATE_LABEL[c.candidate] ?? c.candidate} ${c.kpis.coverageByTier.map(formatPercent).join("、")}`,
                )
                .join("；")}`}
              option={{
                legend: { top: 0 },
                tooltip: { trigger: "axis", valueFormatter: (v: number) => formatPercent(v) },
                grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
                xAxis: { type: "category", data: [1, 2, 3, 4, 5, 6].map((t) => `第${t}档`) },
                yAxis: { type: "value", max: 1, axisLabel: { formatter: (v: number) => formatPercent(v) } },
                series: candidates.map((c, i) => ({
                  type: "bar",
                  name: CANDIDATE_LABEL[c.candidate] ?? c.candidate,
                  data: c.kpis.coverageByTier,
                  // Patterns as well as colours tell the candidates apart.
                  itemStyle: { decal: { symbol: ["rect", "circle", "triangle", "diamond"][i] } },
                })),
                aria: { enabled: true, decal: { show: true } },
              }}
            />
          </Card>
        </>
      ) : null}
    </Space>
  );
}

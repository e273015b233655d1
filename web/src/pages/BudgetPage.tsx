import { useMutation } from "@tanstack/react-query";
import { Button, Card, DatePicker, Form, InputNumber, Select, Space, Table, Typography } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { api, ok } from "../api/client";
import type { ScenarioResult, SweepResult, WhatIfRequest } from "../api/types";
import { Chart } from "../components/Chart";
import { ErrorAlert } from "../components/ErrorAlert";
import { FrontierCard } from "../components/FrontierCard";
import { JobProgress, useJob } from "../components/JobProgress";
import { NeedPlan } from "../components/NeedPlan";
import { PageTitle } from "../components/PageTitle";
import { toIso } from "../components/PlanFields";
import { formatMoney, formatPercent, formatRange } from "../format";
import { SOLVE_STATUS_LABEL, staffLabel, TIERS } from "../labels";
import { PLANNERS_ONLY, usePlan, useRole } from "../queries";
import { useWorkbench } from "../state";

function useWhatIf(planId: string | null) {
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: (body: WhatIfRequest) =>
      ok(api.POST("/v1/plans/{id}/what-if", { params: { path: { id: planId ?? "" } }, body })),
    onSuccess: (data) => setJobId(data.jobId),
  });
  const job = useJob(jobId);
  return { start, job };
}

function SweepChart({ result }: { result: SweepResult }) {
  const runs = result.runs;
  const tiers = TIERS.filter((t) => runs.some((r) => (r.scheduledByTier[t - 1] ?? 0) > 0));
  // The axis spans the least budgets too, so each one's mark is drawn even outside the swept range.
  const budgets = [...runs.map((r) => r.budget), ...result.leastBudgetForTiers.map((l) => l.budget)];
  return (
    <Chart
      label={`各档覆盖率随预算变化：${runs
        .map((r) => `${formatMoney(r.budget)} 安排 ${r.scheduled} 人`)
        .join(
          "；",
        )}；${result.leastBudgetForTiers.map((l) => `第1至${l.tiers}档最少预算 ${formatMoney(l.budget)}`).join("；")}`}
      height={360}
      option={{
        legend: { top: 0 },
        tooltip: { trigger: "axis", valueFormatter: (v: number) => formatPercent(v) },
        grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
        xAxis: {
          type: "value",
          name: "预算",
          min: Math.min(...budgets),
          max: Math.max(...budgets),
          axisLabel: { formatter: (v: number) => formatMoney(v) },
        },
        yAxis: {
          type: "value",
          max: 1,
          name: "覆盖率",
          axisLabel: { formatter: (v: number) => formatPercent(v) },
        },
        series: tiers.map((t, i) => ({
          type: "line",
          name: `第${t}档`,
          symbol: ["circle", "rect", "triangle", "diamond", "pin", "arrow"][i],
          symbolSize: 9,
          data: runs.map((r) => [r.budget, r.kpis.coverageByTier[t - 1] ?? 0]),
          ...(i === 0
            ? {
                markLine: {
                  symbol: "none",
                  lineStyle: { type: "dashed" },
                  label: { formatter: (p: { name: string }) => p.name, position: "insideEndTop" },
                  data: result.leastBudgetForTiers.map((l) => ({
                    name: `第1–${l.tiers}档最少 ${formatMoney(l.budget)}`,
                    xAxis: l.budget,
                  })),
                },
              }
            : {}),
        })),
      }}
    />
  );
}

function Sweep({ planId, total }: { planId: string; total: number }) {
  const viewer = useRole() === "viewer";
  const { start, job } = useWhatIf(planId);
  const result = job.data?.status === "succeeded" ? (job.data.result as SweepResult | undefined) : undefined;
  return (
    <Card size="small" title="预算区间推演">
      <Form
        layout="inline"
        initialValues={{
          from: Math.round(total * 0.5),
          to: Math.round(total * 1.5),
          step: Math.round(total * 0.5),
        }}
        onFinish={(v: { from: number; to: number; step: number }) => start.mutate({ range: v })}
      >
        <Form.Item name="from" label="起始预算（元）" rules={[{ required: true }]}>
          <InputNumber min={0} prefix="¥" aria-label="起始预算（元）" />
        </Form.Item>
        <Form.Item name="to" label="结束预算（元）" rules={[{ required: true }]}>
          <InputNumber min={0} prefix="¥" aria-label="结束预算（元）" />
        </Form.Item>
        <Form.Item name="step" label="步长（元）" rules={[{ required: true }]}>
          <InputNumber min={1} prefix="¥" aria-label="步长（元）" />
        </Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          loading={start.isPending}
          disabled={viewer}
          title={viewer ? PLANNERS_ONLY : undefined}
        >
          开始推演
        </Button>
      </Form>
      <ErrorAlert error={start.error} />
      <div style={{ marginTop: 12 }}>
        <JobProgress job={job.data} label="预算推演" />
      </div>
      {result && "leastBudgetForTiers" in result ? (
        <Space direction="vertical" style={{ width: "100%" }}>
          <SweepChart result={result} />
          <Table
            size="small"
            rowKey="budget"
            pagination={false}
            dataSource={result.runs}
            columns={[
              { title: "预算", dataIndex: "budget", render: (v: number) => formatMoney(v) },
              { title: "安排人数", dataIndex: "scheduled" },
              { title: "各档人数", dataIndex: "scheduledByTier", render: (v: number[]) => v.join(" / ") },
              { title: "总费用", dataIndex: "totalCost", render: (v: number) => formatMoney(v) },
              { title: "批次", dataIndex: "batches" },
              {
                title: "边际成本（元/人）",
                dataIndex: "marginalCostPerCadre",
                render: (v: number | null) => (v === null ? "—" : formatMoney(v)),
              },
              { title: "求解状态", dataIndex: "status", render: (s: string) => SOLVE_STATUS_LABEL[s] ?? s },
            ]}
          />
          <Table
            size="small"
            rowKey="tiers"
            pagination={false}
            title={() => "保障前 k 档的最少预算"}
            dataSource={result.leastBudgetForTiers}
            columns={[
              { title: "档次", dataIndex: "tiers", render: (k: number) => `第1至${k}档` },
              { title: "最少预算", dataIndex: "budget", render: (v: number) => formatMoney(v) },
              { title: "各档人数", dataIndex: "scheduledByTier", render: (v: number[]) => v.join(" / ") },
              { title: "已证明", dataIndex: "proven", render: (v: boolean) => (v ? "✓ 已证明" : "✗ 未证明") },
            ]}
          />
        </Space>
      ) : null}
    </Card>
  );
}

interface ScenarioDraft {
  name: string;
  patch: Record<string, unknown>;
}

function Scenarios({ planId }: { planId: string }) {
  const viewer = useRole() === "viewer";
  const plan = usePlan(planId).data?.plan;
  const { start, job } = useWhatIf(planId);
  const [drafts, setDrafts] = useState<ScenarioDraft[]>([]);
  const [kind, setKind] = useState<"venue" | "staff" | "window">("venue");
  const [form] = Form.useForm();
  const result =
    job.data?.status === "succeeded" ? (job.data.result as ScenarioResult | undefined) : undefined;
  if (!plan) return null;
  const add = (v: { venueId?: string; capacity?: number; staffId?: string; range?: [Dayjs, Dayjs] }) => {
    const { venueId, capacity, staffId } = v;
    if (kind === "venue" && venueId && capacity) {
      setDrafts((d) => [
        ...d,
        {
          name: `${venueId} 每批名额 ${capacity}`,
          patch: { venues: { [venueId]: { capacityPerBatch: capacity } } },
        },
      ]);
    } else if (kind === "staff" && staffId && v.range) {
      const staff = plan.staff.find((s) => s.id === staffId);
      const leave = { start: toIso(v.range[0]), end: toIso(v.range[1]) };
      setDrafts((d) => [
        ...d,
        {
          name: `${staffId} 请假 ${formatRange(leave)}`,
          patch: { staff: { [staffId]: { unavailable: [...(staff?.unavailable ?? []), leave] } } },
        },
      ]);
    } else if (kind === "window" && v.range) {
      const window = { start: toIso(v.range[0]), end: toIso(v.range[1]) };
      setDrafts((d) => [
        ...d,
        { name: `计划时段 ${formatRange(window)}`, patch: { planningWindow: window } },
      ]);
    }
    form.resetFields();
  };
  const runs = result && "runs" in result ? result.runs : [];
  return (
    <Card size="small" title="情景比较（与基准并列）">
      <Form form={form} layout="inline" onFinish={add}>
        <Form.Item label="情景类型">
          <Select
            aria-label="情景类型"
            style={{ width: 160 }}
            value={kind}
            onChange={setKind}
            options={[
              { value: "venue", label: "疗养地点名额" },
              { value: "staff", label: "工作人员请假" },
              { value: "window", label: "计划时段" },
            ]}
          />
        </Form.Item>
        {kind === "venue" ? (
          <>
            <Form.Item
              name="venueId"
              label="疗养地点"
              rules={[{ required: true, message: "请选择疗养地点" }]}
            >
              <Select
                aria-label="疗养地点"
                style={{ width: 220 }}
                options={plan.venues.map((v) => ({
                  value: v.id,
                  label: `${v.id} ${v.name ?? ""}（每批 ${v.capacityPerBatch} 人）`,
                }))}
              />
            </Form.Item>
            <Form.Item name="capacity" label="每批名额" rules={[{ required: true, message: "请填写名额" }]}>
              <InputNumber min={1} precision={0} aria-label="每批名额" />
            </Form.Item>
          </>
        ) : null}
        {kind === "staff" ? (
          <Form.Item name="staffId" label="工作人员" rules={[{ required: true, message: "请选择工作人员" }]}>
            <Select
              aria-label="工作人员"
              style={{ width: 200 }}
              options={plan.staff.map((s) => ({
                value: s.id,
                label: staffLabel(s),
              }))}
            />
          </Form.Item>
        ) : null}
        {kind !== "venue" ? (
          <Form.Item
            name="range"
            label={kind === "staff" ? "请假日期" : "新的计划时段"}
            rules={[{ required: true, message: "请选择日期" }]}
          >
            <DatePicker.RangePicker format="YYYY年M月D日" />
          </Form.Item>
        ) : null}
        <Button htmlType="submit">添加情景</Button>
      </Form>
      <Space direction="vertical" style={{ width: "100%", marginTop: 12 }}>
        <Typography.Text>待比较：基准{drafts.map((d) => `、${d.name}`).join("")}</Typography.Text>
        <Space>
          <Button
            type="primary"
            disabled={drafts.length === 0 || viewer}
            title={viewer ? PLANNERS_ONLY : undefined}
            loading={start.isPending}
            onClick={() => start.mutate({ scenarios: [{ name: "基准", patch: {} }, ...drafts] })}
          >
            运行情景比较
          </Button>
          <Button disabled={drafts.length === 0} onClick={() => setDrafts([])}>
            清空情景
          </Button>
        </Space>
        <ErrorAlert error={start.error} />
        <JobProgress job={job.data} label="情景比较" />
        {runs.length > 0 ? (
          <Table
            size="small"
            rowKey="key"
            pagination={false}
            scroll={{ x: 800 }}
            dataSource={[
              {
                key: "scheduled",
                label: "安排人数",
                value: (r: (typeof runs)[number]) => `${r.scheduled} 人`,
              },
              {
                key: "byTier",
                label: "各档人数",
                value: (r: (typeof runs)[number]) => r.scheduledByTier.join(" / "),
              },
              { key: "cost", label: "总费用", value: (r: (typeof runs)[number]) => formatMoney(r.totalCost) },
              { key: "batches", label: "批次", value: (r: (typeof runs)[number]) => `${r.batches}` },
              {
                key: "status",
                label: "求解状态",
                value: (r: (typeof runs)[number]) => SOLVE_STATUS_LABEL[r.status] ?? r.status,
              },
            ]}
            columns={[
              { title: "指标", dataIndex: "label", width: 120 },
              ...runs.map((r) => ({
                title: r.name,
                key: r.name,
                render: (_: unknown, row: { value: (r: (typeof runs)[number]) => string }) => row.value(r),
              })),
            ]}
          />
        ) : null}
      </Space>
    </Card>
  );
}

export default function BudgetPage() {
  const { planId } = useWorkbench();
  const plan = usePlan(planId);
  if (!planId) return <NeedPlan />;
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <PageTitle>预算推演</PageTitle>
      <ErrorAlert error={plan.error} />
      {plan.data ? (
        <>
          <Typography.Text>当前预算：{formatMoney(plan.data.plan.budget.total)}</Typography.Text>
          <FrontierCard planId={planId} total={plan.data.plan.budget.total} />
          <Sweep planId={planId} total={plan.data.plan.budget.total} />
          <Scenarios planId={planId} />
        </>
      ) : null}
    </Space>
  );
}

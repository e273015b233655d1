import { useMutation, useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Descriptions, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { api, ok, saveBlob } from "../api/client";
import type { BatchDossier, Evaluation } from "../api/types";
import { Chart } from "../components/Chart";
import { DossierForm } from "../components/DossierForm";
import { ErrorAlert } from "../components/ErrorAlert";
import { NeedPlan } from "../components/NeedPlan";
import { PageTitle } from "../components/PageTitle";
import { formatDate, formatMoney, formatPercent, formatRange, formatTier } from "../format";
import { usePlan, useRole, useSchedule, useSchedules } from "../queries";
import { useWorkbench } from "../state";

// Each batch's dossier with its readiness (Art. 9–13), and the year's performance evaluation (Art. 16) as a
// page with charts and as the printable A4 report (绩效评价报告): the figures are the API's, never recomputed.

const SATISFACTION_LABEL = {
  satisfied: "满意",
  basically_satisfied: "基本满意",
  dissatisfied: "不满意",
} as const;
const INCIDENT_LABEL: Record<string, string> = {
  illness: "突发疾病",
  injury: "意外受伤",
  traffic: "交通事故",
  lost: "走失",
  other: "其他",
};
const STATUS_LABEL = {
  planned: "未出发",
  published: "已公布",
  departed: "已出发",
  completed: "已完成",
} as const;

type Indicator = Evaluation["indicators"][number];

function shown(indicator: Indicator): string {
  return indicator.key === "participants" ? String(indicator.value ?? "—") : formatPercent(indicator.value);
}

function target(indicator: Indicator): string {
  const t = indicator.target;
  if (t === null) return "未设定";
  const show = (n: number) => (indicator.key === "participants" ? String(n) : formatPercent(n));
  return typeof t === "number" ? `≥ ${show(t)}` : `${show(t.min)} ~ ${show(t.max)}`;
}

function Met({ met }: { met: boolean | null }) {
  if (met === null) return <span>—</span>;
  return met ? <Tag>✓ 达标</Tag> : <Tag>✗ 未达标</Tag>;
}

function DossierCard({ planId, batchId, planner }: { planId: string; batchId: string; planner: boolean }) {
  const dossier = useQuery({
    queryKey: ["dossier", planId, batchId],
    queryFn: () =>
      ok(
        api.GET("/v1/plans/{id}/batches/{batchId}/dossier", {
          params: { path: { id: planId, batchId } },
        }),
      ),
  });
  const d = dossier.data as BatchDossier | undefined;
  if (!d) return <ErrorAlert error={dossier.error} />;
  const host = d.host as { hostUnit?: string; agreementSigned?: boolean; signedOn?: string } | null;
  const plan = d.emergencyPlan as { present?: boolean; reference?: string; date?: string } | null;
  const programme = d.programme as {
    days?: { date: string; activities: { kind: string; title: string }[] }[];
  } | null;
  const groups = d.serviceGroups as {
    organiser: { name?: string; phone?: string };
    host: { name?: string; phone?: string };
  } | null;
  const person = (g?: { name?: string; phone?: string }) =>
    g ? [g.name ?? "（仅对计划员显示）", g.phone].filter(Boolean).join("，") : "未登记";
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {d.ready ? (
        <Alert type="success" showIcon message="无阻断事项，可按时出发" />
      ) : (
        <Alert type="error" showIcon message="有阻断事项：出发须登记例外理由（override）" />
      )}
      <Descriptions size="small" bordered column={1}>
        <Descriptions.Item label="批次">
          {d.batch.batchId}，{formatRange(d.batch)}，{d.batch.cadres} 人，{STATUS_LABEL[d.batch.status]}
          {d.batch.override ? `（例外出发：${d.batch.override}）` : ""}
        </Descriptions.Item>
        <Descriptions.Item label="承办单位与协议（第九条）">
          {host
            ? `${host.hostUnit}，${host.agreementSigned ? `已于${formatDate(host.signedOn)}签订` : "协议未签订"}`
            : "未登记"}
        </Descriptions.Item>
        <Descriptions.Item label="安全保障和应急预案（第十一条）">
          {plan?.present ? `${plan.reference}（${formatDate(plan.date)}）` : "未制定"}
        </Descriptions.Item>
        <Descriptions.Item label="活动安排（第十二条）">
          {programme?.days
            ? programme.days.map((day) => (
                <div key={day.date}>
                  {formatDate(day.date)}：{day.activities.map((a) => a.title).join("；")}
                </div>
              ))
            : "未登记"}
        </Descriptions.Item>
        <Descriptions.Item label="专项服务小组（第十三条）">
          {groups ? `组织单位：${person(groups.organiser)}；承办单位：${person(groups.host)}` : "未登记"}
        </Descriptions.Item>
      </Descriptions>
      {planner ? (
        <Card size="small" title="登记档案">
          <DossierForm
            planId={planId}
            batchId={batchId}
            programme={
              (programme?.days ?? []) as { date: string; activities: { kind: string; title: string }[] }[]
            }
          />
        </Card>
      ) : null}
      <Table
        size="small"
        rowKey="code"
        pagination={false}
        dataSource={d.items}
        locale={{ emptyText: "各项均已就绪" }}
        columns={[
          {
            title: "性质",
            dataIndex: "severity",
            render: (s: string) => (s === "blocking" ? <Tag>⛔ 阻断</Tag> : <Tag>⚠ 提醒</Tag>),
          },
          { title: "条款", dataIndex: "article", render: (a: number) => `第${a}条` },
          { title: "事项", dataIndex: "message" },
          {
            title: "涉及人员",
            render: (_: unknown, item) =>
              [...(item.cadreIds ?? []), ...(item.staffIds ?? [])].join("、") || "—",
          },
        ]}
      />
    </Space>
  );
}

/** The report as printed on A4: the indicators, then the figures behind them, then the charts. */
function Report({ evaluation, title }: { evaluation: Evaluation; title: string }) {
  const distribution = Object.entries(SATISFACTION_LABEL).map(([key, label]) => ({
    label,
    count: evaluation.satisfaction.distribution[key as keyof typeof SATISFACTION_LABEL] ?? 0,
  }));
  return (
    <section className="print-area evaluation-report" aria-label="绩效评价报告">
      <h3 style={{ textAlign: "center", fontSize: 18 }}>{title} 绩效评价报告</h3>
      <p>
        截至 {formatDate(evaluation.today)}：计划 {evaluation.batches.planned} 批，应完成{" "}
        {evaluation.batches.due} 批，已完成 {evaluation.batches.completed} 批（例外出发{" "}
        {evaluation.batches.overridden} 批）；应到 {evaluation.scheduled} 人，实到 {evaluation.attended}{" "}
        人；批准预算 {formatMoney(evaluation.budget.approved)}， 实际支出{" "}
        {formatMoney(evaluation.budget.spent)}。
      </p>
      <table className="roster-table" data-testid="indicators">
        <thead>
          <tr>
            <th>指标</th>
            <th>实际值</th>
            <th>目标</th>
            <th>是否达标</th>
          </tr>
        </thead>
        <tbody>
          {evaluation.indicators.map((i) => (
            <tr key={i.key} data-key={i.key}>
              <td>{i.label}</td>
              <td className="value">{shown(i)}</td>
              <td>{target(i)}</td>
              <td>{i.met === null ? "—" : i.met ? "达标" : "未达标"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="roster-table">
        <thead>
          <tr>
            <th>满意度</th>
            {distribution.map((d) => (
              <th key={d.label}>{d.label}</th>
            ))}
            <th>回收</th>
            <th>回收率</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>{formatPercent(evaluation.satisfaction.rate)}</td>
            {distribution.map((d) => (
              <td key={d.label}>{d.count}</td>
            ))}
            <td>{evaluation.satisfaction.responses}</td>
            <td>{formatPercent(evaluation.satisfaction.responseRate)}</td>
          </tr>
        </tbody>
      </table>
      <table className="roster-table">
        <thead>
          <tr>
            <th>覆盖</th>
            <th>符合条件</th>
            <th>已参加</th>
            <th>覆盖率</th>
          </tr>
        </thead>
        <tbody>
          {evaluation.coverage.byTier.map((t) => (
            <tr key={t.tier}>
              <td>{formatTier(t.tier)}</td>
              <td>{t.eligible}</td>
              <td>{t.attended}</td>
              <td>{formatPercent(t.rate)}</td>
            </tr>
          ))}
          {evaluation.coverage.byCounty.map((c) => (
            <tr key={c.county}>
              <td>{c.county}</td>
              <td>{c.eligible}</td>
              <td>{c.attended}</td>
              <td>{formatPercent(c.rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="roster-table">
        <thead>
          <tr>
            <th>意外情况（共 {evaluation.incidents.total} 起）</th>
            <th>批次</th>
            <th>军休干部</th>
            <th>类型</th>
            <th>处置情况</th>
          </tr>
        </thead>
        <tbody>
          {evaluation.incidents.list.map((i) => (
            <tr key={`${i.batchId}/${i.date}/${i.cadreId}/${i.kind}`}>
              <td>{formatDate(i.date)}</td>
              <td>{i.batchId}</td>
              <td>{i.cadreId}</td>
              <td>{INCIDENT_LABEL[i.kind] ?? i.kind}</td>
              <td>{i.handling}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="report-charts">
        <Chart
          label={`满意度分布：${distribution.map((d) => `${d.label} ${d.count} 人`).join("，")}`}
          height={240}
          option={{
            animation: false,
            title: { text: "满意度分布", left: "center", textStyle: { fontSize: 13 } },
            xAxis: { type: "category", data: distribution.map((d) => d.label) },
            yAxis: { type: "value", minInterval: 1 },
            series: [
              { type: "bar", data: distribution.map((d) => d.count), label: { show: true, position: "top" } },
            ],
          }}
        />
        <Chart
          label={`各档覆盖：${evaluation.coverage.byTier.map((t) => `${formatTier(t.tier)} ${t.attended}/${t.eligible}`).join("，")}`}
          height={240}
          option={{
            animation: false,
            title: { text: "各档覆盖（已参加 / 符合条件）", left: "center", textStyle: { fontSize: 13 } },
            legend: { bottom: 0 },
            xAxis: { type: "category", data: evaluation.coverage.byTier.map((t) => formatTier(t.tier)) },
            yAxis: { type: "value", minInterval: 1 },
            series: [
              { name: "符合条件", type: "bar", data: evaluation.coverage.byTier.map((t) => t.eligible) },
              { name: "已参加", type: "bar", data: evaluation.coverage.byTier.map((t) => t.attended) },
            ],
          }}
        />
      </div>
    </section>
  );
}

export default function EvaluationPage() {
  const { planId } = useWorkbench();
  const plan = usePlan(planId);
  const schedules = useSchedules(planId);
  const current = schedules.data?.currentVersion ?? null;
  const version = useSchedule(current?.scheduleId ?? null);
  const [batchId, setBatchId] = useState<string | null>(null);
  const role = useRole();
  const evaluation = useQuery({
    queryKey: ["evaluation", planId],
    enabled: planId !== null,
    queryFn: () => ok(api.GET("/v1/plans/{id}/evaluation", { params: { path: { id: planId ?? "" } } })),
  });
  const download = useMutation({
    mutationFn: async () => {
      const blob = await ok(
        api.GET("/v1/plans/{id}/evaluation.xlsx", {
          params: { path: { id: planId ?? "" } },
          parseAs: "blob",
        }),
      );
      saveBlob(blob as unknown as Blob, `绩效评价报告-${planId}.xlsx`);
    },
  });
  if (!planId) return <NeedPlan />;
  const title = plan.data?.plan.name ?? planId;
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <PageTitle>档案与评价</PageTitle>
      <Card size="small" title="批次档案与出发准备（第九至十三条）">
        {current === null ? (
          <Typography.Text type="secondary">尚无排程版本：请先在「动态调整」页重新排程。</Typography.Text>
        ) : (
          <Space direction="vertical" style={{ width: "100%" }}>
            <Select
              aria-label="选择批次"
              style={{ minWidth: 360 }}
              placeholder="选择批次"
              value={batchId ?? undefined}
              onChange={setBatchId}
              options={(version.data?.batches ?? []).map((b) => ({
                value: b.id,
                label: `${b.id}：${formatRange(b)}，${b.cadreIds.length} 人`,
              }))}
            />
            {batchId ? <DossierCard planId={planId} batchId={batchId} planner={role === "planner"} /> : null}
          </Space>
        )}
      </Card>
      <Card
        size="small"
        title="绩效评价（第十六条）"
        extra={
          <Space>
            <Button
              onClick={() => download.mutate()}
              loading={download.isPending}
              disabled={!evaluation.data}
            >
              下载 Excel 报告
            </Button>
            <Button type="primary" onClick={() => window.print()} disabled={!evaluation.data}>
              打印报告（A4）
            </Button>
          </Space>
        }
      >
        <ErrorAlert error={evaluation.error ?? download.error} />
        {evaluation.data ? (
          <Space direction="vertical" style={{ width: "100%" }}>
            <Space wrap>
              {evaluation.data.indicators.map((i) => (
                <Card key={i.key} size="small" style={{ minWidth: 180 }}>
                  <div>{i.label}</div>
                  <div style={{ fontSize: 20 }}>{shown(i)}</div>
                  <div>
                    目标 {target(i)} <Met met={i.met} />
                  </div>
                </Card>
              ))}
            </Space>
            <Report evaluation={evaluation.data} title={title} />
          </Space>
        ) : null}
      </Card>
    </Space>
  );
}

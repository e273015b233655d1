import { useQuery } from "@tanstack/react-query";
import { Card, Descriptions, Drawer, List, Space, Table, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import { api, ok } from "../api/client";
import type { Batch, Bottlenecks, Schedule } from "../api/types";
import { Chart } from "../components/Chart";
import { ErrorAlert } from "../components/ErrorAlert";
import { NeedPlan } from "../components/NeedPlan";
import { PageTitle } from "../components/PageTitle";
import { SchedulePicker, useShownSchedule } from "../components/SchedulePicker";
import { formatDate, formatMoney, formatRange, formatTier } from "../format";
import { RESOURCE_LABEL, UNSCHEDULED_LABEL } from "../labels";
import { usePeople, useSchedule } from "../queries";
import { useWorkbench } from "../state";

const DAY_MS = 86_400_000;
const dayOf = (iso: string) =>
  Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));

function Timeline({
  schedule,
  window,
  venueName,
  onOpen,
}: {
  schedule: Schedule;
  window: { start: string; end: string };
  venueName: (id: string) => string;
  onOpen: (batch: Batch) => void;
}) {
  const first = dayOf(window.start);
  const days = (dayOf(window.end) - first) / DAY_MS + 1;
  const venues = [...new Set(schedule.batches.map((b) => b.venueId))].sort();
  const months: { label: string; left: number }[] = [];
  for (let d = new Date(first); d.getTime() <= dayOf(window.end); d.setUTCMonth(d.getUTCMonth() + 1, 1)) {
    months.push({ label: `${d.getUTCMonth() + 1}月`, left: ((d.getTime() - first) / DAY_MS / days) * 100 });
  }
  return (
    <div style={{ display: "grid", gridTemplateColumns: "180px 1fr", alignItems: "stretch" }}>
      <div />
      <div style={{ position: "relative", height: 22, borderBottom: "1px solid #d9d9d9" }} aria-hidden>
        {months.map((m) => (
          <span key={m.label + m.left} style={{ position: "absolute", left: `${m.left}%`, fontSize: 12 }}>
            {m.label}
          </span>
        ))}
      </div>
      {venues.map((venueId) => (
        <div key={venueId} style={{ display: "contents" }}>
          <div style={{ padding: "12px 8px 0 0", borderBottom: "1px solid #f0f0f0", fontSize: 13 }}>
            {venueName(venueId)}
          </div>
          <ul
            className="timeline-row"
            aria-label={`${venueName(venueId)}的批次`}
            style={{ margin: 0, padding: 0, listStyle: "none" }}
          >
            {schedule.batches
              .filter((b) => b.venueId === venueId)
              .map((b) => {
                const left = ((dayOf(b.start) - first) / DAY_MS / days) * 100;
                const width = (((dayOf(b.end) - dayOf(b.start)) / DAY_MS + 1) / days) * 100;
                const text = `${b.id} · ${b.cadreIds.length}人`;
                // The accessible name starts with the visible text, then says the dates.
                const label = `${text}，${formatRange(b)}`;
                return (
                  <li key={b.id} style={{ display: "contents" }}>
                    <button
                      type="button"
                      className="timeline-batch"
                      style={{ left: `${left}%`, width: `max(${width}%, 28px)` }}
                      title={label}
                      aria-label={label}
                      onClick={() => onOpen(b)}
                    >
                      {text}
                    </button>
                  </li>
                );
              })}
          </ul>
        </div>
      ))}
    </div>
  );
}

function BottleneckCharts({ report }: { report: Bottlenecks }) {
  const months = report.months.map((m) => `${Number(m.month.slice(5, 7))}月`);
  const bindingMonths = (resource: string) =>
    new Set(report.binding.filter((b) => b.resource === resource && b.month).map((b) => b.month));
  const chart = (title: string, resource: string, used: number[], available: number[], unit: string) => {
    const binds = bindingMonths(resource);
    return (
      <Card size="small" title={title} key={resource}>
        <Chart
          label={`${title}：${report.months
            .map(
              (m, i) =>
                `${months[i]} 已用 ${used[i]}${unit}，可用 ${available[i]}${unit}${binds.has(m.month) ? "（制约）" : ""}`,
            )
            .join("；")}`}
          height={240}
          option={{
            legend: { top: 0 },
            tooltip: { trigger: "axis" },
            grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
            xAxis: {
              type: "category",
              data: report.months.map((m, i) => (binds.has(m.month) ? `${months[i]}⚠制约` : months[i])),
            },
            yAxis: { type: "value", name: unit },
            series: [
              { type: "bar", name: "已用", data: used, itemStyle: { decal: { symbol: "rect" } } },
              { type: "bar", name: "可用", data: available, itemStyle: { decal: { symbol: "circle" } } },
            ],
            aria: { enabled: true, decal: { show: true } },
          }}
        />
      </Card>
    );
  };
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Descriptions size="small" bordered column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label="预算">{formatMoney(report.budget.total)}</Descriptions.Item>
        <Descriptions.Item label="已用">{formatMoney(report.budget.used)}</Descriptions.Item>
        <Descriptions.Item label="结余">
          {formatMoney(report.budget.left)}
          {report.budget.binding ? <Tag style={{ marginLeft: 8 }}>⚠ 经费为制约因素</Tag> : null}
        </Descriptions.Item>
      </Descriptions>
      <List
        size="small"
        header="制约因素"
        bordered
        dataSource={report.binding}
        locale={{ emptyText: <span style={{ color: "#595959" }}>没有制约因素</span> }}
        renderItem={(b) => (
          <List.Item>
            <Tag>⚠ {RESOURCE_LABEL[b.resource] ?? b.resource}</Tag>
            {b.month ? `${formatDate(`${b.month}-01`).replace(/1日$/, "")}：` : ""}
            {b.message}
          </List.Item>
        )}
      />
      <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(420px, 1fr))", gap: 12 }}>
        {chart(
          "工作人员人天（按月）",
          "STAFF",
          report.months.map((m) => m.staffDaysUsed),
          report.months.map((m) => m.staffDaysAvailable),
          "人天",
        )}
        {chart(
          "疗养名额（按月）",
          "CAPACITY",
          report.months.map((m) => m.placesUsed),
          report.months.map((m) => m.placesOffered),
          "人",
        )}
        {chart(
          "医护人员（按月）",
          "MEDICAL",
          report.months.map((m) => m.batchesRunning),
          report.months.map((m) => m.medicsAvailable),
          "人/批",
        )}
      </div>
    </Space>
  );
}

export default function SchedulePage() {
  const { planId } = useWorkbench();
  const { chosen } = useShownSchedule(planId);
  const schedule = useSchedule(chosen);
  const people = usePeople(planId);
  const [open, setOpen] = useState<Batch | null>(null);
  const bottlenecks = useQuery({
    queryKey: ["bottlenecks", chosen],
    enabled: chosen !== null,
    queryFn: () =>
      ok(
        api.GET("/v1/schedules/{scheduleId}/bottlenecks", { params: { path: { scheduleId: chosen ?? "" } } }),
      ),
  });
  const readiness = useQuery({
    queryKey: ["readiness", planId],
    enabled: planId !== null,
    queryFn: () =>
      ok(
        api.GET("/v1/plans/{id}/readiness", { params: { path: { id: planId ?? "" }, query: { days: 366 } } }),
      ),
  });
  const readinessOf = useMemo(() => {
    if (!readiness.data || readiness.data.scheduleId !== chosen) return null;
    return {
      departing: new Map(readiness.data.departing.map((d) => [d.batchId, d])),
      withoutMedic: new Map(readiness.data.withoutMedic.map((d) => [d.batchId, d])),
    };
  }, [readiness.data, chosen]);

  if (!planId) return <NeedPlan />;
  const venueName = (id: string) => people.venues.get(id)?.name ?? id;
  const cadre = (id: string) => people.cadres.get(id);
  const data = schedule.data;
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Space wrap>
        <PageTitle>日程</PageTitle>
        <SchedulePicker planId={planId} />
      </Space>
      <ErrorAlert error={schedule.error} />
      {!chosen ? <Typography.Text>尚无日程：请先在「方案比选」中求解。</Typography.Text> : null}
      {data && people.plan ? (
        <>
          <Card
            size="small"
            title={`批次时间轴（${formatRange(people.plan.planningWindow)}，共 ${data.batches.length} 批）`}
          >
            <Typography.Paragraph type="secondary">
              每行一个疗养地点；点击批次查看参加人员、工作人员、费用和准备情况。
            </Typography.Paragraph>
            <Timeline
              schedule={data}
              window={people.plan.planningWindow}
              venueName={venueName}
              onOpen={setOpen}
            />
          </Card>
          <Card
            size="small"
            title={`未安排的军休干部（${data.unscheduled.length} 人${
              data.solver.unscheduledReasonsPending === true ? "，原因正在后台计算" : ""
            }）`}
          >
            <Table
              size="small"
              rowKey="cadreId"
              dataSource={data.unscheduled}
              pagination={{ pageSize: 10, showSizeChanger: false }}
              scroll={{ x: 800 }}
              columns={[
                { title: "编号", dataIndex: "cadreId", width: 100 },
                ...(people.cadres.get(data.unscheduled[0]?.cadreId ?? "")?.name !== undefined
                  ? [
                      {
                        title: "姓名",
                        key: "name",
                        width: 100,
                        render: (_: unknown, u: { cadreId: string }) => cadre(u.cadreId)?.name ?? "",
                      },
                    ]
                  : []),
                { title: "档次", dataIndex: "tier", width: 80, render: (t: number) => formatTier(t) },
                {
                  title: "原因",
                  key: "reasons",
                  width: 200,
                  render: (_, u) => u.reasons.map((r) => `${UNSCHEDULED_LABEL[r] ?? r}（${r}）`).join("；"),
                },
                {
                  title: "说明",
                  key: "explanation",
                  render: (_, u) => (typeof u.explanation === "string" ? u.explanation : "—"),
                },
              ]}
            />
          </Card>
          <Card size="small" title="瓶颈分析">
            <ErrorAlert error={bottlenecks.error} />
            {bottlenecks.data ? <BottleneckCharts report={bottlenecks.data} /> : null}
          </Card>
        </>
      ) : null}
      <Drawer
        open={open !== null}
        onClose={() => setOpen(null)}
        width={Math.min(720, window.innerWidth)}
        title={open ? `批次 ${open.id}：${venueName(open.venueId)}，${formatRange(open)}` : ""}
      >
        {open ? (
          // Focusable, so keyboard users can scroll a long batch (the drawer's body scrolls).
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus (WCAG 2.1.1)
          <section tabIndex={0} aria-label="批次详情">
            <Space direction="vertical" size="middle" style={{ width: "100%" }}>
              <Descriptions size="small" bordered column={1} title="费用">
                <Descriptions.Item label="场地固定费用">{formatMoney(open.cost.fixed)}</Descriptions.Item>
                <Descriptions.Item label="军休干部费用">{formatMoney(open.cost.cadres)}</Descriptions.Item>
                <Descriptions.Item label="工作人员费用">{formatMoney(open.cost.staff)}</Descriptions.Item>
                <Descriptions.Item label="合计">{formatMoney(open.cost.total)}</Descriptions.Item>
              </Descriptions>
              <Card size="small" title="准备情况">
                {readinessOf === null ? (
                  <Typography.Text>
                    准备情况针对当前发布版本；本日程不是当前版本，或尚无版本。
                  </Typography.Text>
                ) : (
                  <Space direction="vertical">
                    {(() => {
                      const d = readinessOf.departing.get(open.id);
                      const m = readinessOf.withoutMedic.get(open.id);
                      if (!d && !m) return <Tag>✓ 无待办事项</Tag>;
                      return (
                        <>
                          {d?.missingAgreement.length ? (
                            <Tag>⚠ 未签安全协议：{d.missingAgreement.join("、")}</Tag>
                          ) : null}
                          {d?.missingInsurance.length ? (
                            <Tag>⚠ 未购意外保险：{d.missingInsurance.join("、")}</Tag>
                          ) : null}
                          {m ? <Tag>⚠ 缺少可出行的医护人员</Tag> : null}
                        </>
                      );
                    })()}
                  </Space>
                )}
              </Card>
              <Table
                size="small"
                title={() => `参加人员（${open.cadreIds.length} 人）`}
                rowKey="id"
                pagination={false}
                dataSource={open.cadreIds.map((id) => ({ id, ...cadre(id) }))}
                columns={[
                  { title: "编号", dataIndex: "id" },
                  ...(cadre(open.cadreIds[0] ?? "")?.name !== undefined
                    ? [{ title: "姓名", dataIndex: "name" }]
                    : []),
                  { title: "档次", dataIndex: "tier", render: (t: number | null) => formatTier(t) },
                  { title: "排序", dataIndex: "rank", render: (r: number | null) => r ?? "—" },
                ]}
              />
              <Table
                size="small"
                title={() => `工作人员（${open.staffIds.length} 人）`}
                rowKey="id"
                pagination={false}
                dataSource={open.staffIds.map((id) => ({ id, ...people.staff.get(id) }))}
                columns={[
                  { title: "编号", dataIndex: "id" },
                  ...(people.staff.get(open.staffIds[0] ?? "")?.name !== undefined
                    ? [{ title: "姓名", dataIndex: "name" }]
                    : []),
                  { title: "单位", dataIndex: "institution" },
                  {
                    title: "医护",
                    dataIndex: "medical",
                    render: (medical: boolean | undefined) => (medical ? <Tag>✚ 医护人员</Tag> : "—"),
                  },
                ]}
              />
            </Space>
          </section>
        ) : null}
      </Drawer>
    </Space>
  );
}

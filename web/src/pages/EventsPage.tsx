import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from "antd";
import type { Dayjs } from "dayjs";
import { useEffect, useState } from "react";
import { ApiError, api, ok } from "../api/client";
import type { EventInput, ReplanResult } from "../api/types";
import { ErrorAlert } from "../components/ErrorAlert";
import { JobProgress, useJob } from "../components/JobProgress";
import { NeedPlan } from "../components/NeedPlan";
import { PageTitle } from "../components/PageTitle";
import { toIso } from "../components/PlanFields";
import { formatDate, formatDateTime, formatMoney, formatRange } from "../format";
import { CHANGE_LABEL, NOTIFY_REASON_LABEL, staffLabel } from "../labels";
import { PLANNERS_ONLY, useEligibility, usePlan, useRole, useSchedule, useSchedules } from "../queries";
import { useWorkbench } from "../state";

const EVENT_TYPES = {
  cadre_withdrew: "军休干部退出",
  staff_unavailable: "工作人员请假",
  venue_closed: "疗养地点停用",
  budget_changed: "预算调整",
  batch_published: "批次已公布",
  batch_departed: "批次已出发",
  batch_completed: "批次已结束（登记实到人员）",
} as const;
type EventType = keyof typeof EVENT_TYPES;

interface EventForm {
  cadreId?: string;
  staffId?: string;
  venueId?: string;
  range?: [Dayjs, Dayjs];
  total?: number;
  batchId?: string;
  attendedCadreIds?: string[];
  actualCost?: number;
  overrideReason?: string;
}

/** Who recorded an event: the role in words and the token's fingerprint (sentBy is `planner#ab12cd34`). */
function sender(sentBy: string): string {
  const role = sentBy.startsWith("planner") ? "计划员" : sentBy.startsWith("viewer") ? "查看者" : sentBy;
  const fingerprint = /#(\S+)/.exec(sentBy)?.[1];
  return fingerprint ? `${role}（令牌 ${fingerprint}）` : `${role}（未配置令牌）`;
}

/** What an event in the trail says, in words. */
function describe(event: Record<string, unknown>): string {
  const range = event.range as { start: string; end: string } | undefined;
  const parts = [
    event.cadreId ? `军休干部 ${event.cadreId}` : "",
    event.staffId ? `工作人员 ${event.staffId}` : "",
    event.venueId ? `疗养地点 ${event.venueId}` : "",
    event.batchId ? `批次 ${event.batchId}` : "",
    range ? formatRange(range) : "",
    typeof event.total === "number" ? `预算 ${formatMoney(event.total)}` : "",
    typeof event.actualCost === "number" ? `实际费用 ${formatMoney(event.actualCost)}` : "",
    Array.isArray(event.attendedCadreIds) ? `实到 ${event.attendedCadreIds.length} 人` : "",
  ];
  return parts.filter(Boolean).join("，");
}

export default function EventsPage() {
  const { planId } = useWorkbench();
  const client = useQueryClient();
  const plan = usePlan(planId);
  const eligibility = useEligibility(planId);
  const schedules = useSchedules(planId);
  const current = schedules.data?.currentVersion ?? null;
  const version = useSchedule(current?.scheduleId ?? null);
  const viewer = useRole() === "viewer";
  const [type, setType] = useState<EventType>("cadre_withdrew");
  const [form] = Form.useForm<EventForm>();
  const [replanJob, setReplanJob] = useState<string | null>(null);
  const events = useQuery({
    queryKey: ["events", planId],
    enabled: planId !== null,
    queryFn: () => ok(api.GET("/v1/plans/{id}/events", { params: { path: { id: planId ?? "" } } })),
  });
  const readiness = useQuery({
    queryKey: ["readiness", planId, current?.scheduleId],
    enabled: planId !== null && current !== null,
    queryFn: () =>
      ok(
        api.GET("/v1/plans/{id}/readiness", { params: { path: { id: planId ?? "" }, query: { days: 30 } } }),
      ),
  });
  const record = useMutation({
    mutationFn: (values: EventForm) => {
      const range = values.range ? { start: toIso(values.range[0]), end: toIso(values.range[1]) } : undefined;
      const scheduleId = current?.scheduleId ?? "";
      const event = {
        cadre_withdrew: { type, cadreId: values.cadreId },
        staff_unavailable: { type, staffId: values.staffId, range },
        venue_closed: { type, venueId: values.venueId, range },
        budget_changed: { type, total: values.total },
        batch_published: { type, scheduleId, batchId: values.batchId },
        batch_departed: {
          type,
          scheduleId,
          batchId: values.batchId,
          // Only with blocking readiness items open (档案与评价); the reason stays in the event trail.
          ...(values.overrideReason ? { override: { reason: values.overrideReason } } : {}),
        },
        batch_completed: {
          type,
          scheduleId,
          batchId: values.batchId,
          attendedCadreIds: values.attendedCadreIds ?? [],
          actualCost: values.actualCost,
        },
      }[type] as EventInput;
      return ok(api.POST("/v1/plans/{id}/events", { params: { path: { id: planId ?? "" } }, body: event }));
    },
    onSuccess: async () => {
      form.resetFields();
      await client.invalidateQueries({ queryKey: ["events", planId] });
      await client.invalidateQueries({ queryKey: ["readiness", planId] });
    },
    onError: (error) => {
      if (!(error instanceof ApiError)) return;
      // A problem at /range/end belongs beside the range field; the first segment names the field.
      form.setFields(
        error.problems
          .filter((p) => p.path)
          .map((p) => ({ name: (p.path.split("/")[1] ?? "") as never, errors: [p.message] })),
      );
    },
  });
  const replan = useMutation({
    mutationFn: () => ok(api.POST("/v1/plans/{id}/replan", { params: { path: { id: planId ?? "" } } })),
    onSuccess: (data) => setReplanJob(data.jobId),
  });
  const job = useJob(replanJob);
  useEffect(() => {
    if (job.data?.status === "succeeded") {
      client.invalidateQueries({ queryKey: ["schedules", planId] });
      client.invalidateQueries({ queryKey: ["readiness", planId] });
      client.invalidateQueries({ queryKey: ["plans"] });
    }
  }, [job.data?.status, client, planId]);
  const batchId = Form.useWatch("batchId", form);

  if (!planId) return <NeedPlan />;
  const result = job.data?.status === "succeeded" ? (job.data.result as ReplanResult | undefined) : undefined;
  const diff = result && "diff" in result ? result : undefined;
  const cadreName = new Map((eligibility.data?.cadres ?? []).map((c) => [c.cadreId, c.name]));
  const person = (id: string) => (cadreName.get(id) ? `${id} ${cadreName.get(id)}` : id);
  const batches = version.data?.batches ?? [];
  const chosenBatch = batches.find((b) => b.id === batchId);
  const versions = (schedules.data?.schedules ?? []).filter((s) => s.version !== undefined);
  const moves = diff
    ? [
        ...diff.diff.added.map((a) => ({
          key: `+${a.cadreId}`,
          change: "added",
          cadreId: a.cadreId,
          from: null,
          to: a.to,
        })),
        ...diff.diff.removed.map((r) => ({
          key: `-${r.cadreId}`,
          change: "removed",
          cadreId: r.cadreId,
          from: r.from,
          to: null,
        })),
        ...diff.diff.moved.map((m) => ({
          key: `~${m.cadreId}`,
          change: "moved",
          cadreId: m.cadreId,
          from: m.from,
          to: m.to,
        })),
      ]
    : [];
  const place = (p: { batchId: string; venueId: string; start: string } | null) =>
    p ? `${p.batchId}（${p.venueId}，${formatDate(p.start)}）` : "—";

  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <PageTitle>动态调整</PageTitle>
      <Card size="small" title="登记变动">
        <Form form={form} layout="vertical" onFinish={(v) => record.mutate(v)} style={{ maxWidth: 720 }}>
          <Form.Item label="变动类型">
            <Select
              aria-label="变动类型"
              value={type}
              onChange={(t: EventType) => {
                setType(t);
                form.resetFields();
              }}
              options={Object.entries(EVENT_TYPES).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          {type === "cadre_withdrew" ? (
            <Form.Item
              name="cadreId"
              label="军休干部"
              rules={[{ required: true, message: "请选择军休干部" }]}
            >
              <Select
                aria-label="军休干部"
                showSearch
                optionFilterProp="label"
                options={(eligibility.data?.cadres ?? []).map((c) => ({
                  value: c.cadreId,
                  label: person(c.cadreId),
                }))}
              />
            </Form.Item>
          ) : null}
          {type === "staff_unavailable" ? (
            <Form.Item
              name="staffId"
              label="工作人员"
              rules={[{ required: true, message: "请选择工作人员" }]}
            >
              <Select
                aria-label="工作人员"
                options={(plan.data?.plan.staff ?? []).map((s) => ({
                  value: s.id,
                  label: staffLabel(s),
                }))}
              />
            </Form.Item>
          ) : null}
          {type === "venue_closed" ? (
            <Form.Item
              name="venueId"
              label="疗养地点"
              rules={[{ required: true, message: "请选择疗养地点" }]}
            >
              <Select
                aria-label="疗养地点"
                options={(plan.data?.plan.venues ?? []).map((v) => ({
                  value: v.id,
                  label: `${v.id} ${v.name ?? ""}`,
                }))}
              />
            </Form.Item>
          ) : null}
          {type === "staff_unavailable" || type === "venue_closed" ? (
            <Form.Item name="range" label="日期" rules={[{ required: true, message: "请选择日期" }]}>
              <DatePicker.RangePicker format="YYYY年M月D日" />
            </Form.Item>
          ) : null}
          {type === "budget_changed" ? (
            <Form.Item
              name="total"
              label="新的预算总额（元）"
              rules={[{ required: true, message: "请填写预算" }]}
            >
              <InputNumber min={0} prefix="¥" style={{ width: 240 }} aria-label="新的预算总额（元）" />
            </Form.Item>
          ) : null}
          {type.startsWith("batch_") ? (
            current ? (
              <Form.Item
                name="batchId"
                label={`批次（第${current.version}版）`}
                rules={[{ required: true, message: "请选择批次" }]}
              >
                <Select
                  aria-label="批次"
                  options={batches.map((b) => ({
                    value: b.id,
                    label: `${b.id}：${b.venueId}，${formatRange(b)}，${b.cadreIds.length} 人`,
                  }))}
                />
              </Form.Item>
            ) : (
              <Typography.Paragraph>尚无发布版本：请先「重新编排」生成第 1 版。</Typography.Paragraph>
            )
          ) : null}
          {type === "batch_departed" ? (
            <Form.Item
              name="overrideReason"
              label="例外出发理由（仍有阻断事项时填写）"
              extra="出发准备有阻断事项（见「档案与评价」）时须说明理由，理由记入事件记录"
            >
              <Input.TextArea aria-label="例外出发理由" rows={2} maxLength={2000} />
            </Form.Item>
          ) : null}
          {type === "batch_completed" && chosenBatch ? (
            <>
              <Form.Item name="attendedCadreIds" label="实到人员" initialValue={chosenBatch.cadreIds}>
                <Select
                  mode="multiple"
                  aria-label="实到人员"
                  options={chosenBatch.cadreIds.map((id) => ({ value: id, label: person(id) }))}
                />
              </Form.Item>
              <Form.Item
                name="actualCost"
                label="实际费用（元）"
                rules={[{ required: true, message: "请填写实际费用" }]}
              >
                <InputNumber min={0} prefix="¥" style={{ width: 240 }} aria-label="实际费用（元）" />
              </Form.Item>
            </>
          ) : null}
          <ErrorAlert error={record.error} />
          <Button
            type="primary"
            htmlType="submit"
            loading={record.isPending}
            style={{ marginTop: 8 }}
            disabled={viewer}
            title={viewer ? PLANNERS_ONLY : undefined}
          >
            登记
          </Button>
        </Form>
      </Card>
      <Card size="small" title="变动记录">
        <ErrorAlert error={events.error} />
        <Table
          size="small"
          rowKey="sequence"
          pagination={{ pageSize: 10, showSizeChanger: false }}
          dataSource={[...(events.data?.events ?? [])].reverse()}
          columns={[
            { title: "序号", dataIndex: "sequence", width: 70 },
            { title: "类型", dataIndex: "type", render: (t: string) => EVENT_TYPES[t as EventType] ?? t },
            { title: "内容", key: "event", render: (_, e) => describe(e.event) },
            { title: "登记人", dataIndex: "sentBy", render: (v: string) => sender(v) },
            { title: "登记时间", dataIndex: "receivedAt", render: (v: string) => formatDateTime(v) },
          ]}
        />
      </Card>
      <Card size="small" title="重新编排">
        <Space direction="vertical" style={{ width: "100%" }}>
          <Typography.Paragraph style={{ margin: 0 }}>
            按已登记的变动重新编排：已出发和已结束的批次不变，已公布的人员尽量保留，空出的名额按顺序递补。
          </Typography.Paragraph>
          <Button
            type="primary"
            onClick={() => replan.mutate()}
            loading={replan.isPending}
            disabled={viewer}
            title={viewer ? PLANNERS_ONLY : undefined}
          >
            重新编排
          </Button>
          <ErrorAlert error={replan.error} />
          <JobProgress job={job.data} label="重新编排" />
          {diff ? (
            <>
              <Typography.Text role="status">
                已生成第{diff.version}版：新增 {diff.diff.added.length} 人，移出 {diff.diff.removed.length}{" "}
                人，调整 {diff.diff.moved.length} 人，需通知 {diff.notify.length} 人。
              </Typography.Text>
              <Table
                size="small"
                title={() => "变化"}
                rowKey="key"
                pagination={false}
                dataSource={moves}
                columns={[
                  {
                    title: "变化",
                    dataIndex: "change",
                    render: (c: string) => <Tag>{CHANGE_LABEL[c] ?? c}</Tag>,
                  },
                  { title: "军休干部", dataIndex: "cadreId", render: (id: string) => person(id) },
                  { title: "原批次", dataIndex: "from", render: place },
                  { title: "新批次", dataIndex: "to", render: place },
                ]}
              />
              <Table
                size="small"
                title={() => "需通知人员"}
                rowKey={(n) => `${n.role}${n.personId}`}
                pagination={false}
                dataSource={diff.notify}
                columns={[
                  {
                    title: "人员",
                    dataIndex: "personId",
                    render: (id: string, n) => (n.role === "cadre" ? person(id) : id),
                  },
                  {
                    title: "身份",
                    dataIndex: "role",
                    render: (r: string) => (r === "cadre" ? "军休干部" : "工作人员"),
                  },
                  { title: "变化", dataIndex: "change", render: (c: string) => CHANGE_LABEL[c] ?? c },
                  {
                    title: "原因",
                    dataIndex: "reason",
                    render: (r: string) => `${NOTIFY_REASON_LABEL[r] ?? r}（${r}）`,
                  },
                  {
                    title: "是否已告知",
                    dataIndex: "wasPublished",
                    render: (v: boolean) => (v ? "已告知" : "未告知"),
                  },
                ]}
              />
            </>
          ) : null}
        </Space>
      </Card>
      <Card size="small" title="版本记录">
        <Table
          size="small"
          rowKey="scheduleId"
          pagination={false}
          dataSource={[...versions].reverse()}
          locale={{ emptyText: <span style={{ color: "#595959" }}>尚无版本</span> }}
          columns={[
            {
              title: "版本",
              dataIndex: "version",
              render: (v: number) => `第${v}版${v === current?.version ? "（当前）" : ""}`,
            },
            { title: "日程编号", dataIndex: "scheduleId" },
            { title: "上一版", dataIndex: "parentScheduleId", render: (v?: string) => v ?? "—" },
            { title: "安排人数", key: "scheduled", render: (_, s) => s.summary.scheduled },
            { title: "总费用", key: "cost", render: (_, s) => formatMoney(s.summary.totalCost) },
            { title: "生成时间", dataIndex: "createdAt", render: (v: string) => formatDateTime(v) },
          ]}
        />
      </Card>
      <Card size="small" title="准备情况（30 天内出发的批次）">
        {readiness.data ? (
          <Space direction="vertical" style={{ width: "100%" }}>
            {readiness.data.departing.length === 0 &&
            readiness.data.withoutMedic.length === 0 &&
            readiness.data.batches.every((b) => b.ready) ? (
              <Typography.Text>✓ 没有需要提醒的批次。</Typography.Text>
            ) : null}
            {readiness.data.departing.map((d) => (
              <Typography.Text key={`d${d.batchId}`}>
                ⚠ 批次 {d.batchId}（{formatDate(d.start)}出发）：未签安全协议 {d.missingAgreement.length}{" "}
                人，未购意外保险 {d.missingInsurance.length} 人
              </Typography.Text>
            ))}
            {readiness.data.withoutMedic.map((d) => (
              <Typography.Text key={`m${d.batchId}`}>
                ⚠ 批次 {d.batchId}（{formatDate(d.start)}出发）：缺少可出行、资质有效的医护人员
              </Typography.Text>
            ))}
            {readiness.data.batches
              .filter((b) => !b.ready)
              .map((b) => (
                <Typography.Text key={`b${b.batchId}`}>
                  ⛔ 批次 {b.batchId}（{formatDate(b.start)}出发）：
                  {b.items
                    .filter((i) => i.severity === "blocking")
                    .map((i) => i.message)
                    .join("；")}
                </Typography.Text>
              ))}
          </Space>
        ) : (
          <Typography.Text>尚无发布版本。</Typography.Text>
        )}
      </Card>
    </Space>
  );
}

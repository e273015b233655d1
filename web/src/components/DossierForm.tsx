import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, Select, Space, Switch } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { api, ok } from "../api/client";
import type { EventInput } from "../api/types";
import { ErrorAlert } from "./ErrorAlert";
import { toIso } from "./PlanFields";

// Recording a batch's dossier (Art. 9, 11–13) from the workbench: each item is one event, as through the API.

const ITEMS = {
  host: "承办单位与协议（第九条）",
  emergencyPlan: "安全保障和应急预案（第十一条）",
  activity: "活动安排：添加一项（第十二条）",
  serviceGroups: "专项服务小组（第十三条）",
} as const;
type Item = keyof typeof ITEMS;

const ACTIVITY_KINDS = {
  current_affairs: "时事政治理论学习",
  red_education: "红色教育基地参观",
  visit: "参观学习",
  exchange: "座谈交流",
  charity: "公益慈善",
  defence_education: "国防教育",
  recreation: "文体活动",
  rest: "休养",
  travel: "往返行程",
  other: "其他",
} as const;

interface Values {
  hostUnit?: string;
  agreementSigned?: boolean;
  signedOn?: Dayjs;
  present?: boolean;
  reference?: string;
  date?: Dayjs;
  kind?: keyof typeof ACTIVITY_KINDS;
  title?: string;
  organiserName?: string;
  organiserPhone?: string;
  hostName?: string;
  hostPhone?: string;
}

type Day = { date: string; activities: { kind: string; title: string }[] };

export function DossierForm({
  planId,
  batchId,
  programme,
}: {
  planId: string;
  batchId: string;
  /** The programme as last recorded: a new activity is added to it. */
  programme: Day[];
}) {
  const client = useQueryClient();
  const [item, setItem] = useState<Item>("host");
  const [form] = Form.useForm<Values>();
  const record = useMutation({
    mutationFn: (v: Values) => {
      const day = v.date ? toIso(v.date) : undefined;
      const event = {
        host: {
          type: "batch_host_recorded",
          batchId,
          hostUnit: v.hostUnit,
          agreementSigned: v.agreementSigned ?? false,
          ...(v.signedOn ? { signedOn: toIso(v.signedOn) } : {}),
        },
        emergencyPlan: {
          type: "batch_emergency_plan_recorded",
          batchId,
          present: v.present ?? false,
          ...(v.reference ? { reference: v.reference } : {}),
          ...(day ? { date: day } : {}),
        },
        activity: {
          type: "batch_programme_recorded",
          batchId,
          days: [
            ...programme.filter((d) => d.date !== day),
            {
              date: day,
              activities: [
                ...(programme.find((d) => d.date === day)?.activities ?? []),
                { kind: v.kind, title: v.title },
              ],
            },
          ].sort((a, b) => String(a.date).localeCompare(String(b.date))),
        },
        serviceGroups: {
          type: "batch_service_groups_recorded",
          batchId,
          organiser: { name: v.organiserName, phone: v.organiserPhone },
          host: { name: v.hostName, phone: v.hostPhone },
        },
      }[item] as EventInput;
      return ok(api.POST("/v1/plans/{id}/events", { params: { path: { id: planId } }, body: event }));
    },
    onSuccess: async () => {
      form.resetFields();
      await client.invalidateQueries({ queryKey: ["dossier", planId, batchId] });
      await client.invalidateQueries({ queryKey: ["readiness", planId] });
    },
  });
  const required = (message: string) => [{ required: true, message }];
  return (
    <Form form={form} layout="vertical" onFinish={(v) => record.mutate(v)} aria-label="登记档案">
      <Form.Item label="登记事项">
        <Select
          aria-label="登记事项"
          value={item}
          onChange={(next: Item) => {
            setItem(next);
            record.reset();
          }}
          options={Object.entries(ITEMS).map(([value, label]) => ({ value, label }))}
          style={{ maxWidth: 360 }}
        />
      </Form.Item>
      {item === "host" ? (
        <Space wrap align="start">
          <Form.Item name="hostUnit" label="承办单位" rules={required("请填写承办单位")}>
            <Input aria-label="承办单位" style={{ width: 240 }} />
          </Form.Item>
          <Form.Item name="agreementSigned" label="协议已签订" valuePropName="checked">
            <Switch aria-label="协议已签订" />
          </Form.Item>
          <Form.Item name="signedOn" label="签订日期">
            <DatePicker aria-label="签订日期" />
          </Form.Item>
        </Space>
      ) : null}
      {item === "emergencyPlan" ? (
        <Space wrap align="start">
          <Form.Item name="present" label="已制定" valuePropName="checked">
            <Switch aria-label="已制定" />
          </Form.Item>
          <Form.Item name="reference" label="文号">
            <Input aria-label="文号" style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="date" label="日期">
            <DatePicker aria-label="日期" />
          </Form.Item>
        </Space>
      ) : null}
      {item === "activity" ? (
        <Space wrap align="start">
          <Form.Item name="date" label="日期" rules={required("请选择日期")}>
            <DatePicker aria-label="日期" />
          </Form.Item>
          <Form.Item name="kind" label="类型" rules={required("请选择类型")}>
            <Select
              aria-label="类型"
              style={{ width: 180 }}
              options={Object.entries(ACTIVITY_KINDS).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          <Form.Item name="title" label="内容" rules={required("请填写内容")}>
            <Input aria-label="内容" style={{ width: 240 }} />
          </Form.Item>
        </Space>
      ) : null}
      {item === "serviceGroups" ? (
        <Space wrap align="start">
          <Form.Item name="organiserName" label="组织单位负责人" rules={required("请填写负责人")}>
            <Input aria-label="组织单位负责人" />
          </Form.Item>
          <Form.Item name="organiserPhone" label="组织单位电话" rules={required("请填写电话")}>
            <Input aria-label="组织单位电话" />
          </Form.Item>
          <Form.Item name="hostName" label="承办单位负责人" rules={required("请填写负责人")}>
            <Input aria-label="承办单位负责人" />
          </Form.Item>
          <Form.Item name="hostPhone" label="承办单位电话" rules={required("请填写电话")}>
            <Input aria-label="承办单位电话" />
          </Form.Item>
        </Space>
      ) : null}
      <ErrorAlert error={record.error} />
      <Button type="primary" htmlType="submit" loading={record.isPending}>
        登记
      </Button>
    </Form>
  );
}

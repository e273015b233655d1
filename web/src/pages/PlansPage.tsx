import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Drawer, Form, Space, Table, Tag, Typography, Upload } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { ApiError, api, ok, saveBlob } from "../api/client";
import type { NewPlan, PlanEdit, PlanListItem, RosterImport, StoredPlan } from "../api/types";
import { ErrorAlert, fieldOf, WarningAlert } from "../components/ErrorAlert";
import { PageTitle } from "../components/PageTitle";
import {
  compact,
  EditableFields,
  fromIso,
  OriginFields,
  type PlanFormValues,
  toIso,
} from "../components/PlanFields";
import { formatDate, formatDateTime, formatMoney, formatRange } from "../format";
import { PLANNERS_ONLY, useRole } from "../queries";
import { useWorkbench } from "../state";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// The plan's state in words (never by colour alone): from the list's `state`.
const STATE_LABEL = {
  unsolved: "未求解",
  solving: "求解中",
  solved: "已求解",
  versioned: "已发布版本",
} as const;

type Roster = Pick<NewPlan, "cadres" | "staff" | "venues">;
type RosterWarnings = RosterImport["warnings"];

// A problem about a whole range (start after end, window outside the cycle) shows under its last field.
const GROUP_FIELD: Record<string, string[]> = {
  "/planningWindow": ["planningWindow", "end"],
  "/cycle": ["cycle", "end"],
  "/policy/cadresPerStaff": ["policy", "cadresPerStaff", "max"],
};

/** Puts an API error's problems beside the fields they name; the error table lists them all. */
function markFields(form: ReturnType<typeof Form.useForm<PlanFormValues>>[0], error: unknown) {
  if (!(error instanceof ApiError)) return;
  const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
  for (const problem of error.problems) {
    if (!problem.path) continue;
    // Paths the form has no field for (a cadre's) change nothing here.
    const name = GROUP_FIELD[problem.path] ?? fieldOf(problem.path);
    const entry = byField.get(name.join("/")) ?? { name, errors: [] };
    entry.errors.push(problem.message);
    byField.set(name.join("/"), entry);
  }
  form.setFields([...byField.values()].map((f) => ({ name: f.name as never, errors: f.errors })));
}

function planLabel(plan: PlanListItem): string {
  return plan.name ?? `${plan.organizer.county ?? plan.organizer.city}${plan.cycle.id}年度计划`;
}

/** The plan's fields as the form edits them. */
function formValues(plan: StoredPlan & { name?: unknown }): PlanFormValues {
  return {
    name: typeof plan.name === "string" ? plan.name : undefined,
    organizer: { ...plan.organizer, level: plan.organizer.level },
    cycle: { id: plan.cycle.id, start: fromIso(plan.cycle.start), end: fromIso(plan.cycle.end) },
    planningWindow: { start: fromIso(plan.planningWindow.start), end: fromIso(plan.planningWindow.end) },
    budget: { includeStaffCosts: true, ...plan.budget },
    policy: { requireMedicalStaff: true, allowOutOfProvince: false, ...plan.policy },
  };
}

function editOf(values: PlanFormValues, stored: StoredPlan | undefined): PlanEdit {
  return compact({
    name: values.name || undefined,
    planningWindow: { start: toIso(values.planningWindow.start), end: toIso(values.planningWindow.end) },
    budget: { ...stored?.budget, ...compact(values.budget) },
    policy: { ...stored?.policy, ...compact(values.policy) },
  }) as PlanEdit;
}

const NEW_PLAN_DEFAULTS: PlanFormValues = {
  organizer: { level: "city", province: "山东省", city: "济宁市" },
  cycle: {
    id: String(dayjs().year() + 1),
    start: dayjs().add(1, "year").startOf("year"),
    end: dayjs().add(1, "year").endOf("year"),
  },
  planningWindow: {
    start: dayjs().add(1, "year").startOf("year").add(2, "month"),
    end: dayjs().add(1, "year").startOf("year").add(10, "month").endOf("month"),
  },
  budget: {
    total: 400000,
    costStandard: { perPersonPerDay: 600 },
    insurancePerPerson: 30,
    staffPerDay: 300,
    includeStaffCosts: true,
  },
  policy: {
    maxDays: 7,
    maxAge: 80,
    cadresPerStaff: { min: 5, max: 10 },
    requireMedicalStaff: true,
    allowOutOfProvince: false,
  },
};

function CreatePlan({ onCreated }: { onCreated: (id: string) => void }) {
  const [form] = Form.useForm<PlanFormValues>();
  const [roster, setRoster] = useState<Roster | null>(null);
  const [warnings, setWarnings] = useState<RosterWarnings>([]);
  const [fileName, setFileName] = useState<string | null>(null);
  const importRoster = useMutation({
    mutationFn: async (file: File) =>
      ok(
        api.POST("/v1/roster/import", {
          params: { query: { format: "xlsx" } },
          headers: { "content-type": XLSX_TYPE },
          body: file as unknown as string,
          bodySerializer: (body) => body as unknown as BodyInit,
        }),
      ),
    // A plan takes the rosters only: the warnings are for the planner to read.
    onSuccess: ({ cadres, staff, venues, warnings }) => {
      setRoster({ cadres, staff, venues });
      setWarnings(warnings);
    },
    onError: () => {
      setRoster(null);
      setWarnings([]);
    },
  });
  const create = useMutation({
    mutationFn: async (values: PlanFormValues) => {
      if (!roster || !values.organizer || !values.cycle) throw new ApiError(0, "NO_ROSTER", "请先导入名册");
      const plan = compact({
        version: 1,
        name: values.name || undefined,
        organizer: { ...values.organizer, county: values.organizer.county || null },
        cycle: { id: values.cycle.id, start: toIso(values.cycle.start), end: toIso(values.cycle.end) },
        ...editOf(values, undefined),
        ...roster,
      }) as NewPlan;
      return ok(api.POST("/v1/plans", { body: plan }));
    },
    onSuccess: (data) => {
      onCreated(data.id);
      setRoster(null);
      setFileName(null);
    },
    onError: (error) => markFields(form, error),
  });
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Typography.Paragraph>
        第一步：下载名册模板，在 Excel
        中填写军休干部、服务保障人员和疗养地点后上传。名册有误时，下表列出每个有误的单元格，请在 Excel
        中改正后重新上传。
      </Typography.Paragraph>
      <Upload
        accept=".xlsx"
        showUploadList={false}
        beforeUpload={(file) => {
          setFileName(file.name);
          importRoster.mutate(file);
          return false;
        }}
      >
        <Button type="primary" loading={importRoster.isPending}>
          上传已填写的名册（.xlsx）
        </Button>
      </Upload>
      {fileName ? <Typography.Text>已选择文件：{fileName}</Typography.Text> : null}
      <ErrorAlert error={importRoster.error} />
      {roster ? (
        <Typography.Text role="status">
          名册读取成功：军休干部 {roster.cadres.length} 人，服务保障人员 {roster.staff.length} 人，疗养地点{" "}
          {roster.venues.length} 处。
        </Typography.Text>
      ) : null}
      <WarningAlert title="以下单元格以公式符号开头，已按文字导入，请核对" warnings={warnings} />
      {roster ? (
        <Form
          form={form}
          layout="vertical"
          initialValues={NEW_PLAN_DEFAULTS}
          onFinish={(v) => create.mutate(v)}
        >
          <Typography.Paragraph>第二步：填写计划信息并创建计划。</Typography.Paragraph>
          <OriginFields />
          <EditableFields />
          <ErrorAlert error={create.error} />
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            创建计划
          </Button>
        </Form>
      ) : null}
    </Space>
  );
}

function EditPlan({ planId, onClose }: { planId: string; onClose: () => void }) {
  const client = useQueryClient();
  const [form] = Form.useForm<PlanFormValues>();
  const stored = useQuery({
    queryKey: ["plan", planId],
    queryFn: () => ok(api.GET("/v1/plans/{id}", { params: { path: { id: planId } } })),
  });
  const save = useMutation({
    mutationFn: (values: PlanFormValues) =>
      ok(
        api.PATCH("/v1/plans/{id}", {
          params: { path: { id: planId } },
          body: editOf(values, stored.data?.plan),
        }),
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["plans"] });
      await client.invalidateQueries({ queryKey: ["plan", planId] });
      onClose();
    },
    onError: (error) => markFields(form, error),
  });
  if (!stored.data) return <ErrorAlert error={stored.error} />;
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={formValues(stored.data.plan)}
      onFinish={(values) => save.mutate(values)}
    >
      <Typography.Paragraph type="secondary">
        修改后，已有的日程保持不变；下次求解、推演或重新编排时使用修改后的计划。
      </Typography.Paragraph>
      <EditableFields />
      <ErrorAlert error={save.error} />
      <Space>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          保存修改
        </Button>
        <Button onClick={onClose}>取消</Button>
      </Space>
    </Form>
  );
}

export default function PlansPage() {
  const { planId, choosePlan } = useWorkbench();
  const client = useQueryClient();
  const viewer = useRole() === "viewer";
  const [page, setPage] = useState({ page: 1, pageSize: 10 });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const plans = useQuery({
    queryKey: ["plans", page.page, page.pageSize],
    queryFn: () => ok(api.GET("/v1/plans", { params: { query: page } })),
  });
  const template = useMutation({
    mutationFn: () => ok(api.GET("/v1/templates/roster.xlsx", { parseAs: "blob" })),
    onSuccess: (blob) => saveBlob(blob as unknown as Blob, "疗养名册模板.xlsx"),
  });
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Card
        title={<PageTitle>计划</PageTitle>}
        extra={
          <Space wrap>
            <Button onClick={() => template.mutate()} loading={template.isPending}>
              下载名册模板
            </Button>
            <Button
              type="primary"
              onClick={() => setCreating((v) => !v)}
              disabled={viewer}
              title={viewer ? PLANNERS_ONLY : undefined}
            >
              {creating ? "收起导入" : "导入名册新建计划"}
            </Button>
          </Space>
        }
      >
        <ErrorAlert error={template.error ?? plans.error} />
        {creating ? (
          <Card type="inner" title="导入名册新建计划" style={{ marginBottom: 16 }}>
            <CreatePlan
              onCreated={async (id) => {
                choosePlan(id);
                setCreating(false);
                await client.invalidateQueries({ queryKey: ["plans"] });
              }}
            />
          </Card>
        ) : null}
        <Table<PlanListItem>
          rowKey="id"
          loading={plans.isLoading}
          dataSource={plans.data?.items ?? []}
          scroll={{ x: 1000 }}
          rowClassName={(row) => (row.id === planId ? "ant-table-row-selected" : "")}
          pagination={{
            current: page.page,
            pageSize: page.pageSize,
            total: plans.data?.total ?? 0,
            showTotal: (total) => `共 ${total} 个计划`,
            onChange: (next, size) => setPage({ page: next, pageSize: size }),
          }}
          columns={[
            {
              title: "名称",
              key: "name",
              render: (_, row) => (
                <Space direction="vertical" size={0}>
                  <span>{planLabel(row)}</span>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {row.id}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              title: "组织单位",
              key: "organizer",
              render: (_, row) =>
                `${row.organizer.city}${row.organizer.county ?? ""}（${row.organizer.level === "county" ? "县级" : "市级"}）`,
            },
            {
              title: "疗养周期",
              key: "cycle",
              render: (_, row) => `${row.cycle.id}（${formatRange(row.cycle)}）`,
            },
            { title: "计划时段", key: "window", render: (_, row) => formatRange(row.planningWindow) },
            {
              title: "预算",
              dataIndex: "budgetTotal",
              align: "right",
              render: (v: number) => formatMoney(v),
            },
            { title: "更新时间", dataIndex: "updatedAt", render: (v: string) => formatDateTime(v) },
            {
              title: "状态",
              dataIndex: "state",
              render: (state: PlanListItem["state"]) => <Tag>{STATE_LABEL[state]}</Tag>,
            },
            {
              title: "操作",
              key: "actions",
              render: (_, row) => (
                <Space>
                  <Button
                    size="small"
                    type={row.id === planId ? "primary" : "default"}
                    onClick={() => choosePlan(row.id)}
                    aria-label={`${row.id === planId ? "当前计划" : "选用"} ${planLabel(row)}`}
                  >
                    {row.id === planId ? "当前计划" : "选用"}
                  </Button>
                  <Button
                    size="small"
                    disabled={viewer}
                    title={viewer ? PLANNERS_ONLY : undefined}
                    onClick={() => setEditing(row.id)}
                    aria-label={`编辑 ${planLabel(row)}`}
                  >
                    编辑
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Drawer
        title="编辑计划：预算、时段与政策"
        open={editing !== null}
        onClose={() => setEditing(null)}
        width={Math.min(760, window.innerWidth)}
        destroyOnHidden
      >
        {editing ? <EditPlan planId={editing} onClose={() => setEditing(null)} /> : null}
      </Drawer>
      <Typography.Text type="secondary">今天是{formatDate(dayjs().format("YYYY-MM-DD"))}。</Typography.Text>
    </Space>
  );
}

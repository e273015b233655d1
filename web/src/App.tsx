import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Input, Layout, Menu, Select, Space, Spin, Tag, Typography } from "antd";
import { lazy, Suspense, useState } from "react";
import { api, getToken, ok, setToken } from "./api/client";
import { ErrorAlert } from "./components/ErrorAlert";
import { PAGES, type PageKey, useWorkbench, WorkbenchProvider } from "./state";

// Each page is its own chunk, loaded when first opened, so the first load stays small.
const pages: Record<PageKey, ReturnType<typeof lazy>> = {
  plans: lazy(() => import("./pages/PlansPage")),
  eligibility: lazy(() => import("./pages/EligibilityPage")),
  candidates: lazy(() => import("./pages/CandidatesPage")),
  schedule: lazy(() => import("./pages/SchedulePage")),
  budget: lazy(() => import("./pages/BudgetPage")),
  events: lazy(() => import("./pages/EventsPage")),
  evaluation: lazy(() => import("./pages/EvaluationPage")),
  export: lazy(() => import("./pages/ExportPage")),
  cycle: lazy(() => import("./pages/CyclePage")),
};

const ROLE_LABEL = { planner: "计划员", viewer: "查看者" } as const;

function SignIn() {
  const client = useQueryClient();
  const [draft, setDraft] = useState("");
  const signedIn = getToken() !== null;
  // On loopback without tokens the API lets everyone plan: the token field waits behind a button.
  const [asking, setAsking] = useState(false);
  const session = useQuery({ queryKey: ["session"], queryFn: () => ok(api.GET("/v1/session")) });
  const apply = (token: string | null) => {
    setToken(token);
    setDraft("");
    client.resetQueries();
  };
  return (
    <Space wrap>
      {session.data ? (
        <Tag>当前角色：{ROLE_LABEL[session.data.role]}</Tag>
      ) : session.isError ? (
        <Tag>未登录</Tag>
      ) : null}
      {signedIn ? (
        <Button onClick={() => apply(null)}>退出登录</Button>
      ) : session.data && !asking ? (
        <Button onClick={() => setAsking(true)}>使用令牌登录</Button>
      ) : (
        <Space.Compact>
          <Input.Password
            aria-label="访问令牌"
            placeholder="访问令牌"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onPressEnter={() => draft && apply(draft)}
            style={{ width: 220 }}
          />
          <Button type="primary" onClick={() => draft && apply(draft)}>
            登录
          </Button>
        </Space.Compact>
      )}
    </Space>
  );
}

function PlanPicker() {
  const { planId, choosePlan } = useWorkbench();
  const plans = useQuery({
    queryKey: ["plans", 1, 100],
    queryFn: () => ok(api.GET("/v1/plans", { params: { query: { page: 1, pageSize: 100 } } })),
  });
  return (
    <Select
      aria-label="当前计划"
      placeholder="选择计划"
      style={{ minWidth: 260 }}
      value={planId ?? undefined}
      onChange={(id: string) => choosePlan(id)}
      options={(plans.data?.items ?? []).map((p) => ({
        value: p.id,
        label: `${p.name ?? `${p.organizer.county ?? p.organizer.city} ${p.cycle.id}年度`}（${p.id}）`,
      }))}
    />
  );
}

function Shell() {
  const { page, go } = useWorkbench();
  const session = useQuery({ queryKey: ["session"], queryFn: () => ok(api.GET("/v1/session")) });
  const Page = pages[page];
  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Header
        style={{
          background: "#fff",
          borderBottom: "1px solid #f0f0f0",
          padding: "8px 16px 0",
          height: "auto",
          lineHeight: "normal",
        }}
      >
        <div style={{ display: "flex", alignItems: "center", gap: 16, flexWrap: "wrap" }}>
          <Typography.Title level={1} style={{ fontSize: 18, margin: 0, whiteSpace: "nowrap", flex: 1 }}>
            荣誉疗养计划工作台
          </Typography.Title>
          <PlanPicker />
          <SignIn />
        </div>
        <nav aria-label="主导航">
          <Menu
            mode="horizontal"
            selectedKeys={[page]}
            onClick={(e) => go(e.key as PageKey)}
            items={PAGES.map((p) => ({ key: p.key, label: p.label }))}
            style={{ borderBottom: "none" }}
            disabledOverflow
          />
        </nav>
      </Layout.Header>
      <Layout.Content style={{ padding: 16 }}>
        <main>
          {session.isError ? (
            <Space direction="vertical" style={{ width: "100%" }}>
              <Alert type="warning" showIcon message="请先在右上角输入访问令牌并登录" />
              <ErrorAlert error={session.error} />
            </Space>
          ) : (
            <Suspense fallback={<Spin tip="加载中…" />}>
              <Page />
            </Suspense>
          )}
        </main>
      </Layout.Content>
    </Layout>
  );
}

export function App() {
  return (
    <WorkbenchProvider>
      <Shell />
    </WorkbenchProvider>
  );
}

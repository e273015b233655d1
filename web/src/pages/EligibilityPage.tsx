import { useQuery } from "@tanstack/react-query";
import { Card, Col, Input, Row, Select, Space, Statistic, Table, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import { api, ok } from "../api/client";
import type { EligibilityCadre } from "../api/types";
import { Chart } from "../components/Chart";
import { ErrorAlert } from "../components/ErrorAlert";
import { NeedPlan } from "../components/NeedPlan";
import { PageTitle } from "../components/PageTitle";
import { formatTier } from "../format";
import { useWorkbench } from "../state";

const ALL = "__all__";

function unique(values: (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))].sort((a, b) =>
    a.localeCompare(b, "zh-CN"),
  );
}

export default function EligibilityPage() {
  const { planId } = useWorkbench();
  const report = useQuery({
    queryKey: ["eligibility", planId],
    enabled: planId !== null,
    queryFn: () => ok(api.GET("/v1/plans/{id}/eligibility", { params: { path: { id: planId ?? "" } } })),
  });
  const [tier, setTier] = useState<string>(ALL);
  const [reason, setReason] = useState<string>(ALL);
  const [county, setCounty] = useState<string>(ALL);
  const [institution, setInstitution] = useState<string>(ALL);
  const [search, setSearch] = useState("");

  const cadres = report.data?.cadres ?? [];
  const reasons = useMemo(() => {
    const byCode = new Map<string, { code: string; article: number; message: string; count: number }>();
    for (const cadre of cadres) {
      for (const r of cadre.reasons) {
        const entry = byCode.get(r.code) ?? { ...r, count: 0 };
        entry.count += 1;
        byCode.set(r.code, entry);
      }
    }
    return [...byCode.values()].sort((a, b) => b.count - a.count);
  }, [cadres]);
  const tiers = useMemo(
    () => [...new Set(cadres.map((c) => c.tier).filter((t) => t !== null))].sort(),
    [cadres],
  );
  const shown = useMemo(() => {
    const needle = search.trim();
    return cadres.filter(
      (c) =>
        (tier === ALL || (tier === "none" ? !c.eligible : String(c.tier) === tier)) &&
        (reason === ALL || c.reasons.some((r) => r.code === reason)) &&
        (county === ALL || c.county === county) &&
        (institution === ALL || c.institution === institution) &&
        (needle === "" || c.cadreId.includes(needle) || (c.name ?? "").includes(needle)),
    );
  }, [cadres, tier, reason, county, institution, search]);

  if (!planId) return <NeedPlan />;
  const eligibleCount = cadres.filter((c) => c.eligible).length;
  const withNames = report.data?.personalData === "included";
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <PageTitle>资格审查</PageTitle>
      <ErrorAlert error={report.error} />
      <Row gutter={16}>
        <Col xs={8}>
          <Statistic title="军休干部" value={cadres.length} suffix="人" />
        </Col>
        <Col xs={8}>
          <Statistic title="符合条件" value={eligibleCount} suffix="人" />
        </Col>
        <Col xs={8}>
          <Statistic title="不符合条件" value={cadres.length - eligibleCount} suffix="人" />
        </Col>
      </Row>
      <Card size="small" title="不符合条件的原因（人数）">
        {reasons.length > 0 ? (
          <Chart
            label={`不符合条件的原因人数：${reasons.map((r) => `${r.message} ${r.count} 人`).join("；")}`}
            height={Math.max(160, reasons.length * 48)}
            option={{
              grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
              xAxis: { type: "value", minInterval: 1, name: "人数" },
              yAxis: {
                type: "category",
                inverse: true,
                data: reasons.map((r) => `第${r.article}条 ${r.code}`),
              },
              tooltip: { trigger: "axis" },
              series: [
                { type: "bar", data: reasons.map((r) => r.count), label: { show: true, position: "right" } },
              ],
            }}
          />
        ) : (
          <Typography.Text>全部符合条件。</Typography.Text>
        )}
      </Card>
      <Card size="small" title="筛选">
        <Space wrap>
          <Select
            aria-label="按档次筛选"
            style={{ width: 160 }}
            value={tier}
            onChange={setTier}
            options={[
              { value: ALL, label: "全部档次" },
              ...tiers.map((t) => ({ value: String(t), label: formatTier(t) })),
              { value: "none", label: "不符合条件" },
            ]}
          />
          <Select
            aria-label="按原因筛选"
            style={{ width: 320 }}
            value={reason}
            onChange={setReason}
            options={[
              { value: ALL, label: "全部原因" },
              ...reasons.map((r) => ({ value: r.code, label: `${r.code}：${r.message}` })),
            ]}
          />
          <Select
            aria-label="按县（区）筛选"
            style={{ width: 160 }}
            value={county}
            onChange={setCounty}
            options={[
              { value: ALL, label: "全部县（区）" },
              ...unique(cadres.map((c) => c.county)).map((v) => ({ value: v, label: v })),
            ]}
          />
          <Select
            aria-label="按军休机构筛选"
            style={{ width: 200 }}
            value={institution}
            onChange={setInstitution}
            options={[
              { value: ALL, label: "全部军休机构" },
              ...unique(cadres.map((c) => c.institution)).map((v) => ({ value: v, label: v })),
            ]}
          />
          <Input.Search
            aria-label="按姓名或编号搜索"
            placeholder={withNames ? "姓名或编号" : "编号"}
            allowClear
            style={{ width: 200 }}
            onChange={(e) => setSearch(e.target.value)}
          />
          <Typography.Text role="status">显示 {shown.length} 人</Typography.Text>
        </Space>
      </Card>
      <Table<EligibilityCadre>
        virtual
        size="small"
        rowKey="cadreId"
        loading={report.isLoading}
        dataSource={shown}
        pagination={false}
        scroll={{ x: 1000, y: 480 }}
        columns={[
          { title: "编号", dataIndex: "cadreId", width: 100 },
          ...(withNames ? [{ title: "姓名", dataIndex: "name", width: 100 }] : []),
          { title: "县（区）", dataIndex: "county", width: 110 },
          { title: "军休机构", dataIndex: "institution", width: 160 },
          {
            title: "资格",
            key: "eligible",
            width: 110,
            render: (_, c) => (c.eligible ? <Tag>✓ 符合条件</Tag> : <Tag>✗ 不符合</Tag>),
          },
          { title: "档次", dataIndex: "tier", width: 80, render: (t: number | null) => formatTier(t) },
          { title: "排序", dataIndex: "rank", width: 70, render: (r: number | null) => r ?? "—" },
          {
            title: "原因（条款）",
            key: "reasons",
            render: (_, c) =>
              c.reasons.map((r) => `第${r.article}条 ${r.code}：${r.message}`).join("；") || "—",
          },
        ]}
      />
      <Card size="small" title="不可使用的疗养地点">
        <Table
          size="small"
          rowKey="venueId"
          pagination={false}
          dataSource={report.data?.excludedVenues ?? []}
          locale={{ emptyText: <span style={{ color: "#595959" }}>所有疗养地点均可使用</span> }}
          columns={[
            { title: "编号", dataIndex: "venueId", width: 100 },
            { title: "名称", dataIndex: "name", width: 200 },
            {
              title: "原因（条款）",
              key: "reasons",
              render: (_, v) => v.reasons.map((r) => `第${r.article}条：${r.message}`).join("；"),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

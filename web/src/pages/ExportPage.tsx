import { useMutation } from "@tanstack/react-query";
import { Button, Card, Select, Space, Typography } from "antd";
import { useState } from "react";
import { api, ok, saveBlob } from "../api/client";
import { ErrorAlert } from "../components/ErrorAlert";
import { NeedPlan } from "../components/NeedPlan";
import { PageTitle } from "../components/PageTitle";
import { SchedulePicker, useShownSchedule } from "../components/SchedulePicker";
import { formatRange, formatTier } from "../format";
import { usePeople, useSchedule } from "../queries";
import { useWorkbench } from "../state";

export default function ExportPage() {
  const { planId } = useWorkbench();
  const { chosen } = useShownSchedule(planId);
  const schedule = useSchedule(chosen);
  const people = usePeople(planId);
  const [batchId, setBatchId] = useState<string | null>(null);
  const download = useMutation({
    mutationFn: async (format: "xlsx" | "csv") => {
      const scheduleId = chosen ?? "";
      const blob =
        format === "xlsx"
          ? await ok(
              api.GET("/v1/schedules/{scheduleId}/export.xlsx", {
                params: { path: { scheduleId } },
                parseAs: "blob",
              }),
            )
          : await ok(
              api.GET("/v1/schedules/{scheduleId}/export.csv", {
                params: { path: { scheduleId } },
                parseAs: "blob",
              }),
            );
      saveBlob(blob as unknown as Blob, `疗养日程-${scheduleId}.${format}`);
    },
  });
  if (!planId) return <NeedPlan />;
  const batch = schedule.data?.batches.find((b) => b.id === batchId);
  const venue = batch ? people.venues.get(batch.venueId) : undefined;
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Space wrap>
        <PageTitle>导出</PageTitle>
        <SchedulePicker planId={planId} />
      </Space>
      <Card size="small" title="下载日程">
        <Space wrap>
          <Button
            type="primary"
            disabled={!chosen}
            onClick={() => download.mutate("xlsx")}
            loading={download.isPending}
          >
            下载 Excel（.xlsx）
          </Button>
          <Button disabled={!chosen} onClick={() => download.mutate("csv")} loading={download.isPending}>
            下载 CSV
          </Button>
        </Space>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          Excel 含费用汇总、每批一张名单、未安排和不符合条件人员；导出文件含个人信息，仅计划员可下载。
        </Typography.Paragraph>
        <ErrorAlert error={download.error} />
      </Card>
      <Card size="small" title="打印批次名单（A4）">
        <Space wrap>
          <Select
            aria-label="选择批次"
            style={{ minWidth: 360 }}
            placeholder="选择批次"
            value={batchId ?? undefined}
            onChange={setBatchId}
            options={(schedule.data?.batches ?? []).map((b) => ({
              value: b.id,
              label: `${b.id}：${people.venues.get(b.venueId)?.name ?? b.venueId}，${formatRange(b)}`,
            }))}
          />
          <Button disabled={!batch} onClick={() => window.print()}>
            打印名单
          </Button>
        </Space>
        {batch ? (
          <section className="print-area" aria-label="批次名单" style={{ marginTop: 16 }}>
            <h2 style={{ fontSize: 18 }}>荣誉疗养批次名单</h2>
            <p>
              批次 {batch.id}：{venue?.name ?? batch.venueId}，{formatRange(batch)}，军休干部{" "}
              {batch.cadreIds.length} 人，工作人员 {batch.staffIds.length} 人
            </p>
            <table className="roster-table">
              <thead>
                <tr>
                  <th scope="col">序号</th>
                  <th scope="col">编号</th>
                  <th scope="col">姓名</th>
                  <th scope="col">档次</th>
                  <th scope="col">签到</th>
                </tr>
              </thead>
              <tbody>
                {batch.cadreIds.map((id, i) => (
                  <tr key={id}>
                    <td>{i + 1}</td>
                    <td>{id}</td>
                    <td>{people.cadres.get(id)?.name ?? "（仅计划员可见）"}</td>
                    <td>{formatTier(people.cadres.get(id)?.tier)}</td>
                    <td />
                  </tr>
                ))}
              </tbody>
            </table>
            <h3 style={{ fontSize: 16 }}>随行工作人员</h3>
            <table className="roster-table">
              <thead>
                <tr>
                  <th scope="col">编号</th>
                  <th scope="col">姓名</th>
                  <th scope="col">单位</th>
                  <th scope="col">医护</th>
                </tr>
              </thead>
              <tbody>
                {batch.staffIds.map((id) => {
                  const staff = people.staff.get(id);
                  return (
                    <tr key={id}>
                      <td>{id}</td>
                      <td>{staff?.name ?? "（仅计划员可见）"}</td>
                      <td>{staff?.institution ?? ""}</td>
                      <td>{staff?.medical ? "✚ 医护人员" : "—"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        ) : null}
      </Card>
    </Space>
  );
}

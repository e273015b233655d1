import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Progress, Space, Typography } from "antd";
import { ApiError, api, ok } from "../api/client";
import type { Job } from "../api/types";
import { ErrorAlert } from "./ErrorAlert";

const STATUS = {
  queued: "排队中",
  running: "计算中",
  succeeded: "已完成",
  failed: "失败",
  canceled: "已取消",
} as const;

/** Polls a job while it is queued or running. */
export function useJob(jobId: string | null) {
  return useQuery({
    queryKey: ["job", jobId],
    enabled: jobId !== null,
    queryFn: () => ok(api.GET("/v1/jobs/{jobId}", { params: { path: { jobId: jobId ?? "" } } })),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === "succeeded" || status === "failed" || status === "canceled" ? false : 500;
    },
  });
}

/** A job's progress bar, its status in words, and a cancel button while it runs. */
export function JobProgress({ job, label }: { job: Job | undefined; label: string }) {
  const client = useQueryClient();
  if (!job) return null;
  const active = job.status === "queued" || job.status === "running";
  const percent = job.status === "succeeded" ? 100 : Math.round((job.progress?.fraction ?? 0) * 100);
  const cancel = async () => {
    await ok(api.DELETE("/v1/jobs/{jobId}", { params: { path: { jobId: job.id } } })).catch(() => undefined);
    await client.invalidateQueries({ queryKey: ["job", job.id] });
  };
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space wrap>
        <Typography.Text strong>{label}</Typography.Text>
        <Typography.Text role="status">
          状态：{STATUS[job.status]}
          {job.progress ? `（已完成 ${job.progress.tasksDone}/${job.progress.tasks} 项）` : ""}
        </Typography.Text>
        {active ? (
          <Button danger onClick={cancel}>
            取消计算
          </Button>
        ) : null}
      </Space>
      <Progress
        percent={percent}
        status={
          job.status === "failed" || job.status === "canceled" ? "exception" : active ? "active" : "success"
        }
        aria-label={`${label}进度`}
      />
      {job.status === "failed" ? (
        <ErrorAlert error={new ApiError(0, "JOB_FAILED", job.error ?? "计算失败")} />
      ) : null}
    </Space>
  );
}

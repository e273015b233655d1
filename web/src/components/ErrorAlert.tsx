import { Alert, Table } from "antd";
import { ApiError } from "../api/client";

/** An API error as the planner reads it: its Chinese message, and each problem with where it is. */
export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  const message = apiError?.message ?? "操作失败，请重试";
  const problems = apiError?.problems ?? [];
  const cells = problems.some((p) => p.sheet || p.row);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      message={`错误：${message}`}
      description={
        problems.length > 0 ? (
          <Table
            size="small"
            rowKey={(p) => `${p.sheet}|${p.row}|${p.column}|${p.path}|${p.code}`}
            pagination={problems.length > 20 ? { pageSize: 20 } : false}
            dataSource={problems}
            columns={
              cells
                ? [
                    { title: "工作表", dataIndex: "sheet" },
                    { title: "行", dataIndex: "row", width: 70 },
                    { title: "列", dataIndex: "column" },
                    { title: "问题", dataIndex: "message" },
                  ]
                : [
                    { title: "位置", dataIndex: "path" },
                    { title: "问题", dataIndex: "message" },
                  ]
            }
          />
        ) : undefined
      }
    />
  );
}

/** A problem's JSON Pointer (/budget/total) as an antd form field name (["budget", "total"]). */
export function fieldOf(path: string): (string | number)[] {
  return path
    .split("/")
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, "/").replace(/~0/g, "~")));
}

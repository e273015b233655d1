import { Alert, Table } from "antd";
import { ApiError } from "../api/client";

interface Located {
  path?: string;
  code: string;
  message: string;
  sheet?: string | null;
  row?: number | null;
  column?: string | null;
}

/** Problems with where they are: by sheet, row and column for a workbook, by path for JSON. */
function ProblemTable({ problems }: { problems: readonly Located[] }) {
  const cells = problems.some((p) => p.sheet || p.row);
  return (
    <Table
      size="small"
      rowKey={(p) => `${p.sheet}|${p.row}|${p.column}|${p.path}|${p.code}`}
      pagination={problems.length > 20 ? { pageSize: 20 } : false}
      dataSource={[...problems]}
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
  );
}

/** An API error as the planner reads it: its Chinese message, and each problem with where it is. */
export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  const message = apiError?.message ?? "操作失败，请重试";
  const problems = apiError?.problems ?? [];
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      message={`错误：${message}`}
      description={problems.length > 0 ? <ProblemTable problems={problems} /> : undefined}
    />
  );
}

/** Cells taken as they are that deserve a second look, each with where it is. */
export function WarningAlert({ title, warnings }: { title: string; warnings: readonly Located[] }) {
  if (warnings.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      message={`注意：${title}`}
      description={<ProblemTable problems={warnings} />}
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

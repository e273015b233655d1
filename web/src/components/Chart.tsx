import { Spin } from "antd";
import { lazy, Suspense } from "react";
import type { EChartProps } from "./EChart";

// ECharts is the page's largest library: it loads with the first chart, never with the first page.
const EChart = lazy(() => import("./EChart"));

export function Chart(props: EChartProps) {
  return (
    <Suspense fallback={<Spin tip="图表加载中…" />}>
      <EChart {...props} />
    </Suspense>
  );
}

import { useQuery } from "@tanstack/react-query";
import { Card, Progress, Typography } from "antd";
import { api, ok } from "../api/client";
import { formatMoney } from "../format";
import { TIERS } from "../labels";
import { Chart } from "./Chart";
import { ErrorAlert } from "./ErrorAlert";

// The plan's budget frontier (GET /v1/plans/{id}/frontier): how many of each tier every budget can send,
// exact, as a step chart. The service computes it in the background whenever the plan changes; the card
// polls while it is computed, and says when budgets past the most coverage need no solve (the places curve).

function useFrontier(planId: string) {
  return useQuery({
    queryKey: ["frontier", planId],
    queryFn: async () => {
      const answer = await ok(api.GET("/v1/plans/{id}/frontier", { params: { path: { id: planId } } }));
      // Without ?budget the route answers the whole frontier.
      if (!("state" in answer)) throw new Error("预算前沿的应答无法识别");
      return answer;
    },
    refetchInterval: (query) => {
      const data = query.state.data;
      return data?.state === "computing" || data?.places.state === "computing" ? 2000 : false;
    },
  });
}

/** The frontier of the plan, with its current budget `total` marked on it. */
export function FrontierCard({ planId, total }: { planId: string; total: number }) {
  const frontier = useFrontier(planId);
  const data = frontier.data;
  const steps = data?.steps ?? [];
  const last = steps.at(-1);
  const tiers = TIERS.filter((t) => steps.some((s) => (s.scheduledByTier[t - 1] ?? 0) > 0));
  const places = data?.places;
  // Past the last step and the plan's budget a little, so that the last step reads as a plateau.
  const axisEnd = Math.ceil((Math.max(last?.budget ?? 0, total) * 1.05) / 1000) * 1000;
  const placesFrom = places?.steps[0]?.budget;
  return (
    <Card title="预算前沿：每一笔预算最多能安排多少人">
      <ErrorAlert error={frontier.error} />
      {data ? <Typography.Paragraph>{data.message}</Typography.Paragraph> : null}
      {data?.state === "computing" ? (
        <Progress percent={Math.round((data.fraction ?? 0) * 100)} aria-label="预算前沿计算进度" />
      ) : null}
      {last !== undefined && steps.length > 1 ? (
        <Chart
          label={`预算前沿：共 ${steps.length} 级，预算 ${formatMoney(last.budget)} 起安排 ${last.scheduled} 人，为任何预算所能达到的最多`}
          height={320}
          option={{
            legend: { top: 0 },
            tooltip: { trigger: "axis" },
            grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
            xAxis: {
              type: "value",
              name: "预算",
              max: axisEnd,
              axisLabel: { formatter: (v: number) => formatMoney(v) },
            },
            yAxis: { type: "value", name: "安排人数", minInterval: 1 },
            series: tiers.map((t, i) => ({
              type: "line",
              name: `第${t}档`,
              step: "end",
              stack: "scheduled",
              areaStyle: {},
              symbol: "none",
              data: [
                ...steps.map((s) => [s.budget, s.scheduledByTier[t - 1] ?? 0]),
                [axisEnd, last.scheduledByTier[t - 1] ?? 0],
              ],
              ...(i === 0
                ? {
                    markLine: {
                      symbol: "none",
                      lineStyle: { type: "dashed" },
                      label: { formatter: `当前预算 ${formatMoney(total)}`, position: "insideEndTop" },
                      data: [{ xAxis: total }],
                    },
                  }
                : {}),
            })),
          }}
        />
      ) : null}
      {places?.state === "ready" && placesFrom !== undefined ? (
        <Typography.Text type="secondary">
          预算不低于 {formatMoney(placesFrom)} 即可安排最多人数
          {places.steps.length > 1
            ? `；再多的预算用于增加自有疗养机构名额（${places.steps.length - 1} 级，已算出）`
            : ""}
          ，这些预算的推演无需再求解。
        </Typography.Text>
      ) : places?.state === "computing" ? (
        <>
          <Typography.Text type="secondary">
            正在计算最多人数之后自有疗养机构名额随预算的变化。
          </Typography.Text>
          <Progress
            percent={Math.round((places.fraction ?? 0) * 100)}
            aria-label="自有疗养机构名额计算进度"
          />
        </>
      ) : null}
    </Card>
  );
}

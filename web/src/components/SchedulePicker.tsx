import { Select } from "antd";
import { candidateLabel } from "../labels";
import { useSchedules } from "../queries";
import { useWorkbench } from "../state";

/** Which schedule the pages show: the one chosen, else the current version, else the priority candidate. */
export function useShownSchedule(planId: string | null) {
  const { scheduleId } = useWorkbench();
  const list = useSchedules(planId);
  const schedules = list.data?.schedules ?? [];
  const fallback =
    list.data?.currentVersion?.scheduleId ??
    [...schedules].reverse().find((s) => s.candidate === "priority" && !s.run)?.scheduleId ??
    null;
  const chosen = scheduleId && schedules.some((s) => s.scheduleId === scheduleId) ? scheduleId : fallback;
  return { list, chosen };
}

export function SchedulePicker({ planId }: { planId: string }) {
  const { chooseSchedule } = useWorkbench();
  const { list, chosen } = useShownSchedule(planId);
  return (
    <Select
      aria-label="选择日程"
      style={{ minWidth: 320 }}
      placeholder="尚无日程，请先求解"
      value={chosen ?? undefined}
      onChange={(id: string) => chooseSchedule(id)}
      options={(list.data?.schedules ?? []).map((s) => ({
        value: s.scheduleId,
        label: `${candidateLabel(s.candidate, s.run, s.version)}（${s.scheduleId}）`,
      }))}
    />
  );
}

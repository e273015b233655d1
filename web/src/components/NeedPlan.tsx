import { Alert, Button } from "antd";
import { useWorkbench } from "../state";

/** Shown on a page that works on one plan while none is chosen. */
export function NeedPlan() {
  const { go } = useWorkbench();
  return (
    <Alert
      type="info"
      showIcon
      message="请先选择一个计划"
      description="在右上角选择计划，或在「计划」页导入名册新建计划。"
      action={<Button onClick={() => go("plans")}>前往计划</Button>}
    />
  );
}

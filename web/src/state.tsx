import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";

// What the pages share: the plan and the schedule the planner is working on (kept for the browser tab), and
// the page shown, read from the address after the # so the back button and reloads work.

export const PAGES = [
  { key: "plans", label: "计划" },
  { key: "eligibility", label: "资格审查" },
  { key: "candidates", label: "方案比选" },
  { key: "schedule", label: "日程" },
  { key: "budget", label: "预算推演" },
  { key: "events", label: "动态调整" },
  { key: "evaluation", label: "档案与评价" },
  { key: "export", label: "导出" },
  { key: "cycle", label: "疗养周期" },
] as const;
export type PageKey = (typeof PAGES)[number]["key"];

function pageFromHash(): PageKey {
  const key = window.location.hash.replace(/^#\/?/, "").split("?")[0];
  return PAGES.find((p) => p.key === key)?.key ?? "plans";
}

interface Workbench {
  page: PageKey;
  go(page: PageKey): void;
  planId: string | null;
  choosePlan(id: string | null): void;
  scheduleId: string | null;
  chooseSchedule(id: string | null): void;
}

const WorkbenchContext = createContext<Workbench | null>(null);

function useStored(key: string): [string | null, (value: string | null) => void] {
  const [value, setValue] = useState(() => sessionStorage.getItem(key));
  const set = useCallback(
    (next: string | null) => {
      if (next) sessionStorage.setItem(key, next);
      else sessionStorage.removeItem(key);
      setValue(next);
    },
    [key],
  );
  return [value, set];
}

export function WorkbenchProvider({ children }: { children: ReactNode }) {
  const [page, setPage] = useState<PageKey>(pageFromHash);
  const [planId, setPlanId] = useStored("planner.planId");
  const [scheduleId, chooseSchedule] = useStored("planner.scheduleId");
  useEffect(() => {
    const onHash = () => setPage(pageFromHash());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  const value = useMemo<Workbench>(
    () => ({
      page,
      go: (next) => {
        window.location.hash = `#/${next}`;
      },
      planId,
      choosePlan: (id) => {
        setPlanId(id);
        chooseSchedule(null);
      },
      scheduleId,
      chooseSchedule,
    }),
    [page, planId, scheduleId, setPlanId, chooseSchedule],
  );
  return <WorkbenchContext.Provider value={value}>{children}</WorkbenchContext.Provider>;
}

export function useWorkbench(): Workbench {
  const context = useContext(WorkbenchContext);
  if (!context) throw new Error("useWorkbench outside WorkbenchProvider");
  return context;
}

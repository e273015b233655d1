import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { api, ok } from "./api/client";

// The reads several pages share, under one query key each so they are fetched once.

export function usePlan(planId: string | null) {
  return useQuery({
    queryKey: ["plan", planId],
    enabled: planId !== null,
    queryFn: () => ok(api.GET("/v1/plans/{id}", { params: { path: { id: planId ?? "" } } })),
  });
}

export function useEligibility(planId: string | null) {
  return useQuery({
    queryKey: ["eligibility", planId],
    enabled: planId !== null,
    queryFn: () => ok(api.GET("/v1/plans/{id}/eligibility", { params: { path: { id: planId ?? "" } } })),
  });
}

export function useSchedules(planId: string | null) {
  return useQuery({
    queryKey: ["schedules", planId],
    enabled: planId !== null,
    queryFn: () => ok(api.GET("/v1/plans/{id}/schedules", { params: { path: { id: planId ?? "" } } })),
  });
}

export function useSchedule(scheduleId: string | null) {
  return useQuery({
    queryKey: ["schedule", scheduleId],
    enabled: scheduleId !== null,
    queryFn: () =>
      ok(api.GET("/v1/schedules/{scheduleId}", { params: { path: { scheduleId: scheduleId ?? "" } } })),
    // A what-if run is stored before its unscheduled reasons, which a background job writes in shortly after.
    refetchInterval: (query) => (query.state.data?.solver.unscheduledReasonsPending === true ? 2000 : false),
  });
}

/** Names and tiers by id, for tables that list people by id. Viewers get no names. */
export function usePeople(planId: string | null) {
  const plan = usePlan(planId);
  const eligibility = useEligibility(planId);
  return useMemo(() => {
    const cadres = new Map(
      (eligibility.data?.cadres ?? []).map((c) => [c.cadreId, { name: c.name, tier: c.tier, rank: c.rank }]),
    );
    const staff = new Map((plan.data?.plan.staff ?? []).map((s) => [s.id, s]));
    const venues = new Map((plan.data?.plan.venues ?? []).map((v) => [v.id, v]));
    return { cadres, staff, venues, plan: plan.data?.plan };
  }, [plan.data, eligibility.data]);
}

/** The caller's role; planners write, viewers only read (the API enforces it, the page says it). */
export function useRole() {
  const session = useQuery({ queryKey: ["session"], queryFn: () => ok(api.GET("/v1/session")) });
  return session.data?.role;
}

/** Shown on a write action a viewer cannot take. */
export const PLANNERS_ONLY = "仅计划员可操作";

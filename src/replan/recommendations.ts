import type { PlanEvent, RecommendedBy } from "../contract/events.js";
import { organizerPath, type PlanInput, type Problem } from "../contract/index.js";

// Recommendation upward (Art. 5): counties recommend cadres to the city plan as events, so the audit trail
// keeps who recommended whom and when, and who took it back. A recommendation stands until it is withdrawn;
// it can be withdrawn until the cadre is told, i.e. until a batch of the current version holding them is
// published (or has departed): after that only the cadre's own withdrawal (cadre_withdrew) takes them out.

export interface Recommendation {
  cadreId: string;
  recommendedBy: RecommendedBy;
  /** Position of the recommending event in the log (0-based), for the audit trail. */
  index: number;
}

/** The recommendations standing after the events, by cadre id, in the order they were made. */
export function standingRecommendations(events: readonly PlanEvent[]): Map<string, Recommendation> {
  const standing = new Map<string, Recommendation>();
  events.forEach((event, index) => {
    if (event.type === "cadre_recommended")
      standing.set(event.cadre.id, { cadreId: event.cadre.id, recommendedBy: event.recommendedBy, index });
    else if (event.type === "recommendation_withdrawn") standing.delete(event.cadreId);
  });
  return standing;
}

/** Cadres a batch of the current version holds that were told: published, departed or completed. */
export function toldCadreIds(
  batches: readonly { id: string; cadreIds: readonly string[] }[],
  state: { published: ReadonlySet<string>; frozen: ReadonlySet<string> },
): Set<string> {
  return new Set(
    batches.filter((b) => state.published.has(b.id) || state.frozen.has(b.id)).flatMap((b) => b.cadreIds),
  );
}

const source = (by: RecommendedBy) => `${by.county}于 ${by.date} 推荐`;

export type RecommendationCheck =
  | { ok: true }
  | { ok: false; status: 400; problems: Problem[] }
  | { ok: false; status: 409; message: string };

/**
 * New recommendation events against the plan and the events before them: only a city plan takes them, the
 * recommending county is one of the city's, a cadre is recommended once (409 naming both sources, the plan's
 * own roster counting as one) and a withdrawal names a standing recommendation of a cadre not yet told.
 */
export function checkRecommendations(
  plan: PlanInput,
  stored: readonly PlanEvent[],
  added: readonly PlanEvent[],
  told: ReadonlySet<string>,
  pointer: (i: number) => string,
): RecommendationCheck {
  if (!added.some((e) => e.type === "cadre_recommended" || e.type === "recommendation_withdrawn"))
    return { ok: true };
  const standing = standingRecommendations(stored);
  const roster = new Set(plan.cadres.map((c) => c.id));
  for (const event of stored)
    if (event.type === "cadre_added") roster.add(event.cadre.id);
    else if (event.type === "recommendation_withdrawn") roster.delete(event.cadreId);
  const city = organizerPath(plan.organizer)?.[1];
  const problems: Problem[] = [];
  for (const [i, event] of added.entries()) {
    const p = pointer(i);
    const refuse = (message: string): RecommendationCheck => ({
      ok: false,
      status: 409,
      message: `事件 ${p || "/"}：${message}`,
    });
    if (event.type === "cadre_added") roster.add(event.cadre.id);
    if (event.type !== "cadre_recommended" && event.type !== "recommendation_withdrawn") continue;
    if (plan.organizer.level !== "city") return refuse("推荐申报只能提交给市级计划（第五条）");
    if (event.type === "recommendation_withdrawn") {
      const earlier = standing.get(event.cadreId);
      if (earlier === undefined) return refuse(`军休干部「${event.cadreId}」没有待撤回的推荐`);
      if (told.has(event.cadreId))
        return refuse(
          `军休干部「${event.cadreId}」（${source(earlier.recommendedBy)}）所在批次已发布并已通知本人，不能撤回推荐；本人退出请记录 cadre_withdrew`,
        );
      standing.delete(event.cadreId);
      roster.delete(event.cadreId);
      continue;
    }
    const { cadre, recommendedBy } = event;
    if (city !== undefined && !city.children.some((c) => c.name === recommendedBy.county))
      problems.push({
        path: `${p}/recommendedBy/county`,
        code: "UNKNOWN_COUNTY",
        message: `「${recommendedBy.county}」不是${city.name}所辖的县（市、区）`,
      });
    const earlier = standing.get(cadre.id);
    if (earlier !== undefined)
      return refuse(
        `军休干部「${cadre.id}」已由${source(earlier.recommendedBy)}，本次由${source(recommendedBy)}：同一人只能推荐一次（第五条）`,
      );
    if (roster.has(cadre.id))
      return refuse(
        `军休干部「${cadre.id}」已在市级计划名单中（原有名单），本次由${source(recommendedBy)}：同一人只能列入一次`,
      );
    standing.set(cadre.id, { cadreId: cadre.id, recommendedBy, index: stored.length + i });
    roster.add(cadre.id);
  }
  return problems.length > 0 ? { ok: false, status: 400, problems } : { ok: true };
}

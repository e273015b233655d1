// npm run bench:year — a simulated year on the city plan: 52 weeks of seeded random events, replanned every
// night as the service replans (src/replan/compute.ts, the worker's own code, called directly), beside two baselines on the
// same plan: a from-scratch solve, and a replan that keeps only what has happened. Events pass the same checks
// POST /v1/plans/{id}/events applies; the refused ones are counted. Figures go to the "Simulated year" section
// of bench/RESULTS.md.
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { generatePlan, Rng } from "../fixtures/generate.js";
import {
  diffSchedules,
  replanPlan,
  type Schedule,
  type ScheduleDiff,
  solvePlan,
  toDay,
  toIso,
  validateSchedule,
} from "../solver/index.js";
import type { PlanEvent } from "../src/contract/events.js";
import { type PlanInput, parsePlan } from "../src/contract/index.js";
import { computeReplan, type ReplanOutput } from "../src/replan/compute.js";
import {
  type CurrentVersion,
  checkEvents,
  committedCadreIds,
  deriveState,
  fromToday,
  frozenBatches,
} from "../src/replan/state.js";
import { readJsonFile } from "../src/support/files.js";
import { machine, ROOT, writeResultsSection } from "./results.js";

const SEED = 2027;
const WEEKS = Number(process.env.YEAR_WEEKS ?? 52);
const START = "2027-01-04"; // a Monday: publication and readiness follow the Monday night's replan
const TIME_LIMIT_SECONDS = 20;
const PUBLISH_AHEAD_DAYS = 28;

const parsed = parsePlan(await readJsonFile(join(ROOT, "fixtures/plans/city.json")));
if (!parsed.ok) throw new Error("city.json breaks the contract");
const stored: PlanInput = parsed.plan;
const rng = new Rng(SEED, "simulated-year");
// Newcomers come from another seeded city of the same generator, renumbered so their ids are new.
const newcomers = generatePlan({ seed: SEED, level: "city", cadres: 400, venues: 1, staff: 1 }).cadres.map(
  (c, i) => ({ ...c, id: `C9${String(i).padStart(4, "0")}` }),
);

const events: PlanEvent[] = [];
let current = null as CurrentVersion | null;
const tally = {
  accepted: new Map<string, number>(),
  refused: new Map<string, number>(),
};
const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/** Disruptive events: those that change the plan (not readiness, not a batch's life cycle). */
const DISRUPTIVE: ReadonlySet<string> = new Set([
  "cadre_withdrew",
  "cadre_updated",
  "cadre_added",
  "staff_unavailable",
  "staff_added",
  "venue_changed",
  "venue_closed",
  "budget_changed",
]);
let pendingDisruptive = 0;

/** Records events as the service would (all or none), or counts why they were refused. */
function record(added: PlanEvent | PlanEvent[], day: string): boolean {
  const list = Array.isArray(added) ? added : [added];
  const event = list[0];
  if (event === undefined) return true;
  const check = checkEvents(stored, events, current, list, day, (i) => `/${i}`);
  if (!check.ok) {
    const why =
      check.status === 400
        ? `400 ${check.problems[0]?.code ?? ""}`
        : check.message.includes("已发生")
          ? "409 would unmake a departed batch"
          : "409 other";
    bump(tally.refused, `${event.type}: ${why}`);
    return false;
  }
  for (const e of list) {
    events.push(e);
    bump(tally.accepted, e.type);
    if (DISRUPTIVE.has(e.type)) pendingDisruptive++;
  }
  return true;
}

interface RunRow {
  day: string;
  version: number;
  disruptive: number;
  valid: boolean;
  replan: { moved: number; published: number; unexplained: number; scheduled: number; seconds: number };
  scratch: Baseline;
  history: Baseline;
}

interface Baseline {
  moved: number;
  published: number;
  scheduled: number;
  seconds: number;
}
const rows: RunRow[] = [];

/** Cadres who lose or change their place against the previous version: moved, or removed. */
function disruption(diff: ScheduleDiff, published: ReadonlySet<string>) {
  const lost = [...diff.moved.map((m) => m.from), ...diff.removed.map((r) => r.from)];
  return { moved: lost.length, published: lost.filter((p) => published.has(p.batchId)).length };
}

async function replan(day: string): Promise<ReplanOutput> {
  const previous = current;
  const state = deriveState(previous, events);
  const promised = new Set([...state.published, ...state.frozen]);
  const version = (previous?.version ?? 0) + 1;
  const out = await computeReplan(
    stored,
    {
      planId: "city",
      scheduleId: `v${version}`,
      version,
      eventsThrough: events.length,
      events: [...events],
      previous,
      today: day,
      readinessDays: 7,
    },
    { timeLimitSeconds: TIME_LIMIT_SECONDS },
  );
  const committed = committedCadreIds(previous?.schedule ?? null, out.schedule, promised);
  const valid = validateSchedule(out.plan, out.schedule, { committedCadreIds: committed }).length === 0;
  if (previous !== null) {
    const published = state.published;
    const baseline = async (solve: () => Promise<Schedule>): Promise<Baseline> => {
      const began = performance.now();
      const schedule = await solve();
      return {
        ...disruption(diffSchedules(previous.schedule, schedule), published),
        scheduled: schedule.summary.scheduled,
        seconds: (performance.now() - began) / 1000,
      };
    };
    // From scratch: the same plan after the same events, solved as if nothing had been planned or happened.
    const scratch = await baseline(() =>
      solvePlan(out.plan, { planId: "city", scheduleId: "scratch", timeLimitSeconds: TIME_LIMIT_SECONDS }),
    );
    // From scratch, history kept: what has departed stays, nothing else is promised or preferred.
    const frozen = frozenBatches(previous, state);
    const history = await baseline(() =>
      replanPlan(fromToday(out.plan, day, frozen), {
        planId: "city",
        scheduleId: "history",
        timeLimitSeconds: TIME_LIMIT_SECONDS,
        previous: { ...previous.schedule, batches: frozen },
        frozenBatchIds: frozen.map((b) => b.id),
        publishedBatchIds: [],
      }),
    );
    const mine = disruption(diffSchedules(previous.schedule, out.schedule), published);
    rows.push({
      day,
      version,
      disruptive: pendingDisruptive,
      valid,
      replan: {
        ...mine,
        unexplained: out.result.notify.filter(
          (n) => n.role === "cadre" && n.wasPublished && n.change !== "added" && n.reason === "REPLANNED",
        ).length,
        scheduled: out.schedule.summary.scheduled,
        seconds: out.schedule.solver.seconds,
      },
      scratch,
      history,
    });
  } else if (!valid) throw new Error("version 1 does not validate");
  pendingDisruptive = 0;
  current = { scheduleId: `v${version}`, version, schedule: out.schedule, commitments: out.commitments };
  process.stdout.write(
    `${day} v${version}: ${out.schedule.summary.scheduled} scheduled, ${out.result.figures.moved + out.result.figures.removed} moved or removed, ${out.schedule.solver.seconds} s\n`,
  );
  return out;
}

const plusDays = (iso: string, days: number) => toIso(toDay(iso) + days);
/** Participants of batches that have not left: the ones a withdrawal can still concern. */
const notYetGone = () => {
  const { frozen } = deriveState(current, events);
  return (current?.schedule.batches ?? []).filter((b) => !frozen.has(b.id)).flatMap((b) => b.cadreIds);
};

/** This week's random happenings, each on a random day of the week. */
function randomEvents(weekStart: string): { day: string; make: () => PlanEvent | undefined }[] {
  const out: { day: string; make: () => PlanEvent | undefined }[] = [];
  const on = () => plusDays(weekStart, rng.int(0, 6));
  /** One happening on a random day; what it is is drawn when that day comes. */
  const happen = (make: () => PlanEvent | undefined) => out.push({ day: on(), make });
  const count = (mean: number) => {
    let n = 0;
    while (rng.chance(mean / (mean + 1))) n++;
    return n;
  };
  const eligible = () => current?.schedule.unscheduled.map((u) => u.cadreId) ?? [];
  for (let i = count(1.5); i > 0; i--)
    happen(() => {
      const pool = rng.chance(0.7) ? notYetGone() : eligible();
      return pool.length === 0 ? undefined : { type: "cadre_withdrew", cadreId: rng.pick(pool) };
    });
  for (let i = count(1); i > 0; i--)
    happen(() => {
      const cadre = rng.pick(stored.cadres);
      // Mostly bad news (a critical illness); sometimes a missing declaration arrives, healthy.
      return rng.chance(0.7)
        ? { type: "cadre_updated", cadreId: cadre.id, changes: { health: { criticalIllness: true } } }
        : { type: "cadre_updated", cadreId: cadre.id, changes: { health: {} } };
    });
  for (let i = count(2); i > 0; i--)
    happen(() => {
      const cadre = newcomers.shift();
      return cadre && { type: "cadre_added", cadre: cadre as PlanInput["cadres"][number] };
    });
  for (let i = count(1); i > 0; i--)
    happen(() => {
      const start = plusDays(weekStart, rng.int(7, 56));
      return {
        type: "staff_unavailable",
        staffId: rng.pick(stored.staff).id,
        range: { start, end: plusDays(start, rng.int(3, 14)) },
      };
    });
  if (rng.chance(0.1))
    happen(() => {
      const start = plusDays(weekStart, rng.int(14, 84));
      return {
        type: "venue_closed",
        venueId: rng.pick(stored.venues).id,
        range: { start, end: plusDays(start, rng.int(5, 14)) },
      };
    });
  if (rng.chance(0.06))
    happen(() => ({
      type: "budget_changed",
      total: Math.round(stored.budget.total * (0.95 + 0.1 * rng.float())),
    }));
  return out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

const began = performance.now();
let happenings: ReturnType<typeof randomEvents> = [];
for (let d = 0; d < 7 * WEEKS; d++) {
  const day = plusDays(START, d);
  const state = () => deriveState(current, events);
  // 02:00: the nightly replan, as the service's scheduler runs it.
  await replan(day);
  if (d % 7 === 0) {
    // Monday, after the replan: publish what departs within four weeks; participants get ready.
    for (const b of current?.schedule.batches ?? []) {
      const s = state();
      if (s.published.has(b.id) || s.frozen.has(b.id)) continue;
      if (b.start > day && b.start <= plusDays(day, PUBLISH_AHEAD_DAYS))
        record({ type: "batch_published", scheduleId: current?.scheduleId ?? "", batchId: b.id }, day);
    }
    const ready = state();
    record(
      (current?.schedule.batches ?? [])
        .filter((b) => ready.published.has(b.id) && !ready.frozen.has(b.id))
        .flatMap((b) => b.cadreIds)
        .filter((cadreId) => ready.prepared.get(cadreId)?.insurancePurchased !== true && rng.chance(0.6))
        .map((cadreId) => ({
          type: "cadre_prepared" as const,
          cadreId,
          agreementSigned: true,
          insurancePurchased: rng.chance(0.8),
        })),
      day,
    );
    happenings = randomEvents(day);
  }
  // Mornings: departures.
  for (const b of (current?.schedule.batches ?? []).filter(
    (x) => x.start === day && !state().frozen.has(x.id),
  ))
    record({ type: "batch_departed", scheduleId: current?.scheduleId ?? "", batchId: b.id }, day);
  for (const h of happenings.filter((x) => x.day === day)) {
    const event = h.make();
    if (event) record(event, day);
  }
  // Evenings: batches come back, now and then with an absentee and never at exactly the standard cost.
  for (const b of current?.schedule.batches ?? []) {
    if (b.end !== day || !state().frozen.has(b.id) || state().completed.has(b.id)) continue;
    const absent = rng.chance(0.3) ? new Set([rng.pick(b.cadreIds)]) : new Set<string>();
    record(
      {
        type: "batch_completed",
        scheduleId: current?.scheduleId ?? "",
        batchId: b.id,
        attendedCadreIds: b.cadreIds.filter((id) => !absent.has(id)),
        actualCost: Math.round(b.cost.total * (0.97 + 0.08 * rng.float())),
      },
      day,
    );
  }
}
await replan(plusDays(START, 7 * WEEKS));
const totalSeconds = (performance.now() - began) / 1000;

// ---------------------------------------------------------------------------------------------
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const disruptive = sum(rows.map((r) => r.disruptive));
const columns = ["replan", "scratch", "history"] as const;
type Column = (typeof columns)[number];
const pick = (c: Column) => rows.map((r) => r[c]);
const row = (label: string, cell: (c: Column) => string) => `| ${label} | ${columns.map(cell).join(" | ")} |`;
const moved = (c: Column) => sum(pick(c).map((x) => x.moved));
const ratio = (c: Column) => rows.map((r) => r[c].scheduled / Math.max(1, r.scratch.scheduled));
const seconds = (xs: number[]) => `${(sum(xs) / xs.length).toFixed(1)} / ${Math.max(...xs).toFixed(1)}`;
const onlyReplan = (c: Column, text: string) => (c === "replan" ? text : "–");
const finalSchedule = current?.schedule as Schedule;
const list = (map: Map<string, number>) =>
  [...map]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");

const table = [
  row("versions that pass the validator (promises exempt from §6.2 only)", (c) =>
    onlyReplan(c, `${rows.filter((r) => r.valid).length + 1} / ${rows.length + 1}`),
  ),
  row("cadres moved or removed, whole year", (c) => String(moved(c))),
  row(`per disruptive event (${disruptive} events)`, (c) =>
    disruptive === 0 ? "–" : (moved(c) / disruptive).toFixed(2),
  ),
  row("of them told participants (a published batch)", (c) => String(sum(pick(c).map((x) => x.published)))),
  row("told participants moved without a recorded reason", (c) =>
    onlyReplan(c, String(sum(rows.map((r) => r.replan.unexplained)))),
  ),
  row("scheduled at the end", (c) => String(rows.at(-1)?.[c].scheduled ?? "–")),
  row("scheduled ÷ from scratch, mean / lowest over the year", (c) => {
    const r = ratio(c);
    return `${(sum(r) / r.length).toFixed(3)} / ${Math.min(...r).toFixed(3)}`;
  }),
  row("seconds per solve, mean / max", (c) => seconds(pick(c).map((x) => x.seconds))),
].join("\n");

const body = `Run ${new Date().toISOString().slice(0, 10)} by \`npm run bench:year\` on ${machine()}. The city plan
(fixtures/plans/city.json, 1,200 cadres, 150 eligible at the start), seed ${SEED}, simulated from ${START} for
${WEEKS} weeks. Replanned every night at 02:00, as the service's nightly run does (${rows.length + 1} replans). Each
replan is the service's own computation (\`computeReplan\`, what the solve worker runs), time limit ${TIME_LIMIT_SECONDS} s
per solve. Beside each replan, two baselines on the same plan after the same events: **from scratch**,
\`solvePlan\` as if nothing had been planned, published or had happened; and **history kept**, the core's replan
with only the departed and completed batches kept (nothing published, no preference for the previous version).
All three are compared with the version before. Events pass the same checks as POST /v1/plans/{id}/events.

| | replan | from scratch | history kept |
|---|---:|---:|---:|
${table}

- The last version schedules ${finalSchedule.summary.scheduled} of ${finalSchedule.summary.eligible} eligible cadres (tiers 1–6: ${finalSchedule.summary.scheduledByTier.join(" / ")}).
- Whole run: ${totalSeconds.toFixed(0)} s for ${rows.length + 1} replans and ${2 * rows.length} baseline solves.
- Disruptive events are those that change the plan (withdrawals, health and other cadre updates, new cadres, staff
  leave, venue closures, budget changes); readiness and batch life-cycle events move nobody by themselves.
- Events recorded: ${list(tally.accepted)}.
- Events refused: ${list(tally.refused) || "none"}. (An illness of someone already back from a batch, or leave
  or a closure over a departed batch, is refused with 409: what happened cannot be unmade.)
- A told participant leaves their place only with a reason: WITHDREW, INELIGIBLE, UNAVAILABLE (cannot travel on
  its dates), NOT_DEPARTED or BATCH_CANCELLED (the batch can no longer run: its venue closed, its medic gone,
  the budget cut); REPLANNED would be a broken promise, and the row above counts those.
- From scratch also moves people out of batches that have already left; those count as disruption too, since
  the schedule it proposes would rewrite them. History kept cannot, so it shows what publication and the
  preference for the previous version save on their own.
`;
writeResultsSection("Simulated year", body);

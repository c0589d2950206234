// Reads and writes of the run history (meta.runs, meta.run_steps) through Kysely. Each write is
// its own statement outside any step's transaction, so a step that fails and rolls back its own
// work still leaves its row, with the error.
import { hostname } from "node:os";
import type { Kysely } from "kysely";
import { processAlive, processStartTicks } from "../core/process-alive.ts";
import type { RunOutcome, RunsTables, RunTrigger, StepFacts, StepName, StepOutcome } from "./schema.ts";
import { fromStoredTimestamp, toStoredTimestamp } from "../core/timestamps.ts";

export type RunsDb = Kysely<RunsTables>;

export interface NewRun {
  runId: string;
  trigger: RunTrigger;
  scheduledFor: Date | null;
  asOf: string;
  startedAt: Date;
}

/** Records a run as running, with this process's identity (so a later run can tell it died). */
export async function recordRunStart(db: RunsDb, run: NewRun): Promise<void> {
  await db
    .insertInto("meta.runs")
    .values({
      run_id: run.runId,
      trigger: run.trigger,
      scheduled_for: run.scheduledFor ? toStoredTimestamp(run.scheduledFor) : null,
      as_of_date: run.asOf,
      started_at: toStoredTimestamp(run.startedAt),
      finished_at: null,
      outcome: "running",
      error: null,
      pid: process.pid,
      host: hostname(),
      start_ticks: processStartTicks(process.pid) ?? null,
    })
    .execute();
}

export async function recordRunEnd(db: RunsDb, runId: string, end: { finishedAt: Date; outcome: Exclude<RunOutcome, "running">; error: string | null }): Promise<void> {
  await db
    .updateTable("meta.runs")
    .set({ finished_at: toStoredTimestamp(end.finishedAt), outcome: end.outcome, error: end.error })
    .where("run_id", "=", runId)
    .execute();
}

export async function recordStepStart(db: RunsDb, runId: string, step: StepName, order: number, startedAt: Date): Promise<void> {
  await db
    .insertInto("meta.run_steps")
    .values({ run_id: runId, step, step_order: order, started_at: toStoredTimestamp(startedAt), outcome: "running" } as RunsTables["meta.run_steps"])
    .execute();
}

export async function recordStepEnd(
  db: RunsDb,
  runId: string,
  step: StepName,
  end: { durationMs: number; outcome: Exclude<StepOutcome, "running">; error: string | null; facts: StepFacts },
): Promise<void> {
  await db
    .updateTable("meta.run_steps")
    .set({ duration_ms: Math.round(end.durationMs), outcome: end.outcome, error: end.error, ...end.facts })
    .where("run_id", "=", runId)
    .where("step", "=", step)
    .execute();
}

/**
 * Marks as interrupted every run still recorded as running except `exceptRunId`. Called under the
 * run lock, which proves that no other job is running: a row still running is a process that died
 * (killed, out of memory, the machine restarted). Returns the run ids marked.
 */
export async function markInterruptedRuns(db: RunsDb, now: Date, exceptRunId: string): Promise<string[]> {
  const stale = await db.selectFrom("meta.runs").select(["run_id", "pid"]).where("outcome", "=", "running").where("run_id", "!=", exceptRunId).execute();
  for (const run of stale) {
    const error = `the process (pid ${run.pid}) ended before the run finished`;
    await db.updateTable("meta.runs").set({ outcome: "interrupted", finished_at: toStoredTimestamp(now), error }).where("run_id", "=", run.run_id).execute();
    await db
      .updateTable("meta.run_steps")
      .set({ outcome: "interrupted", error: "the process ended during this step" })
      .where("run_id", "=", run.run_id)
      .where("outcome", "=", "running")
      .execute();
  }
  return stale.map((r) => r.run_id);
}

/**
 * The scheduled times that have had their run: a schedule or catch-up run that finished (ok or
 * failed). A run that was stopped or interrupted did not do the job, so its time is still owed.
 */
export async function scheduledTimesDone(db: RunsDb): Promise<Date[]> {
  const rows = await db
    .selectFrom("meta.runs")
    .select("scheduled_for")
    .distinct()
    .where("scheduled_for", "is not", null)
    .where("outcome", "in", ["ok", "failed"])
    .execute();
  return rows.map((r) => new Date(fromStoredTimestamp(r.scheduled_for!)));
}

/** A step as `arwatch runs` shows it: the columns of meta.run_steps, instants as ISO 8601 in UTC. */
export interface StepRecord extends StepFacts {
  step: StepName;
  started_at: string;
  duration_ms: number | null;
  outcome: StepOutcome;
  error: string | null;
}

/** A run as `arwatch runs` shows it: the columns of meta.runs, instants as ISO 8601 in UTC. */
export interface RunRecord extends Omit<RunsTables["meta.runs"], "start_ticks"> {
  steps: StepRecord[];
}

const FACT_COLUMNS = [
  "files_loaded",
  "files_skipped",
  "rows_loaded",
  "models_built",
  "tests_passed",
  "tests_warned",
  "messages_queued",
  "messages_sent",
  "messages_failed",
  "messages_waiting",
  "delivered_via",
  "site_dir",
] as const;

/** Whether a run recorded as running still has its process (one on another host cannot be checked). */
function stillRunning(r: { host: string; pid: number; start_ticks: string | null }): boolean {
  return r.host !== hostname() || processAlive(r.pid, r.start_ticks ?? undefined);
}

/**
 * The latest `limit` runs, newest first, each with its steps in order. A run recorded as running
 * whose process is gone is shown as interrupted (the next run records it so).
 */
export async function listRuns(db: RunsDb, limit: number): Promise<RunRecord[]> {
  const runs = await db.selectFrom("meta.runs").selectAll().orderBy("started_at", "desc").orderBy("run_id").limit(limit).execute();
  if (runs.length === 0) return [];
  const steps = await db
    .selectFrom("meta.run_steps")
    .selectAll()
    .where(
      "run_id",
      "in",
      runs.map((r) => r.run_id),
    )
    .orderBy("step_order")
    .execute();
  return runs.map((r) => {
    const gone = r.outcome === "running" && !stillRunning(r);
    return {
      run_id: r.run_id,
      trigger: r.trigger,
      scheduled_for: r.scheduled_for === null ? null : fromStoredTimestamp(r.scheduled_for),
      as_of_date: r.as_of_date,
      started_at: fromStoredTimestamp(r.started_at),
      finished_at: r.finished_at === null ? null : fromStoredTimestamp(r.finished_at),
      outcome: gone ? "interrupted" : r.outcome,
      error: gone ? `the process (pid ${r.pid}) ended before the run finished` : r.error,
      pid: r.pid,
      host: r.host,
      steps: steps
        .filter((s) => s.run_id === r.run_id)
        .map((s) => {
          const facts: Record<string, unknown> = {};
          for (const c of FACT_COLUMNS) {
            const v = s[c];
            if (v !== null && v !== undefined) facts[c] = c === "delivered_via" || c === "site_dir" ? v : Number(v);
          }
          const cut = gone && s.outcome === "running";
          return {
            step: s.step,
            started_at: fromStoredTimestamp(s.started_at),
            duration_ms: s.duration_ms === null ? null : Number(s.duration_ms),
            outcome: cut ? "interrupted" : s.outcome,
            error: cut ? "the process ended during this step" : s.error,
            ...(facts as StepFacts),
          };
        }),
    };
  });
}

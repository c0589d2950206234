import type { Command } from "commander";
import { holderAlive, readLockFile } from "../../core/lock-file.ts";
import { warehouseLockPath } from "../../core/run-lock.ts";
import type { Row } from "../../core/warehouse.ts";
import type { RunRecord, StepRecord } from "../../runs/history.ts";
import { contextFrom, type GlobalOptions } from "../context.ts";
import { positiveInt, withDb } from "../options.ts";
import { formatTable } from "../table-format.ts";
import { withWarehouse } from "../warehouse-access.ts";

const count = (n: number) => n.toLocaleString("en-US");

/** What a step did, in words: "2 files loaded (1,200 rows), 1 skipped (already loaded)". */
export function stepDid(s: StepRecord): string {
  const parts: string[] = [];
  if (s.step === "ingest" && s.files_loaded !== undefined) {
    parts.push(`${count(s.files_loaded)} file${s.files_loaded === 1 ? "" : "s"} loaded (${count(s.rows_loaded ?? 0)} rows)`);
    if (s.files_skipped) parts.push(`${count(s.files_skipped)} skipped (already loaded)`);
  }
  if (s.step === "build" && s.models_built !== undefined) {
    parts.push(`${count(s.models_built)} models`, `${count(s.tests_passed ?? 0)} tests passed`, `${count(s.tests_warned ?? 0)} warned`);
  }
  if (s.step === "notify" && s.messages_queued !== undefined) {
    parts.push(`${count(s.messages_queued)} messages recorded`, `${count(s.messages_sent ?? 0)} delivered via ${s.delivered_via ?? "?"}`);
    parts.push(`${count(s.messages_failed ?? 0)} failed`, `${count(s.messages_waiting ?? 0)} waiting`);
  }
  if (s.step === "report" && s.site_dir !== undefined) parts.push(`site at ${s.site_dir}`);
  return parts.join(", ");
}

/** An instant in the machine's zone with its offset: "2026-12-01 13:00:05 +07:00". */
export function localTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  const offset = -d.getTimezoneOffset();
  const zone = `${offset < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zone}`;
}

const seconds = (ms: number | null) => (ms === null ? "" : `${(ms / 1000).toFixed(1)} s`);

/** One line per step (a run with no step gets one line); the run's columns on its first line only. */
export function runsTable(runs: RunRecord[]): string {
  if (runs.length === 0) return "No runs recorded yet: arwatch run (or arwatch schedule) records each run here.";
  const rows: Row[] = [];
  for (const r of runs) {
    const runCells = {
      started: localTime(r.started_at),
      trigger: r.trigger,
      scheduled_for: r.scheduled_for ? localTime(r.scheduled_for) : "",
      run: r.run_id.slice(0, 8),
      outcome: r.outcome,
      took: r.finished_at ? seconds(new Date(r.finished_at).getTime() - new Date(r.started_at).getTime()) : "",
    };
    const blank = Object.fromEntries(Object.keys(runCells).map((k) => [k, ""]));
    const lines: Row[] = r.steps.map((s) => ({ step: s.step, duration: seconds(s.duration_ms), step_outcome: s.outcome, did: stepDid(s), error: s.error ?? "" }));
    // A failed run's error is its failing step's; a stopped or interrupted run's is the run's own.
    if (r.error && (r.outcome !== "failed" || !r.steps.some((s) => s.error))) lines.push({ step: "", duration: "", step_outcome: "", did: "", error: r.error });
    if (lines.length === 0) lines.push({ step: "", duration: "", step_outcome: "", did: "", error: "" });
    lines.forEach((line, i) => rows.push({ ...(i === 0 ? runCells : blank), ...line }));
  }
  return formatTable(rows).replace(/\n\(\d+ rows?\)$/, "");
}

export function registerRuns(program: Command): void {
  withDb(
    program
      .command("runs")
      .description("the run history, newest first: when, trigger (manual, schedule, catch-up), each step with its duration and what it did, outcome and error")
      .option("--limit <n>", "how many runs to show", positiveInt("--limit"), 20)
      .option("--format <format>", "table or json", "table"),
  ).action(async (opts: Pick<GlobalOptions, "db"> & { limit: number; format: string }) => {
    if (opts.format !== "table" && opts.format !== "json") throw new Error(`--format must be table or json, not ${JSON.stringify(opts.format)}`);
    const ctx = contextFrom(opts);
    const { listRuns } = await import("../../runs/history.ts");
    const { kyselyOver } = await import("../../core/kysely.ts");
    let runs;
    try {
      runs = await withWarehouse(ctx.db, "read", async (wh) => {
        const [exists] = await wh.all<{ n: number }>("select count(*)::integer as n from duckdb_tables() where schema_name = 'meta' and table_name = 'runs'");
        return exists!.n === 0 ? [] : listRuns(kyselyOver(wh), opts.limit);
      });
    } catch (e) {
      // DuckDB lets no other process read a warehouse that one is writing: say who, if it is a job of ours.
      const holder = readLockFile(warehouseLockPath(ctx.db));
      if (holder && holderAlive(holder)) {
        throw new Error(`runs: ${holder.what ?? "an arwatch job"} (pid ${holder.pid}, since ${holder.startedAt}) is using the warehouse ${ctx.db}; its run shows here once it has finished`);
      }
      throw e;
    }
    // JSON escapes control characters by itself; the table makes them visible.
    process.stdout.write(`${opts.format === "json" ? JSON.stringify(runs, null, 2) : runsTable(runs)}\n`);
  });
}

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { kyselyOver } from "../../core/kysely.ts";
import { memoryLogger } from "../../core/log.ts";
import { openWarehouse, type Warehouse } from "../../core/warehouse.ts";
import { listRuns } from "../../runs/history.ts";
import { JobFailed, runJob, type JobOptions, type JobStep } from "../../runs/job.ts";
import type { RunsTables, StepFacts, StepName } from "../../runs/schema.ts";
import { manualStop } from "../../runs/stop-signal.ts";
import { tempDir } from "../helpers/warehouse.ts";

const T0 = new Date("2026-12-01T06:00:00.000Z");
let wh: Warehouse;
let t: number;
const now = () => new Date(t);

beforeEach(async () => {
  wh = await openWarehouse(join(tempDir(), "wh.duckdb"));
  t = T0.getTime();
});
afterEach(() => wh.close());

/** A step that takes `seconds` of clock time and reports `facts`, or throws `fails`. */
function step(name: StepName, seconds: number, facts: StepFacts, extra: { fails?: Error; during?: () => Promise<void> } = {}): JobStep {
  return {
    name,
    async run() {
      await extra.during?.();
      t += seconds * 1000;
      if (extra.fails) throw extra.fails;
      return facts;
    },
  };
}

const options = (steps: JobStep[], more: Partial<JobOptions> = {}): JobOptions => ({
  trigger: "manual",
  scheduledFor: null,
  asOf: "2026-12-01",
  now,
  log: memoryLogger(),
  steps: () => steps,
  ...more,
});

const runs = () => listRuns(kyselyOver<RunsTables>(wh), 10);

describe("runJob(wh, options)", () => {
  it("records the run as running before its first step, and each step as running before it starts", async () => {
    let seen: unknown;
    await runJob(
      wh,
      options([
        step("ingest", 1, { files_loaded: 0 }, {
          during: async () => {
            seen = await wh.all("select r.outcome as run, s.step, s.outcome as step_outcome, r.started_at::varchar as started_at from meta.runs r join meta.run_steps s using (run_id)");
          },
        }),
      ]),
    );
    expect(seen).toEqual([{ run: "running", step: "ingest", step_outcome: "running", started_at: "2026-12-01 06:00:00" }]);
  });

  it("records each step's duration and what it did, and the run as ok", async () => {
    const result = await runJob(
      wh,
      options(
        [
          step("ingest", 2, { files_loaded: 2, files_skipped: 1, rows_loaded: 1200 }),
          step("build", 30, { models_built: 48, tests_passed: 140, tests_warned: 1 }),
          step("notify", 1.5, { messages_queued: 3, messages_sent: 3, messages_failed: 0, messages_waiting: 0, delivered_via: "data/outbox" }),
          step("report", 10, { site_dir: "/srv/site" }),
        ],
        { trigger: "schedule", scheduledFor: new Date("2026-11-30T23:00:00Z"), runId: "run-1" },
      ),
    );
    expect(result).toMatchObject({ runId: "run-1", outcome: "ok", notStarted: [] });
    expect(await runs()).toEqual([
      {
        run_id: "run-1",
        trigger: "schedule",
        scheduled_for: "2026-11-30T23:00:00.000Z",
        as_of_date: "2026-12-01",
        started_at: "2026-12-01T06:00:00.000Z",
        finished_at: "2026-12-01T06:00:43.500Z",
        outcome: "ok",
        error: null,
        pid: process.pid,
        host: expect.any(String),
        steps: [
          { step: "ingest", started_at: "2026-12-01T06:00:00.000Z", duration_ms: 2000, outcome: "ok", error: null, files_loaded: 2, files_skipped: 1, rows_loaded: 1200 },
          { step: "build", started_at: "2026-12-01T06:00:02.000Z", duration_ms: 30000, outcome: "ok", error: null, models_built: 48, tests_passed: 140, tests_warned: 1 },
          {
            step: "notify",
            started_at: "2026-12-01T06:00:32.000Z",
            duration_ms: 1500,
            outcome: "ok",
            error: null,
            messages_queued: 3,
            messages_sent: 3,
            messages_failed: 0,
            messages_waiting: 0,
            delivered_via: "data/outbox",
          },
          { step: "report", started_at: "2026-12-01T06:00:33.500Z", duration_ms: 10000, outcome: "ok", error: null, site_dir: "/srv/site" },
        ],
      },
    ]);
  });

  it("records a failing step and the run as failed, and starts no step after it", async () => {
    const attempt = runJob(
      wh,
      options([step("ingest", 1, { files_loaded: 1, rows_loaded: 5 }), step("build", 3, {}, { fails: new Error("data test unique_invoice_id failed\nLINE 1: …") }), step("notify", 1, {})], { runId: "run-2" }),
    );
    await expect(attempt).rejects.toBeInstanceOf(JobFailed);
    await expect(attempt).rejects.toThrow("the build step failed: data test unique_invoice_id failed");
    const [run] = await runs();
    expect(run).toMatchObject({ outcome: "failed", error: "build: data test unique_invoice_id failed", finished_at: "2026-12-01T06:00:04.000Z" });
    expect(run!.steps.map((s) => [s.step, s.outcome, s.duration_ms, s.error])).toEqual([
      ["ingest", "ok", 1000, null],
      ["build", "failed", 3000, "data test unique_invoice_id failed"],
    ]);
  });

  it("lets the step in progress finish when a stop is asked for, then starts no other", async () => {
    const stop = manualStop();
    const result = await runJob(
      wh,
      options([step("ingest", 1, { files_loaded: 0 }), step("build", 5, { models_built: 48 }, { during: async () => stop.stop("SIGTERM") }), step("notify", 1, {}), step("report", 1, {})], {
        stop,
        runId: "run-3",
      }),
    );
    expect(result).toMatchObject({ outcome: "stopped", stoppedBy: "SIGTERM", notStarted: ["notify", "report"] });
    const [run] = await runs();
    expect(run).toMatchObject({ outcome: "stopped", error: "stopped by SIGTERM after the build step; not run: notify, report" });
    expect(run!.steps.map((s) => [s.step, s.outcome, s.models_built ?? null])).toEqual([
      ["ingest", "ok", null],
      ["build", "ok", 48],
    ]);
  });

  it("records an earlier run left running by a process that died as interrupted, with its step", async () => {
    // A run that was killed in its build step: its rows say running, its process is gone.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const { ensureRunsSchema } = await import("../../runs/schema.ts");
    await ensureRunsSchema(wh);
    await wh.run("insert into meta.runs (run_id, trigger, as_of_date, started_at, outcome, pid, host) values ('dead', 'manual', '2026-11-30', '2026-11-30 06:00:00', 'running', $1, 'h')", [dead]);
    await wh.run("insert into meta.run_steps (run_id, step, step_order, started_at, outcome) values ('dead', 'build', 2, '2026-11-30 06:00:05', 'running')");
    const result = await runJob(wh, options([step("ingest", 1, {})], { runId: "next" }));
    expect(result.interrupted).toEqual(["dead"]);
    const earlier = (await runs()).find((r) => r.run_id === "dead")!;
    expect(earlier).toMatchObject({ outcome: "interrupted", finished_at: "2026-12-01T06:00:00.000Z", error: `the process (pid ${dead}) ended before the run finished` });
    expect(earlier.steps).toMatchObject([{ step: "build", outcome: "interrupted", error: "the process ended during this step" }]);
  });
});

describe("listRuns(db, limit)", () => {
  it("shows a run whose process is gone as interrupted before any later run records it, newest first, at most limit", async () => {
    const { ensureRunsSchema } = await import("../../runs/schema.ts");
    await ensureRunsSchema(wh);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const { hostname } = await import("node:os");
    await wh.run(
      `insert into meta.runs (run_id, trigger, as_of_date, started_at, outcome, pid, host) values
         ('old', 'manual', '2026-11-29', '2026-11-29 06:00:00', 'ok', 1, $2),
         ('dead', 'schedule', '2026-11-30', '2026-11-30 06:00:00', 'running', $1, $2),
         ('live', 'manual', '2026-12-01', '2026-12-01 06:00:00', 'running', $3, $2)`,
      [dead, hostname(), process.pid],
    );
    const shown = await listRuns(kyselyOver<RunsTables>(wh), 2);
    expect(shown.map((r) => [r.run_id, r.outcome])).toEqual([
      ["live", "running"],
      ["dead", "interrupted"],
    ]);
    // Nothing was written: the history still says running until a run records it.
    expect(await wh.all("select outcome from meta.runs where run_id = 'dead'")).toEqual([{ outcome: "running" }]);
  });
});

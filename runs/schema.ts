// The run history: one row per run of the whole job (`arwatch run`, or a run the scheduler
// started) and one per step it took. It lives in the warehouse's `meta` schema beside the load log,
// so that a warehouse carries the record of what was done to it. A run's row is written before its
// first step, so a run that crashed stays visible (as running, then interrupted).
import type { Warehouse } from "../core/warehouse.ts";

export const RUNS_SCHEMA_SQL = `
create schema if not exists meta;

create table if not exists meta.runs (
    run_id varchar primary key,           -- a random uuid; notify.messages.run_id points here
    trigger varchar not null,             -- manual, schedule or catch-up
    scheduled_for timestamp,              -- UTC: the cron time a schedule or catch-up run is for (null: manual)
    as_of_date date not null,             -- the date the figures were computed as of
    started_at timestamp not null,        -- UTC
    finished_at timestamp,                -- UTC; null while running (or if the process died)
    outcome varchar not null,             -- running, ok, failed, stopped (SIGTERM/SIGINT between steps) or interrupted (the process died)
    error varchar,                        -- why it failed, stopped or was interrupted
    pid integer not null,                 -- the process that ran it, to tell a live run from a dead one
    host varchar not null,
    start_ticks varchar                   -- the kernel's start time of pid (a reused pid is not the run's)
);

create table if not exists meta.run_steps (
    run_id varchar not null,
    step varchar not null,                -- ingest, build, notify or report
    step_order integer not null,          -- 1 to 4, the order they run in
    started_at timestamp not null,        -- UTC
    duration_ms bigint,                   -- null while running
    outcome varchar not null,             -- running, ok, failed or interrupted
    error varchar,
    files_loaded integer,                 -- ingest: files loaded
    files_skipped integer,                -- ingest: files skipped as already loaded (same content)
    rows_loaded bigint,                   -- ingest: rows of the loaded files
    models_built integer,                 -- build
    tests_passed integer,                 -- build: data tests with no failing row
    tests_warned integer,                 -- build: warn-severity tests with failing rows
    messages_queued integer,              -- notify: messages recorded by this run
    messages_sent integer,                -- notify: delivered by this run (earlier runs' retries too)
    messages_failed integer,              -- notify: failed for good in this run
    messages_waiting integer,             -- notify: still pending (retry later)
    delivered_via varchar,                -- notify: smtp (with host) or the outbox folder
    site_dir varchar,                     -- report: where the site was published
    primary key (run_id, step)
);
`;

/** Creates meta.runs and meta.run_steps if they are not there yet (idempotent). */
export async function ensureRunsSchema(wh: Warehouse): Promise<void> {
  await wh.run(RUNS_SCHEMA_SQL);
}

export type RunTrigger = "manual" | "schedule" | "catch-up";
export type RunOutcome = "running" | "ok" | "failed" | "stopped" | "interrupted";
export type StepName = "ingest" | "build" | "notify" | "report";
export type StepOutcome = "running" | "ok" | "failed" | "interrupted";

/** What a step did: the columns of meta.run_steps that the step fills (others stay null). */
export interface StepFacts {
  files_loaded?: number;
  files_skipped?: number;
  rows_loaded?: number;
  models_built?: number;
  tests_passed?: number;
  tests_warned?: number;
  messages_queued?: number;
  messages_sent?: number;
  messages_failed?: number;
  messages_waiting?: number;
  delivered_via?: string;
  site_dir?: string;
}

/** Kysely's view of the tables: BIGINT as exact strings, DATE 'YYYY-MM-DD', TIMESTAMP as text (UTC). */
export interface RunsTables {
  "meta.runs": {
    run_id: string;
    trigger: RunTrigger;
    scheduled_for: string | null;
    as_of_date: string;
    started_at: string;
    finished_at: string | null;
    outcome: RunOutcome;
    error: string | null;
    pid: number;
    host: string;
    start_ticks: string | null;
  };
  "meta.run_steps": {
    run_id: string;
    step: StepName;
    step_order: number;
    started_at: string;
    duration_ms: string | number | null;
    outcome: StepOutcome;
    error: string | null;
    files_loaded: number | null;
    files_skipped: number | null;
    rows_loaded: string | number | null;
    models_built: number | null;
    tests_passed: number | null;
    tests_warned: number | null;
    messages_queued: number | null;
    messages_sent: number | null;
    messages_failed: number | null;
    messages_waiting: number | null;
    delivered_via: string | null;
    site_dir: string | null;
  };
}

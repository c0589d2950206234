// The whole job as a sequence of recorded steps. The run's row is written before the first step
// (so a crash leaves it visible), each step's row before the step starts and again when it ends
// with what it did; a failing step fails the run and the steps after it do not start. A stop asked
// for (SIGTERM) is honoured between steps: the step in progress always finishes.
import { randomUUID } from "node:crypto";
import { kyselyOver } from "../core/kysely.ts";
import type { Logger } from "../core/log.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { firstLine } from "../core/warehouse.ts";
import { markInterruptedRuns, recordRunEnd, recordRunStart, recordStepEnd, recordStepStart } from "./history.ts";
import { ensureRunsSchema, type RunsTables, type RunTrigger, type StepFacts, type StepName } from "./schema.ts";
import type { StopSignal } from "./stop-signal.ts";

export interface JobStep {
  name: StepName;
  /** Does the step's work and says what it did (the facts recorded on its row). */
  run(): Promise<StepFacts>;
}

export interface JobOptions {
  trigger: RunTrigger;
  /** The cron time a schedule or catch-up run is for; null for a manual run. */
  scheduledFor: Date | null;
  asOf: string;
  /** The steps in order; built with the run's id, which notify records on its messages. */
  steps: (runId: string) => JobStep[];
  now: () => Date;
  log: Logger;
  stop?: StopSignal;
  /** For tests that need a known id; default a random uuid. */
  runId?: string;
}

export interface StepResult {
  name: StepName;
  outcome: "ok" | "failed";
  durationMs: number;
  facts: StepFacts;
}

export interface JobResult {
  runId: string;
  outcome: "ok" | "stopped";
  /** Set when stopped: the signal, and the steps that did not start. */
  stoppedBy?: string;
  notStarted: StepName[];
  steps: StepResult[];
  /** Earlier runs found still "running" whose process is gone, now recorded as interrupted. */
  interrupted: string[];
}

/** A step failed: the run is recorded as failed; `cause` is the step's own error (with its details). */
export class JobFailed extends Error {
  constructor(
    readonly runId: string,
    readonly step: StepName,
    readonly cause: unknown,
  ) {
    super(`the ${step} step failed: ${firstLine(cause)}`);
    this.name = "JobFailed";
  }
}

/**
 * Runs the steps in order and records the run and each step in meta.runs / meta.run_steps. Call it
 * under the warehouse's run lock (core/run-lock.ts): it takes the lock's word that any other run
 * still recorded as running has died, and records that one as interrupted. Throws JobFailed (after
 * recording) when a step fails.
 */
export async function runJob(wh: Warehouse, options: JobOptions): Promise<JobResult> {
  const { now, log } = options;
  const runId = options.runId ?? randomUUID();
  const db = kyselyOver<RunsTables>(wh);
  await ensureRunsSchema(wh);
  const startedAt = now();
  await recordRunStart(db, { runId, trigger: options.trigger, scheduledFor: options.scheduledFor, asOf: options.asOf, startedAt });
  const interrupted = await markInterruptedRuns(db, startedAt, runId);
  for (const id of interrupted) log.warn(`run ${id} was interrupted (its process ended before it finished); recorded as interrupted`);

  const steps = options.steps(runId);
  const results: StepResult[] = [];
  for (const [i, step] of steps.entries()) {
    const reason = options.stop?.reason ?? null;
    if (reason !== null) {
      const notStarted = steps.slice(i).map((s) => s.name);
      const error = `stopped by ${reason} after the ${results.at(-1)?.name ?? "start"} step; not run: ${notStarted.join(", ")}`;
      await recordRunEnd(db, runId, { finishedAt: now(), outcome: "stopped", error });
      log.warn(error);
      return { runId, outcome: "stopped", stoppedBy: reason, notStarted, steps: results, interrupted };
    }
    const stepStart = now();
    await recordStepStart(db, runId, step.name, i + 1, stepStart);
    let facts: StepFacts;
    try {
      facts = await step.run();
    } catch (e) {
      const durationMs = now().getTime() - stepStart.getTime();
      const error = firstLine(e);
      await recordStepEnd(db, runId, step.name, { durationMs, outcome: "failed", error, facts: {} });
      await recordRunEnd(db, runId, { finishedAt: now(), outcome: "failed", error: `${step.name}: ${error}` });
      throw new JobFailed(runId, step.name, e);
    }
    const durationMs = now().getTime() - stepStart.getTime();
    await recordStepEnd(db, runId, step.name, { durationMs, outcome: "ok", error: null, facts });
    results.push({ name: step.name, outcome: "ok", durationMs, facts });
  }
  await recordRunEnd(db, runId, { finishedAt: now(), outcome: "ok", error: null });
  return { runId, outcome: "ok", notStarted: [], steps: results, interrupted };
}

// One run of the whole job as `arwatch run` and the scheduler start it: take the warehouse's run
// lock, open the warehouse, run the recorded steps, close, release. The lock comes first, so a
// refused run has not even opened the warehouse.
import type { Logger } from "../core/log.ts";
import { kyselyOver } from "../core/kysely.ts";
import { RunBusy, withRunLock } from "../core/run-lock.ts";
import { openWarehouse, type Warehouse } from "../core/warehouse.ts";
import { dateIn, timeIn, type Due } from "./due.ts";
import { scheduledTimesDone } from "./history.ts";
import { JobFailed, runJob, type JobResult } from "./job.ts";
import { ensureRunsSchema, type RunsTables, type RunTrigger } from "./schema.ts";
import type { TickOutcome } from "./scheduler.ts";
import { jobSteps, type JobOutputs, type StepOptions } from "./steps.ts";
import type { StopSignal } from "./stop-signal.ts";

export interface RunRequest {
  trigger: RunTrigger;
  scheduledFor: Date | null;
}

export interface PerformRunOptions extends StepOptions {
  db: string;
  /** Who takes the lock, as a refused caller is told ("arwatch run", "arwatch schedule"). */
  what: string;
  stop?: StopSignal;
  /** Called with the warehouse still open after the steps (the CLI prints its summary here). */
  after?: (wh: Warehouse, result: JobResult, outputs: JobOutputs) => Promise<void>;
}

/** fn over the open warehouse, under the run lock; RunBusy if another job holds it. */
async function underRunLock<T>(db: string, what: string, now: () => Date, log: Logger, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  return withRunLock(
    db,
    what,
    now,
    async () => {
      const wh = await openWarehouse(db, { create: true });
      try {
        return await fn(wh);
      } finally {
        wh.close();
      }
    },
    { onStale: (holder) => log.warn(`took over the run lock of ${holder.what ?? "a job"} that is no longer running (pid ${holder.pid}, since ${holder.startedAt})`) },
  );
}

async function runOnOpenWarehouse(wh: Warehouse, request: RunRequest, options: PerformRunOptions): Promise<{ result: JobResult; outputs: JobOutputs }> {
  const outputs: JobOutputs = { files: [], inboxEmpty: false };
  const result = await runJob(wh, {
    trigger: request.trigger,
    scheduledFor: request.scheduledFor,
    asOf: options.asOf,
    now: options.now,
    log: options.log,
    stop: options.stop,
    steps: (runId) => jobSteps(wh, runId, options, outputs),
  });
  await options.after?.(wh, result, outputs);
  return { result, outputs };
}

/** Runs the job once under the run lock; throws RunBusy (nothing done) or JobFailed (recorded). */
export async function performRun(request: RunRequest, options: PerformRunOptions): Promise<{ result: JobResult; outputs: JobOutputs }> {
  return underRunLock(options.db, options.what, options.now, options.log, (wh) => runOnOpenWarehouse(wh, request, options));
}

/**
 * The scheduler's look at the warehouse (runs/scheduler.ts's tick): under the run lock, what is due
 * given the recorded runs, and that run if any, as of the day of its start in the schedule's zone.
 * A failed run is recorded and logged, and counts as run: it is not retried until the next time.
 */
export function warehouseTick(options: Omit<PerformRunOptions, "asOf"> & { timezone: string }) {
  return async (decide: (done: readonly Date[]) => Due | null, now: Date): Promise<TickOutcome> => {
    const { log } = options;
    try {
      return await underRunLock(options.db, options.what, options.now, log, async (wh) => {
        await ensureRunsSchema(wh);
        const due = decide(await scheduledTimesDone(kyselyOver<RunsTables>(wh)));
        if (due === null) return { kind: "idle" };
        const asOf = dateIn(options.timezone, now);
        log.info(`schedule: ${due.trigger} run for ${timeIn(options.timezone, due.scheduledFor)}, as of ${asOf}`);
        try {
          const { result } = await runOnOpenWarehouse(wh, { trigger: due.trigger, scheduledFor: due.scheduledFor }, { ...options, asOf });
          log.info(`schedule: run ${result.runId} ${result.outcome === "ok" ? "finished" : `stopped (${result.stoppedBy})`}`);
        } catch (e) {
          if (!(e instanceof JobFailed)) throw e;
          log.warn(`schedule: run ${e.runId} failed: ${e.message} (recorded; see arwatch runs)`);
        }
        return { kind: "ran", due };
      });
    } catch (e) {
      if (e instanceof RunBusy) return { kind: "busy", why: e.message };
      throw e;
    }
  };
}

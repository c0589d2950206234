import type { Command } from "commander";
import { contextFrom, type GlobalOptions } from "../context.ts";
import { CommandFailed } from "../failure.ts";
import { withConfig, withDb } from "../options.ts";
import { OUTBOX_HELP, runOptions, SITE_HELP } from "./run.ts";

/**
 * `arwatch schedule`: runs the whole job at each time of config schedule.cron, read in
 * schedule.timezone (default the machine's zone), until stopped. It holds `<db>.schedule.lock` for
 * its whole life (one scheduler per warehouse) and the run lock only while a run is in progress,
 * so `arwatch run`, `notify` or `runs` can be used between two ticks.
 */
export function registerSchedule(program: Command): void {
  withConfig(
    withDb(
      program
        .command("schedule")
        .description("run the whole job at each time of config schedule.cron (in schedule.timezone) until stopped; a time missed while stopped is caught up once at start")
        .option("--outbox <dir>", OUTBOX_HELP)
        .option("--site <dir>", SITE_HELP),
    ),
  ).action(async (opts: GlobalOptions & { outbox?: string; site?: string }) => {
    const ctx = contextFrom(opts);
    const [{ parseSchedule, ScheduleInvalid }, { runScheduler, systemClock }, { warehouseTick }, { stopOnSignals }, { acquireWarehouseLock }] = await Promise.all([
      import("../../runs/due.ts"),
      import("../../runs/scheduler.ts"),
      import("../../runs/perform-run.ts"),
      import("../../runs/stop-signal.ts"),
      import("../../core/run-lock.ts"),
    ]);
    let schedule;
    try {
      schedule = parseSchedule(ctx.config.schedule.cron, ctx.config.schedule.timezone);
    } catch (e) {
      if (e instanceof ScheduleInvalid) throw new CommandFailed(`schedule: ${e.message}`);
      throw e;
    }
    const lock = acquireWarehouseLock(ctx.db, "arwatch schedule", new Date(), { kind: "schedule" });
    const stop = stopOnSignals((m) => ctx.log.warn(`schedule: ${m}`));
    try {
      await runScheduler({
        schedule,
        clock: systemClock,
        log: ctx.log,
        stop,
        tick: warehouseTick({ ...runOptions(ctx, opts, []), what: "arwatch schedule", stop, timezone: schedule.timezone }),
      });
    } finally {
      stop.dispose();
      lock?.release();
    }
  });
}

// The scheduler's loop: wake at each cron time, ask what is due (runs/due.ts), run it, sleep again.
// Time comes from an injected clock, so a test drives days of ticks without waiting; the real
// clock sleeps in short slices, so a change of the wall clock or a suspended machine is noticed.
import type { Logger } from "../core/log.ts";
import { timeIn, whatIsDue, type Due, type Schedule } from "./due.ts";
import type { StopSignal } from "./stop-signal.ts";

export interface SchedulerClock {
  now(): Date;
  /** Resolves at t, or as soon as a stop is asked for. */
  sleepUntil(t: Date, stop: StopSignal): Promise<void>;
}

/** What one look at the warehouse did. */
export type TickOutcome =
  | { kind: "ran"; due: Due }
  | { kind: "idle" }
  /** Another job holds the warehouse: look again a little later. */
  | { kind: "busy"; why: string };

export interface SchedulerOptions {
  schedule: Schedule;
  clock: SchedulerClock;
  log: Logger;
  stop: StopSignal;
  /**
   * Under the run lock, reads the run history, asks `decide` what is due given the scheduled times
   * already done, and runs it (recording the run) if anything is.
   */
  tick(decide: (done: readonly Date[]) => Due | null, now: Date): Promise<TickOutcome>;
  /** How long to wait before looking again when the warehouse is busy (default a minute). */
  busyRetryMs?: number;
}

const SLICE_MS = 60_000;

/** The machine's clock, sleeping in slices of at most a minute. */
export const systemClock: SchedulerClock = {
  now: () => new Date(),
  async sleepUntil(t, stop) {
    while (stop.reason === null && Date.now() < t.getTime()) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          off();
          resolve();
        };
        const timer = setTimeout(done, Math.min(t.getTime() - Date.now(), SLICE_MS));
        const off = stop.onStop(done);
      });
    }
  },
};

/**
 * Runs the job at each scheduled time until a stop is asked for. At start, the latest scheduled
 * time that passed without its run is caught up once. Runs never overlap: the loop waits for a run
 * to end, and the ticks that passed meanwhile are run once, as the latest. Returns the runs started.
 */
export async function runScheduler(options: SchedulerOptions): Promise<number> {
  const { schedule, clock, log, stop } = options;
  const busyRetryMs = options.busyRetryMs ?? 60_000;
  const startedAt = clock.now();
  // Scheduled times this process already ran: not run twice even if the history could not record them.
  const attempted: Date[] = [];
  let runs = 0;
  log.info(`schedule: "${schedule.cron}" in ${schedule.timezone}`);
  while (stop.reason === null) {
    const now = clock.now();
    let outcome: TickOutcome;
    try {
      outcome = await options.tick((done) => whatIsDue(schedule, now, [...done, ...attempted], startedAt), now);
    } catch (e) {
      outcome = { kind: "busy", why: (e as Error).message };
    }
    if (outcome.kind === "ran") {
      attempted.push(outcome.due.scheduledFor);
      runs++;
      continue;
    }
    if (stop.reason !== null) break;
    const next = schedule.nextAfter(now);
    let wake: Date;
    if (outcome.kind === "busy") {
      wake = new Date(Math.min(now.getTime() + busyRetryMs, next?.getTime() ?? Infinity));
      log.warn(`schedule: ${outcome.why}; looking again at ${timeIn(schedule.timezone, wake)}`);
    } else {
      if (next === null) {
        log.info("schedule: the cron has no later time; stopping");
        break;
      }
      wake = next;
      log.info(`schedule: next run at ${timeIn(schedule.timezone, wake)}`);
    }
    await clock.sleepUntil(wake, stop);
  }
  if (stop.reason !== null) log.info(`schedule: stopped by ${stop.reason}`);
  return runs;
}

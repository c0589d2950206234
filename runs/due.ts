// What the scheduler must do at a given instant, decided from the cron and the run history alone
// (a pure function: no clock, no warehouse), so that catch-up and missed ticks are tested by
// handing it instants instead of waiting.
import { Cron } from "croner";

export interface Schedule {
  readonly cron: string;
  /** The IANA zone the cron's hours are read in. */
  readonly timezone: string;
  /** The latest scheduled time at or before t, or null if there is none. */
  latestAtOrBefore(t: Date): Date | null;
  /** The first scheduled time after t, or null if there is none (a pattern with a year that has passed). */
  nextAfter(t: Date): Date | null;
}

export interface Due {
  scheduledFor: Date;
  /** schedule: a tick that came while the scheduler ran; catch-up: one that passed while it was down. */
  trigger: "schedule" | "catch-up";
}

/** A schedule.cron or schedule.timezone the scheduler cannot use. */
export class ScheduleInvalid extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScheduleInvalid";
  }
}

/** The machine's own time zone, the default of schedule.timezone. */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * Checks and compiles config schedule.cron (croner syntax: five fields, six with seconds first, seven with a year)
 * read in schedule.timezone (default the machine's zone). Throws ScheduleInvalid naming the key,
 * the value and what is wrong.
 */
export function parseSchedule(cron: string, timezone: string = machineTimeZone()): Schedule {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    throw new ScheduleInvalid(`config schedule.timezone = ${JSON.stringify(timezone)}: not a time zone; write an IANA name such as Asia/Bangkok, Asia/Ho_Chi_Minh or UTC`);
  }
  let job: Cron;
  try {
    job = new Cron(cron, { timezone, paused: true });
  } catch (e) {
    const why = (e as Error).message.replace(/^CronPattern: /, "");
    throw new ScheduleInvalid(
      `config schedule.cron = ${JSON.stringify(cron)}: not a cron expression the scheduler can use (${why}); ` +
        'write five fields "minute hour day-of-month month day-of-week", e.g. "0 6 * * 1-5" for 06:00 on weekdays',
    );
  }
  return {
    cron,
    timezone,
    // croner counts a run exactly at the reference as "previous" only within the same second, so
    // look back from one millisecond later: a tick at exactly t is "at or before t".
    latestAtOrBefore: (t) => job.previousRuns(1, new Date(t.getTime() + 1))[0] ?? null,
    nextAfter: (t) => job.nextRun(t),
  };
}

/**
 * What is due at `now`: the latest scheduled time at or before now, unless it has had its run
 * (`done`: the scheduled times of runs that finished). It is a catch-up when it came before the
 * scheduler started (it was missed while the scheduler was down), else a scheduled run. Only the
 * latest time counts: ticks missed during a long run or a long stop are caught up once, not each.
 */
export function whatIsDue(schedule: Schedule, now: Date, done: readonly Date[], schedulerStartedAt: Date): Due | null {
  const latest = schedule.latestAtOrBefore(now);
  if (latest === null) return null;
  if (done.some((d) => d.getTime() === latest.getTime())) return null;
  return { scheduledFor: latest, trigger: latest.getTime() < schedulerStartedAt.getTime() ? "catch-up" : "schedule" };
}

/** The calendar date of an instant in a time zone, YYYY-MM-DD: a scheduled run's as-of date. */
export { dateIn } from "../core/dates.ts";

/** An instant as a reader in that zone sees it: "2026-12-02 06:00:00 (Asia/Bangkok)". */
export function timeIn(timezone: string, instant: Date): string {
  const f = new Intl.DateTimeFormat("sv-SE", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  return `${f.format(instant)} (${timezone})`;
}

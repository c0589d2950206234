import { describe, expect, it } from "vitest";
import { memoryLogger } from "../../core/log.ts";
import { parseSchedule, type Due } from "../../runs/due.ts";
import { runScheduler, type SchedulerClock, type TickOutcome } from "../../runs/scheduler.ts";
import { manualStop } from "../../runs/stop-signal.ts";

const at = (iso: string) => new Date(iso);

/** A clock that jumps to whatever time the scheduler sleeps until: days pass in microseconds. */
function fakeClock(start: string): SchedulerClock & { advance(ms: number): void } {
  let t = at(start).getTime();
  return {
    now: () => new Date(t),
    async sleepUntil(until, stop) {
      if (stop.reason === null) t = Math.max(t, until.getTime());
    },
    advance(ms) {
      t += ms;
    },
  };
}

interface Started {
  at: string;
  scheduledFor: string;
  trigger: Due["trigger"];
}

/**
 * A warehouse in memory: the run history is a list of finished scheduled times; each run takes
 * runMinutes of clock time; the scheduler is stopped once `stopAfter` runs have started.
 */
function harness(options: { start: string; cron: string; timezone: string; done?: string[]; runMinutes?: number; stopAfter: number; busyAt?: string[] }) {
  const clock = fakeClock(options.start);
  const stop = manualStop();
  const done = (options.done ?? []).map(at);
  const started: Started[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const busyAt = new Set(options.busyAt ?? []);
  const tick = async (decide: (done: readonly Date[]) => Due | null, now: Date): Promise<TickOutcome> => {
    if (busyAt.delete(now.toISOString())) return { kind: "busy", why: "the warehouse is busy: arwatch run (pid 1) holds its lock" };
    const due = decide(done);
    if (due === null) return { kind: "idle" };
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    started.push({ at: now.toISOString(), scheduledFor: due.scheduledFor.toISOString(), trigger: due.trigger });
    clock.advance((options.runMinutes ?? 1) * 60_000);
    // The run yields to the event loop, as a real one does: a scheduler that did not wait for it would start another.
    await new Promise((resolve) => setImmediate(resolve));
    done.push(due.scheduledFor);
    inFlight--;
    if (started.length >= options.stopAfter) stop.stop("SIGTERM");
    return { kind: "ran", due };
  };
  const log = memoryLogger();
  const run = () => runScheduler({ schedule: parseSchedule(options.cron, options.timezone), clock, log, stop, tick });
  return { run, started, log, maxInFlight: () => maxInFlight };
}

describe("runScheduler(options) with an injected clock", () => {
  it("catches up the missed morning once at start, then runs at each scheduled time", async () => {
    // Started at 12:00 in Bangkok on 1 December; the run of 06:00 that morning never happened.
    const h = harness({ start: "2026-12-01T05:00:00Z", cron: "0 6 * * *", timezone: "Asia/Bangkok", done: ["2026-11-29T23:00:00Z"], stopAfter: 3 });
    expect(await h.run()).toBe(3);
    expect(h.started).toEqual([
      { at: "2026-12-01T05:00:00.000Z", scheduledFor: "2026-11-30T23:00:00.000Z", trigger: "catch-up" },
      { at: "2026-12-01T23:00:00.000Z", scheduledFor: "2026-12-01T23:00:00.000Z", trigger: "schedule" },
      { at: "2026-12-02T23:00:00.000Z", scheduledFor: "2026-12-02T23:00:00.000Z", trigger: "schedule" },
    ]);
    expect(h.log.lines).toContain("schedule: next run at 2026-12-02 06:00:00 (Asia/Bangkok)");
  });

  it("catches up nothing when the latest scheduled time has had its run", async () => {
    const h = harness({ start: "2026-12-01T05:00:00Z", cron: "0 6 * * *", timezone: "Asia/Bangkok", done: ["2026-11-30T23:00:00Z"], stopAfter: 1 });
    await h.run();
    expect(h.started).toEqual([{ at: "2026-12-01T23:00:00.000Z", scheduledFor: "2026-12-01T23:00:00.000Z", trigger: "schedule" }]);
  });

  it("never runs two at once: the ticks that pass during a long run are run once, as the latest", async () => {
    // Every 10 minutes, each run taking 25: 00:10 runs until 00:35, so 00:20 is skipped and 00:30
    // runs at 00:35 until 01:00, when 01:00 is due at once.
    const h = harness({ start: "2026-12-01T00:05:00Z", cron: "*/10 * * * *", timezone: "UTC", done: ["2026-12-01T00:00:00Z"], runMinutes: 25, stopAfter: 3 });
    await h.run();
    expect(h.started).toEqual([
      { at: "2026-12-01T00:10:00.000Z", scheduledFor: "2026-12-01T00:10:00.000Z", trigger: "schedule" },
      { at: "2026-12-01T00:35:00.000Z", scheduledFor: "2026-12-01T00:30:00.000Z", trigger: "schedule" },
      { at: "2026-12-01T01:00:00.000Z", scheduledFor: "2026-12-01T01:00:00.000Z", trigger: "schedule" },
    ]);
    expect(h.maxInFlight()).toBe(1);
  });

  it("looks again a minute later when another job holds the warehouse, and then runs the tick it was due", async () => {
    const h = harness({ start: "2026-12-01T05:59:00Z", cron: "0 6 * * *", timezone: "UTC", done: ["2026-11-30T06:00:00Z"], stopAfter: 1, busyAt: ["2026-12-01T06:00:00.000Z"] });
    await h.run();
    expect(h.started).toEqual([{ at: "2026-12-01T06:01:00.000Z", scheduledFor: "2026-12-01T06:00:00.000Z", trigger: "schedule" }]);
    expect(h.log.lines.some((l) => l.startsWith("warning: schedule: the warehouse is busy") && l.endsWith("looking again at 2026-12-01 06:01:00 (UTC)"))).toBe(true);
  });

  it("does not run a time twice when the history could not record it", async () => {
    const clock = fakeClock("2026-12-01T06:00:00Z");
    const stop = manualStop();
    const ran: string[] = [];
    const tick = async (decide: (done: readonly Date[]) => Due | null): Promise<TickOutcome> => {
      const due = decide([]); // the history never remembers
      if (due === null) {
        stop.stop("SIGINT");
        return { kind: "idle" };
      }
      ran.push(due.scheduledFor.toISOString());
      return { kind: "ran", due };
    };
    await runScheduler({ schedule: parseSchedule("0 6 * * *", "UTC"), clock, log: memoryLogger(), stop, tick });
    expect(ran).toEqual(["2026-12-01T06:00:00.000Z"]);
  });

  it("returns at once when stopped while waiting for the next time", async () => {
    const stop = manualStop();
    const clock: SchedulerClock = {
      now: () => at("2026-12-01T07:00:00Z"),
      sleepUntil: async () => stop.stop("SIGTERM"),
    };
    const log = memoryLogger();
    const runs = await runScheduler({ schedule: parseSchedule("0 6 * * *", "UTC"), clock, log, stop, tick: async () => ({ kind: "idle" }) });
    expect(runs).toBe(0);
    expect(log.lines.at(-1)).toBe("schedule: stopped by SIGTERM");
  });
});

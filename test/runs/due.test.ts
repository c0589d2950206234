import { describe, expect, it } from "vitest";
import { dateIn, parseSchedule, ScheduleInvalid, timeIn, whatIsDue } from "../../runs/due.ts";

const at = (iso: string) => new Date(iso);

describe("parseSchedule(cron, timezone)", () => {
  // Bangkok is UTC+7 all year: 06:00 there is 23:00 UTC the day before.
  const bangkok = parseSchedule("0 6 * * *", "Asia/Bangkok");

  it("reads the cron's hours in the configured zone", () => {
    expect(bangkok.latestAtOrBefore(at("2026-12-01T05:00:00Z"))).toEqual(at("2026-11-30T23:00:00Z"));
    expect(bangkok.nextAfter(at("2026-12-01T05:00:00Z"))).toEqual(at("2026-12-01T23:00:00Z"));
  });

  it("counts a tick at exactly now as at or before now, and not as after it", () => {
    expect(bangkok.latestAtOrBefore(at("2026-11-30T23:00:00Z"))).toEqual(at("2026-11-30T23:00:00Z"));
    expect(bangkok.latestAtOrBefore(at("2026-11-30T22:59:59.999Z"))).toEqual(at("2026-11-29T23:00:00Z"));
    expect(bangkok.nextAfter(at("2026-11-30T23:00:00Z"))).toEqual(at("2026-12-01T23:00:00Z"));
  });

  it("follows daylight saving time: 06:00 in New York is 11:00 UTC in winter and 10:00 UTC from 8 March 2026", () => {
    const newYork = parseSchedule("0 6 * * *", "America/New_York");
    expect(newYork.nextAfter(at("2026-03-07T00:00:00Z"))).toEqual(at("2026-03-07T11:00:00Z"));
    expect(newYork.nextAfter(at("2026-03-07T11:00:00Z"))).toEqual(at("2026-03-08T10:00:00Z"));
  });

  it("skips the weekend for a weekday cron (1 December 2026 is a Tuesday)", () => {
    const weekdays = parseSchedule("30 7 * * 1-5", "UTC");
    // Friday 4 December 07:30, then Monday 7 December 07:30.
    expect(weekdays.nextAfter(at("2026-12-04T07:30:00Z"))).toEqual(at("2026-12-07T07:30:00Z"));
    expect(weekdays.latestAtOrBefore(at("2026-12-06T12:00:00Z"))).toEqual(at("2026-12-04T07:30:00Z"));
  });

  it("defaults to the machine's zone", () => {
    expect(parseSchedule("0 6 * * *").timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it.each([
    ["61 * * * *", "Invalid value for minute: 61"],
    ["* * * *", "exactly five, six, or seven"],
    ["every morning", "exactly five, six, or seven"],
  ])("refuses the cron %j, naming the key and the value", (cron, why) => {
    expect(() => parseSchedule(cron, "UTC")).toThrow(ScheduleInvalid);
    expect(() => parseSchedule(cron, "UTC")).toThrow(`config schedule.cron = ${JSON.stringify(cron)}: not a cron expression the scheduler can use (`);
    expect(() => parseSchedule(cron, "UTC")).toThrow(why);
  });

  it("refuses a time zone that does not exist", () => {
    expect(() => parseSchedule("0 6 * * *", "Mars/Olympus_Mons")).toThrow('config schedule.timezone = "Mars/Olympus_Mons": not a time zone');
    expect(() => parseSchedule("0 6 * * *", "GMT+7 Bangkok")).toThrow(ScheduleInvalid);
  });
});

describe("whatIsDue(schedule, now, done, schedulerStartedAt)", () => {
  const daily = parseSchedule("0 6 * * *", "Asia/Bangkok");
  const startedAt = at("2026-12-01T05:00:00Z"); // 12:00 in Bangkok on 1 December

  it("catches up the morning's run that was missed while the scheduler was down", () => {
    const done = [at("2026-11-29T23:00:00Z")];
    expect(whatIsDue(daily, startedAt, done, startedAt)).toEqual({ scheduledFor: at("2026-11-30T23:00:00Z"), trigger: "catch-up" });
  });

  it("catches up only the latest missed time after days down, not each one", () => {
    const done = [at("2026-11-26T23:00:00Z")];
    expect(whatIsDue(daily, startedAt, done, startedAt)).toEqual({ scheduledFor: at("2026-11-30T23:00:00Z"), trigger: "catch-up" });
  });

  it("has nothing due when the latest time has had its run", () => {
    expect(whatIsDue(daily, startedAt, [at("2026-11-30T23:00:00Z")], startedAt)).toBeNull();
    // Later the same day, still nothing: the catch-up happens once.
    expect(whatIsDue(daily, at("2026-12-01T16:59:59Z"), [at("2026-11-30T23:00:00Z")], startedAt)).toBeNull();
  });

  it("calls a time reached while the scheduler runs a scheduled run", () => {
    const now = at("2026-12-01T23:00:00Z");
    expect(whatIsDue(daily, now, [at("2026-11-30T23:00:00Z")], startedAt)).toEqual({ scheduledFor: now, trigger: "schedule" });
  });

  it("looks back as far as a yearly cron needs", () => {
    const yearly = parseSchedule("0 0 1 1 *", "UTC");
    expect(whatIsDue(yearly, at("2026-12-01T00:00:00Z"), [], at("2026-12-01T00:00:00Z"))).toEqual({ scheduledFor: at("2026-01-01T00:00:00Z"), trigger: "catch-up" });
    expect(whatIsDue(yearly, at("2026-12-01T00:00:00Z"), [at("2026-01-01T00:00:00Z")], at("2026-12-01T00:00:00Z"))).toBeNull();
  });
});

describe("dateIn(timezone, instant) and timeIn(timezone, instant)", () => {
  it("gives a scheduled run the calendar day of its zone", () => {
    expect(dateIn("Asia/Bangkok", at("2026-11-30T23:00:00Z"))).toBe("2026-12-01");
    expect(dateIn("America/New_York", at("2026-11-30T23:00:00Z"))).toBe("2026-11-30");
    expect(timeIn("Asia/Bangkok", at("2026-11-30T23:00:00Z"))).toBe("2026-12-01 06:00:00 (Asia/Bangkok)");
  });
});

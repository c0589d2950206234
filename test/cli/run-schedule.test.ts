// `arwatch schedule` as a service manager runs it: a real process, stopped with SIGTERM.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { RunRecord } from "../../runs/history.ts";
import { arwatch } from "../helpers/cli.ts";
import { tempDir } from "../helpers/warehouse.ts";
import { BIN, startChild, waitForLine, type Child } from "../runs/child-process.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/ledger/", import.meta.url));

function workspace(schedule: string) {
  const dir = tempDir("arwatch-schedule-");
  const ws = { dir, db: join(dir, "data", "warehouse.duckdb"), inbox: join(dir, "inbox"), config: join(dir, "arwatch.config.yaml") };
  writeFileSync(ws.config, `ingest:\n  inbox: ${ws.inbox}\n  archiveDir: ${join(dir, "archive")}\nschedule:\n${schedule}`);
  mkdirSync(ws.inbox);
  return ws;
}

const children: Child[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill("SIGKILL");
});

function scheduler(ws: ReturnType<typeof workspace>): Child {
  const child = startChild(BIN, ["schedule", "--db", ws.db, "--config", ws.config, "--outbox", join(ws.dir, "outbox"), "--site", join(ws.dir, "site")], { ARWATCH_SMTP_URL: "" });
  children.push(child);
  return child;
}

function history(db: string): RunRecord[] {
  return JSON.parse(arwatch(["runs", "--db", db, "--format", "json"]).stdout) as RunRecord[];
}

describe("arwatch schedule", () => {
  it("on SIGTERM during a step, finishes that step, starts no other, records the run as stopped and exits 0", async () => {
    // Once a year at midnight UTC on 1 January: the latest such time (this year's) never had its
    // run, so the scheduler catches it up as soon as it starts.
    const latest = new Date(Date.UTC(new Date().getUTCFullYear(), 0, 1));
    const ws = workspace('  cron: "0 0 1 1 *"\n  timezone: UTC\n');
    for (const f of readdirSync(FIXTURE)) copyFileSync(join(FIXTURE, f), join(ws.inbox, f));
    const child = scheduler(ws);
    await waitForLine(child, /^building models as of /, "stderr");
    child.process.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    expect(child.stderr()).toContain("warning: schedule: SIGTERM: finishing the step in progress, then stopping");
    const [run] = history(ws.db);
    expect(run).toMatchObject({ trigger: "catch-up", scheduled_for: latest.toISOString(), outcome: "stopped", error: "stopped by SIGTERM after the build step; not run: notify, report" });
    expect(run!.steps.map((s) => [s.step, s.outcome])).toEqual([
      ["ingest", "ok"],
      ["build", "ok"],
    ]);
    expect(run!.steps[1]!.models_built).toBeGreaterThan(0);
    // Both locks are released.
    expect(existsSync(`${ws.db}.lock`)).toBe(false);
    expect(existsSync(`${ws.db}.schedule.lock`)).toBe(false);
  });

  it("refuses a second scheduler on the same warehouse, records a failed catch-up once, and stops at once while waiting", async () => {
    const ws = workspace('  cron: "0 0 1 1 *"\n  timezone: Asia/Bangkok\n');
    // An extract that is not a ledger: the catch-up run fails quickly, is recorded, and is not retried.
    writeFileSync(join(ws.inbox, "invoices.csv"), "nothing,useful\n1,2\n");
    const first = scheduler(ws);
    const next = await waitForLine(first, /^schedule: next run at /, "stderr");
    // Bangkok is UTC+7 all year: 00:00 on 1 January there is 17:00 UTC on 31 December.
    const bangkokYear = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
    const latest = new Date(Date.UTC(bangkokYear, 0, 1) - 7 * 3600_000);
    expect(next).toBe(`schedule: next run at ${bangkokYear + 1}-01-01 00:00:00 (Asia/Bangkok)`);
    const second = arwatch(["schedule", "--db", ws.db, "--config", ws.config]);
    expect(second.status).toBe(75);
    expect(second.stderr).toContain(`arwatch schedule: the warehouse ${ws.db} is busy: arwatch schedule (pid ${first.process.pid} on `);
    expect(second.stderr).toContain(`holds its lock ${ws.db}.schedule.lock`);
    first.process.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    const runs = history(ws.db);
    expect(runs.map((r) => [r.trigger, r.scheduled_for, r.outcome])).toEqual([["catch-up", latest.toISOString(), "failed"]]);
  });

  it.each([
    ['  cron: "0 25 * * *"\n', 'schedule.cron = "0 25 * * *": not a cron expression croner accepts'],
    ['  cron: "0 6 * * *"\n  timezone: Asia/Saigon City\n', 'schedule.timezone = "Asia/Saigon City": not an IANA time zone'],
  ])("refuses a schedule it cannot use, naming the key, before taking any lock", (schedule, message) => {
    const ws = workspace(schedule);
    const result = arwatch(["schedule", "--db", ws.db, "--config", ws.config]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`arwatch: ${ws.config}: ${message}`);
    expect(existsSync(`${ws.db}.schedule.lock`)).toBe(false);
  });
});

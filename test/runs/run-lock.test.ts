import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { processStartTicks } from "../../core/process-alive.ts";
import { acquireWarehouseLock, RunBusy, withRunLock, warehouseLockPath, type LockRecord } from "../../core/run-lock.ts";
import { tempDir } from "../helpers/warehouse.ts";
import { startChild, waitForLine, type Child } from "./child-process.ts";

const HOLDER = fileURLToPath(new URL("./lock-holder-child.ts", import.meta.url));
const NOW = new Date("2026-12-01T06:00:00.000Z");
const children: Child[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill("SIGKILL");
});

async function holderProcess(db: string, what: string): Promise<Child> {
  const child = startChild(HOLDER, [db, what]);
  children.push(child);
  await waitForLine(child, /^held$/);
  return child;
}

describe("withRunLock(dbPath, what, now, fn)", () => {
  it("writes <db>.lock while fn runs, naming this process, and removes it afterwards", async () => {
    const db = join(tempDir(), "wh.duckdb");
    const seen = await withRunLock(db, "arwatch run", NOW, async () => JSON.parse(readFileSync(`${db}.lock`, "utf8")) as LockRecord);
    expect(seen).toMatchObject({ pid: process.pid, host: hostname(), startedAt: "2026-12-01T06:00:00.000Z", what: "arwatch run" });
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it("releases the lock when fn throws", async () => {
    const db = join(tempDir(), "wh.duckdb");
    await expect(withRunLock(db, "arwatch run", NOW, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(readdirSync(join(db, ".."))).toEqual([]);
  });

  it("refuses a second job while a live process holds the lock, naming its pid, host and since when, without calling fn", async () => {
    const db = join(tempDir(), "wh.duckdb");
    const holder = await holderProcess(db, "arwatch schedule");
    const holderRecord = JSON.parse(readFileSync(warehouseLockPath(db), "utf8")) as LockRecord;
    let called = false;
    const attempt = withRunLock(db, "arwatch notify", NOW, async () => {
      called = true;
    });
    await expect(attempt).rejects.toBeInstanceOf(RunBusy);
    await expect(attempt).rejects.toThrow(
      `arwatch notify: the warehouse ${db} is busy: arwatch schedule (pid ${holder.process.pid} on ${hostname()}, since ${holderRecord.startedAt})`,
    );
    expect(called).toBe(false);
    await attempt.catch((e: RunBusy) => expect(e.exitCode).toBe(75));
  });

  it("is not blocked by a holder killed with SIGKILL, and needs no clean-up", async () => {
    const db = join(tempDir(), "wh.duckdb");
    const holder = await holderProcess(db, "arwatch run");
    const pid = holder.process.pid!;
    holder.process.kill("SIGKILL");
    expect(await holder.exited).toBe("SIGKILL");
    // The dead holder's lock file is still there: nothing cleaned it up.
    expect((JSON.parse(readFileSync(warehouseLockPath(db), "utf8")) as LockRecord).pid).toBe(pid);
    const stale: LockRecord[] = [];
    const result = await withRunLock(db, "arwatch run", NOW, async () => "ran", { onStale: (h) => stale.push(h) });
    expect(result).toBe("ran");
    expect(stale.map((h) => h.pid)).toEqual([pid]);
    expect(readdirSync(join(db, ".."))).toEqual([]);
  });

  it("takes over a lock whose pid now belongs to another program (start time differs)", async () => {
    const db = join(tempDir(), "wh.duckdb");
    const reused = { pid: process.ppid, host: hostname(), startedAt: "2026-11-30T06:00:00.000Z", startTicks: "1", token: "reused" };
    writeFileSync(warehouseLockPath(db), JSON.stringify(reused));
    await expect(withRunLock(db, "arwatch run", NOW, async () => "ran")).resolves.toBe("ran");
    const live = { ...reused, startTicks: processStartTicks(process.ppid), token: "live" };
    writeFileSync(warehouseLockPath(db), JSON.stringify(live));
    await expect(withRunLock(db, "arwatch run", NOW, async () => "ran")).rejects.toThrow(`(pid ${process.ppid} on ${hostname()}, since 2026-11-30T06:00:00.000Z)`);
  });

  it("says how to clear a lock taken on another machine, which it cannot check", async () => {
    const db = join(tempDir(), "wh.duckdb");
    const elsewhere = { pid: 4242, host: "container-gone-7f3a", startedAt: "2026-11-30T06:00:00.000Z", token: "elsewhere", what: "arwatch run" };
    writeFileSync(warehouseLockPath(db), JSON.stringify(elsewhere));
    await expect(withRunLock(db, "arwatch notify", NOW, async () => "ran")).rejects.toThrow(
      `the lock was taken on another machine (container-gone-7f3a), which cannot be checked from here: if no arwatch command runs there any more (a container that is gone, say), delete ${warehouseLockPath(db)} and run it again`,
    );
  });

  it("keeps the scheduler's lock apart from the run lock", () => {
    const db = join(tempDir(), "wh.duckdb");
    const scheduler = acquireWarehouseLock(db, "arwatch schedule", NOW, { kind: "schedule" })!;
    expect(scheduler.path).toBe(`${db}.schedule.lock`);
    const run = acquireWarehouseLock(db, "arwatch run", NOW)!;
    expect(run.path).toBe(`${db}.lock`);
    expect(() => acquireWarehouseLock(db, "arwatch schedule", NOW, { kind: "schedule" })).toThrow(RunBusy);
    run.release();
    scheduler.release();
  });

  it("needs no lock for an in-memory warehouse", async () => {
    await expect(withRunLock(":memory:", "arwatch run", NOW, async () => 1)).resolves.toBe(1);
  });
});

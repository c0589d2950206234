// The credit log of issue 9: "an append-only log that survives a crash of the server (written
// durably before the answer is sent)". A child process appends and is SIGKILLed; every record whose
// append had resolved must be there. A line torn by a crash is closed off and skipped, never removed.
import { spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CreditLog, readCreditLog } from "../../credit/log.ts";
import type { OverrideRecord } from "../../credit/records.ts";
import { tempDir } from "../helpers/warehouse.ts";
import { PACKAGE_ROOT, startChild, waitForLine } from "../runs/child-process.ts";

const CHILD = fileURLToPath(new URL("./fixtures/append-child.ts", import.meta.url));
const APPEND_ONCE = fileURLToPath(new URL("./fixtures/append-once-child.ts", import.meta.url));

const record = (id: string): OverrideRecord => ({
  type: "override",
  override_id: id,
  by: "test",
  reason: "r",
  at: "2026-12-01T12:00:00.000Z",
  up_to_amount: null,
  until: null,
  from_check_id: null,
  check_id: `K-${id}`,
  customer_id: "C1",
  order_id: null,
  amount: "1.00",
  reserved_until: null,
});

describe("CreditLog after a SIGKILL", () => {
  it("keeps every record whose append had resolved before the process was killed", async () => {
    const path = join(tempDir("arwatch-credit-log-"), "credit-log.jsonl");
    const child = startChild(CHILD, [path, "40"]);
    try {
      await waitForLine(child, /^appended 40$/);
      await waitForLine(child, /^resolved 60$/);
    } finally {
      child.process.kill("SIGKILL");
    }
    expect(await child.exited).toBe("SIGKILL");
    const resolved = child
      .stdout()
      .split("\n")
      .flatMap((l) => {
        const m = /^resolved (\d+)$/.exec(l);
        return m ? [Number(m[1])] : [];
      });
    expect(resolved.length).toBeGreaterThanOrEqual(21);
    const { records } = await readCreditLog(path);
    const ids = new Set(records.map((r) => (r.type === "override" ? r.override_id : r.check_id)));
    // The 40 written together, and each one announced as resolved afterwards.
    for (let i = 0; i < 40; i++) expect(ids.has(`O-${i}`)).toBe(true);
    for (const i of resolved) expect(ids.has(`O-${i}`)).toBe(true);
    // In order, each once.
    const order = records.map((r) => Number((r as OverrideRecord).override_id.slice(2)));
    expect(order.slice(40)).toEqual(order.slice(40).map((_, k) => 40 + k));
    expect(new Set(order).size).toBe(order.length);
  });

  it("lets a new writer append after the killed one, nothing lost", async () => {
    const path = join(tempDir("arwatch-credit-log-"), "credit-log.jsonl");
    const child = startChild(CHILD, [path, "5"]);
    try {
      await waitForLine(child, /^resolved 10$/);
    } finally {
      child.process.kill("SIGKILL");
    }
    await child.exited;
    const before = (await readCreditLog(path)).records.length;
    const log = await CreditLog.open(path);
    await log.append(record("after"));
    await log.close();
    const { records } = await readCreditLog(path);
    expect(records).toHaveLength(before + 1);
    expect((records.at(-1) as OverrideRecord).override_id).toBe("after");
  });
});

describe("CreditLog and a torn last line", () => {
  const good = (id: string) => `${JSON.stringify(record(id))}\n`;
  const torn = JSON.stringify(record("torn")).slice(0, 57);

  it("skips a torn last line when read, and counts it", async () => {
    const path = join(tempDir("arwatch-credit-log-"), "credit-log.jsonl");
    writeFileSync(path, good("A") + good("B") + torn);
    const { records, unreadable } = await readCreditLog(path);
    expect(records.map((r) => (r as OverrideRecord).override_id)).toEqual(["A", "B"]);
    expect(unreadable).toBe(1);
  });

  it("closes a torn last line off on reopen, never removes it, and appends after it", async () => {
    const path = join(tempDir("arwatch-credit-log-"), "credit-log.jsonl");
    const original = good("A") + good("B") + torn;
    writeFileSync(path, original);
    const log = await CreditLog.open(path);
    await log.append(record("C"));
    await log.close();
    const text = readFileSync(path, "utf8");
    // Append-only: every byte that was there is still there, in place.
    expect(text.startsWith(original)).toBe(true);
    expect(text).toBe(`${original}\n${good("C")}`);
    const { records, unreadable } = await readCreditLog(path);
    expect(records.map((r) => (r as OverrideRecord).override_id)).toEqual(["A", "B", "C"]);
    expect(unreadable).toBe(1);
  });

  it("adds nothing when the last line is whole", async () => {
    const path = join(tempDir("arwatch-credit-log-"), "credit-log.jsonl");
    writeFileSync(path, good("A"));
    const log = await CreditLog.open(path);
    await log.close();
    expect(readFileSync(path, "utf8")).toBe(good("A"));
  });

  it("skips a line that is JSON but not a record, and blank lines", async () => {
    const path = join(tempDir("arwatch-credit-log-"), "credit-log.jsonl");
    writeFileSync(path, good("A"));
    appendFileSync(path, '{"type":"other"}\n\n[1,2]\n');
    appendFileSync(path, good("B"));
    const { records, unreadable } = await readCreditLog(path);
    expect(records.map((r) => (r as OverrideRecord).override_id)).toEqual(["A", "B"]);
    expect(unreadable).toBe(2);
  });

  it("reads a missing log as an empty one", async () => {
    expect(await readCreditLog(join(tempDir(), "none.jsonl"))).toEqual({ records: [], unreadable: 0 });
  });
});

describe("CreditLog on a full disk", () => {
  it("does not resolve an append whose line was only partly written (a file-size limit cuts the write short)", () => {
    const path = join(tempDir("arwatch-credit-log-"), "credit-log.jsonl");
    // 4 KiB allowed (ulimit -f counts 1 KiB blocks); the record is about 6 KB: the kernel writes the
    // first 4 KiB and reports a short write, as it does when a disk fills up mid-write.
    const script = `ulimit -f 4; exec "$0" --import tsx "$1" "$2" 6000`;
    const r = spawnSync("bash", ["-c", script, process.execPath, APPEND_ONCE, path], { cwd: PACKAGE_ROOT, encoding: "utf8" });
    expect(r.stdout, r.stderr).toMatch(/^(resolved|rejected)/);
    const resolved = r.stdout.startsWith("resolved");
    const text = readFileSync(path, "utf8");
    const whole = text.split("\n").some((line) => line.includes('"override_id":"big"') && line.endsWith("}"));
    // "Written durably before the answer is sent": resolved means the whole record is on disk.
    expect({ resolved, whole, bytesOnDisk: text.length }).toMatchObject(resolved ? { whole: true } : { resolved: false });
  });
});

describe("CreditLog group commit", () => {
  it("writes each of many concurrent appends once, whole, in the order they were made", async () => {
    const path = join(tempDir("arwatch-credit-log-"), "credit-log.jsonl");
    const log = await CreditLog.open(path);
    await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(record(`R${i}`))));
    await log.close();
    const { records, unreadable } = await readCreditLog(path);
    expect(unreadable).toBe(0);
    expect(records.map((r) => (r as OverrideRecord).override_id)).toEqual(Array.from({ length: 200 }, (_, i) => `R${i}`));
  });

  it("refuses an append after close", async () => {
    const log = await CreditLog.open(join(tempDir(), "l.jsonl"));
    await log.close();
    await expect(log.append(record("late"))).rejects.toThrow(/closed/);
  });
});

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { beforeAll, describe, expect, it } from "vitest";
import { acquireWarehouseLock } from "../../core/run-lock.ts";
import { openWarehouse } from "../../core/warehouse.ts";
import { ensureRawSchema } from "../../ingest/schema.ts";
import { arwatch, type CliResult } from "../helpers/cli.ts";
import { build, insertRaw, tempDir } from "../helpers/warehouse.ts";

/** The real CLI (bin/arwatch.js), run in the test's folder so that no config file of the checkout applies. */
function notifyCli(args: string[], cwd: string): CliResult {
  return arwatch(["notify", ...args], { cwd });
}

/*
 * As of 2024-03-11 with the default config (overdueDays 30/60/90, milestones -3/0/7/30, fallback
 * ar-team@example.com): C1 (lan@example.com) has I1 600 due 2024-02-09, 31 days past due → overdue
 * level 1 and milestone 30 (level 4); its name carries CR/LF and markup. C2 has no collector
 * address: I2 100 due 2024-03-10, 1 day → milestone 0 (level 2), told to ar-team@example.com.
 */
describe("arwatch notify (the command)", () => {
  let dir: string;
  let db: string;

  beforeAll(async () => {
    dir = tempDir("arwatch-notify-cli-");
    db = join(dir, "warehouse.duckdb");
    const wh = await openWarehouse(db);
    await ensureRawSchema(wh);
    await insertRaw(wh, "customers", [
      { customer_id: "C1", customer_name: "Acme\r\nBcc: victim@example.com <img src=x onerror=alert(1)>", collector: "Lan", collector_email: "lan@example.com", credit_limit: "100000" },
      { customer_id: "C2", customer_name: "Bee", collector: null, collector_email: null, credit_limit: "100000" },
    ]);
    await insertRaw(wh, "invoices", [
      { document_id: "I1", customer_id: "C1", document_type: "invoice", document_date: "2024-01-10", due_date: "2024-02-09", amount: "600.00" },
      { document_id: "I2", customer_id: "C2", document_type: "invoice", document_date: "2024-02-10", due_date: "2024-03-10", amount: "100.00" },
    ]);
    await build(wh, "2024-03-11");
    wh.close();
  });

  it("--dry-run prints who would be told and why, and records nothing", async () => {
    const r = notifyCli(["--db", db, "--dry-run"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("dry run as of 2024-03-11");
    expect(r.stdout).toContain("2 messages would be sent");
    expect(r.stdout).toMatch(/to ar-team@example\.com: .*\n\s+why: milestone 0 days \(C2 I2\)/);
    expect(r.stdout).toMatch(/to lan@example\.com: .*\n\s+why: .*new overdue \(C1\)/);
    const wh = await openWarehouse(db, { readOnly: true });
    const tables = await wh.all("select table_name from duckdb_tables() where schema_name = 'notify' and estimated_size > 0");
    wh.close();
    expect(tables).toEqual([]);
  });

  it("records and writes one .eml per recipient to --outbox; a second run records nothing", async () => {
    const outbox = join(dir, "out");
    const first = notifyCli(["--db", db, "--outbox", outbox], dir);
    expect(first.stderr).not.toMatch(/arwatch:/);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("notify as of 2024-03-11: breaches: 3 new, 0 escalated, 0 reminders, 0 resolved");
    expect(first.stdout).toContain("messages: 2 recorded; 2 sent, 0 failed");
    const files = readdirSync(outbox).filter((f) => f.endsWith(".eml"));
    expect(files).toHaveLength(2);
    const recipients: string[] = [];
    for (const f of files) {
      const raw = readFileSync(join(outbox, f));
      expect(raw.toString("latin1")).not.toMatch(/^bcc:/im);
      const mail = await simpleParser(raw);
      const to = Array.isArray(mail.to) ? mail.to.flatMap((a) => a.value) : (mail.to?.value ?? []);
      recipients.push(...to.map((a) => a.address!));
      expect(mail.bcc).toBeUndefined();
      if (mail.html) expect(mail.html).not.toContain("<img src=x");
    }
    expect(recipients.sort()).toEqual(["ar-team@example.com", "lan@example.com"]);

    const again = notifyCli(["--db", db, "--outbox", outbox], dir);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("breaches: 0 new, 0 escalated, 0 reminders, 0 resolved");
    expect(again.stdout).toContain("messages: 0 recorded");
    expect(readdirSync(outbox).filter((f) => f.endsWith(".eml"))).toHaveLength(2);
  });

  it("refuses an --as-of the last build is not for, naming both dates", () => {
    const r = notifyCli(["--db", db, "--as-of", "2024-03-12", "--dry-run"], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("the last build is as of 2024-03-11, not 2024-03-12");
  });

  it("refuses while another job holds the warehouse, naming the holder", () => {
    const lock = acquireWarehouseLock(db, "arwatch run (test holder)", new Date());
    try {
      const r = notifyCli(["--db", db, "--dry-run"], dir);
      expect(r.status).toBe(75);
      expect(r.stderr).toContain("arwatch run (test holder)");
      expect(r.stderr).toContain(`pid ${process.pid}`);
    } finally {
      lock?.release();
    }
  });
});

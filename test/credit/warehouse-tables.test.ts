import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryLogger } from "../../core/log.ts";
import { openWarehouse, type Warehouse } from "../../core/warehouse.ts";
import type { CheckRecord, OverrideRecord } from "../../credit/records.ts";
import type { HoldRow } from "../../credit/service.ts";
import { ensureCreditSchema, loadCreditLog, writeHolds } from "../../credit/warehouse-tables.ts";
import { tempDir } from "../helpers/warehouse.ts";

/** A check record as the service writes it; the fields a test cares about are given. */
function check(fields: Partial<CheckRecord> & Pick<CheckRecord, "check_id" | "checked_at" | "customer_id" | "amount" | "decision">): CheckRecord {
  return {
    type: "check",
    source: "api",
    customer_name: null,
    order_id: null,
    may_proceed: fields.decision === "approve" || fields.decision === "warn",
    reasons: [],
    exposure: { outstanding: "0.00", open_orders: "0.00", pending_approvals: "0.00", this_order: fields.amount, total_after: fields.amount },
    credit_limit: null,
    available_credit_after: null,
    utilisation_after: null,
    overdue_amount: "0.00",
    max_days_past_due: 0,
    behaviour_class: "prompt",
    customer_status: "active",
    currency: "THB",
    data_as_of: { as_of_date: "2026-11-29", built_at: "2026-11-30T06:00:00.000Z", last_ingest_at: "2026-11-30T05:50:00.000Z", age_hours: 3, is_stale: false },
    override: null,
    reserved_until: null,
    ...fields,
  };
}

const line = (record: object) => `${JSON.stringify(record)}\n`;

/*
 * The worked log: c1 approved for SO-1, an order the build had with 60.00 unbilled (so it reserves
 * the increase, 40.00, for 72 h); c2 held for two reasons, overridden an hour later by
 * Mai up to 2,000.00 until 2 Dec; a line torn by a crash (closed off with a newline when the log
 * was reopened); c3 held and overridden with the check itself by Ann; a last line still being
 * written (no newline yet). c2, its override and c3 are written as before reserved_amount and
 * order_known existed: what they reserved is their whole amount.
 */
const C1 = check({
  check_id: "c1", checked_at: "2026-11-30T09:00:00.000Z", customer_id: "C1", customer_name: "Ayutthaya Steel", order_id: "SO-1",
  amount: "100.00", decision: "approve",
  exposure: { outstanding: "500.00", open_orders: "0.00", pending_approvals: "0.00", this_order: "100.00", total_after: "600.00" },
  credit_limit: "1000.00", available_credit_after: "400.00", utilisation_after: "0.6000", reserved_until: "2026-12-03T09:00:00.000Z",
  reserved_amount: "40.00", order_known: true,
});
const C2 = check({
  check_id: "c2", checked_at: "2026-11-30T09:30:00.000Z", customer_id: "C2", customer_name: "<b>Bangkok</b> Paper", amount: "250.50", decision: "hold",
  reasons: [
    { code: "over_limit", level: "hold", message: "exposure after this order THB 1,250.50 is over the limit THB 1,000.00" },
    { code: "days_past_due", level: "hold", message: "THB 300.00 is more than 60 days past due" },
  ],
  exposure: { outstanding: "1000.00", open_orders: "0.00", pending_approvals: "0.00", this_order: "250.50", total_after: "1250.50" },
  credit_limit: "1000.00", available_credit_after: "-250.50", utilisation_after: "1.2505", overdue_amount: "300.00", max_days_past_due: 75, behaviour_class: "slow",
});
const C2_OVERRIDE: OverrideRecord = {
  type: "override", override_id: "o1", by: "Mai", reason: "paid by transfer today", at: "2026-11-30T10:30:00.000Z",
  up_to_amount: "2000.00", until: "2026-12-02T00:00:00.000Z", from_check_id: null,
  check_id: "c2", customer_id: "C2", order_id: null, amount: "250.50", reserved_until: "2026-12-03T10:30:00.000Z",
};
const TORN = '{"type":"check","check_id":"c9","checked_at":"2026-11-30T10:00:00.000Z","amo\n';
const C3 = check({
  check_id: "c3", checked_at: "2026-11-30T11:00:00.000Z", customer_id: "C2", amount: "80.00", decision: "hold", may_proceed: true,
  reasons: [{ code: "over_limit", level: "hold", message: "over the limit" }],
  override: { override_id: "o2", by: "Ann", reason: "director's approval", at: "2026-11-30T11:00:00.000Z", up_to_amount: null, until: null, from_check_id: null },
  reserved_until: "2026-12-03T11:00:00.000Z",
});
const C4 = check({ check_id: "c4", checked_at: "2026-11-30T12:00:00.000Z", customer_id: "C1", amount: "5.00", decision: "approve" });
const C4_TEXT = line(C4);
const C4_HEAD = C4_TEXT.slice(0, 40);

const ROWS_SQL = `
  select check_id, strftime(checked_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as checked_at, source, customer_id, customer_name, order_id,
         amount, decision, may_proceed, reason_codes, reasons, outstanding, open_orders, pending_approvals, this_order, total_after,
         credit_limit, available_credit_after, utilisation_after, overdue_amount, max_days_past_due, behaviour_class,
         data_as_of_date, strftime(data_built_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as data_built_at,
         strftime(reserved_until at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as reserved_until, reserved_amount, order_known, overridden_by, override_reason,
         strftime(overridden_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as overridden_at, override_up_to_amount,
         strftime(override_until at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as override_until, override_from_check_id
    from credit.checks order by check_id`;

const EXPECTED_C1 = {
  check_id: "c1", checked_at: "2026-11-30T09:00:00Z", source: "api", customer_id: "C1", customer_name: "Ayutthaya Steel", order_id: "SO-1",
  amount: "100.00", decision: "approve", may_proceed: true, reason_codes: "", reasons: "",
  outstanding: "500.00", open_orders: "0.00", pending_approvals: "0.00", this_order: "100.00", total_after: "600.00",
  credit_limit: "1000.00", available_credit_after: "400.00", utilisation_after: "0.6000", overdue_amount: "0.00", max_days_past_due: 0, behaviour_class: "prompt",
  data_as_of_date: "2026-11-29", data_built_at: "2026-11-30T06:00:00Z", reserved_until: "2026-12-03T09:00:00Z", reserved_amount: "40.00", order_known: true,
  overridden_by: null, override_reason: null, overridden_at: null, override_up_to_amount: null, override_until: null, override_from_check_id: null,
};
// The hold, with Mai's later override folded on: it may proceed now, reserved from the override.
const EXPECTED_C2 = {
  check_id: "c2", checked_at: "2026-11-30T09:30:00Z", source: "api", customer_id: "C2", customer_name: "<b>Bangkok</b> Paper", order_id: null,
  amount: "250.50", decision: "hold", may_proceed: true, reason_codes: "over_limit days_past_due",
  reasons: "exposure after this order THB 1,250.50 is over the limit THB 1,000.00; THB 300.00 is more than 60 days past due",
  outstanding: "1000.00", open_orders: "0.00", pending_approvals: "0.00", this_order: "250.50", total_after: "1250.50",
  credit_limit: "1000.00", available_credit_after: "-250.50", utilisation_after: "1.2505", overdue_amount: "300.00", max_days_past_due: 75, behaviour_class: "slow",
  data_as_of_date: "2026-11-29", data_built_at: "2026-11-30T06:00:00Z", reserved_until: "2026-12-03T10:30:00Z", reserved_amount: "250.50", order_known: false,
  overridden_by: "Mai", override_reason: "paid by transfer today", overridden_at: "2026-11-30T10:30:00Z", override_up_to_amount: "2000.00",
  override_until: "2026-12-02T00:00:00Z", override_from_check_id: null,
};
const EXPECTED_C3 = {
  check_id: "c3", checked_at: "2026-11-30T11:00:00Z", source: "api", customer_id: "C2", customer_name: null, order_id: null,
  amount: "80.00", decision: "hold", may_proceed: true, reason_codes: "over_limit", reasons: "over the limit",
  outstanding: "0.00", open_orders: "0.00", pending_approvals: "0.00", this_order: "80.00", total_after: "80.00",
  credit_limit: null, available_credit_after: null, utilisation_after: null, overdue_amount: "0.00", max_days_past_due: 0, behaviour_class: "prompt",
  data_as_of_date: "2026-11-29", data_built_at: "2026-11-30T06:00:00Z", reserved_until: "2026-12-03T11:00:00Z", reserved_amount: "80.00", order_known: false,
  overridden_by: "Ann", override_reason: "director's approval", overridden_at: "2026-11-30T11:00:00Z", override_up_to_amount: null,
  override_until: null, override_from_check_id: null,
};

describe("loadCreditLog(wh, logFile)", () => {
  let dir: string;
  let logFile: string;
  let wh: Warehouse;

  beforeEach(async () => {
    dir = tempDir();
    logFile = join(dir, "warehouse.credit-log.jsonl");
    wh = await openWarehouse(join(dir, "warehouse.duckdb"));
    await ensureCreditSchema(wh);
  });
  afterEach(() => wh.close());

  it("puts one row per check in credit.checks, folds a later override onto its check, skips a torn line and leaves the one being written", async () => {
    const text = line(C1) + line(C2) + line(C2_OVERRIDE) + TORN + line(C3) + C4_HEAD;
    writeFileSync(logFile, text);
    const log = memoryLogger();
    const loaded = await loadCreditLog(wh, logFile, log);
    expect(loaded).toEqual({ checks: 3, overrides: 1, unreadable: 1, unreadableLines: [4], orphanOverrides: 0 });
    expect(await wh.all(ROWS_SQL)).toEqual([EXPECTED_C1, EXPECTED_C2, EXPECTED_C3]);
    expect(log.lines).toEqual([`warning: ${logFile}: 1 line(s) are not credit check records (line 4) and were skipped; the log was left as it is`]);
    const [json] = await wh.all<{ reasons_json: string }>("select reasons_json from credit.checks where check_id = 'c2'");
    expect(JSON.parse(json!.reasons_json)).toEqual(C2.reasons);
    // The log is as it was, byte for byte.
    expect(readFileSync(logFile, "utf8")).toBe(text);
  });

  it("gives the same rows when loaded again, and the last line once it is complete", async () => {
    writeFileSync(logFile, line(C1) + line(C2) + line(C2_OVERRIDE) + TORN + line(C3) + C4_HEAD);
    await loadCreditLog(wh, logFile);
    const first = await wh.all(ROWS_SQL);
    await loadCreditLog(wh, logFile);
    expect(await wh.all(ROWS_SQL)).toEqual(first);
    appendFileSync(logFile, C4_TEXT.slice(C4_HEAD.length));
    const loaded = await loadCreditLog(wh, logFile);
    expect(loaded.checks).toBe(4);
    expect((await wh.all<{ check_id: string }>(ROWS_SQL)).map((r) => r.check_id)).toEqual(["c1", "c2", "c3", "c4"]);
  });

  it("empties credit.checks for a missing or empty log, and ignores an override whose check is not there (with a warning)", async () => {
    writeFileSync(logFile, line(C1));
    await loadCreditLog(wh, logFile);
    expect(await wh.all("select check_id from credit.checks")).toEqual([{ check_id: "c1" }]);
    writeFileSync(logFile, "");
    expect((await loadCreditLog(wh, logFile)).checks).toBe(0);
    expect(await wh.all("select check_id from credit.checks")).toEqual([]);
    const log = memoryLogger();
    writeFileSync(logFile, line({ ...C2_OVERRIDE, check_id: "gone" }));
    expect(await loadCreditLog(wh, logFile, log)).toEqual({ checks: 0, overrides: 1, unreadable: 0, unreadableLines: [], orphanOverrides: 1 });
    expect(log.lines).toEqual([`warning: ${logFile}: 1 override(s) name a check that is not in the log and were left out`]);
    expect((await loadCreditLog(wh, join(dir, "absent.jsonl"))).checks).toBe(0);
  });
});

describe("ensureCreditSchema(wh)", () => {
  it("makes anew a table an older arwatch made in another shape (the tables are copies), and keeps one of this shape", async () => {
    const wh = await openWarehouse(join(tempDir(), "warehouse.duckdb"));
    try {
      await wh.run("create schema credit; create table credit.checks (check_id varchar); insert into credit.checks values ('old')");
      await ensureCreditSchema(wh);
      const columns = await wh.all<{ column_name: string }>("select column_name from information_schema.columns where table_schema = 'credit' and table_name = 'checks'");
      expect(columns.map((c) => c.column_name)).toContain("reserved_amount");
      await wh.run("insert into credit.holds (customer_id, decision, as_of_date, computed_at) values ('C1', 'hold', '2026-11-29', now())");
      await ensureCreditSchema(wh);
      expect(await wh.all("select customer_id from credit.holds")).toEqual([{ customer_id: "C1" }]);
    } finally {
      wh.close();
    }
  });
});

describe("writeHolds(wh, rows, asOfDate, computedAt)", () => {
  it("replaces credit.holds with the rows, exact amounts, the as-of date and when they were computed", async () => {
    const dir = tempDir();
    const wh = await openWarehouse(join(dir, "warehouse.duckdb"));
    try {
      await ensureCreditSchema(wh);
      const hold: HoldRow = {
        customer_id: "C2", customer_name: "Bangkok Paper", decision: "hold", reason_codes: "over_limit", reasons: "exposure THB 1,000.00 is at the limit",
        credit_limit: "1000.00", exposure: "1000.00", pending_approvals: "0.00", overdue_amount: "0.00", max_days_past_due: 0,
        behaviour_class: "slow", team: "T1", collector: "Ann", override_until: "2026-12-02T00:00:00.000Z",
      };
      const block: HoldRow = { ...hold, customer_id: "C5", customer_name: null, decision: "block", reason_codes: "customer_blocked", reasons: "blocked", credit_limit: null, exposure: "12345678901234567.89", override_until: null };
      const sql = `select customer_id, customer_name, decision, reason_codes, credit_limit, exposure, team,
                          strftime(override_until at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as override_until, as_of_date,
                          strftime(computed_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as computed_at
                     from credit.holds order by customer_id`;
      await writeHolds(wh, [hold, block], "2026-11-29", new Date("2026-11-30T06:01:00Z"));
      await writeHolds(wh, [hold, block], "2026-11-29", new Date("2026-11-30T06:01:00Z"));
      expect(await wh.all(sql)).toEqual([
        { customer_id: "C2", customer_name: "Bangkok Paper", decision: "hold", reason_codes: "over_limit", credit_limit: "1000.00", exposure: "1000.00", team: "T1", override_until: "2026-12-02T00:00:00Z", as_of_date: "2026-11-29", computed_at: "2026-11-30T06:01:00Z" },
        { customer_id: "C5", customer_name: null, decision: "block", reason_codes: "customer_blocked", credit_limit: null, exposure: "12345678901234567.89", team: "T1", override_until: null, as_of_date: "2026-11-29", computed_at: "2026-11-30T06:01:00Z" },
      ]);
      // Extract text as it came, whatever it holds: quotes, line breaks, a NUL, other scripts.
      const hostile = `Công ty 'A' "B"\n\r\t\u0000; drop table credit.holds; --`;
      await writeHolds(wh, [{ ...hold, customer_name: hostile, reasons: hostile }], "2026-11-29", new Date("2026-11-30T06:01:00Z"));
      expect(await wh.all("select customer_name, reasons from credit.holds")).toEqual([{ customer_name: hostile, reasons: hostile }]);
      // An amount that is not one is an error, and credit.holds keeps what it had.
      await expect(writeHolds(wh, [{ ...hold, exposure: "1,000.00" }], "2026-11-30", new Date())).rejects.toThrow(/1,000\.00/);
      expect(await wh.all("select customer_name from credit.holds")).toEqual([{ customer_name: hostile }]);
      expect(await wh.all("select count(*)::integer as n from duckdb_tables() where table_name = 'credit_holds_in'")).toEqual([{ n: 0 }]);
      await writeHolds(wh, [], "2026-11-30", new Date("2026-12-01T06:01:00Z"));
      expect(await wh.all(sql)).toEqual([]);
    } finally {
      wh.close();
    }
  });
});

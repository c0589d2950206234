import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { openWarehouse, type Warehouse } from "../../core/warehouse.ts";
import { markNotified, updateLedger, type LedgerCounts } from "../../notify/ledger.ts";
import { ensureNotifySchema } from "../../notify/schema.ts";

/*
 * The ledger's decisions on their own, from what the rules found (notify_current, written by hand
 * here) and what was told before: renotifyDays 7, escalationStep 0.25. Each step is one evaluation
 * as of a date, then the changes are marked told, as recording does.
 */
const notify = parseConfig({ notify: { renotifyDays: 7, escalationStep: 0.25 } }).notify;

interface Found {
  key: string;
  recipient?: string;
  level: number;
  amount: string | null;
}

describe("the breach ledger's decisions (updateLedger)", () => {
  let wh: Warehouse;

  beforeAll(async () => {
    wh = await openWarehouse(":memory:");
    await ensureNotifySchema(wh);
  });
  afterAll(() => wh?.close());

  /** One evaluation as of the date: returns the counts and "key recipient change" of what is told. */
  async function evaluate(asOf: string, found: Found[]): Promise<{ counts: LedgerCounts; told: string[] }> {
    await wh.run(
      `create or replace temp table notify_current as
       select f.key as rule, 'customer' as scope, f.key as customer_id, null::varchar as document_id,
              f.key || '|' || f.key || '|' as breach_key, f.recipient, 'collector' as recipient_role,
              f.level::integer as level, f.amount::decimal(38, 2) as amount, '{}'::json as facts
       from (select unnest($found::struct(key varchar, recipient varchar, level integer, amount varchar)[], recursive := true)) as f`,
      { found: JSON.stringify(found.map((f) => ({ ...f, recipient: f.recipient ?? "lan@example.com" }))) },
    );
    const now = `${asOf}T07:00:00`;
    const counts = await updateLedger(wh, { asOf, now, notify });
    const told = await wh.all<{ t: string }>(
      `select b.rule || ' ' || c.recipient || ' ' || c.change as t from notify_changes c join notify.breaches b using (breach_id) order by t`,
    );
    await markNotified(wh, { asOf, now });
    return { counts, told: told.map((r) => r.t) };
  }

  it("tells a new breach once, then nothing while it does not change", async () => {
    expect((await evaluate("2024-03-01", [{ key: "A", level: 1, amount: "100" }])).told).toEqual(["A lan@example.com new"]);
    expect((await evaluate("2024-03-01", [{ key: "A", level: 1, amount: "100" }])).told).toEqual([]);
    expect((await evaluate("2024-03-02", [{ key: "A", level: 1, amount: "110" }])).told).toEqual([]);
  });

  it("escalates when the amount reaches the amount told × 1.25, and then measures from the new amount", async () => {
    expect((await evaluate("2024-03-03", [{ key: "A", level: 1, amount: "124.99" }])).told).toEqual([]);
    expect((await evaluate("2024-03-04", [{ key: "A", level: 1, amount: "125" }])).told).toEqual(["A lan@example.com escalated"]);
    // 150 is below 125 × 1.25 = 156.25.
    expect((await evaluate("2024-03-05", [{ key: "A", level: 1, amount: "150" }])).told).toEqual([]);
  });

  it("reminds once renotifyDays have passed since it was last told (as-of days, not clock days)", async () => {
    // Last told as of 2024-03-04: 03-10 is 6 days later, 03-11 is 7.
    expect((await evaluate("2024-03-10", [{ key: "A", level: 1, amount: "150" }])).told).toEqual([]);
    expect((await evaluate("2024-03-11", [{ key: "A", level: 1, amount: "150" }])).told).toEqual(["A lan@example.com reminder"]);
    expect((await evaluate("2024-03-12", [{ key: "A", level: 1, amount: "150" }])).told).toEqual([]);
  });

  it("escalates on a level above the highest told, not on a return to it", async () => {
    expect((await evaluate("2024-03-12", [{ key: "A", level: 1, amount: "150" }, { key: "B", level: 3, amount: null }])).told).toEqual(["B lan@example.com new"]);
    expect((await evaluate("2024-03-13", [{ key: "A", level: 1, amount: "150" }, { key: "B", level: 2, amount: null }])).told).toEqual([]);
    expect((await evaluate("2024-03-14", [{ key: "A", level: 1, amount: "150" }, { key: "B", level: 3, amount: null }])).told).toEqual([]);
    expect((await evaluate("2024-03-15", [{ key: "A", level: 1, amount: "150" }, { key: "B", level: 4, amount: null }])).told).toEqual(["B lan@example.com escalated"]);
  });

  it("resolves what is no longer found, and a return is a new episode", async () => {
    const gone = await evaluate("2024-03-16", [{ key: "B", level: 4, amount: null }]);
    expect(gone.counts).toEqual({ new: 0, escalated: 0, reminder: 0, resolved: 1 });
    const back = await evaluate("2024-03-17", [{ key: "A", level: 1, amount: "150" }, { key: "B", level: 4, amount: null }]);
    expect(back.told).toEqual(["A lan@example.com new"]);
    const episodes = await wh.all<{ first: string; resolved: string | null }>(
      "select first_seen_as_of as first, resolved_as_of as resolved from notify.breaches where rule = 'A' order by breach_id",
    );
    expect(episodes).toEqual([
      { first: "2024-03-01", resolved: "2024-03-16" },
      { first: "2024-03-17", resolved: null },
    ]);
  });

  it("keeps one row per recipient: a new recipient of the same breach is told, the other is not told again", async () => {
    const r = await evaluate("2024-03-18", [
      { key: "A", level: 1, amount: "150" },
      { key: "A", recipient: "second@example.com", level: 1, amount: "150" },
      { key: "B", level: 4, amount: null },
    ]);
    expect(r.told).toEqual(["A second@example.com new"]);
  });
});

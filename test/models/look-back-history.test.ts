import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import { build, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

/*
 * A ledger older than the history, worked by hand. Buckets [30] → not_due, 1-30, 31+; one
 * segment; as of 2024-06-30 with history.months 4, so the history is 2024-03-31 … 2024-06-30
 * (history_start 2024-03-31); look-back 3 pairs. The ledger starts 2024-01-10, so of the three
 * month-ends before the history only 2024-01-31 and 2024-02-29 are replayed (2023-12-31 has no
 * document on or before it).
 *
 *   A invoice 2024-01-10 due 2024-01-20, 1,000; written off 2024-03-15   Jan: 11 d 1-30 · Feb: 40 d 31+ · Mar: gone
 *   B invoice 2024-01-20 due 2024-02-19,   600; paid 2024-03-05          Jan: not_due · Feb: 10 d 1-30 · Mar: closed
 *   E invoice 2024-01-25 due 2024-02-24,   200; paid 2024-02-20          Jan: not_due · Feb: closed
 *   C invoice 2024-02-10 due 2024-03-11,   400                           Feb: not_due · Mar: 20 d 1-30
 *   D invoice 2024-03-20 due 2024-04-19, 1,000                           Mar: not_due
 *
 * Pair Jan→Feb (wholly before the history): not_due 800 (B, E) → 600 rolled (B); 1-30 1,000 (A) → 1,000 (A in 31+).
 * Pair Feb→Mar: not_due 400 (C) → 400; 1-30 600 (B) → 0; 31+ 1,000 (A) → 1,000 written off.
 * The window of 2024-03-31 holds the pairs ending after 2023-12-31: both, so month_pairs 2 and
 * window_start 2024-01-31. Roll rates: not_due 1,000 / 1,200 = 0.833333; 1-30 1,000 / 1,600 = 0.625;
 * 31+ 1,000 / 1,000 = 1. Loss rates: 31+ 1; 1-30 0.625; not_due 0.833333… × 0.625 = 0.520833.
 * Allowance at 2024-03-31: D 1,000 × 0.520833 = 520.83 + C 400 × 0.625 = 250.00 → 770.83, the
 * opening allowance of April, the first month the allowance movement reports.
 */
const settings = { aging: { buckets: [30] }, history: { months: 4 }, expectedLoss: { lookbackMonths: 3, segmentBy: "none" } } as const;
const invoice = (document_id: string, document_date: string, due_date: string, amount: string) =>
  ({ document_id, customer_id: "C1", document_type: "invoice", document_date, due_date, amount, applies_to: null });

async function olderLedger(): Promise<Warehouse> {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", [{ customer_id: "C1", customer_group: "Retail" }]);
  await insertRaw(wh, "invoices", [
    invoice("A", "2024-01-10", "2024-01-20", "1000.00"),
    invoice("B", "2024-01-20", "2024-02-19", "600.00"),
    invoice("E", "2024-01-25", "2024-02-24", "200.00"),
    invoice("C", "2024-02-10", "2024-03-11", "400.00"),
    invoice("D", "2024-03-20", "2024-04-19", "1000.00"),
    { document_id: "WO1", customer_id: "C1", document_type: "write_off", document_date: "2024-03-15", due_date: null, amount: "1000.00", applies_to: "A" },
  ]);
  await insertRaw(wh, "payments", [
    { payment_id: "P1", customer_id: "C1", payment_date: "2024-03-05", amount: "600.00", document_id: "B" },
    { payment_id: "P2", customer_id: "C1", payment_date: "2024-02-20", amount: "200.00", document_id: "E" },
  ]);
  return wh;
}

const FIRST_RATES = `select aging_bucket, roll_rate, loss_rate, rate_source, month_pairs, window_start, window_end
                       from marts.fct_loss_rates where month_end = '2024-03-31' order by bucket_order`;
const WINDOW = { rate_source: "segment", month_pairs: 2, window_start: "2024-01-31", window_end: "2024-03-31" };
const FIRST_RATES_BY_HAND = [
  { aging_bucket: "not_due", roll_rate: "0.833333", loss_rate: "0.520833", ...WINDOW },
  { aging_bucket: "1-30", roll_rate: "0.625000", loss_rate: "0.625000", ...WINDOW },
  { aging_bucket: "31+", roll_rate: "1.000000", loss_rate: "1.000000", ...WINDOW },
];

describe("roll rates of the history's first month-end, from the ledger before it", () => {
  it("measures the first reported month-end's roll rates over month-end pairs before history_start", async () => {
    const wh = await olderLedger();
    await build(wh, "2024-06-30", parseConfig(settings));
    expect(await wh.all(FIRST_RATES)).toEqual(FIRST_RATES_BY_HAND);
    expect(await wh.all(`select previous_month_end, month_end, aging_bucket, opening_balance, rolled_on_amount, written_off_amount
                           from marts.fct_roll_observations where month_end <= '2024-03-31' order by month_end, bucket_order`)).toEqual([
      { previous_month_end: "2024-01-31", month_end: "2024-02-29", aging_bucket: "not_due", opening_balance: "800.00", rolled_on_amount: "600.00", written_off_amount: "0.00" },
      { previous_month_end: "2024-01-31", month_end: "2024-02-29", aging_bucket: "1-30", opening_balance: "1000.00", rolled_on_amount: "1000.00", written_off_amount: "0.00" },
      { previous_month_end: "2024-02-29", month_end: "2024-03-31", aging_bucket: "not_due", opening_balance: "400.00", rolled_on_amount: "400.00", written_off_amount: "0.00" },
      { previous_month_end: "2024-02-29", month_end: "2024-03-31", aging_bucket: "1-30", opening_balance: "600.00", rolled_on_amount: "0.00", written_off_amount: "0.00" },
      { previous_month_end: "2024-02-29", month_end: "2024-03-31", aging_bucket: "31+", opening_balance: "1000.00", rolled_on_amount: "0.00", written_off_amount: "1000.00" },
    ]);
    // The allowance at the first month-end rests on those rates: April opens with it.
    const [april] = await wh.all("select month_end, opening_allowance from marts.rpt_allowance_movement order by month_end limit 1");
    expect(april).toEqual({ month_end: "2024-04-30", opening_allowance: "770.83" });
    wh.close();
  });

  it("replays the look-back month-ends only where the ledger has a document, and reports none of them", async () => {
    const wh = await olderLedger();
    await build(wh, "2024-06-30", parseConfig(settings));
    expect(await wh.all("select month_end, is_reported from intermediate.int_month_ends_replayed where not is_reported order by month_end")).toEqual([
      { month_end: "2024-01-31", is_reported: false },
      { month_end: "2024-02-29", is_reported: false },
    ]);
    const history = ["2024-03-31", "2024-04-30", "2024-05-31", "2024-06-30"];
    const monthEnds = async (sql: string) => (await wh.all<{ month_end: string }>(sql)).map((r) => r.month_end);
    expect(await monthEnds("select distinct month_end from marts.fct_month_end_aging order by 1")).toEqual(history);
    expect(await monthEnds("select distinct month_end from marts.fct_loss_rates order by 1")).toEqual(history);
    expect(await monthEnds("select month_end from marts.rpt_kpis_monthly order by 1")).toEqual(history);
    expect(await monthEnds("select distinct month_end from marts.rpt_monthly_status order by 1")).toEqual(history);
    expect(await monthEnds("select month_end from marts.rpt_allowance_movement order by 1")).toEqual(["2024-04-30", "2024-05-31", "2024-06-30"]);
    expect(await wh.all("select history_start, history_months from marts.rpt_build_info")).toEqual([{ history_start: "2024-03-31", history_months: 4 }]);
    wh.close();
  });

  it("gives a month-end the same rates whether the month-ends of its window are reported or only replayed", async () => {
    const short = await olderLedger();
    await build(short, "2024-06-30", parseConfig(settings));
    const long = await olderLedger();
    await build(long, "2024-06-30", parseConfig({ ...settings, history: { months: 6 } }));
    const rates = "select month_end, aging_bucket, roll_rate, loss_rate, rate_source, month_pairs, window_start from marts.fct_loss_rates where month_end >= '2024-03-31' order by all";
    expect(await short.all(rates)).toEqual(await long.all(rates));
    // With six months of history, January and February are reported months: the same pairs.
    expect(await long.all(FIRST_RATES)).toEqual(FIRST_RATES_BY_HAND);
    short.close();
    long.close();
  });

  it("replays nothing before the history for the matrix method, which measures no roll", async () => {
    const wh = await olderLedger();
    const lossRates = { not_due: 0.01, "1-30": 0.1, "31+": 0.5 };
    await build(wh, "2024-06-30", parseConfig({ ...settings, expectedLoss: { ...settings.expectedLoss, method: "matrix", lossRates } }));
    expect(await wh.all("select count(*)::integer as n from intermediate.int_month_ends_replayed where not is_reported")).toEqual([{ n: 0 }]);
    expect(await wh.all("select min(previous_month_end) as first from marts.fct_roll_observations")).toEqual([{ first: "2024-03-31" }]);
    wh.close();
  });
});

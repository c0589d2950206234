import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { silentLogger } from "../../core/log.ts";
import { ingest } from "../../ingest/ingest.ts";
import { openWarehouse } from "../../core/warehouse.ts";
import { build, emptyWarehouse, insertRaw, tempDir } from "../helpers/warehouse.ts";

/*
 * A roll-rate cohort worked by hand. Buckets [30, 60] → not_due, 1-30, 31-60, 61+; one segment;
 * history of 3 month-ends (2024-01-31, 2024-02-29, 2024-03-31), look-back 2 pairs.
 *
 *   X  invoice due 2024-01-20, 1,000; 250 paid 2024-03-05   Jan: 11 d 1-30 · Feb: 40 d 31-60 · Mar: 71 d 61+ (750)
 *   Y  invoice due 2024-01-25,   500; paid in full 2024-02-10  Jan: 6 d 1-30 · Feb: closed
 *   Z  invoice due 2024-02-15,   400; 100 paid 2024-02-20      Jan: not_due · Feb: 14 d 1-30 (300) · Mar: 45 d 31-60 (300)
 *   W  invoice due 2024-03-15,   200                           Jan: not_due · Feb: not_due · Mar: 16 d 1-30
 *   V  invoice due 2023-10-31,   600; written off 2024-02-20  Jan: 92 d 61+ · Feb: written off
 *
 * Pair Jan→Feb: not_due 600 (Z, W) → 300 rolled (Z); 1-30 1,500 (X, Y) → 1,000 (X); 61+ 600 → 600 written off.
 * Pair Feb→Mar: not_due 200 (W) → 200; 1-30 300 (Z) → 300; 31-60 1,000 (X) → 750.
 * Roll rates over both pairs: not_due 500/800 = 0.625; 1-30 1,300/1,800 = 0.7222…; 31-60 750/1,000 = 0.75; 61+ 600/600 = 1.
 * Loss rates: 61+ 1; 31-60 0.75; 1-30 0.7222… × 0.75 = 0.541667; not_due 0.625 × 0.541666… = 0.338542.
 * Expected loss at 2024-03-31: X 750 × 1 = 750.00; Z 300 × 0.75 = 225.00; W 200 × 0.541667 = 108.33 → 1,083.33.
 *
 * The ledger is older than the history (V from 2023-10-01, X from 2023-12-01), so the two month-ends
 * before it are replayed as look-back: 2023-11-30 (V 30 d 1-30, 600) and 2023-12-31 (X not_due 1,000;
 * V 61 d 61+, 600). Pair Nov→Dec: 1-30 600 → 600 (V skips 31-60 into 61+). Pair Dec→Jan: not_due
 * 1,000 → 1,000 (X in 1-30); 61+ 600 → 0 (V still open, not yet written off).
 * At 2024-01-31 (window 2023-11-30 … 2024-01-31, 2 pairs): roll rates not_due 1, 1-30 1, 31-60 none
 * observed → assumed 1, 61+ 0; so every loss rate is 0 and the allowance at 2024-01-31 is 0.00.
 * Allowance: at 2024-02-29 the window holds Dec→Jan and Jan→Feb: roll rates not_due 1,300/1,600 = 0.8125,
 * 1-30 1,000/1,500 = 0.666667, 31-60 assumed 1, 61+ 600/1,200 = 0.5; loss rates not_due 0.8125 × 0.333333…
 * = 0.270833, 1-30 0.333333, 31-60 0.5, 61+ 0.5; allowance = W 200 × 0.270833 = 54.17 + Z 300 × 0.333333
 * = 100.00 + X 1,000 × 0.5 = 500.00 → 654.17. February: opening 0.00, V's 600.00 written off, gross
 * 200 + 300 + 1,000 = 1,500.00 → charge 654.17 − 0 + 600.00 = 1,254.17. March (its window Feb, Mar lies inside the history, so
 * its rates are as above): opening 654.17, nothing written off, closing 1,083.33 → charge 429.16.
 */
const config = parseConfig({
  aging: { buckets: [30, 60] },
  history: { months: 3 },
  expectedLoss: { lookbackMonths: 2, segmentBy: "none" },
});
const invoice = (document_id: string, document_date: string, due_date: string, amount: string) =>
  ({ document_id, customer_id: "C1", document_type: "invoice", document_date, due_date, amount, applies_to: null });

async function cohort() {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", [{ customer_id: "C1", customer_group: "Retail" }]);
  await insertRaw(wh, "invoices", [
    invoice("X", "2023-12-01", "2024-01-20", "1000.00"),
    invoice("Y", "2024-01-05", "2024-01-25", "500.00"),
    invoice("Z", "2024-01-10", "2024-02-15", "400.00"),
    invoice("W", "2024-01-15", "2024-03-15", "200.00"),
    invoice("V", "2023-10-01", "2023-10-31", "600.00"),
    { document_id: "WO1", customer_id: "C1", document_type: "write_off", document_date: "2024-02-20", due_date: null, amount: "600.00", applies_to: "V" },
  ]);
  await insertRaw(wh, "payments", [
    { payment_id: "P1", customer_id: "C1", payment_date: "2024-03-05", amount: "250.00", document_id: "X" },
    { payment_id: "P2", customer_id: "C1", payment_date: "2024-02-10", amount: "500.00", document_id: "Y" },
    { payment_id: "P3", customer_id: "C1", payment_date: "2024-02-20", amount: "100.00", document_id: "Z" },
  ]);
  await build(wh, "2024-03-31", config);
  return wh;
}

describe("roll rates and loss rates from the company's own history", () => {
  it("measures the roll of each bucket over the window and chains them into loss rates", async () => {
    const wh = await cohort();
    const rates = await wh.all(`select aging_bucket, roll_rate, loss_rate, rate_source, month_pairs, window_start, window_end
                                  from marts.rpt_loss_rates order by bucket_order`);
    const common = { rate_source: "segment", month_pairs: 2, window_start: "2024-01-31", window_end: "2024-03-31" };
    expect(rates).toEqual([
      { aging_bucket: "not_due", roll_rate: "0.625000", loss_rate: "0.338542", ...common },
      { aging_bucket: "1-30", roll_rate: "0.722222", loss_rate: "0.541667", ...common },
      { aging_bucket: "31-60", roll_rate: "0.750000", loss_rate: "0.750000", ...common },
      { aging_bucket: "61+", roll_rate: "1.000000", loss_rate: "1.000000", ...common },
    ]);
    wh.close();
  });

  it("applies the loss rates to the gross receivable, customer by customer", async () => {
    const wh = await cohort();
    expect(await wh.all("select aging_bucket, gross_amount, expected_loss from marts.fct_expected_loss order by bucket_order")).toEqual([
      { aging_bucket: "not_due", gross_amount: "0.00", expected_loss: "0.00" },
      { aging_bucket: "1-30", gross_amount: "200.00", expected_loss: "108.33" },
      { aging_bucket: "31-60", gross_amount: "300.00", expected_loss: "225.00" },
      { aging_bucket: "61+", gross_amount: "750.00", expected_loss: "750.00" },
    ]);
    wh.close();
  });

  it("rolls the allowance forward with the rates each month-end had, measured over the look-back before the history", async () => {
    const wh = await cohort();
    expect(await wh.all("select * from marts.rpt_allowance_movement order by month_end")).toEqual([
      { month_end: "2024-02-29", gross_amount: "1500.00", opening_allowance: "0.00", charge: "1254.17", written_off: "600.00", closing_allowance: "654.17", month_pairs: 2 },
      { month_end: "2024-03-31", gross_amount: "1250.00", opening_allowance: "654.17", charge: "429.16", written_off: "0.00", closing_allowance: "1083.33", month_pairs: 2 },
    ]);
    const [feb] = await wh.all("select aging_bucket, rate_source from marts.fct_loss_rates where month_end = '2024-02-29' and aging_bucket = '31-60'");
    expect(feb).toEqual({ aging_bucket: "31-60", rate_source: "assumed" });
    // The first month-end of the history measures its rates over the look-back pairs before it.
    const window = { loss_rate: "0.000000", month_pairs: 2, window_start: "2023-11-30" };
    expect(await wh.all("select aging_bucket, roll_rate, loss_rate, rate_source, month_pairs, window_start from marts.fct_loss_rates where month_end = '2024-01-31' order by bucket_order")).toEqual([
      { aging_bucket: "not_due", roll_rate: "1.000000", rate_source: "segment", ...window },
      { aging_bucket: "1-30", roll_rate: "1.000000", rate_source: "segment", ...window },
      { aging_bucket: "31-60", roll_rate: "1.000000", rate_source: "assumed", ...window },
      { aging_bucket: "61+", roll_rate: "0.000000", rate_source: "segment", ...window },
    ]);
    wh.close();
  });

  it("replays a past month-end exactly as a direct build as of that date", async () => {
    const wh = await cohort();
    const replayed = await wh.all(`select customer_id, aging_bucket, sum(outstanding_amount) as amount from marts.fct_month_end_aging
                                    where month_end = '2024-02-29' group by all order by all`);
    const direct = await emptyWarehouseBuiltAsOf("2024-02-29");
    expect(replayed).toEqual(direct);
    expect(replayed).toEqual([
      { customer_id: "C1", aging_bucket: "1-30", amount: "300.00" },
      { customer_id: "C1", aging_bucket: "31-60", amount: "1000.00" },
      { customer_id: "C1", aging_bucket: "not_due", amount: "200.00" },
    ]);
    wh.close();
  });
});

async function emptyWarehouseBuiltAsOf(asOf: string) {
  const wh = await cohort();
  await build(wh, asOf, config);
  const rows = await wh.all(`select customer_id, aging_bucket, sum(outstanding_amount) as amount from marts.fct_open_items group by all order by all`);
  wh.close();
  return rows;
}

describe("IFRS 9 Illustrative Example 12: the provision matrix", () => {
  it("gives a lifetime expected credit loss of 580,000, from CSV extracts to the mart", async () => {
    // Gross 15,000,000 current, 7,500,000 at 1-30 days, 4,000,000 at 31-60, 2,500,000 at 61-90, 1,000,000 over 90;
    // loss rates 0.3%, 1.6%, 3.6%, 6.6%, 10.6% → 45,000 + 120,000 + 144,000 + 165,000 + 106,000 = 580,000.
    const dir = tempDir();
    mkdirSync(join(dir, "extracts"));
    writeFileSync(join(dir, "extracts", "customers.csv"), "customer_id,customer_name\nK1,Kestrel Ltd\nK2,Lark Ltd\n");
    writeFileSync(
      join(dir, "extracts", "invoices.csv"),
      [
        "document_id,customer_id,document_type,document_date,due_date,amount",
        "I-CUR-1,K1,invoice,2024-12-01,2025-01-15,\"10,000,000.00\"",
        "I-CUR-2,K2,invoice,2024-12-10,2025-01-20,\"5,000,000.00\"",
        "I-30,K1,invoice,2024-11-16,2024-12-16,\"7,500,000.00\"",
        "I-60,K2,invoice,2024-10-16,2024-11-15,\"4,000,000.00\"",
        "I-90,K1,invoice,2024-09-15,2024-10-15,\"2,500,000.00\"",
        "I-OVER,K2,invoice,2024-08-01,2024-09-01,\"1,000,000.00\"",
      ].join("\n"),
    );
    const ifrs = parseConfig({
      aging: { buckets: [30, 60, 90] },
      expectedLoss: { method: "matrix", segmentBy: "none", lossRates: { not_due: 0.003, "1-30": 0.016, "31-60": 0.036, "61-90": 0.066, "91+": 0.106 } },
    });
    const wh = await openWarehouse(join(dir, "warehouse.duckdb"));
    await ingest(wh, [join(dir, "extracts")], { config: ifrs, log: silentLogger, archiveDir: join(dir, "archive") });
    await build(wh, "2024-12-31", ifrs);
    expect(await wh.all("select aging_bucket, gross_amount, loss_rate, expected_loss from marts.fct_expected_loss order by bucket_order")).toEqual([
      { aging_bucket: "not_due", gross_amount: "15000000.00", loss_rate: "0.003000", expected_loss: "45000.00" },
      { aging_bucket: "1-30", gross_amount: "7500000.00", loss_rate: "0.016000", expected_loss: "120000.00" },
      { aging_bucket: "31-60", gross_amount: "4000000.00", loss_rate: "0.036000", expected_loss: "144000.00" },
      { aging_bucket: "61-90", gross_amount: "2500000.00", loss_rate: "0.066000", expected_loss: "165000.00" },
      { aging_bucket: "91+", gross_amount: "1000000.00", loss_rate: "0.106000", expected_loss: "106000.00" },
    ]);
    expect(await wh.all("select sum(expected_loss) as total from marts.fct_expected_loss")).toEqual([{ total: "580000.00" }]);
    wh.close();
  });

  it("scales every rate by the forward-looking factor, capped at 100%", async () => {
    const wh = await emptyWarehouse();
    await insertRaw(wh, "customers", [{ customer_id: "C1", customer_group: null }]);
    await insertRaw(wh, "invoices", [invoice("I1", "2024-01-01", "2024-01-02", "1000.00")]);
    await build(wh, "2024-12-31", parseConfig({ aging: { buckets: [30] }, expectedLoss: { method: "matrix", lossRates: { not_due: 0.01, "1-30": 0.3, "31+": 0.6 }, forwardLookingFactor: 2 } }));
    expect(await wh.all("select aging_bucket, loss_rate from marts.rpt_loss_rates where segment = '(no group)' order by bucket_order")).toEqual([
      { aging_bucket: "not_due", loss_rate: "0.020000" },
      { aging_bucket: "1-30", loss_rate: "0.600000" },
      { aging_bucket: "31+", loss_rate: "1.000000" },
    ]);
    wh.close();
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import { exportSiteData } from "../../reports/export-data.ts";
import { build, emptyWarehouse, insertRaw, tempDir } from "../helpers/warehouse.ts";

/*
 * Expected credit loss with a default definition (issue 11), worked by hand.
 * Buckets [30, 60, 90] → not_due, 1-30, 31-60, 61-90, 91+; one segment (segmentBy none: "all");
 * history 3 month-ends J = 2024-01-31, F = 2024-02-29, M = 2024-03-31; look-back 2 pairs, so
 * the rates at M are measured over the pairs J→F and F→M. One customer; days past due at J / F / M.
 *
 *   A  due 2024-02-10, 1,000                              −10 not_due · 19 1-30 · 50 31-60
 *   B  due 2024-02-20, 1,000; paid 2024-02-15             −20 not_due · closed
 *   C  due 2024-03-15, 2,000 (dated 2024-02-01); 1,000 paid 2024-03-10   — · −15 not_due · 16 1-30 (1,000)
 *   D  due 2024-01-10, 1,000; 500 paid 2024-03-05          21 1-30 · 50 31-60 · 81 61-90 (500)
 *   E  due 2024-01-15, 1,000; paid 2024-02-05              16 1-30 · closed
 *   G  due 2023-12-10, 2,000; 1,000 paid 2024-03-20        52 31-60 · 81 61-90 · 112 91+ (1,000)
 *   H  due 2023-12-20, 1,000; paid 2024-02-10              42 31-60 · closed
 *   K  due 2023-10-01, 4,000; never paid, never written off 122 91+ · 151 91+ · 182 91+
 *   L  due 2023-11-01, 1,000; written off 2024-02-15       91 91+ · written off (from 91+)
 *   N  due 2024-04-19, 1,000 (dated 2024-03-20)            — · — · −19 not_due
 *
 * Roll observations (opening → rolled on or written off):
 *   not_due  J→F A+B 2,000 → A 1,000;  F→M C 2,000 → 1,000   roll rate 2,000 / 4,000 = 0.5
 *   1-30     J→F D+E 2,000 → D 1,000;  F→M A 1,000 → 1,000   roll rate 2,000 / 3,000 = 0.666667
 *   31-60    J→F G+H 3,000 → G 2,000;  F→M D 1,000 → 500     roll rate 2,500 / 4,000 = 0.625
 *   61-90    J→F none;                 F→M G 2,000 → 1,000   roll rate 1,000 / 2,000 = 0.5
 *   91+      J→F K+L 5,000 → L 1,000 written off; F→M K 4,000 → 0   roll rate 1,000 / 9,000 = 0.111111
 *
 * Gross at M: not_due 1,000 (N), 1-30 1,000 (C), 31-60 1,000 (A), 61-90 500 (D), 91+ 5,000 (G, K)
 * = 8,500. Expected bad debt (more than 180 days past due): K 4,000.
 *
 * Default off (the chain ends in write-offs): loss rates from the last bucket down:
 *   91+ 1/9 = 0.111111; 61-90 0.5 × 1/9 = 0.055556; 31-60 0.625 × 0.0555… = 0.034722;
 *   1-30 ⅔ × 0.034722… = 0.023148; not_due 0.5 × 0.023148… = 0.011574.
 *   Loss: 11.57 + 23.15 + 34.72 + 500 × 0.055556 = 27.78 + 5,000 × 0.111111 = 555.56 → 652.78,
 *   against 4,000 of expected bad debt: two figures that tell different stories.
 *
 * Default after 60 days, LGD 0.6: 61-90 and 91+ are in default and carry 0.6. The chain of a
 * bucket before default runs to 31-60, the last bucket before default:
 *   31-60 0.625 × 0.6 = 0.375; 1-30 ⅔ × 0.625 = 0.416667 × 0.6 = 0.25; not_due 0.5 × 0.416667 = 0.208333 × 0.6 = 0.125.
 *   Loss: 1,000 × 0.125 = 125 + 1,000 × 0.25 = 250 + 1,000 × 0.375 = 375 + 500 × 0.6 = 300 + 5,000 × 0.6 = 3,000 → 4,050.00.
 */
const J = "2024-01-31";
const M = "2024-03-31";

interface Ledger {
  /** L written off as ten documents of 100 rather than one of 1,000 (the same amounts, ten write-offs). */
  tenWriteOffs?: boolean;
  /** K's amount, 4,000 unless said. */
  kAmount?: string;
}

const invoice = (document_id: string, document_date: string, due_date: string, amount: string) =>
  ({ document_id, customer_id: "C1", document_type: "invoice", document_date, due_date, amount, applies_to: null });
const writeOff = (document_id: string, applies_to: string, amount: string) =>
  ({ document_id, customer_id: "C1", document_type: "write_off", document_date: "2024-02-15", due_date: null, amount, applies_to });
const payment = (payment_id: string, payment_date: string, amount: string, document_id: string) =>
  ({ payment_id, customer_id: "C1", payment_date, amount, document_id });

async function ledger({ tenWriteOffs = false, kAmount = "4000.00" }: Ledger = {}): Promise<Warehouse> {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", [{ customer_id: "C1", customer_group: "Retail" }]);
  const lDocuments = tenWriteOffs
    ? Array.from({ length: 10 }, (_, i) => [invoice(`L${i}`, "2023-10-02", "2023-11-01", "100.00"), writeOff(`WO-L${i}`, `L${i}`, "100.00")]).flat()
    : [invoice("L", "2023-10-02", "2023-11-01", "1000.00"), writeOff("WO-L", "L", "1000.00")];
  await insertRaw(wh, "invoices", [
    invoice("A", "2024-01-11", "2024-02-10", "1000.00"),
    invoice("B", "2024-01-21", "2024-02-20", "1000.00"),
    invoice("C", "2024-02-01", "2024-03-15", "2000.00"),
    invoice("D", "2023-12-11", "2024-01-10", "1000.00"),
    invoice("E", "2023-12-16", "2024-01-15", "1000.00"),
    invoice("G", "2023-11-10", "2023-12-10", "2000.00"),
    invoice("H", "2023-11-20", "2023-12-20", "1000.00"),
    invoice("K", "2023-09-01", "2023-10-01", kAmount),
    invoice("N", "2024-03-20", "2024-04-19", "1000.00"),
    ...lDocuments,
  ]);
  await insertRaw(wh, "payments", [
    payment("PB", "2024-02-15", "1000.00", "B"),
    payment("PC", "2024-03-10", "1000.00", "C"),
    payment("PD", "2024-03-05", "500.00", "D"),
    payment("PE", "2024-02-05", "1000.00", "E"),
    payment("PG", "2024-03-20", "1000.00", "G"),
    payment("PH", "2024-02-10", "1000.00", "H"),
  ]);
  return wh;
}

const settings = (expectedLoss: Record<string, unknown> = {}, more: Record<string, unknown> = {}) =>
  parseConfig({ aging: { buckets: [30, 60, 90] }, history: { months: 3 }, expectedLoss: { lookbackMonths: 2, segmentBy: "none", ...expectedLoss }, ...more });

async function builtWith(expectedLoss: Record<string, unknown> = {}, more: Record<string, unknown> = {}, shape: Ledger = {}) {
  const wh = await ledger(shape);
  const result = await build(wh, M, settings(expectedLoss, more));
  return { wh, result };
}

const RATES = "select aging_bucket, roll_rate, loss_rate, rate_source from marts.rpt_loss_rates order by bucket_order";
const LOSS = "select aging_bucket, gross_amount, expected_loss from marts.fct_expected_loss order by bucket_order";
const TOTAL = "select sum(expected_loss) as total from marts.fct_expected_loss";

/** Whether the build warned that a default definition would be better (data test default_definition_suggested). */
const suggested = (result: Awaited<ReturnType<typeof build>>) =>
  result.tests.find((t) => t.test.name === "default_definition_suggested__rpt_loss_definition")!.failures;

describe("expected credit loss without a default definition (today's method)", () => {
  it("ends the chain in the last bucket's write-offs, whatever lossGivenDefault says", async () => {
    // lossGivenDefault alone changes nothing: it applies only to a default definition.
    for (const expectedLoss of [{}, { lossGivenDefault: 0.5 }]) {
      const { wh } = await builtWith(expectedLoss);
      expect(await wh.all(RATES)).toEqual([
        { aging_bucket: "not_due", roll_rate: "0.500000", loss_rate: "0.011574", rate_source: "segment" },
        { aging_bucket: "1-30", roll_rate: "0.666667", loss_rate: "0.023148", rate_source: "segment" },
        { aging_bucket: "31-60", roll_rate: "0.625000", loss_rate: "0.034722", rate_source: "segment" },
        { aging_bucket: "61-90", roll_rate: "0.500000", loss_rate: "0.055556", rate_source: "segment" },
        { aging_bucket: "91+", roll_rate: "0.111111", loss_rate: "0.111111", rate_source: "segment" },
      ]);
      expect(await wh.all(LOSS)).toEqual([
        { aging_bucket: "not_due", gross_amount: "1000.00", expected_loss: "11.57" },
        { aging_bucket: "1-30", gross_amount: "1000.00", expected_loss: "23.15" },
        { aging_bucket: "31-60", gross_amount: "1000.00", expected_loss: "34.72" },
        { aging_bucket: "61-90", gross_amount: "500.00", expected_loss: "27.78" },
        { aging_bucket: "91+", gross_amount: "5000.00", expected_loss: "555.56" },
      ]);
      expect(await wh.all("select ecl_loss_event, ecl_default_after_days, ecl_loss_given_default from marts.rpt_build_info")).toEqual([
        { ecl_loss_event: "write_off", ecl_default_after_days: null, ecl_loss_given_default: null },
      ]);
      wh.close();
    }
  });
});

describe("expected credit loss with a default definition (expectedLoss.defaultAfterDays)", () => {
  it("ends the chain at default: loss rate = roll rates to default × LGD, and a defaulted bucket carries the LGD", async () => {
    const { wh } = await builtWith({ defaultAfterDays: 60, lossGivenDefault: 0.6 });
    expect(await wh.all(RATES)).toEqual([
      { aging_bucket: "not_due", roll_rate: "0.500000", loss_rate: "0.125000", rate_source: "segment" },
      { aging_bucket: "1-30", roll_rate: "0.666667", loss_rate: "0.250000", rate_source: "segment" },
      { aging_bucket: "31-60", roll_rate: "0.625000", loss_rate: "0.375000", rate_source: "segment" },
      { aging_bucket: "61-90", roll_rate: null, loss_rate: "0.600000", rate_source: "defaulted" },
      { aging_bucket: "91+", roll_rate: null, loss_rate: "0.600000", rate_source: "defaulted" },
    ]);
    expect(await wh.all(LOSS)).toEqual([
      { aging_bucket: "not_due", gross_amount: "1000.00", expected_loss: "125.00" },
      { aging_bucket: "1-30", gross_amount: "1000.00", expected_loss: "250.00" },
      { aging_bucket: "31-60", gross_amount: "1000.00", expected_loss: "375.00" },
      { aging_bucket: "61-90", gross_amount: "500.00", expected_loss: "300.00" },
      { aging_bucket: "91+", gross_amount: "5000.00", expected_loss: "3000.00" },
    ]);
    expect(await wh.all(TOTAL)).toEqual([{ total: "4050.00" }]);
    expect(await wh.all("select expected_credit_loss from marts.rpt_headline")).toEqual([{ expected_credit_loss: "4050.00" }]);
    expect(await wh.all("select ecl_loss_event, ecl_default_after_days, ecl_loss_given_default from marts.rpt_build_info")).toEqual([
      { ecl_loss_event: "default", ecl_default_after_days: 60, ecl_loss_given_default: "0.6000" },
    ]);
    wh.close();
  });

  it("takes default at the last bound: only the open-ended bucket is in default, with LGD 1 by default", async () => {
    // 61-90 0.5; 31-60 0.625 × 0.5 = 0.3125; 1-30 ⅔ × 0.3125 = 0.208333; not_due 0.5 × 0.208333… = 0.104167; 91+ 1.
    // Loss: 104.17 + 208.33 + 312.50 + 500 × 0.5 = 250.00 + 5,000 × 1 = 5,000.00 → 5,875.00.
    const { wh } = await builtWith({ defaultAfterDays: 90 });
    expect(await wh.all("select aging_bucket, loss_rate, rate_source from marts.rpt_loss_rates order by bucket_order")).toEqual([
      { aging_bucket: "not_due", loss_rate: "0.104167", rate_source: "segment" },
      { aging_bucket: "1-30", loss_rate: "0.208333", rate_source: "segment" },
      { aging_bucket: "31-60", loss_rate: "0.312500", rate_source: "segment" },
      { aging_bucket: "61-90", loss_rate: "0.500000", rate_source: "segment" },
      { aging_bucket: "91+", loss_rate: "1.000000", rate_source: "defaulted" },
    ]);
    expect(await wh.all(TOTAL)).toEqual([{ total: "5875.00" }]);
    wh.close();
  });

  it("scales the chance of default by the forward-looking factor, capped at 1 before the LGD; a default that happened is not scaled", async () => {
    // Factor 2: 31-60 min(1, 0.625 × 2) = 1 × 0.6 = 0.6; 1-30 min(1, 0.416667 × 2) = 0.833333 × 0.6 = 0.5;
    // not_due min(1, 0.208333 × 2) = 0.416667 × 0.6 = 0.25; 61-90 and 91+ 0.6 (not 1.2, not capped 1).
    // Loss: 250 + 500 + 600 + 300 + 3,000 = 4,650.00.
    const { wh } = await builtWith({ defaultAfterDays: 60, lossGivenDefault: 0.6, forwardLookingFactor: 2 });
    expect(await wh.all("select aging_bucket, loss_rate from marts.rpt_loss_rates order by bucket_order")).toEqual([
      { aging_bucket: "not_due", loss_rate: "0.250000" },
      { aging_bucket: "1-30", loss_rate: "0.500000" },
      { aging_bucket: "31-60", loss_rate: "0.600000" },
      { aging_bucket: "61-90", loss_rate: "0.600000" },
      { aging_bucket: "91+", loss_rate: "0.600000" },
    ]);
    expect(await wh.all(TOTAL)).toEqual([{ total: "4650.00" }]);
    wh.close();
  });

  it("rolls the allowance forward with the defaulted buckets at the LGD at every month-end", async () => {
    // The closing allowance at M is the matrix above (4,050.00). At J the window is the look-back
    // pairs before the history, yet a defaulted bucket needs no history: it carries the LGD.
    const { wh } = await builtWith({ defaultAfterDays: 60, lossGivenDefault: 0.6 });
    const [march] = await wh.all<{ closing_allowance: string }>(`select closing_allowance from marts.rpt_allowance_movement where month_end = '${M}'`);
    expect(march).toEqual({ closing_allowance: "4050.00" });
    expect(await wh.all(`select aging_bucket, loss_rate, rate_source from marts.fct_loss_rates where month_end = '${J}' and bucket_order >= 3 order by bucket_order`)).toEqual([
      { aging_bucket: "61-90", loss_rate: "0.600000", rate_source: "defaulted" },
      { aging_bucket: "91+", loss_rate: "0.600000", rate_source: "defaulted" },
    ]);
    wh.close();
  });

  it("refuses a defaultAfterDays inside a bucket when the config loads, naming the bounds", () => {
    // 100 would put days 91-100 of 91+ before default and the rest after it. (The build checks it
    // too, for build parameters written by another way than the config.)
    expect(() => settings({ defaultAfterDays: 100 })).toThrow(
      /expectedLoss\.defaultAfterDays = 100: must be one of the bounds of aging\.buckets \(30, 60, 90\)/,
    );
  });

  it("leaves method matrix alone: finance's rates are the loss rates", async () => {
    const lossRates = { not_due: 0.01, "1-30": 0.02, "31-60": 0.05, "61-90": 0.1, "91+": 0.2 };
    const { wh } = await builtWith({ method: "matrix", lossRates, defaultAfterDays: 60, lossGivenDefault: 0.6 });
    expect(await wh.all("select aging_bucket, loss_rate, rate_source from marts.rpt_loss_rates where bucket_order >= 3 order by bucket_order")).toEqual([
      { aging_bucket: "61-90", loss_rate: "0.100000", rate_source: "configured" },
      { aging_bucket: "91+", loss_rate: "0.200000", rate_source: "configured" },
    ]);
    expect(await wh.all("select ecl_loss_event, ecl_default_after_days, ecl_loss_given_default from marts.rpt_build_info")).toEqual([
      { ecl_loss_event: "configured", ecl_default_after_days: null, ecl_loss_given_default: null },
    ]);
    wh.close();
  });
});

describe("rpt_loss_definition and the warning default_definition_suggested", () => {
  it("says what the chain's last link rests on, and suggests a default definition when it is a single write-off", async () => {
    // Last link 91+: 9,000 opening over the window, 1,000 written off by 1 write-off (< 10: few);
    // expected bad debt 4,000 ≥ 5% × 8,500 = 425: material → suggested.
    const { wh, result } = await builtWith();
    expect(await wh.all("select * from marts.rpt_loss_definition")).toEqual([{
      as_of_date: M, month_end: M, loss_event: "write_off", default_after_days: null, loss_given_default: null,
      last_link_bucket: "91+", window_start: J, window_end: M, month_pairs: 2,
      last_link_opening_balance: "9000.00", last_link_rolled_amount: "1000.00", last_link_roll_rate: "0.111111",
      last_link_written_off_amount: "1000.00", last_link_write_offs: 1,
      gross_amount: "8500.00", max_debt_age_days: 180, expected_bad_debt_amount: "4000.00", expected_credit_loss: "652.78",
      is_default_definition_suggested: true,
    }]);
    expect(suggested(result)).toBe(1);
    wh.close();
  });

  it("names the last bucket before default as the last link once a default definition is in force, and suggests nothing", async () => {
    // 31-60: 4,000 opening, 2,500 rolled on into default (none written off).
    const { wh, result } = await builtWith({ defaultAfterDays: 60, lossGivenDefault: 0.6 });
    expect(await wh.all(`select loss_event, default_after_days, loss_given_default, last_link_bucket, last_link_opening_balance,
                                last_link_rolled_amount, last_link_roll_rate, last_link_write_offs, is_default_definition_suggested
                           from marts.rpt_loss_definition`)).toEqual([{
      loss_event: "default", default_after_days: 60, loss_given_default: "0.6000", last_link_bucket: "31-60",
      last_link_opening_balance: "4000.00", last_link_rolled_amount: "2500.00", last_link_roll_rate: "0.625000",
      last_link_write_offs: 0, is_default_definition_suggested: false,
    }]);
    expect(suggested(result)).toBe(0);
    wh.close();
  });

  it("hands the Expected loss page the definition in force and the figures of the suggestion", async () => {
    const { wh } = await builtWith();
    const dir = tempDir();
    await exportSiteData(wh, dir, settings(), new Date("2024-04-01T00:00:00Z"));
    expect(JSON.parse(readFileSync(join(dir, "loss-definition.json"), "utf8"))).toEqual([{
      loss_event: "write_off", default_after_days: null, loss_given_default: null, last_link_bucket: "91+",
      last_link_opening_balance: "9000.00", last_link_written_off_amount: "1000.00", last_link_write_offs: 1, last_link_roll_rate: "0.111111",
      gross_amount: "8500.00", max_debt_age_days: 180, expected_bad_debt_amount: "4000.00", expected_credit_loss: "652.78",
      is_default_definition_suggested: true,
    }]);
    wh.close();
  });

  // Each row changes one thing from the single-write-off ledger above.
  const cases: { name: string; expectedLoss?: Record<string, unknown>; more?: Record<string, unknown>; shape?: Ledger; warned: number }[] = [
    // Ten write-offs of 100: 10 is not fewer than 10, and 1,000 ÷ 9,000 = 11.1% is not under 10%.
    { name: "ten write-offs making 11% of the last bucket's balance are not few", shape: { tenWriteOffs: true }, warned: 0 },
    // K 10,000: 91+ opening 11,000 + 10,000 = 21,000; 1,000 written off = 4.8% < 10%: few, however many.
    { name: "ten write-offs making 4.8% of the last bucket's balance are few", shape: { tenWriteOffs: true, kAmount: "10000.00" }, warned: 1 },
    // maxDebtAgeDays 365: nothing is that late (K is 182 days), so there is no expected bad debt.
    { name: "no balance past maxDebtAgeDays is not material", more: { badDebt: { maxDebtAgeDays: 365 } }, warned: 0 },
    // maxDebtAgeDays 181: K (182 days) still counts; 4,000 ≥ 425.
    { name: "a balance one day past maxDebtAgeDays still counts", more: { badDebt: { maxDebtAgeDays: 181 } }, warned: 1 },
  ];
  for (const c of cases) {
    it(`${c.name}`, async () => {
      const { wh, result } = await builtWith(c.expectedLoss, c.more, c.shape);
      expect(suggested(result)).toBe(c.warned);
      wh.close();
    });
  }
});

import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { build, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

/*
 * The cash forecast's back-test on a hand-made history, as of 2024-03-31 with 3 months of history
 * (month-ends 2024-01-31, 2024-02-29, 2024-03-31): the two month-ends before the as-of date are
 * forecast from what was known at each, forecast.weeks 5, loss rates 0 (matrix).
 *
 *   K (group G1): five invoices of 100 due 2023-12-01, paid 12-08 ×3 (7 days late), 12-15 ×2 (14 d).
 *   M (group G2): one invoice of 200 due 2023-11-01, paid 11-21 (20 d).
 *   X  K, 1,000 due 2024-02-01 (raised 01-10), paid in full 02-09 (8 d late).
 *   Y  K, 100 raised 02-02, due 02-05, paid 02-05 (0 d): not open at 01-31, so no actual of January's.
 *   Z  K, 800 raised 02-10, due 02-20, paid in full 03-12.
 *   U  K, 50 paid 2024-01-20 naming no document: unapplied at both month-ends, yet in no column — the
 *      actuals are payments against documents, which it does not reduce, so forecast and naive leave it out.
 *
 * 2024-01-31: weeks 02-01…07, 08…14, 15…21, 22…28, 02-29…03-06. Open: X, p = 01-31 − 02-01 = −1.
 *   K's own delays (5 payments later than −1): 7 d 300, 14 d 200 → day 8 (week 2) 600, day 15 (week 3) 400.
 *   Naive: X on its due date, day 1 → week 1: 1,000. Actual: X's 1,000 on 02-09, day 9 → week 2.
 * 2024-02-29: weeks 03-01…07, 08…14, 15…21, 22…28, 03-29…04-04 (ends after the as-of date: no actual).
 *   Open: Z, p = 02-29 − 02-20 = 9. Payments up to 02-29 later than 9 days: K's two at 14 d (< 5, and
 *   group G1 is K alone) → the portfolio's: 14 d 200, 20 d 200 → day 5 (week 1) 400, day 11 (week 2) 400.
 *   (X's 8 d and Y's 0 d, paid in February, are in the window but not later than 9.)
 *   Naive: Z overdue → week 1: 800. Actual: Z's 800 on 03-12, day 12 → week 2.
 */
const config = parseConfig({
  aging: { buckets: [30, 60] },
  history: { months: 3 },
  expectedLoss: { method: "matrix", lookbackMonths: 1, segmentBy: "none", lossRates: { not_due: 0, "1-30": 0, "31-60": 0, "61+": 0 } },
  forecast: { weeks: 5 },
});

const invoice = (document_id: string, customer_id: string, document_date: string, due_date: string, amount: string) =>
  ({ document_id, customer_id, document_type: "invoice", document_date, due_date, amount, applies_to: null });
const payment = (payment_id: string, customer_id: string, payment_date: string, amount: string, document_id: string | null) =>
  ({ payment_id, customer_id, payment_date, amount, document_id });

async function history() {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", [
    { customer_id: "K", customer_group: "G1" },
    { customer_id: "M", customer_group: "G2" },
  ]);
  await insertRaw(wh, "invoices", [
    ...[1, 2, 3, 4, 5].map((i) => invoice(`KH${i}`, "K", "2023-11-01", "2023-12-01", "100.00")),
    invoice("MH1", "M", "2023-10-01", "2023-11-01", "200.00"),
    invoice("X", "K", "2024-01-10", "2024-02-01", "1000.00"),
    invoice("Y", "K", "2024-02-02", "2024-02-05", "100.00"),
    invoice("Z", "K", "2024-02-10", "2024-02-20", "800.00"),
  ]);
  await insertRaw(wh, "payments", [
    payment("PK1", "K", "2023-12-08", "100.00", "KH1"),
    payment("PK2", "K", "2023-12-08", "100.00", "KH2"),
    payment("PK3", "K", "2023-12-08", "100.00", "KH3"),
    payment("PK4", "K", "2023-12-15", "100.00", "KH4"),
    payment("PK5", "K", "2023-12-15", "100.00", "KH5"),
    payment("PM1", "M", "2023-11-21", "200.00", "MH1"),
    payment("PX", "K", "2024-02-09", "1000.00", "X"),
    payment("PY", "K", "2024-02-05", "100.00", "Y"),
    payment("PZ", "K", "2024-03-12", "800.00", "Z"),
    payment("PU", "K", "2024-01-20", "50.00", null),
  ]);
  await build(wh, "2024-03-31", config);
  return wh;
}

// error = forecast or naive − actual, worked per row below.
const row = (month_end: string, week: number, week_start: string, week_end: string, forecast: string, naive: string, actual: string | null, errors: [string, string] | null) =>
  ({ month_end, week, week_start, week_end, forecast_amount: forecast, naive_amount: naive, actual_amount: actual, forecast_error: errors?.[0] ?? null, naive_error: errors?.[1] ?? null });

describe("rpt_cash_forecast_backtest: the forecast at past month-ends against what came in", () => {
  it("forecasts each month-end from data up to it, beside the naive forecast and the actual receipts", async () => {
    const wh = await history();
    expect(await wh.all("select * from marts.rpt_cash_forecast_backtest order by month_end, week")).toEqual([
      row("2024-01-31", 1, "2024-02-01", "2024-02-07", "0.00", "1000.00", "0.00", ["0.00", "1000.00"]),
      row("2024-01-31", 2, "2024-02-08", "2024-02-14", "600.00", "0.00", "1000.00", ["-400.00", "-1000.00"]),
      row("2024-01-31", 3, "2024-02-15", "2024-02-21", "400.00", "0.00", "0.00", ["400.00", "0.00"]),
      row("2024-01-31", 4, "2024-02-22", "2024-02-28", "0.00", "0.00", "0.00", ["0.00", "0.00"]),
      row("2024-01-31", 5, "2024-02-29", "2024-03-06", "0.00", "0.00", "0.00", ["0.00", "0.00"]),
      row("2024-02-29", 1, "2024-03-01", "2024-03-07", "400.00", "800.00", "0.00", ["400.00", "800.00"]),
      row("2024-02-29", 2, "2024-03-08", "2024-03-14", "400.00", "0.00", "800.00", ["-400.00", "-800.00"]),
      row("2024-02-29", 3, "2024-03-15", "2024-03-21", "0.00", "0.00", "0.00", ["0.00", "0.00"]),
      row("2024-02-29", 4, "2024-03-22", "2024-03-28", "0.00", "0.00", "0.00", ["0.00", "0.00"]),
      row("2024-02-29", 5, "2024-03-29", "2024-04-04", "0.00", "0.00", null, null),
    ]);
    // Weighted absolute percentage error, week 2: forecast (|−400| + |−400|) ÷ (1,000 + 800) = 44.4%,
    // naive (1,000 + 800) ÷ 1,800 = 100%.
    expect(await wh.all(`select round(sum(abs(forecast_error)) / sum(actual_amount), 3) as forecast_wape,
                                round(sum(abs(naive_error)) / sum(actual_amount), 3) as naive_wape
                           from marts.rpt_cash_forecast_backtest where week = 2`)).toEqual([{ forecast_wape: 0.444, naive_wape: 1 }]);
    wh.close();
  });
});

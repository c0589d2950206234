import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import { build, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

/*
 * A cash forecast worked by hand. As of 2024-06-30, forecast.weeks 4: week 1 is 07-01…07-07
 * (days 1-7 after the as-of date), week 2 07-08…07-14 (8-14), week 3 07-15…07-21 (15-21),
 * week 4 07-22…07-28 (22-28). Loss rates set by finance (matrix): not_due 0, 1-30 0.3.
 *
 * Payment history (12 months back: 2023-07-01…2024-06-30), days late = payment date − due date:
 *   A (Retail):  five invoices of 100 due 2024-03-01, paid 03-03 ×3 (2 days late), 03-10 ×2 (9 days)
 *                → A: 2 d 300, 9 d 200 (5 payments). One older invoice paid 100 days late on
 *                2023-03-11 is outside the window and counts nowhere.
 *   B (Retail):  five invoices of 100 due 2024-04-01, paid 04-11 ×2 (10 d), 04-21 ×2 (20 d), 05-01 (30 d)
 *                → B: 10 d 200, 20 d 200, 30 d 100 (5 payments).
 *   C (Wholesale): no history; the group Wholesale has none either → the portfolio:
 *                2 d 300, 9 d 200, 10 d 200, 20 d 200, 30 d 100 (10 payments, 1,000).
 *
 * Open at 2024-06-30 (p = as-of − due date; paid on due + d = as-of + (d − p)):
 *   A1  A, 1,000 due 07-03, p = −3, not due (rate 0). A's own (5 payments later than −3):
 *       d 2 → day 5 → week 1: 1,000 × 300/500 = 600; d 9 → day 12 → week 2: 400.
 *   A2  A, 1,000 due 06-25, p = 5, overdue 1-30 (rate 0.3) → collectible 700. A has only 2
 *       payments later than 5 days (< 5) → Retail's (A and B) later than 5: 9 d 200, 10 d 200,
 *       20 d 200, 30 d 100 (6 payments, 700): d 9 → day 4, d 10 → day 5 → week 1: 700 × 400/700
 *       = 400; d 20 → day 15 → week 3: 200; d 30 → day 25 → week 4: 100.
 *   B1  B, 2,000 due 07-05, p = −5, not due. B's own: d 10 → day 15 → week 3: 2,000 × 0.4 = 800;
 *       d 20 → day 25 → week 4: 800; d 30 → day 35, beyond week 4: 400 not forecast.
 *   U   B's unapplied payment of 300 on 06-28 → week 1 overdue: −300.
 *   C1  C, 1,000 due 07-10, p = −10, not due. Portfolio: d 2 → day 12 → week 2: 300; d 9 → day
 *       19, d 10 → day 20 → week 3: 400; d 20 → day 30, d 30 → day 40: beyond, 300 not forecast.
 *
 * Company:  week 1: not due 600, overdue 400 − 300 = 100 → 700
 *           week 2: not due 400 + 300 = 700                 → 700
 *           week 3: not due 800 + 400 = 1,200, overdue 200  → 1,400
 *           week 4: not due 800, overdue 100                → 900
 */
const config = (forecast: Record<string, unknown> = {}) =>
  parseConfig({
    aging: { buckets: [30, 60] },
    history: { months: 2 },
    expectedLoss: { method: "matrix", lookbackMonths: 1, segmentBy: "none", lossRates: { not_due: 0, "1-30": 0.3, "31-60": 0.5, "61+": 1 } },
    forecast: { weeks: 4, ...forecast },
  });

const invoice = (document_id: string, customer_id: string, due_date: string, amount: string) =>
  ({ document_id, customer_id, document_type: "invoice", document_date: "2023-01-01", due_date, amount, applies_to: null });
const payment = (payment_id: string, customer_id: string, payment_date: string, amount: string, document_id: string | null) =>
  ({ payment_id, customer_id, payment_date, amount, document_id });

async function ledger(forecast: Record<string, unknown> = {}) {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", [
    { customer_id: "A", customer_group: "Retail", team: "T1", collector: "Ann", credit_term_days: 10 },
    { customer_id: "B", customer_group: "Retail", team: "T2", collector: "Bob", credit_term_days: 30 },
    { customer_id: "C", customer_group: "Wholesale", team: "T1", collector: "Ann", credit_term_days: 30 },
  ]);
  const history = [1, 2, 3, 4, 5];
  await insertRaw(wh, "invoices", [
    ...history.map((i) => invoice(`AH${i}`, "A", "2024-03-01", "100.00")),
    ...history.map((i) => invoice(`BH${i}`, "B", "2024-04-01", "100.00")),
    invoice("AOLD", "A", "2022-12-01", "100.00"),
    invoice("A1", "A", "2024-07-03", "1000.00"),
    invoice("A2", "A", "2024-06-25", "1000.00"),
    invoice("B1", "B", "2024-07-05", "2000.00"),
    invoice("C1", "C", "2024-07-10", "1000.00"),
  ]);
  await insertRaw(wh, "payments", [
    payment("PA1", "A", "2024-03-03", "100.00", "AH1"),
    payment("PA2", "A", "2024-03-03", "100.00", "AH2"),
    payment("PA3", "A", "2024-03-03", "100.00", "AH3"),
    payment("PA4", "A", "2024-03-10", "100.00", "AH4"),
    payment("PA5", "A", "2024-03-10", "100.00", "AH5"),
    payment("PAOLD", "A", "2023-03-11", "100.00", "AOLD"),
    payment("PB1", "B", "2024-04-11", "100.00", "BH1"),
    payment("PB2", "B", "2024-04-11", "100.00", "BH2"),
    payment("PB3", "B", "2024-04-21", "100.00", "BH3"),
    payment("PB4", "B", "2024-04-21", "100.00", "BH4"),
    payment("PB5", "B", "2024-05-01", "100.00", "BH5"),
    payment("PU", "B", "2024-06-28", "300.00", null),
  ]);
  await insertRaw(wh, "sales_orders", [{ order_id: "O1", customer_id: "A", order_date: "2024-06-20", unbilled_amount: "500.00" }]);
  const result = await build(wh, "2024-06-30", config(forecast));
  // The marts' own data tests (levels add up, one row per level value and week) hold on this ledger.
  const failing = result.tests.filter((t) => t.test.name.includes("cash_forecast") && t.failures > 0).map((t) => t.test.name);
  expect(failing).toEqual([]);
  expect(result.tests.some((t) => t.test.name === "cash_forecast_levels_add_up__rpt_cash_forecast")).toBe(true);
  return wh;
}

const columns = "week, week_start, week_end, not_yet_due_amount, overdue_amount, open_orders_amount, expected_amount";
const row = (week: number, week_start: string, week_end: string, notDue: string, overdue: string, expected: string, orders = "0.00") =>
  ({ week, week_start, week_end, not_yet_due_amount: notDue, overdue_amount: overdue, open_orders_amount: orders, expected_amount: expected });

describe("rpt_cash_forecast: collections spread by each customer's own delays", () => {
  it("forecasts the company week by week, net of expected loss and unapplied cash", async () => {
    const wh = await ledger();
    expect(await wh.all(`select as_of_date, level, level_value, ${columns} from marts.rpt_cash_forecast where level = 'company' order by week`)).toEqual([
      { as_of_date: "2024-06-30", level: "company", level_value: null, ...row(1, "2024-07-01", "2024-07-07", "600.00", "100.00", "700.00") },
      { as_of_date: "2024-06-30", level: "company", level_value: null, ...row(2, "2024-07-08", "2024-07-14", "700.00", "0.00", "700.00") },
      { as_of_date: "2024-06-30", level: "company", level_value: null, ...row(3, "2024-07-15", "2024-07-21", "1200.00", "200.00", "1400.00") },
      { as_of_date: "2024-06-30", level: "company", level_value: null, ...row(4, "2024-07-22", "2024-07-28", "800.00", "100.00", "900.00") },
    ]);
    wh.close();
  });

  it("drills down to teams, collectors, customer groups and customers", async () => {
    const wh = await ledger();
    const weekly = async (level: string, value: string) =>
      (await wh.all(`select expected_amount from marts.rpt_cash_forecast where level = '${level}' and level_value = '${value}' order by week`))
        .map((r) => r.expected_amount);
    // A: A1 600, 400 and A2 400, 0, 200, 100 → 1,000, 400, 200, 100.
    expect(await weekly("customer", "A")).toEqual(["1000.00", "400.00", "200.00", "100.00"]);
    // B: the unapplied 300 in week 1, B1 800 in weeks 3 and 4.
    expect(await weekly("customer", "B")).toEqual(["-300.00", "0.00", "800.00", "800.00"]);
    // C without history, on the portfolio's delays: 300 in week 2, 400 in week 3.
    expect(await weekly("customer", "C")).toEqual(["0.00", "300.00", "400.00", "0.00"]);
    // Team T1 and collector Ann are A and C; T2 and Bob are B; Retail is A and B; Wholesale is C.
    expect(await weekly("team", "T1")).toEqual(["1000.00", "700.00", "600.00", "100.00"]);
    expect(await weekly("collector", "Bob")).toEqual(["-300.00", "0.00", "800.00", "800.00"]);
    expect(await weekly("customer_group", "Retail")).toEqual(["700.00", "400.00", "1000.00", "900.00"]);
    expect(await weekly("customer_group", "Wholesale")).toEqual(["0.00", "300.00", "400.00", "0.00"]);
    wh.close();
  });

  it("adds open orders only when configured, invoiced on the as-of date and due after the customer's term", async () => {
    // O1: A's 500 unbilled, assumed invoiced 06-30 and due 07-10 (A's 10-day term), p = −10, not due
    // (rate 0). A's own delays: d 2 → day 12 → week 2: 500 × 0.6 = 300; d 9 → day 19 → week 3: 200.
    const without = await ledger();
    expect((await without.all("select sum(open_orders_amount) as orders from marts.rpt_cash_forecast where level = 'company'"))[0]).toEqual({ orders: "0.00" });
    without.close();
    const wh = await ledger({ includeOpenOrders: true });
    expect(await wh.all("select week, open_orders_amount, expected_amount from marts.rpt_cash_forecast where level = 'company' order by week")).toEqual([
      { week: 1, open_orders_amount: "0.00", expected_amount: "700.00" },
      { week: 2, open_orders_amount: "300.00", expected_amount: "1000.00" },
      { week: 3, open_orders_amount: "200.00", expected_amount: "1600.00" },
      { week: 4, open_orders_amount: "0.00", expected_amount: "900.00" },
    ]);
    wh.close();
  });
});

/*
 * The window's edges, worked by hand. As of 2024-06-30 the window is 2023-06-30 (excluded) …
 * 2024-06-30 (included). D (group Shared) was paid for DH1-DH4 (100 each, due 06-20) on
 * 06-22, 2 days late, and for DH5 on the as-of date, 10 days late: 5 payments, D's own
 * distribution. DH0 (due 2023-06-20) was paid on 2023-06-30, the day the window starts after, and
 * counts nowhere. E (group Shared too, nothing open) paid five invoices of 100 due 05-01 on 05-31, 30
 * days late. D1, 1,000 due 07-02 (p = −2, not due, rate 0), on D's own: d 2 → day 4 → week 1:
 * 1,000 × 400/500 = 800; d 10 → day 12 → week 2: 200.
 * Were the as-of date's payment left out of D's own, or D's own not read at all, D would fall back
 * to its group's (2 d 400, 10 d 100, 30 d 500): week 1 400, week 2 100. Were the window's first
 * day counted, D's 6 payments would make it 666.67 and 333.33.
 */
async function edgeLedger(openItem: boolean) {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", [
    { customer_id: "D", customer_group: "Shared", team: "T1", collector: "Ann", credit_term_days: 2 },
    { customer_id: "E", customer_group: "Shared", team: "T1", collector: "Ann", credit_term_days: 30 },
  ]);
  const history = [1, 2, 3, 4, 5];
  await insertRaw(wh, "invoices", [
    ...history.map((i) => invoice(`DH${i}`, "D", "2024-06-20", "100.00")),
    invoice("DH0", "D", "2023-06-20", "100.00"),
    ...history.map((i) => invoice(`EH${i}`, "E", "2024-05-01", "100.00")),
    ...(openItem ? [invoice("D1", "D", "2024-07-02", "1000.00")] : []),
  ]);
  await insertRaw(wh, "payments", [
    ...[1, 2, 3, 4].map((i) => payment(`PD${i}`, "D", "2024-06-22", "100.00", `DH${i}`)),
    payment("PD5", "D", "2024-06-30", "100.00", "DH5"),
    payment("PD0", "D", "2023-06-30", "100.00", "DH0"),
    ...history.map((i) => payment(`PE${i}`, "E", "2024-05-31", "100.00", `EH${i}`)),
  ]);
  // Without an open item, an open order of the same 1,000: invoiced on the as-of date, due after
  // D's 2-day term on 07-02, so spread like D1.
  if (!openItem) await insertRaw(wh, "sales_orders", [{ order_id: "O1", customer_id: "D", order_date: "2024-06-20", unbilled_amount: "1000.00" }]);
  await build(wh, "2024-06-30", config({ includeOpenOrders: !openItem }));
  return wh;
}

/** The company's weeks of one component beside the total, as "component/expected" per week. */
async function companyWeeks(wh: Warehouse, component: string) {
  const rows = await wh.all<{ amount: string; expected: string }>(
    `select ${component} as amount, expected_amount as expected from marts.rpt_cash_forecast where level = 'company' order by week`,
  );
  return rows.map((r) => `${r.amount}/${r.expected}`);
}

describe("rpt_cash_forecast: the window of a customer's own delays", () => {
  it("counts a payment made on the forecast date, not one made on the day the window starts after", async () => {
    const wh = await edgeLedger(true);
    expect(await companyWeeks(wh, "not_yet_due_amount")).toEqual(["800.00/800.00", "200.00/200.00", "0.00/0.00", "0.00/0.00"]);
    wh.close();
  });

  it("spreads an open order by the customer's own delays when nothing is open at the as-of date", async () => {
    const wh = await edgeLedger(false);
    expect(await companyWeeks(wh, "open_orders_amount")).toEqual(["800.00/800.00", "200.00/200.00", "0.00/0.00", "0.00/0.00"]);
    wh.close();
  });
});

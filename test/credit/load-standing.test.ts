import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openWarehouse } from "../../core/warehouse.ts";
import { loadStanding } from "../../credit/load-standing.ts";
import { tempDir } from "../helpers/warehouse.ts";

describe("loadStanding", () => {
  it("reads every amount as exact cents, beyond a double's 15 digits, negative and missing ones too", async () => {
    const path = join(tempDir("arwatch-standing-"), "wh.credit-standing.duckdb");
    const file = await openWarehouse(path);
    await file.run(`create table customers as select * from (values
      ('C1', 'Công ty "Á"', 'North', 'lan', 'active', 5000000000000000.00::decimal(18, 2),
        123456789012345678901234.56::decimal(38, 2), 0.01::decimal(38, 2), -0.10::decimal(38, 2), 400,
        99999999999999999.99::decimal(38, 2), 1.00::decimal(38, 2), -123456789012345678901234.57::decimal(38, 2), 'slow'),
      ('C2', null, null, null, 'blocked', null, 0.00::decimal(38, 2), 0.00::decimal(38, 2), null, null,
        0.00::decimal(38, 2), 0.00::decimal(38, 2), 0.00::decimal(38, 2), 'no_history')
    ) as t(customer_id, customer_name, team, collector, status, credit_limit, outstanding_amount, open_orders_amount,
      overdue_amount, max_days_past_due, overdue_past_grace_amount, overdue_past_hold_amount, overdue_past_max_age_amount, behaviour_class)`);
    await file.run(`create table known_orders as select * from (values
      ('SO-1', 'C1', 9999999999999999.99::decimal(18, 2)), ('SO-2', 'C2', null)) as t(order_id, customer_id, open_unbilled_amount)`);
    await file.run(`create table build as select date '2026-06-30' as as_of_date, '2026-07-01T00:00:00Z' as built_at, 'VND' as currency,
      '0.8' as warn_at, 365 as max_debt_age_days, 0 as credit_grace_days, 60 as credit_hold_days_past_due, null as last_ingest_at`);
    file.close();

    const standing = await loadStanding(path);
    // cents = amount × 100, written out by hand from the values above
    expect(standing.customers.get("C1")).toMatchObject({
      customerName: 'Công ty "Á"',
      creditLimit: 500000000000000000n,
      outstanding: 12345678901234567890123456n,
      openOrders: 1n,
      overdue: -10n,
      maxDaysPastDue: 400,
      overduePastGrace: 9999999999999999999n,
      overduePastHold: 100n,
      overduePastMaxAge: -12345678901234567890123457n,
      behaviourClass: "slow",
    });
    expect(standing.customers.get("C2")).toMatchObject({ status: "blocked", creditLimit: null, overdue: 0n, maxDaysPastDue: 0 });
    expect(standing.orders.get("SO-1")).toEqual({ customerId: "C1", openUnbilled: 999999999999999999n });
    expect(standing.orders.get("SO-2")).toEqual({ customerId: "C2", openUnbilled: null });
  });

  it("reads any text as written, and every customer of a standing larger than one chunk (2,048) and one statement (16,384)", async () => {
    const path = join(tempDir("arwatch-standing-"), "wh.credit-standing.duckdb");
    const file = await openWarehouse(path);
    const hostile = 'back\\slash "q" \t tab\nline \u0001 😀 ภาษาไทย Công ty </script>';
    await file.run(
      `create table customers as
       select 'C' || i as customer_id, case when i = 1 then $1 end as customer_name, null as team, $1 as collector,
         'active' as status, (i * 100 + 0.5)::decimal(18, 2) as credit_limit, i::decimal(38, 2) as outstanding_amount,
         0::decimal(38, 2) as open_orders_amount, 0::decimal(38, 2) as overdue_amount, i as max_days_past_due,
         0::decimal(38, 2) as overdue_past_grace_amount, 0::decimal(38, 2) as overdue_past_hold_amount,
         0::decimal(38, 2) as overdue_past_max_age_amount, 'prompt' as behaviour_class
       from range(1, 20001) t(i)`,
      [hostile],
    );
    await file.run("create table known_orders (order_id VARCHAR, customer_id VARCHAR, open_unbilled_amount DECIMAL(18, 2))");
    await file.run(`create table build as select date '2026-06-30' as as_of_date, '2026-07-01T00:00:00Z' as built_at, 'USD' as currency,
      '0.8' as warn_at, 365 as max_debt_age_days, 0 as credit_grace_days, 60 as credit_hold_days_past_due, null as last_ingest_at`);
    file.close();

    const standing = await loadStanding(path);
    expect(standing.customers.size).toBe(20000);
    // in the file's order
    expect([...standing.customers.keys()].slice(0, 3)).toEqual(["C1", "C2", "C3"]);
    expect([...standing.customers.keys()].at(-1)).toBe("C20000");
    expect(standing.customers.get("C1")).toMatchObject({ customerName: hostile, collector: hostile, team: null, creditLimit: 10050n, outstanding: 100n });
    // i = 19999: credit limit 1,999,900.50 → 199,990,050 cents; outstanding 19,999.00 → 1,999,900 cents
    expect(standing.customers.get("C19999")).toMatchObject({ customerName: null, collector: hostile, creditLimit: 199990050n, outstanding: 1999900n, maxDaysPastDue: 19999 });

    // One check's standing: that customer alone, every known order still there.
    const one = await loadStanding(path, { onlyCustomer: "C19999" });
    expect([...one.customers.keys()]).toEqual(["C19999"]);
    expect(one.customers.get("C19999")).toEqual(standing.customers.get("C19999"));
    expect((await loadStanding(path, { onlyCustomer: "C20001" })).customers.size).toBe(0);
  });
});

import type { Warehouse } from "../core/warehouse.ts";
import { asOfSql, MIX, money, type Plan } from "./plan.ts";
import { totalWeight } from "./documents.ts";

/**
 * Builds g_orders: open, not yet invoiced sales orders from the last 30 days, about one per
 * three customers, going to customers in proportion to their size (big buyers have orders in
 * the pipeline), which is what the credit exposure check adds to the outstanding balance.
 */
export async function buildSalesOrders(wh: Warehouse, plan: Plan): Promise<void> {
  const asOf = asOfSql(plan);
  const orders = Math.round(plan.customers * MIX.ordersPerCustomer);
  const total = await totalWeight(wh);
  await wh.run(`
    create or replace table g_orders as
    with slots as (
      select range + 1 as order_no, g_int(range + 1, 'o.customer', ${total}) as pick from range(${orders})
    ),
    owned as (
      select s.order_no, w.customer_no from slots s asof join g_customer_weights w on s.pick >= w.lo
    )
    select
      o.order_no,
      o.customer_no,
      ${asOf} - g_int(o.order_no, 'o.date', 30)::INTEGER as order_date,
      ${money(plan, "greatest(50, least(100000, 1.5 * c.ticket * exp(0.8 * g_n(o.order_no, 'o.amount'))))")} as unbilled_amount
    from owned o
    join g_customers c using (customer_no)
  `);
}

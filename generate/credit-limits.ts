import type { Warehouse } from "../core/warehouse.ts";
import { asOfSql, MIX, twoSignificant, type Plan } from "./plan.ts";
import { sqlList } from "./sql-random.ts";
import { CREDIT_TERMS } from "./word-lists.ts";

/**
 * Builds g_credit_limits: the limit history of about MIX.limitHistory of all customers, 1 to 3
 * changes each on distinct dates inside the window and never after the as-of date. The latest
 * row is the customer's current limit and term (as in customers.csv), so the two extracts
 * agree; earlier rows are mostly lower, as limits grow with a customer. Customers without a
 * limit have no history: a history row must carry a limit.
 */
export async function buildCreditLimits(wh: Warehouse, plan: Plan): Promise<void> {
  const asOf = asOfSql(plan);
  // The pick is among customers that have a limit, scaled so the share is of all customers.
  const pick = MIX.limitHistory / (1 - MIX.noCreditLimit);
  const terms = CREDIT_TERMS.map(([days]) => String(days));
  await wh.run(`
    create or replace table g_credit_limits as
    with chosen as (
      select customer_no, credit_limit, base_limit, credit_term_days, 1 + g_int(customer_no, 'l.rows', 3) as n_rows
      from g_customers
      where credit_limit is not null and g_u(customer_no, 'l.pick') < ${pick}
    ),
    expanded as (
      select *, customer_no * 4 + k as draw_no
      from (select *, unnest(range(n_rows)) as k from chosen)
    ),
    dated as (
      -- Row k falls in the k-th slice of the window counted back from the as-of date, so that
      -- k = 0 is the latest; floor() can merge neighbours on short windows, removed below.
      select *, ${asOf} - floor(${plan.days} * (k + g_u(draw_no, 'l.date')) / n_rows)::INTEGER as effective_date
      from expanded
    ),
    valued as (
      select
        *,
        base_limit::DOUBLE * (0.4 + 0.6 * g_u(draw_no, 'l.factor')) as raw_limit
      from dated
    )
    select
      customer_no,
      effective_date,
      case when k = 0 then credit_limit
           else ${twoSignificant("raw_limit")} end as credit_limit,
      case when k = 0 or g_u(draw_no, 'l.term') >= 0.25 then credit_term_days
           else ${sqlList(terms)}[1 + g_int(draw_no, 'l.termpick', ${terms.length})]::INTEGER end as credit_term_days
    from valued
    qualify row_number() over (partition by customer_no, effective_date order by k) = 1
  `);
}

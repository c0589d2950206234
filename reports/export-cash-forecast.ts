import type { Warehouse } from "../core/warehouse.ts";
import type { DataFile } from "./export-alerts.ts";

/**
 * Level values the page keeps per drill-down level (team, collector, customer group), the largest
 * 13-week expected amount first: a row is ~240 bytes, so even (3 × 100 + 25 + 1) × 13 weeks stays
 * near 1 MB, under the page's 2 MB, however many customers, groups or collectors there are.
 */
export const FORECAST_LEVEL_VALUES = 100;
/** Customers the page keeps: the largest expected amounts only, never every customer. */
export const FORECAST_CUSTOMERS = 25;

/** The Cash forecast page's files, from marts.rpt_cash_forecast and marts.rpt_cash_forecast_backtest. */
const FORECAST_FILES: DataFile[] = [
  {
    // One row per level value and week; weeks' dates are on the company's rows (it always has all weeks).
    name: "cash-forecast.json",
    sql: `with totals as (
            select level, level_value, sum(expected_amount) as total_expected
              from marts.rpt_cash_forecast group by all
          ),
          ranked as (
            select level, level_value,
                   row_number() over (partition by level order by total_expected desc, level_value nulls first)::INTEGER as rank,
                   count(*) over (partition by level)::INTEGER as of_total
              from totals
          )
          select f.level, f.level_value, c.customer_name, ranked.rank, ranked.of_total, f.week,
                 case when f.level = 'company' then f.week_start end as week_start,
                 case when f.level = 'company' then f.week_end end as week_end,
                 f.not_yet_due_amount, f.overdue_amount, f.open_orders_amount, f.expected_amount
            from marts.rpt_cash_forecast as f
            join ranked on ranked.level = f.level and ranked.level_value is not distinct from f.level_value
            left join marts.dim_customers as c on f.level = 'customer' and c.customer_id = f.level_value
           where ranked.rank <= case f.level when 'customer' then ${FORECAST_CUSTOMERS} else ${FORECAST_LEVEL_VALUES} end
           order by f.level, ranked.rank, f.week`,
  },
  {
    name: "cash-forecast-backtest.json",
    sql: `select month_end, week, week_start, week_end, forecast_amount, naive_amount, actual_amount, forecast_error, naive_error
            from marts.rpt_cash_forecast_backtest order by week, month_end`,
  },
  {
    // README Cash forecast: the weighted absolute percentage error of horizon k is
    // Σ|forecast − actual| ÷ Σ actual over the month-ends whose week k has ended (actual not null);
    // week null is every horizon together. No actual yet (or none received): no error.
    name: "cash-forecast-accuracy.json",
    sql: `select week, count(*)::INTEGER as month_ends, sum(actual_amount) as actual_amount,
                 sum(abs(forecast_error)) as forecast_abs_error, sum(abs(naive_error)) as naive_abs_error,
                 case when sum(actual_amount) > 0 then sum(abs(forecast_error)) / sum(actual_amount) end::DOUBLE as forecast_wape,
                 case when sum(actual_amount) > 0 then sum(abs(naive_error)) / sum(actual_amount) end::DOUBLE as naive_wape
            from marts.rpt_cash_forecast_backtest
           where actual_amount is not null
           group by grouping sets ((week), ())
           order by week nulls last`,
  },
];

/**
 * The cash forecast's data files. A warehouse last built before these marts existed has none of
 * them: the page then shows empty lists instead of the site build failing.
 */
export async function cashForecastFiles(wh: Warehouse): Promise<DataFile[]> {
  const rows = await wh.all<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = 'marts' and table_name in ('rpt_cash_forecast', 'rpt_cash_forecast_backtest')",
  );
  if (rows.length === 2) return FORECAST_FILES;
  return FORECAST_FILES.map((f) => ({ name: f.name, sql: "select null as nothing where false" }));
}

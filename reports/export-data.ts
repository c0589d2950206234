import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../core/config.ts";
import { minorUnits } from "../core/money.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { alertFiles, type DataFile } from "./export-alerts.ts";
import { cashForecastFiles } from "./export-cash-forecast.ts";
import { creditCheckFiles } from "./export-credit.ts";
import { DIRECTORY_QUERIES, stageShards } from "./export-shards.ts";

/**
 * The site's data, read from the marts. Amounts stay exact decimal strings, dates ISO strings:
 * the pages format them with Intl, so no figure passes through a float before it is shown.
 */
const FILES: DataFile[] = [
  {
    // The same row the CLI summary prints, so that the two never disagree.
    name: "headline.json",
    sql: "select * from marts.rpt_headline",
  },
  {
    name: "aging-by-bucket.json",
    sql: "select bucket_order, aging_bucket, outstanding_amount, open_items from marts.rpt_aging_by_bucket order by bucket_order",
  },
  {
    // Every currency with an open item × every bucket, in that currency and in the functional one
    // with the rate converted at: the Aging page's "By currency" section and its download.
    name: "aging-by-currency.json",
    sql: `select as_of_date, currency, is_functional, bucket_order, aging_bucket, outstanding_in_currency, outstanding_amount,
                 fx_rate, fx_rate_date, open_items, customers
            from marts.rpt_aging_by_currency order by currency, bucket_order`,
  },
  {
    name: "monthly-status.json",
    sql: `select month_end, gross_amount, under_follow_up_amount, overdue_amount, expected_bad_debt_amount,
                 outstanding_amount, collected_amount, invoiced_amount, follow_up_ratio
            from marts.rpt_monthly_status where level = 'company' order by month_end`,
  },
  {
    name: "kpis-monthly.json",
    sql: `select month_end, dso, dso_countback, bpdso, add_days, cei, pct_current from marts.rpt_kpis_monthly order by month_end`,
  },
  {
    name: "top-overdue.json",
    sql: `select customer_id, customer_name, team, collector, overdue_amount, outstanding_amount, max_days_past_due, credit_status
            from marts.dim_customers where overdue_amount > 0
           order by overdue_amount desc, customer_id limit 10`,
  },
  {
    name: "provision-matrix.json",
    sql: `select segment, aging_bucket, bucket_order, gross_amount, loss_rate, expected_loss from marts.fct_expected_loss order by segment, bucket_order`,
  },
  {
    name: "loss-rates.json",
    sql: `select segment, aging_bucket, bucket_order, roll_rate, loss_rate, method, rate_source, forward_looking_factor,
                 window_start, window_end, month_pairs, observed_balance
            from marts.rpt_loss_rates order by segment, bucket_order`,
  },
  {
    // One row: the loss definition in force (where the roll chain ends) and what its last link rests on.
    name: "loss-definition.json",
    sql: `select loss_event, default_after_days, loss_given_default, last_link_bucket, last_link_opening_balance,
                 last_link_written_off_amount, last_link_write_offs, last_link_roll_rate, gross_amount, max_debt_age_days,
                 expected_bad_debt_amount, expected_credit_loss, is_default_definition_suggested
            from marts.rpt_loss_definition`,
  },
  {
    name: "allowance-movement.json",
    sql: `select month_end, gross_amount, opening_allowance, charge, written_off, closing_allowance, month_pairs from marts.rpt_allowance_movement order by month_end`,
  },
  {
    name: "credit-status.json",
    // Worst first, whatever the words for the statuses sort as in the reader's language.
    sql: `select * from (
            select credit_status, count(*) as customers, sum(exposure_amount) as exposure_amount, sum(credit_limit) as credit_limit
              from marts.dim_customers group by all
          ) order by case credit_status when 'over_limit' then 0 when 'near_limit' then 1 when 'ok' then 2 else 3 end, credit_status`,
  },
  {
    name: "credit-lists.json",
    sql: `select * from (
            select credit_status, customer_id, customer_name, team, collector, credit_limit, exposure_amount, utilisation,
                   available_credit, overdue_amount, max_days_past_due,
                   row_number() over (partition by credit_status order by
                     case when credit_status = 'no_limit' then exposure_amount else exposure_amount - credit_limit end desc, customer_id) as rank,
                   count(*) over (partition by credit_status) as of_total
              from marts.dim_customers
             where credit_status in ('over_limit', 'near_limit') or (credit_status = 'no_limit' and exposure_amount > 0)
          ) where rank <= 200 order by credit_status, rank`,
  },
  {
    name: "limit-advice.json",
    sql: `select * from (
            select customer_id, customer_name, team, collector, behaviour_class, current_limit, recommended_limit, change_amount, reason,
                   avg_monthly_sales, credit_term_days, typical_days_late, factor,
                   invoices_tested, invoices_held_back, amount_held_back, written_off, write_offs_avoided,
                   row_number() over (order by abs(coalesce(change_amount, 0)) desc, customer_id) as rank,
                   count(*) over () as of_total
              from marts.rpt_credit_limit_advice
          ) where rank <= 200 order by rank`,
  },
  {
    name: "limit-advice-totals.json",
    sql: `select count(*) as customers, sum(invoices_tested) as invoices_tested, sum(invoices_held_back) as invoices_held_back,
                 sum(amount_held_back) as amount_held_back, sum(written_off) as written_off, sum(write_offs_avoided) as write_offs_avoided,
                 min(backtest_from) as backtest_from, max(backtest_to) as backtest_to
            from marts.rpt_credit_limit_advice`,
  },
  {
    // The history window only, like every other trend; the ledger may hold older attempts.
    name: "collections-monthly.json",
    sql: `select month_end, channel, outcome, sum(attempts) as attempts, sum(promises_made) as promises_made,
                 sum(promises_kept) as promises_kept, sum(promises_broken) as promises_broken, sum(collected_30d) as collected_30d
            from marts.rpt_collection_trends
           where month_end >= (select history_start from marts.rpt_build_info)
           group by all order by all`,
  },
  {
    name: "collectors.json",
    sql: `select team, collector, window_start, attempts, customers, promises_made, promises_kept, promises_broken, collected_30d
            from marts.rpt_collector_comparison order by collected_30d desc, team, collector`,
  },
  {
    name: "nonpayment-reasons.json",
    sql: `select rank, reason, attempts, customers, amount_affected, window_start from marts.rpt_nonpayment_reasons order by rank`,
  },
  {
    name: "ledger-facts.json",
    sql: "select fact, items, amount from marts.rpt_ledger_facts order by fact_order",
  },
  {
    // One row: which allocation the build applied, and what the FIFO allocation settled.
    name: "fifo-allocation.json",
    sql: "select allocation, array_to_string(fifo_sources, ', ') as fifo_sources, customers, documents, payments, credits, cash_amount, credit_amount, allocated_amount from marts.rpt_fifo_allocation",
  },
  {
    name: "data-tests.json",
    sql: `select test_name, model, severity, status, failures, description
            from meta.test_results
           where build_id = (select build_id from meta.build_log where outcome = 'succeeded' order by finished_at desc limit 1)
           order by case status when 'fail' then 0 when 'warn' then 1 else 2 end, model, test_name`,
  },
];

/** What the build was made with: the pages show the currency, buckets and dates from here. */
interface BuildInfo {
  as_of_date: string;
  currency: string;
  bucket_labels: string[];
  aging_basis: string;
  history_start: string | null;
  latest_month_end: string | null;
}

/**
 * Writes the site's data files and returns their names; the folder is replaced whole. Every
 * figure, the currency and the buckets come from the warehouse's marts, as the last build made
 * them; only the site's own settings (its language and title) come from the config.
 */
export async function exportSiteData(wh: Warehouse, dir: string, config: Config, builtAt: Date): Promise<string[]> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const [built] = await wh.all<{ n: number }>(
    "select count(*)::INTEGER as n from information_schema.tables where table_schema = 'marts' and table_name = 'rpt_build_info'",
  );
  const [build] = built!.n ? await wh.all<BuildInfo>("select as_of_date, currency, aging_basis, bucket_labels, history_start, latest_month_end from marts.rpt_build_info") : [];
  if (!build) throw new Error("the warehouse has no build: run arwatch build first");
  const meta = {
    as_of_date: build.as_of_date,
    built_at: builtAt.toISOString(),
    currency: build.currency,
    minor_units: minorUnits(build.currency),
    buckets: build.bucket_labels,
    aging_basis: build.aging_basis,
    history_start: build.history_start,
    latest_month_end: build.latest_month_end,
    locale: config.site.locale,
    title: config.site.title,
  };
  writeFileSync(join(dir, "meta.json"), JSON.stringify(meta));
  const written = ["meta.json"];
  await stageShards(wh);
  const directories = Object.entries(DIRECTORY_QUERIES).map(([name, sql]) => ({ name, sql }));
  for (const file of [...FILES, ...directories, ...(await alertFiles(wh)), ...(await creditCheckFiles(wh)), ...(await cashForecastFiles(wh))]) {
    const rows = await wh.all(file.sql);
    const body = file.name.endsWith("headline.json") || file.name.endsWith("totals.json") ? rows[0] : rows;
    writeFileSync(join(dir, file.name), JSON.stringify(body));
    written.push(file.name);
  }
  return written;
}

import type { Config } from "../core/config.ts";
import { formatAmount } from "../core/money.ts";
import type { Warehouse } from "../core/warehouse.ts";
import type { BuildResult } from "../models/runner/build.ts";

/** The readable summary printed after a build: what a credit manager looks at first. */
export async function summarize(wh: Warehouse, config: Config, build: BuildResult): Promise<string> {
  const money = (v: string | null | undefined) => `${config.currency} ${formatAmount(v ?? "0", config.currency)}`;
  const [totals] = await wh.all<Record<string, string>>(
    `select any_value(as_of_date) as as_of, coalesce(sum(outstanding_amount), 0) as outstanding, count(*) as items
       from marts.fct_open_items`,
  );
  const buckets = await wh.all<{ aging_bucket: string; amount: string | null }>(
    `select b.aging_bucket, sum(o.outstanding_amount) as amount
       from marts.dim_aging_buckets b left join marts.fct_open_items o using (aging_bucket)
      group by all order by any_value(b.bucket_order)`,
  );
  const [customers] = await wh.all<Record<string, string>>(
    `select count(*) as customers,
            count(*) filter (where credit_status = 'over_limit') as over_limit,
            count(*) filter (where credit_status = 'near_limit') as near_limit,
            count(*) filter (where credit_status = 'no_limit') as no_limit,
            coalesce(sum(expected_bad_debt_amount), 0) as bad_debt,
            count(*) filter (where expected_bad_debt_amount > 0) as bad_debt_customers
       from marts.dim_customers`,
  );
  const params = await wh.all<{ as_of_date: string }>("select as_of_date from meta.build_params");
  const asOf = totals!.as_of ?? params[0]?.as_of_date;
  const width = Math.max(...buckets.map((b) => b.aging_bucket.length), 12);
  const lines = [
    `Accounts receivable as of ${asOf}`,
    `  Total outstanding    ${money(totals!.outstanding)}  (${Number(totals!.items).toLocaleString("en-US")} open items, ${Number(customers!.customers).toLocaleString("en-US")} customers)`,
    `  By bucket (${config.aging.basis === "due_date" ? "days past due date" : "days since document date"}):`,
    ...buckets.map((b) => `    ${b.aging_bucket.padEnd(width)} ${money(b.amount)}`),
    `  Over their limit     ${customers!.over_limit} customers (near the limit: ${customers!.near_limit}; no limit set: ${customers!.no_limit})`,
    `  Expected bad debt    ${money(customers!.bad_debt)} (more than ${config.badDebt.maxDebtAgeDays} days past due, ${customers!.bad_debt_customers} customers)`,
  ];
  const failed = build.tests.filter((t) => t.failures > 0);
  lines.push(`  Data tests           ${build.tests.length - failed.length} passed, ${failed.filter((t) => t.test.severity === "warn").length} warnings`);
  for (const t of failed) lines.push(`    warning: ${t.test.name}: ${t.failures} row(s): ${t.test.description}`);
  return lines.join("\n");
}

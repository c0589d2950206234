import { formatAmount } from "../core/money.ts";
import type { Warehouse } from "../core/warehouse.ts";
import type { BuildResult } from "../models/runner/build.ts";

interface Headline {
  as_of_date: string;
  currency: string;
  aging_basis: string;
  max_debt_age_days: number;
  outstanding_amount: string;
  open_items: string;
  customers: string;
  over_limit_customers: string;
  near_limit_customers: string;
  no_limit_customers: string;
  expected_bad_debt_amount: string;
  expected_bad_debt_customers: string;
}

/**
 * The readable summary printed after a build: what a credit manager looks at first. It reads the
 * headline marts the site's overview reads, so the terminal and the site cannot disagree, and
 * shows the currency and buckets the build was made with, whatever the config says now.
 */
export async function summarize(wh: Warehouse, build: BuildResult): Promise<string> {
  const [h] = await wh.all<Headline>("select * from marts.rpt_headline");
  if (!h) throw new Error("marts.rpt_headline is empty: the build did not finish");
  const buckets = await wh.all<{ aging_bucket: string; outstanding_amount: string }>(
    "select aging_bucket, outstanding_amount from marts.rpt_aging_by_bucket order by bucket_order",
  );
  const money = (v: string | null | undefined, currency = h.currency) => `${currency} ${formatAmount(v ?? "0", currency)}`;
  const count = (v: string) => Number(v).toLocaleString("en-US");
  const width = Math.max(...buckets.map((b) => b.aging_bucket.length), 12);
  const lines = [
    `Accounts receivable as of ${h.as_of_date}`,
    `  Total outstanding    ${money(h.outstanding_amount)}  (${count(h.open_items)} open items, ${count(h.customers)} customers)`,
    `  By bucket (${h.aging_basis === "due_date" ? "days past due date" : "days since document date"}):`,
    ...buckets.map((b) => `    ${b.aging_bucket.padEnd(width)} ${money(b.outstanding_amount)}`),
    ...(await byCurrency(wh, money, h.currency)),
    `  Over their limit     ${h.over_limit_customers} customers (near the limit: ${h.near_limit_customers}; no limit set: ${h.no_limit_customers})`,
    `  Expected bad debt    ${money(h.expected_bad_debt_amount)} (more than ${h.max_debt_age_days} days past due, ${h.expected_bad_debt_customers} customers)`,
  ];
  const failed = build.tests.filter((t) => t.failures > 0);
  lines.push(`  Data tests           ${build.tests.length - failed.length} passed, ${failed.filter((t) => t.test.severity === "warn").length} warnings`);
  for (const t of failed) lines.push(`    warning: ${t.test.name}: ${t.failures} row(s): ${t.test.description}`);
  return lines.join("\n");
}

/**
 * The outstanding per currency, when a currency other than the functional one has open items (README: Several
 * currencies): each in its own currency and in the functional one, with the rate converted at.
 */
async function byCurrency(wh: Warehouse, money: (v: string, currency?: string) => string, functional: string): Promise<string[]> {
  const rows = await wh.all<{ currency: string; is_functional: boolean; in_currency: string; amount: string; fx_rate: string | null; fx_rate_date: string | null }>(
    `select currency, is_functional, sum(outstanding_in_currency)::varchar as in_currency, sum(outstanding_amount)::varchar as amount,
            -- The rate as written, without DECIMAL(24,12)'s trailing zeros.
            rtrim(rtrim(any_value(fx_rate)::varchar, '0'), '.') as fx_rate, any_value(fx_rate_date)::varchar as fx_rate_date
       from marts.rpt_aging_by_currency
      group by all
     having sum(open_items) > 0
      order by is_functional desc, currency`,
  );
  if (rows.every((r) => r.is_functional)) return [];
  const width = Math.max(...rows.map((r) => money(r.in_currency, r.currency).length));
  return [
    "  By currency:",
    ...rows.map((r) =>
      r.is_functional
        ? `    ${money(r.in_currency, r.currency)}`
        : `    ${money(r.in_currency, r.currency).padEnd(width)} = ${money(r.amount)} ${
            // Null under fx.rateDate document_date when the items have several rates.
            r.fx_rate === null ? "at each document's rate" : `at ${r.fx_rate} ${functional} per ${r.currency} (rate of ${r.fx_rate_date})`
          }`,
    ),
  ];
}

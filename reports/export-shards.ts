import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Warehouse } from "../core/warehouse.ts";
import { literal } from "../core/warehouse.ts";

/** Customers per shard file: a few hundred customers with their open items stay well under 2 MB. */
export const CUSTOMERS_PER_SHARD = 250;
/** Name-index entries per file: a search loads the one to three files its longest word falls in. */
export const WORDS_PER_CHUNK = 2500;
/** Where the shards go inside the built site; the pages fetch them from the same origin. */
export const SHARDS_DIR = "_arwatch";

/**
 * Stages the drill-down's lower levels in temp tables: the customers of each team × collector ×
 * group path with their buckets, and each customer's detail (profile, aging, open items,
 * follow-ups). Customers are numbered in id order so that a page finds a customer's shard in a
 * small directory of first ids, with no hash to reproduce in the browser.
 */
export async function stageShards(wh: Warehouse): Promise<void> {
  await wh.run(`create or replace temp table _site_paths as
    select dense_rank() over (order by team nulls first, collector nulls first, customer_group nulls first) - 1 as path_shard,
           team, collector, customer_group
      from (select distinct team, collector, customer_group from marts.dim_customers)`);
  await wh.run(`create or replace temp table _site_customer_shards as
    select customer_id, ((row_number() over (order by customer_id)) - 1) // ${CUSTOMERS_PER_SHARD} as shard
      from marts.dim_customers`);
  await wh.run(`create or replace temp table _site_path_rows as
    select p.path_shard, {
        'customer_id': c.customer_id, 'customer_name': c.customer_name, 'outstanding_amount': c.outstanding_amount::varchar,
        'overdue_amount': c.overdue_amount::varchar, 'credit_status': c.credit_status,
        'buckets': coalesce((select map_from_entries(list((a.aging_bucket, a.outstanding_amount::varchar)))
                               from marts.rpt_aging a where a.customer_id = c.customer_id), map())
      } as row
      from marts.dim_customers c
      join _site_paths p on p.team is not distinct from c.team and p.collector is not distinct from c.collector
                        and p.customer_group is not distinct from c.customer_group`);
  // An item's currency and its outstanding in it go into the shards only when some open item is
  // in another currency than the functional one: a build in one currency ships no two fields per
  // item that would only repeat the functional currency and the outstanding amount.
  const [found] = await wh.all<{ other_currency_open: boolean }>(
    `select exists (select 1 from marts.fct_open_items o join marts.rpt_build_info b on o.currency <> b.currency) as other_currency_open`,
  );
  const currencyFields = found?.other_currency_open ? `, 'currency': currency, 'outstanding_in_currency': outstanding_in_currency::varchar` : "";
  await wh.run(`create or replace temp table _site_customer_rows as
    with items as (
      select customer_id, list({
          'document_id': document_id, 'document_type': document_type, 'document_date': document_date::varchar,
          'due_date': due_date::varchar, 'amount': amount::varchar, 'outstanding_amount': outstanding_amount::varchar,
          'days_past_due': days_past_due, 'aging_bucket': aging_bucket${currencyFields}
        } order by bucket_order desc, due_date, document_id) as open_items
        from marts.fct_open_items group by all
    ), follow_ups as (
      select customer_id, list({
          'attempt_date': attempt_date::varchar, 'channel': channel, 'outcome': outcome, 'reason': reason,
          'promised_date': promised_date::varchar, 'promised_amount': promised_amount::varchar, 'promise_status': promise_status
        } order by attempt_date desc, attempt_id) as follow_ups
        from marts.fct_collection_attempts group by all
    )
    , history as (
      select customer_id, list({
          'month_end': month_end::varchar, 'invoiced_amount': invoiced_amount::varchar, 'paid_amount': paid_amount::varchar,
          'avg_days_late': avg_days_late::varchar, 'behaviour_class': behaviour_class
        } order by month_end) as payment_history
        from marts.fct_customer_payment_behaviour
       -- Quiet months add nothing to the chart; the latest month carries the current class.
       where invoiced_amount <> 0 or paid_amount <> 0
          or month_end = (select max(month_end) from marts.fct_customer_payment_behaviour)
       group by all
    )
    select s.shard, {
        'customer': {
          'customer_id': c.customer_id, 'customer_name': c.customer_name, 'customer_group': c.customer_group, 'team': c.team,
          'collector': c.collector, 'status': c.status, 'credit_limit': c.credit_limit::varchar, 'credit_term_days': c.credit_term_days,
          'outstanding_amount': c.outstanding_amount::varchar, 'open_orders_amount': c.open_orders_amount::varchar,
          'exposure_amount': c.exposure_amount::varchar, 'utilisation': c.utilisation::varchar, 'available_credit': c.available_credit::varchar,
          'overdue_amount': c.overdue_amount::varchar, 'max_days_past_due': c.max_days_past_due,
          'expected_bad_debt_amount': c.expected_bad_debt_amount::varchar, 'credit_status': c.credit_status
        },
        'open_items': coalesce(items.open_items, []),
        'follow_ups': coalesce(follow_ups.follow_ups, []),
        'payment_history': coalesce(history.payment_history, []),
        'advice': {
          'behaviour_class': advice.behaviour_class, 'recommended_limit': advice.recommended_limit::varchar, 'reason': advice.reason,
          'avg_monthly_sales': advice.avg_monthly_sales::varchar, 'credit_term_days': advice.credit_term_days,
          'typical_days_late': advice.typical_days_late::varchar, 'factor': advice.factor::varchar,
          'invoices_held_back': advice.invoices_held_back, 'write_offs_avoided': advice.write_offs_avoided::varchar
        }
      } as row
      from marts.dim_customers c
      join _site_customer_shards s using (customer_id)
      left join items using (customer_id)
      left join follow_ups using (customer_id)
      left join history using (customer_id)
      left join marts.rpt_credit_limit_advice as advice using (customer_id)`);
  // The search index: every word of every customer's name (and its id), lower-cased with accents
  // stripped exactly as the page does it to a query, sorted and cut into chunks.
  await wh.run(`create or replace temp table _site_name_words as
    with words as (
      select customer_id, customer_name, outstanding_amount,
             list_filter(string_split_regex(strip_accents(lower(coalesce(customer_name, '') || ' ' || customer_id)), '[^\\p{L}\\p{N}]+'), lambda w: w <> '') as words
        from marts.dim_customers
    ), entries as (
      select distinct unnest(words) as word, customer_id, customer_name, outstanding_amount, array_to_string(words, ' ') as all_words from words
    )
    select ((row_number() over (order by word, customer_id)) - 1) // ${WORDS_PER_CHUNK} as chunk,
           {'w': word, 'id': customer_id, 'n': customer_name, 'a': all_words, 'o': outstanding_amount::varchar} as row
      from entries`);
}

/** The directories the pages read: the aggregate tree with each path's shard, and each customer shard's first id. */
export const DIRECTORY_QUERIES = {
  "aging-tree.json": `select p.path_shard, p.team, p.collector, p.customer_group, a.aging_bucket, a.bucket_order,
                             sum(a.outstanding_amount)::varchar as outstanding_amount, count(distinct a.customer_id) as customers
                        from marts.rpt_aging a
                        join _site_paths p on p.team is not distinct from a.team and p.collector is not distinct from a.collector
                                          and p.customer_group is not distinct from a.customer_group
                       group by all order by all`,
  "customer-shards.json": `select shard, min(customer_id) as first_customer_id, count(*) as customers
                             from _site_customer_shards group by all order by shard`,
  "name-index.json": `select chunk, min(row.w) as first_word, count(*) as entries from _site_name_words group by all order by chunk`,
  "largest-customers.json": `select customer_id, customer_name, team, collector, customer_group, outstanding_amount, overdue_amount, credit_status
                               from marts.dim_customers order by outstanding_amount desc, customer_id limit 100`,
};

/** Writes one JSON array file per shard into the built site, one COPY per shard. */
export async function writeShards(wh: Warehouse, siteDir: string): Promise<number> {
  let files = 0;
  const sets = [["_site_path_rows", "path_shard", "paths"], ["_site_customer_rows", "shard", "customers"], ["_site_name_words", "chunk", "names"]] as const;
  for (const [table, key, folder] of sets) {
    const dir = join(siteDir, SHARDS_DIR, folder);
    mkdirSync(dir, { recursive: true });
    const shards = await wh.all<{ k: string }>(`select distinct ${key}::varchar as k from ${table} order by 1`);
    for (const { k } of shards) {
      await wh.run(`copy (select unnest(row) from ${table} where ${key} = ${Number(k)}) to ${literal(join(dir, `${k}.json`))} (format json, array true)`);
      files++;
    }
  }
  return files;
}

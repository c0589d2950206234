import type { Warehouse } from "../core/warehouse.ts";

/** A data file of the site: its name under src/data and the query that fills it. */
export interface DataFile {
  name: string;
  sql: string;
}

// Timestamps are stored in UTC without a zone; the page needs ISO 8601 with the Z to show them in
// the reader's own time.
const iso = (column: string) => `strftime(${column}, '%Y-%m-%dT%H:%M:%SZ')`;

/** The rules in the order the page lists them: a customer's, then a document's, then the portfolio's. */
const RULE_ORDER = `list_position(['over_limit', 'near_limit', 'over_max_debt_age', 'overdue', 'broken_promise', 'milestone',
  'portfolio_expected_loss_above', 'portfolio_expected_loss_up', 'portfolio_dso_above', 'portfolio_follow_up_share_below',
  'portfolio_expected_bad_debt_up'], rule)`;
const SECTION_ORDER = "list_position(['milestone', 'promise_due', 'call_first', 'disputed'], section)";

/** Rows a long list keeps (the page says how many there are in all). */
export const ALERT_LIST_ROWS = 500;

/**
 * One row per open breach (the ledger has a row per recipient: a breach told to two fallback
 * addresses is one breach with two recipients).
 */
const OPEN_BREACHES = `
  select breach_key, any_value(rule) as rule, any_value(scope) as scope, any_value(customer_id) as customer_id,
         any_value(customer_name) as customer_name, any_value(collector) as collector, any_value(document_id) as document_id,
         any_value(recipient_role) as recipient_role, string_agg(distinct recipient, ', ' order by recipient) as recipients,
         max(level) as level, max(amount) as amount, min(first_seen_as_of) as first_seen_as_of, max(notified_at) as notified_at
    from marts.rpt_alerts_open_breaches group by breach_key`;

/** The Alerts page's files, from the marts views over the notifier's tables. */
const ALERT_FILES: DataFile[] = [
  {
    name: "alerts-totals.json",
    sql: `select (select count(distinct breach_key) from marts.rpt_alerts_open_breaches)::INTEGER as open_breaches,
                 (select count(distinct customer_id) from marts.rpt_alerts_open_breaches)::INTEGER as customers_in_breach,
                 (select count(*) from marts.rpt_alerts_messages where status = 'pending')::INTEGER as messages_pending,
                 (select count(*) from marts.rpt_alerts_messages where status = 'failed')::INTEGER as messages_failed,
                 (select count(*) from marts.rpt_alerts_messages where status = 'sent')::INTEGER as messages_sent,
                 (select ${iso("max(sent_at)")} from marts.rpt_alerts_messages) as last_sent_at,
                 (select max(as_of_date) from marts.rpt_alerts_work_lists) as work_list_as_of,
                 (select count(*) from marts.rpt_alerts_work_lists)::INTEGER as work_list_items`,
  },
  {
    name: "alerts-by-rule.json",
    // A grouped query orders only by what it selects, so the order goes round it.
    sql: `select * from (
            select rule, recipient_role, collector, count(*)::INTEGER as breaches, count(distinct customer_id)::INTEGER as customers,
                   sum(amount) as amount, max(level) as max_level, min(first_seen_as_of) as oldest_as_of
              from (${OPEN_BREACHES})
             group by all
          ) order by ${RULE_ORDER} nulls last, rule, recipient_role, collector nulls last`,
  },
  {
    name: "alerts-open-breaches.json",
    sql: `select * exclude (notified_at), ${iso("notified_at")} as notified_at from (
            select *, row_number() over (order by ${RULE_ORDER} nulls last, rule, level desc, amount desc nulls last, breach_key)::INTEGER as rank,
                   count(*) over ()::INTEGER as of_total
              from (${OPEN_BREACHES})
          ) where rank <= ${ALERT_LIST_ROWS} order by rank`,
  },
  {
    // A row per list (collector, recipient, message): how many lines each section has. No total
    // amount: a customer's document and the customer itself can both be on a list.
    name: "alerts-work-list-summary.json",
    sql: `select as_of_date, collector, recipient, message_id, any_value(message_status) as message_status, ${iso("any_value(sent_at)")} as sent_at,
                 count(*) filter (where section = 'milestone')::INTEGER as milestone,
                 count(*) filter (where section = 'promise_due')::INTEGER as promise_due,
                 count(*) filter (where section = 'call_first')::INTEGER as call_first,
                 count(*) filter (where section = 'disputed')::INTEGER as disputed
            from marts.rpt_alerts_work_lists
           group by all
           order by collector nulls last, recipient, message_id`,
  },
  {
    name: "alerts-work-lists.json",
    sql: `select * from (
            select collector, recipient, section, rank as section_rank, customer_id, customer_name, document_id, amount, days_past_due,
                   due_date, detail, message_status,
                   row_number() over (order by collector nulls last, recipient, ${SECTION_ORDER}, rank, customer_id, document_id)::INTEGER as rank,
                   count(*) over ()::INTEGER as of_total
              from marts.rpt_alerts_work_lists
          ) where rank <= ${ALERT_LIST_ROWS} order by rank`,
  },
  {
    // Failed first (they need someone), then the pending ones in the order they will be tried.
    name: "alerts-messages-waiting.json",
    sql: `select * from (
            select status, recipient, recipient_role, subject, attempts, as_of_date, ${iso("created_at")} as created_at,
                   ${iso("next_attempt_at")} as next_attempt_at, last_error, breaches, work_list_items,
                   row_number() over (order by status = 'pending', next_attempt_at, created_at, message_id)::INTEGER as rank,
                   count(*) over ()::INTEGER as of_total
              from marts.rpt_alerts_messages where status in ('pending', 'failed')
          ) where rank <= ${ALERT_LIST_ROWS} order by rank`,
  },
  {
    name: "alerts-messages-sent.json",
    sql: `select * from (
            select ${iso("sent_at")} as sent_at, recipient, recipient_role, subject, new_breaches, escalated_breaches, reminder_breaches,
                   work_list_items, attempts, as_of_date, ${iso("created_at")} as created_at, delivered_to,
                   row_number() over (order by sent_at desc, message_id)::INTEGER as rank,
                   count(*) over ()::INTEGER as of_total
              from marts.rpt_alerts_messages where status = 'sent'
          ) where rank <= ${ALERT_LIST_ROWS} order by rank`,
  },
];

/** The data-quality page's list of customers whose breaches go to the fallback addresses. */
const NO_COLLECTOR_ADDRESS: DataFile = {
  name: "no-collector-address.json",
  sql: `select * from (
          select customer_id, customer_name, team, collector, collector_email, address_problem, outstanding_amount, exposure_amount,
                 row_number() over (order by exposure_amount desc nulls last, customer_id)::INTEGER as rank,
                 count(*) over ()::INTEGER as of_total
            from marts.rpt_alerts_no_collector_address
        ) where rank <= ${ALERT_LIST_ROWS} order by rank`,
};

/** A file whose marts this warehouse lacks: its name with an empty list, or a totals row saying so. */
const notBuilt = (file: DataFile): DataFile => ({
  name: file.name,
  sql: file.name.endsWith("totals.json") ? "select true as not_built" : "select null as nothing where false",
});

/**
 * The alerts' data files. A warehouse last built before the alerts marts existed (or by a bare
 * runner without the notifier's tables) has none of them: its pages then say so instead of the
 * site build failing.
 */
export async function alertFiles(wh: Warehouse): Promise<DataFile[]> {
  const rows = await wh.all<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = 'marts' and table_name like 'rpt\\_alerts\\_%' escape '\\'",
  );
  const has = (name: string) => rows.some((r) => r.table_name === name);
  const views = ["rpt_alerts_open_breaches", "rpt_alerts_messages", "rpt_alerts_work_lists"].every(has);
  return [...ALERT_FILES.map((f) => (views ? f : notBuilt(f))), has("rpt_alerts_no_collector_address") ? NO_COLLECTOR_ADDRESS : notBuilt(NO_COLLECTOR_ADDRESS)];
}

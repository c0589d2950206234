import type { Warehouse } from "../core/warehouse.ts";
import type { DataFile } from "./export-alerts.ts";

// The marts keep instants as TIMESTAMPTZ, which reads back in the session's time zone; the page
// needs ISO 8601 in UTC with the Z to show them in the reader's own time.
const iso = (column: string) => `strftime(${column} at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ')`;

/** Rows the recent checks keep (the page says how many there are in all). */
export const RECENT_CHECKS = 200;
/** Rows the holds and the overrides keep. */
export const CREDIT_LIST_ROWS = 500;

/** The Credit checks page's files, from marts.rpt_credit_holds and marts.fct_credit_checks. */
const CREDIT_FILES: DataFile[] = [
  {
    name: "credit-checks-totals.json",
    sql: `select (select count(*) from marts.rpt_credit_holds where decision = 'hold')::INTEGER as on_hold,
                 (select count(*) from marts.rpt_credit_holds where decision = 'block')::INTEGER as blocked,
                 (select max(as_of_date) from marts.rpt_credit_holds) as holds_as_of,
                 (select count(*) from marts.fct_credit_checks)::INTEGER as checks,
                 (select count(*) from marts.fct_credit_checks where decision in ('hold', 'block') and not may_proceed)::INTEGER as checks_stopped,
                 (select count(*) from marts.fct_credit_checks where overridden_by is not null and override_from_check_id is null)::INTEGER as overrides,
                 (select ${iso("max(checked_at)")} from marts.fct_credit_checks) as last_checked_at`,
  },
  {
    // Blocks first, then holds, the largest exposure first in each.
    name: "credit-holds.json",
    sql: `select * exclude (override_until), ${iso("override_until")} as override_until from (
            select decision, customer_id, customer_name, team, collector, reason_codes, reasons, exposure_amount, credit_limit,
                   pending_approvals_amount, overdue_amount, max_days_past_due, behaviour_class, override_until,
                   row_number() over (order by decision = 'hold', exposure_amount desc nulls last, customer_id)::INTEGER as rank,
                   count(*) over ()::INTEGER as of_total
              from marts.rpt_credit_holds
          ) where rank <= ${CREDIT_LIST_ROWS} order by rank`,
  },
  {
    name: "credit-checks-recent.json",
    sql: `select * exclude (checked_at), ${iso("checked_at")} as checked_at from (
            select checked_at, check_id, source, customer_id, customer_name, order_id, amount, decision, may_proceed, reason_codes, reasons,
                   exposure_after_amount, credit_limit, overridden_by,
                   row_number() over (order by checked_at desc, check_id)::INTEGER as rank,
                   count(*) over ()::INTEGER as of_total
              from marts.fct_credit_checks
          ) where rank <= ${RECENT_CHECKS} order by rank`,
  },
  {
    // The overrides people gave (a check let through by a standing override is not one), latest first.
    name: "credit-overrides.json",
    sql: `select * exclude (overridden_at, override_until), ${iso("overridden_at")} as overridden_at, ${iso("override_until")} as override_until from (
            select overridden_at, overridden_by, override_reason, check_id, customer_id, customer_name, order_id, amount, decision,
                   reason_codes, override_up_to_amount, override_until,
                   row_number() over (order by overridden_at desc, check_id)::INTEGER as rank,
                   count(*) over ()::INTEGER as of_total
              from marts.fct_credit_checks
             where overridden_by is not null and override_from_check_id is null
          ) where rank <= ${CREDIT_LIST_ROWS} order by rank`,
  },
];

/** A file whose marts this warehouse lacks: its name with an empty list, or a totals row saying so. */
const notBuilt = (file: DataFile): DataFile => ({
  name: file.name,
  sql: file.name.endsWith("totals.json") ? "select true as not_built" : "select null as nothing where false",
});

/**
 * The credit checks' data files. A warehouse last built before these marts existed (or by a bare
 * runner without the credit tables) has none of them: its page then says so instead of the site
 * build failing.
 */
export async function creditCheckFiles(wh: Warehouse): Promise<DataFile[]> {
  const rows = await wh.all<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = 'marts' and table_name in ('fct_credit_checks', 'rpt_credit_holds')",
  );
  const built = rows.length === 2;
  return CREDIT_FILES.map((f) => (built ? f : notBuilt(f)));
}

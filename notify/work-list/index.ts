// The collectors' daily work list: one SQL file per section (milestone, promise_due, call_first,
// disputed), evaluated in one statement into the temp table notify_work_list, for the recipients
// that have not had their list for this as-of date yet (notify.work_list_items is the record:
// a list is sent at most once per recipient and as-of date, however often notify runs).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../core/paths.ts";
import type { Config } from "../../core/config.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import type { WorkListSection } from "../schema.ts";
import { usedParams } from "../rules/index.ts";

export const SECTIONS: readonly WorkListSection[] = ["milestone", "promise_due", "call_first", "disputed"];

/** Promises to pay falling due: open promises dated within this many days of the as-of date. */
export const PROMISE_WINDOW_DAYS = 7;

/**
 * Builds notify_work_list (recipient, section, customer_id, document_id, amount, days_past_due,
 * due_date, detail, rank). Needs notify_recipients, notify_disputed_documents and notify_changes.
 */
export async function buildWorkList(wh: Warehouse, opts: { asOf: string; workList: Config["notify"]["workList"] }): Promise<void> {
  // From the package root, not this module's URL: the CLI runs from a bundle elsewhere.
  const sections = SECTIONS.map((s) => readFileSync(join(PACKAGE_ROOT, "notify", "work-list", `${s}.sql`), "utf8"));
  const sql = `create or replace temp table notify_work_list as
    select * from (
      ${sections.map((s) => `(\n${s}\n)`).join("\nunion all by name\n")}
    ) as items
    where not exists (
      select 1 from notify.work_list_items as sent
      where sent.as_of_date = $as_of::date and sent.recipient = items.recipient
    )`;
  await wh.run(sql, usedParams(sql, { as_of: opts.asOf, call_first: opts.workList.callFirst, promise_window_days: PROMISE_WINDOW_DAYS }));
}

// Digest assembly, the one part done per recipient in JS: the breaches to tell (notify_changes) and
// the work lists (notify_work_list) are read in two queries, one ordered JSON array per recipient,
// and put together into one Digest per recipient. A recipient's digest holds only rows whose recipient is that address, which the SQL
// chose from the customer's own collector_email (or the fallback / finance lists).
import { randomUUID } from "node:crypto";
import type { Config } from "../core/config.ts";
import type { Warehouse } from "../core/warehouse.ts";
import type { AgingPath, Digest, DigestBreach, WorkListEntry } from "./digest.ts";
import { RULE_NAMES } from "./rules/index.ts";
import type { RecipientRole } from "./schema.ts";
import { SECTIONS } from "./work-list/index.ts";

/** One recipient's part of a query: its breaches or work-list entries as one JSON array. */
interface RecipientJson {
  recipient: string;
  items: string;
}

interface RecipientRow {
  recipient: string;
  collector: string | null;
  is_collector: boolean;
  is_fallback: boolean;
}

export interface AssembleOptions {
  asOf: string;
  currency: string;
  config: Config;
  /** A new Message-ID (without angle brackets) for each digest. */
  newMessageId?: () => string;
  /** When the messages are recorded (their Date header), an ISO 8601 instant. */
  date?: string;
}

/** One Digest per recipient with something to tell or a work list not sent yet, ordered by recipient. */
export async function assembleDigests(wh: Warehouse, opts: AssembleOptions): Promise<Digest[]> {
  // DuckDB writes each recipient's rows as one JSON array (in the digest's own field names), which
  // JSON.parse reads far faster than rows converted value by value: at 1M documents a first run
  // tells ~100,000 breaches. With the work list in the digest, its milestone section reports the
  // milestone breaches; a second digest of the day (the list already sent) reports them as breaches.
  const breachRows = await wh.all<RecipientJson>(
    `select c.recipient,
            '[' || string_agg(json_object(
                'breachId', b.breach_id::varchar, 'rule', b.rule, 'change', c.change, 'level', b.level,
                'customerId', b.customer_id, 'customerName', d.customer_name, 'documentId', b.document_id,
                'amount', b.amount::varchar, 'facts', coalesce(b.facts, '{}'::json), 'firstSeenAsOf', b.first_seen_as_of::varchar,
                'agingPath', ${AGING_PATH_SQL}
            )::varchar, ',' order by list_position($rules::varchar[], b.rule), b.level desc, b.amount desc nulls last,
                                     b.customer_id, b.document_id) || ']' as items
     from notify_changes as c
     join notify.breaches as b using (breach_id)
     left join marts.dim_customers as d on d.customer_id = b.customer_id
     where not (b.rule = 'milestone' and c.recipient in (select recipient from notify_work_list))
     group by c.recipient`,
    { rules: JSON.stringify(RULE_NAMES) },
  );
  const workRows = await wh.all<RecipientJson>(
    `select w.recipient,
            '[' || string_agg(json_object(
                'section', w.section, 'rank', w.rank, 'customerId', w.customer_id, 'customerName', d.customer_name,
                'documentId', w.document_id, 'amount', w.amount::varchar, 'daysPastDue', w.days_past_due,
                'dueDate', w.due_date::varchar, 'detail', w.detail, 'agingPath', ${AGING_PATH_SQL}
            )::varchar, ',' order by list_position($sections::varchar[], w.section), w.rank) || ']' as items
     from notify_work_list as w
     left join marts.dim_customers as d on d.customer_id = w.customer_id
     group by w.recipient`,
    { sections: JSON.stringify(SECTIONS) },
  );
  const recipients = await wh.all<RecipientRow>(
    `select recipient,
            min(collector) filter (where recipient_role = 'collector') as collector,
            bool_or(recipient_role = 'collector') as is_collector,
            bool_or(recipient_role = 'fallback') as is_fallback
     from notify_recipients
     group by all`,
  );
  const who = new Map(recipients.map((r) => [r.recipient, r]));

  const breachesOf = new Map(breachRows.map((r) => [r.recipient, withoutNullPaths(JSON.parse(r.items) as DigestBreach[])]));
  const workOf = new Map(workRows.map((r) => [r.recipient, withoutNullPaths(JSON.parse(r.items) as WorkListEntry[])]));
  const addresses = [...new Set([...breachesOf.keys(), ...workOf.keys()])].sort();
  const newMessageId = opts.newMessageId ?? (() => `${randomUUID()}@arwatch`);
  const { config } = opts;

  return addresses.map((recipient): Digest => {
    const workList = workOf.get(recipient) ?? [];
    const breaches = breachesOf.get(recipient) ?? [];
    const info = who.get(recipient);
    const role: RecipientRole = info?.is_collector ? "collector" : info?.is_fallback ? "fallback" : "finance";
    return {
      messageId: newMessageId(),
      recipient,
      role,
      collector: role === "collector" ? (info?.collector ?? null) : null,
      locale: config.site.locale,
      currency: opts.currency,
      asOf: opts.asOf,
      siteBaseUrl: config.site.baseUrl ?? null,
      from: config.notify.from,
      siteTitle: config.site.title,
      breaches,
      workList,
      ...(opts.date ? { date: opts.date } : {}),
    };
  });
}

/** The drill-down path of a customer known to dim_customers; none for the portfolio. */
const AGING_PATH_SQL = `case when d.customer_id is not null
    then json_object('team', d.team, 'collector', d.collector, 'group', d.customer_group) end`;

/** agingPath is optional in a digest: a portfolio breach has none rather than null. */
function withoutNullPaths<T extends { agingPath?: AgingPath | null }>(items: T[]): T[] {
  for (const item of items) if (item.agingPath === null) delete item.agingPath;
  return items;
}

/**
 * Why a digest is sent, in one line: each breach by change, rule and customer (the milestones the
 * work list reports included), then the rest of the work list by section.
 */
export function digestReason(digest: Digest, maxItems = 6): string {
  const parts = [
    ...digest.breaches.map((b) => {
      const who = b.documentId ? `${b.customerId} ${b.documentId}` : (b.customerId ?? "portfolio");
      return `${b.change} ${b.rule}${b.level > 1 ? ` level ${b.level}` : ""} (${who})`;
    }),
    ...digest.workList.filter((e) => e.section === "milestone").map((e) => `milestone ${e.detail} days (${e.customerId} ${e.documentId})`),
  ];
  const shown = parts.slice(0, maxItems);
  if (parts.length > maxItems) shown.push(`and ${parts.length - maxItems} more`);
  const sections = SECTIONS.filter((s) => s !== "milestone")
    .map((s) => [s, digest.workList.filter((e) => e.section === s).length] as const)
    .filter(([, n]) => n > 0);
  if (sections.length > 0) shown.push(`work list: ${sections.map(([s, n]) => `${n} ${s}`).join(", ")}`);
  return shown.join("; ");
}

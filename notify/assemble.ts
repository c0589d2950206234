// Digest assembly, the one part done per recipient in JS: the rows to tell (notify_changes) and the
// work lists (notify_work_list) are read in two ordered queries and grouped into one Digest per
// recipient. A recipient's digest holds only rows whose recipient is that address, which the SQL
// chose from the customer's own collector_email (or the fallback / finance lists).
import { randomUUID } from "node:crypto";
import type { Config } from "../core/config.ts";
import type { Warehouse } from "../core/warehouse.ts";
import type { AgingPath, BreachChange, Digest, DigestBreach, WorkListEntry } from "./digest.ts";
import { RULE_NAMES } from "./rules/index.ts";
import type { RecipientRole, WorkListSection } from "./schema.ts";
import { SECTIONS } from "./work-list/index.ts";

/** The customer's place in the aging drill-down (team → collector → group), from dim_customers. */
interface PathColumns {
  has_path: boolean;
  team: string | null;
  collector: string | null;
  customer_group: string | null;
}

interface ChangeRow extends PathColumns {
  recipient: string;
  change: BreachChange;
  breach_id: string;
  rule: string;
  level: number;
  customer_id: string | null;
  customer_name: string | null;
  document_id: string | null;
  amount: string | null;
  facts: string | null;
  first_seen_as_of: string;
}

interface WorkRow extends PathColumns {
  recipient: string;
  section: WorkListSection;
  rank: number | string;
  customer_id: string;
  customer_name: string | null;
  document_id: string | null;
  amount: string | null;
  days_past_due: number | null;
  due_date: string | null;
  detail: string | null;
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
  const changes = await wh.all<ChangeRow>(
    `select c.recipient, c.change, b.breach_id, b.rule, b.level, b.customer_id, d.customer_name, b.document_id,
            b.amount, b.facts::varchar as facts, b.first_seen_as_of,
            d.customer_id is not null as has_path, d.team, d.collector, d.customer_group
     from notify_changes as c
     join notify.breaches as b using (breach_id)
     left join marts.dim_customers as d on d.customer_id = b.customer_id
     order by c.recipient, list_position($rules::varchar[], b.rule), b.level desc, b.amount desc nulls last,
              b.customer_id, b.document_id`,
    { rules: JSON.stringify(RULE_NAMES) },
  );
  const work = await wh.all<WorkRow>(
    `select w.recipient, w.section, w.rank, w.customer_id, d.customer_name, w.document_id, w.amount,
            w.days_past_due, w.due_date, w.detail,
            d.customer_id is not null as has_path, d.team, d.collector, d.customer_group
     from notify_work_list as w
     left join marts.dim_customers as d using (customer_id)
     order by w.recipient, list_position($sections::varchar[], w.section), w.rank`,
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

  const breachesOf = groupBy(changes, (r) => r.recipient);
  const workOf = groupBy(work, (r) => r.recipient);
  const addresses = [...new Set([...breachesOf.keys(), ...workOf.keys()])].sort();
  const newMessageId = opts.newMessageId ?? (() => `${randomUUID()}@arwatch`);
  const { config } = opts;

  return addresses.map((recipient): Digest => {
    const workList = (workOf.get(recipient) ?? []).map(toEntry);
    // With the work list in the digest, its milestone section reports the milestone breaches; a
    // second digest of the day (the list already sent) reports them as breaches instead.
    const breaches = (breachesOf.get(recipient) ?? [])
      .filter((r) => !(workList.length > 0 && r.rule === "milestone"))
      .map(toBreach);
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

function toBreach(r: ChangeRow): DigestBreach {
  return {
    breachId: String(r.breach_id),
    rule: r.rule,
    change: r.change,
    level: Number(r.level),
    customerId: r.customer_id,
    customerName: r.customer_name,
    documentId: r.document_id,
    amount: r.amount,
    facts: r.facts ? (JSON.parse(r.facts) as Record<string, string | number | null>) : {},
    firstSeenAsOf: r.first_seen_as_of,
    ...agingPath(r),
  };
}

function toEntry(r: WorkRow): WorkListEntry {
  return {
    section: r.section,
    rank: Number(r.rank),
    customerId: r.customer_id,
    customerName: r.customer_name,
    documentId: r.document_id,
    amount: r.amount,
    daysPastDue: r.days_past_due === null ? null : Number(r.days_past_due),
    dueDate: r.due_date,
    detail: r.detail,
    ...agingPath(r),
  };
}

function agingPath(r: PathColumns): { agingPath?: AgingPath } {
  return r.has_path ? { agingPath: { team: r.team, collector: r.collector, group: r.customer_group } } : {};
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
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

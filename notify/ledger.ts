// The breach ledger (notify.breaches): what the rules find now, compared with what was told before.
// Set-based: a handful of statements a run, whatever the number of customers. A breach is one row
// per episode and recipient; it is told when it is new, when it escalates (a higher level, or an
// amount larger by notify.escalationStep), or as a reminder once notify.renotifyDays have passed
// since it was last told; it is resolved when the rules no longer find it, and if it comes back it
// is a new episode. Everything is decided from stored state and the as-of date, never from "is
// today the day", so a run that was missed is caught up and a second run of the day finds nothing.
import type { Config } from "../core/config.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { isValidAddress } from "./render/address.ts";
import { candidatesStatement, readRuleSql, usedParams } from "./rules/index.ts";

export interface LedgerCounts {
  new: number;
  escalated: number;
  reminder: number;
  resolved: number;
}

/** The breach key: rule|customer_id|document_id, with \ and | escaped so that no two breaches share one. */
const BREACH_KEY_SQL = `c.rule || '|' || replace(replace(coalesce(c.customer_id, ''), '\\', '\\\\'), '|', '\\|')
        || '|' || replace(replace(coalesce(c.document_id, ''), '\\', '\\\\'), '|', '\\|')`;

/**
 * Evaluates the rules into temp tables: notify_disputed_documents, notify_recipients (customer →
 * recipient), notify_candidates (what is in breach now) and notify_current (each candidate with its
 * recipients: the collector, else every fallback address; portfolio rules to every finance address).
 */
export async function evaluateRules(wh: Warehouse, notify: Config["notify"]): Promise<void> {
  await wh.run(readRuleSql("setup/disputed_documents.sql"));
  // The distinct collector addresses are few (one per collector): each is checked once with the
  // notifier's own address check, the one the renderer and delivery apply.
  const addresses = await wh.all<{ address: string }>(
    "select distinct lower(trim(collector_email)) as address from marts.dim_customers where collector_email is not null",
  );
  const valid = addresses.map((a) => a.address).filter((a) => isValidAddress(a));
  const recipientsSql = readRuleSql("setup/recipients.sql");
  await wh.run(
    recipientsSql,
    usedParams(recipientsSql, { fallback_recipients: JSON.stringify(notify.fallbackRecipients), valid_addresses: JSON.stringify(valid) }),
  );
  const candidates = candidatesStatement(notify);
  await wh.run(candidates.sql, candidates.params);
  await wh.run(
    `create or replace temp table notify_current as
     select c.rule, c.scope, c.customer_id, c.document_id, ${BREACH_KEY_SQL} as breach_key,
            r.recipient, r.recipient_role, c.level, c.amount, c.facts
     from notify_candidates as c
     join notify_recipients as r on r.customer_id = c.customer_id
     where c.scope <> 'portfolio'
     union all
     select c.rule, c.scope, c.customer_id, c.document_id, ${BREACH_KEY_SQL} as breach_key,
            f.recipient, 'finance' as recipient_role, c.level, c.amount, c.facts
     from notify_candidates as c
     cross join (select distinct lower(trim(address)) as recipient from unnest($finance::varchar[]) as t(address)) as f
     where c.scope = 'portfolio'`,
    { finance: JSON.stringify(notify.financeRecipients) },
  );
}

/**
 * Brings the ledger up to date with notify_current and leaves in notify_changes the breaches to
 * tell this run (breach_id, recipient, change: new, escalated or reminder). `now` is the UTC
 * timestamp text stored in first_seen_at / resolved_at.
 */
export async function updateLedger(wh: Warehouse, opts: { asOf: string; now: string; notify: Config["notify"] }): Promise<LedgerCounts> {
  const { asOf, now, notify } = opts;
  await wh.run(
    `create or replace temp table notify_matched as
     select cur.*, open.breach_id
     from notify_current as cur
     left join (select breach_id, breach_key, recipient from notify.breaches where resolved_at is null) as open
         on open.breach_key = cur.breach_key and open.recipient = cur.recipient`,
  );
  await wh.run(
    `create or replace temp table notify_resolved as
     select breach_id from notify.breaches
     where resolved_at is null
         and breach_id not in (select breach_id from notify_matched where breach_id is not null)`,
  );
  await wh.run(
    `update notify.breaches set resolved_at = $now::timestamp, resolved_as_of = $as_of::date
     where breach_id in (select breach_id from notify_resolved)`,
    { now, as_of: asOf },
  );
  await wh.run(
    `update notify.breaches as b
     set level = m.level, amount = m.amount, facts = m.facts, recipient_role = m.recipient_role, last_seen_as_of = $as_of::date
     from notify_matched as m
     where m.breach_id = b.breach_id`,
    { as_of: asOf },
  );
  await wh.run(
    `insert into notify.breaches (breach_key, rule, scope, customer_id, document_id, recipient, recipient_role,
                                  level, amount, facts, first_seen_at, first_seen_as_of, last_seen_as_of)
     select breach_key, rule, scope, customer_id, document_id, recipient, recipient_role,
            level, amount, facts, $now::timestamp, $as_of::date, $as_of::date
     from notify_matched
     where breach_id is null`,
    { now, as_of: asOf },
  );
  // Every open breach was seen this run (the others were just resolved).
  await wh.run(
    `create or replace temp table notify_changes as
     select breach_id, recipient, recipient_role, rule, change
     from (
         select
             *,
             case
                 when notified_at is null then 'new'
                 when level > notified_level then 'escalated'
                 when amount > notified_amount and amount >= notified_amount * (1 + $step::double) then 'escalated'
                 when $as_of::date >= notified_as_of + $renotify_days::integer then 'reminder'
             end as change,
         from notify.breaches
         where resolved_at is null
     )
     where change is not null`,
    { as_of: asOf, step: notify.escalationStep, renotify_days: notify.renotifyDays },
  );
  const rows = await wh.all<{ change: string; n: string }>(
    `select change, count(*) as n from notify_changes group by all
     union all
     select 'resolved', count(*) from notify_resolved`,
  );
  const counts: LedgerCounts = { new: 0, escalated: 0, reminder: 0, resolved: 0 };
  for (const r of rows) counts[r.change as keyof LedgerCounts] += Number(r.n);
  return counts;
}

/** Marks this run's changes as told: when, at which level and amount, as of which date. */
export async function markNotified(wh: Warehouse, opts: { asOf: string; now: string }): Promise<void> {
  await wh.run(
    `update notify.breaches as b
     set notified_at = $now::timestamp,
         notified_level = greatest(coalesce(b.notified_level, b.level), b.level),
         notified_amount = b.amount,
         notified_as_of = $as_of::date
     from notify_changes as c
     where c.breach_id = b.breach_id`,
    { now: opts.now, as_of: opts.asOf },
  );
}

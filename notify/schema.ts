// The operational tables of the notifier: the breach ledger, the outbox and what each message
// carried. They live in schema `notify`, beside the marts, and are written only by `arwatch notify`
// (the site reads them through marts views). Money is DECIMAL(38,2) and comes back as an exact string.
import type { Warehouse } from "../core/warehouse.ts";

export const NOTIFY_SCHEMA_SQL = `
create schema if not exists notify;
create sequence if not exists notify.breach_id_seq;

-- One row per episode of a breach: rule x customer (x document where the rule is per document, or
-- the portfolio). Open while resolved_at is null; at most one open row per breach_key. A breach that
-- comes back after it was resolved is a new row (a new episode), so it is notified again.
create table if not exists notify.breaches (
    breach_id bigint primary key default nextval('notify.breach_id_seq'),
    breach_key varchar not null,          -- rule|customer_id|document_id (empty parts for none)
    rule varchar not null,                -- over_limit, near_limit, over_max_debt_age, overdue, broken_promise, milestone, portfolio_*
    scope varchar not null,               -- customer, document or portfolio
    customer_id varchar,
    document_id varchar,
    recipient varchar not null,           -- the address the breach is told to
    recipient_role varchar not null,      -- collector, fallback (no valid collector address) or finance
    level integer not null,               -- higher is worse; escalation is a higher level
    amount decimal(38, 2),                -- what the breach is about (overdue balance, exposure over limit, ...)
    facts json,                           -- the figures a message shows (limit, exposure, days past due, ...)
    first_seen_at timestamp not null,
    first_seen_as_of date not null,
    last_seen_as_of date not null,
    notified_at timestamp,                -- when the last message about it was recorded (null: never)
    notified_level integer,
    notified_amount decimal(38, 2),
    notified_as_of date,                  -- the as-of date it was last told (renotifyDays count in as-of days)
    resolved_at timestamp,
    resolved_as_of date
);

-- The outbox. A message is recorded whole (raw_mime, with its Message-ID) in the same transaction as
-- the ledger changes it reports, before any delivery; delivery only changes status. A retry sends the
-- same bytes, so a re-send after a crash carries the same Message-ID.
create table if not exists notify.messages (
    message_id varchar primary key,       -- the Message-ID without angle brackets, e.g. 3f2…@arwatch
    run_id varchar,                       -- the arwatch run that recorded it (null for a bare notify)
    created_at timestamp not null,
    as_of_date date not null,
    recipient varchar not null,
    recipient_role varchar not null,      -- collector, fallback or finance
    locale varchar not null,
    subject varchar not null,
    raw_mime varchar not null,
    status varchar not null,              -- pending, sent or failed (failed is final)
    attempts integer not null default 0,
    next_attempt_at timestamp not null,   -- a pending message is not tried before this
    last_error varchar,
    sent_at timestamp,
    delivered_to varchar                  -- smtp (with the server's answer) or the .eml file written
);

-- What each message reported: a breach (new, escalated or reminder) ...
create table if not exists notify.message_breaches (
    message_id varchar not null,
    breach_id bigint not null,
    change varchar not null               -- new, escalated or reminder (renotifyDays passed)
);

-- ... and each collector's work list as sent (one list per collector and as-of date).
create table if not exists notify.work_list_items (
    message_id varchar not null,
    as_of_date date not null,
    recipient varchar not null,
    collector varchar,
    section varchar not null,             -- milestone, promise_due, call_first or disputed
    rank integer not null,                -- order within the section
    customer_id varchar not null,
    document_id varchar,
    amount decimal(38, 2),
    days_past_due integer,
    due_date date,
    detail varchar                        -- e.g. the milestone reached, or the promised date
);
`;

/** Creates the notify schema and its tables if they are not there yet (idempotent). */
export async function ensureNotifySchema(wh: Warehouse): Promise<void> {
  await wh.run(NOTIFY_SCHEMA_SQL);
}

/** Kysely's view of the tables: DECIMAL and BIGINT as exact strings, DATE 'YYYY-MM-DD', TIMESTAMP as text. */
export interface NotifyTables {
  "notify.breaches": {
    breach_id: string;
    breach_key: string;
    rule: string;
    scope: "customer" | "document" | "portfolio";
    customer_id: string | null;
    document_id: string | null;
    recipient: string;
    recipient_role: RecipientRole;
    level: number;
    amount: string | null;
    facts: string | null;
    first_seen_at: string;
    first_seen_as_of: string;
    last_seen_as_of: string;
    notified_at: string | null;
    notified_level: number | null;
    notified_amount: string | null;
    notified_as_of: string | null;
    resolved_at: string | null;
    resolved_as_of: string | null;
  };
  "notify.messages": {
    message_id: string;
    run_id: string | null;
    created_at: string;
    as_of_date: string;
    recipient: string;
    recipient_role: RecipientRole;
    locale: string;
    subject: string;
    raw_mime: string;
    status: "pending" | "sent" | "failed";
    attempts: number;
    next_attempt_at: string;
    last_error: string | null;
    sent_at: string | null;
    delivered_to: string | null;
  };
  "notify.message_breaches": { message_id: string; breach_id: string; change: "new" | "escalated" | "reminder" };
  "notify.work_list_items": {
    message_id: string;
    as_of_date: string;
    recipient: string;
    collector: string | null;
    section: WorkListSection;
    rank: number;
    customer_id: string;
    document_id: string | null;
    amount: string | null;
    days_past_due: number | null;
    due_date: string | null;
    detail: string | null;
  };
}

export type RecipientRole = "collector" | "fallback" | "finance";
export type WorkListSection = "milestone" | "promise_due" | "call_first" | "disputed";

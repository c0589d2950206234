import type { Warehouse } from "../../core/warehouse.ts";
import { ensureNotifySchema } from "../../notify/schema.ts";
import { insertRaw } from "../helpers/warehouse.ts";

/*
 * The alerts' worked example, as of 2024-03-31, written by hand (no notifier runs here).
 *
 * Customers: A "Ayutthaya Steel" (T1, Ann, ann@example.com, limit 1,000), B a hostile name
 * (T1, Bob, no address), C "Chiang Mai Paper" (T2, Cat, "cat at example.com": not an address),
 * D known only from its invoice. Invoices: A1 1,200.00 (A, due 2024-02-15), B1 500.00 (B, due
 * 2024-01-31), C1 300.00 (C, due 2024-04-30), D1 200.00 (D, due 2024-03-01).
 * → no collector address, by exposure: B 500.00 missing, C 300.00 invalid, D 200.00 not in the extract.
 *
 * Ledger: 1 over_limit|A (Ann, level 1, 200.00); 2 and 3 overdue|B to the two fallback
 * addresses (level 2, 500.00); 4 overdue|A resolved; 5 portfolio_dso_above to finance (61.50);
 * 6 milestone|A|A1 (Ann, level 2, 1,200.00).
 * → open: 5 ledger rows, 4 breaches, 2 customers (A, B).
 *
 * Outbox: m0 sent 2024-03-30 (breach 1 new, 1 work-list line as of 2024-03-30); m1 sent
 * 2024-03-31 01:05 after 2 attempts (breach 6 new, Ann's list as of 2024-03-31: milestone A1,
 * call_first A, disputed A7); m2 pending to ar-team (breach 2 new; subject with the hostile
 * name); m3 failed to ar-lead (breach 3 new, 550); m4 sent 2024-03-31 01:00:03 to finance (5 new).
 * → pending 1, failed 1, sent 3; latest work list 2024-03-31 with 3 lines.
 */
export const AS_OF = "2024-03-31";
export const HOSTILE = "<img src=x onerror=alert(1)>\r\nBcc: all@example.com";

export async function insertAlertsLedger(wh: Warehouse): Promise<void> {
  await insertRaw(wh, "customers", [
    { customer_id: "A", customer_name: "Ayutthaya Steel", team: "T1", collector: "Ann", collector_email: "ann@example.com", credit_limit: "1000.00" },
    { customer_id: "B", customer_name: HOSTILE, team: "T1", collector: "Bob", collector_email: null, credit_limit: "5000.00" },
    { customer_id: "C", customer_name: "Chiang Mai Paper", team: "T2", collector: "Cat", collector_email: "cat at example.com", credit_limit: "5000.00" },
  ]);
  const invoice = (document_id: string, customer_id: string, due_date: string, amount: string) =>
    ({ document_id, customer_id, document_type: "invoice", document_date: "2024-01-01", due_date, amount });
  await insertRaw(wh, "invoices", [
    invoice("A1", "A", "2024-02-15", "1200.00"),
    invoice("B1", "B", "2024-01-31", "500.00"),
    invoice("C1", "C", "2024-04-30", "300.00"),
    invoice("D1", "D", "2024-03-01", "200.00"),
  ]);
}

/** What `arwatch notify` would have left behind, row by row (timestamps in UTC). */
export async function insertNotifyRows(wh: Warehouse): Promise<void> {
  await ensureNotifySchema(wh);
  const breach = (
    id: number, key: string, rule: string, scope: string, customer: string | null, document: string | null,
    recipient: string, role: string, level: number, amount: string, firstSeenAsOf: string, resolved: boolean,
  ) => [id, key, rule, scope, customer, document, recipient, role, level, amount, `${firstSeenAsOf} 01:00:00`, firstSeenAsOf, AS_OF,
    `${firstSeenAsOf} 01:00:00`, level, amount, resolved ? `${AS_OF} 01:00:00` : null, resolved ? AS_OF : null];
  const breaches = [
    breach(1, "over_limit|A|", "over_limit", "customer", "A", null, "ann@example.com", "collector", 1, "200.00", "2024-03-30", false),
    breach(2, "overdue|B|", "overdue", "customer", "B", null, "ar-team@example.com", "fallback", 2, "500.00", AS_OF, false),
    breach(3, "overdue|B|", "overdue", "customer", "B", null, "ar-lead@example.com", "fallback", 2, "500.00", AS_OF, false),
    breach(4, "overdue|A|", "overdue", "customer", "A", null, "ann@example.com", "collector", 1, "1200.00", "2024-03-30", true),
    breach(5, "portfolio_dso_above||", "portfolio_dso_above", "portfolio", null, null, "finance@example.com", "finance", 1, "61.50", AS_OF, false),
    breach(6, "milestone|A|A1", "milestone", "document", "A", "A1", "ann@example.com", "collector", 2, "1200.00", AS_OF, false),
  ];
  for (const row of breaches) {
    await wh.run(
      `insert into notify.breaches (breach_id, breach_key, rule, scope, customer_id, document_id, recipient, recipient_role, level, amount,
         first_seen_at, first_seen_as_of, last_seen_as_of, notified_at, notified_level, notified_amount, resolved_at, resolved_as_of)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::DECIMAL(38,2), $11::TIMESTAMP, $12::DATE, $13::DATE, $14::TIMESTAMP, $15, $16::DECIMAL(38,2),
               $17::TIMESTAMP, $18::DATE)`,
      row,
    );
  }
  const message = (
    id: string, createdAt: string, asOf: string, recipient: string, role: string, subject: string, status: string,
    attempts: number, lastError: string | null, sentAt: string | null, deliveredTo: string | null,
  ) => [`${id}@arwatch`, createdAt, asOf, recipient, role, "en", subject, `Message-ID: <${id}@arwatch>\r\n\r\nbody`, status, attempts,
    status === "pending" ? "2024-03-31 01:10:00" : createdAt, lastError, sentAt, deliveredTo];
  const messages = [
    message("m0", "2024-03-30 01:00:00", "2024-03-30", "ann@example.com", "collector", "arwatch: 1 new breach, work list", "sent", 1, null, "2024-03-30 01:00:02", "smtp: 250 OK m0"),
    message("m1", "2024-03-31 01:00:00", AS_OF, "ann@example.com", "collector", "arwatch: 1 new breach, work list", "sent", 2, "421 busy", "2024-03-31 01:05:00", "smtp: 250 OK m1"),
    message("m2", "2024-03-31 01:00:00", AS_OF, "ar-team@example.com", "fallback", `Overdue: ${HOSTILE}`, "pending", 1, "421 4.7.0 try again later", null, null),
    message("m3", "2024-03-31 01:00:00", AS_OF, "ar-lead@example.com", "fallback", "Overdue: 1 customer", "failed", 1, "550 5.1.1 <ar-lead@example.com>: no such user", null, null),
    message("m4", "2024-03-31 01:00:00", AS_OF, "finance@example.com", "finance", "arwatch: DSO above target", "sent", 1, null, "2024-03-31 01:00:03", "smtp: 250 OK m4"),
  ];
  for (const row of messages) {
    await wh.run(
      `insert into notify.messages (message_id, created_at, as_of_date, recipient, recipient_role, locale, subject, raw_mime, status, attempts,
         next_attempt_at, last_error, sent_at, delivered_to)
       values ($1, $2::TIMESTAMP, $3::DATE, $4, $5, $6, $7, $8, $9, $10, $11::TIMESTAMP, $12, $13::TIMESTAMP, $14)`,
      row,
    );
  }
  for (const [message, breachId] of [["m0", 1], ["m1", 6], ["m2", 2], ["m3", 3], ["m4", 5]] as const) {
    await wh.run("insert into notify.message_breaches values ($1, $2, 'new')", [`${message}@arwatch`, breachId]);
  }
  const item = (message: string, asOf: string, section: string, customer: string, document: string | null, amount: string, days: number | null, due: string | null, detail: string | null) =>
    [`${message}@arwatch`, asOf, "ann@example.com", "Ann", section, 1, customer, document, amount, days, due, detail];
  const items = [
    item("m0", "2024-03-30", "call_first", "A", null, "1200.00", null, null, null),
    item("m1", AS_OF, "milestone", "A", "A1", "1200.00", 45, "2024-02-15", "30"),
    item("m1", AS_OF, "call_first", "A", null, "1200.00", null, null, null),
    item("m1", AS_OF, "disputed", "A", "A7", "90.00", 12, "2024-03-19", null),
  ];
  for (const row of items) {
    await wh.run(
      `insert into notify.work_list_items values ($1, $2::DATE, $3, $4, $5, $6, $7, $8, $9::DECIMAL(38,2), $10, $11::DATE, $12)`,
      row,
    );
  }
}

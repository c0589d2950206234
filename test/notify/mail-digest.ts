// A collector's digest worked by hand for the renderer and delivery tests: two alerts and a work
// list with every section but promise_due, in USD, linking to a site under a sub-path. The tests
// write their expectations from these values, not from the renderer's output.
import { kyselyOver } from "../../core/kysely.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import type { Digest } from "../../notify/digest.ts";
import { renderDigest } from "../../notify/render/index.ts";
import type { NotifyTables } from "../../notify/schema.ts";
import { sql } from "kysely";

export function annaDigest(overrides: Partial<Digest> = {}): Digest {
  return {
    messageId: "fixture-1@arwatch",
    recipient: "anna@example.com",
    role: "collector",
    collector: "Anna",
    locale: "en",
    currency: "USD",
    asOf: "2026-06-30",
    siteBaseUrl: "https://ar.example.com/reports",
    from: "arwatch <arwatch@example.com>",
    siteTitle: "arwatch",
    date: "2026-06-30T23:15:00.000Z",
    breaches: [
      {
        breachId: "1", rule: "over_limit", change: "new", level: 1, customerId: "C001", customerName: "Acme Trading",
        documentId: null, amount: "1500.5", facts: { credit_limit: "10000", exposure_amount: "11500.5" }, firstSeenAsOf: "2026-06-30",
        agingPath: { team: "North", collector: "Anna", group: null },
      },
      {
        breachId: "2", rule: "overdue", change: "escalated", level: 2, customerId: "C/002 & Co", customerName: "Bình Minh",
        documentId: "INV-9", amount: "2500", facts: { days_past_due: 61 }, firstSeenAsOf: "2026-05-31",
      },
    ],
    workList: [
      { section: "call_first", rank: 2, customerId: "C001", customerName: "Acme Trading", documentId: null, amount: "11500.5", daysPastDue: 12, dueDate: null, detail: null },
      { section: "call_first", rank: 1, customerId: "C/002 & Co", customerName: "Bình Minh", documentId: null, amount: "2500", daysPastDue: 61, dueDate: null, detail: null },
      { section: "disputed", rank: 1, customerId: "C003", customerName: "=cmd|' /C calc'!A0", documentId: "INV-7", amount: "-20", daysPastDue: 40, dueDate: "2026-05-21", detail: "dispute_quality" },
      { section: "milestone", rank: 1, customerId: "C001", customerName: "Acme Trading", documentId: "INV-1", amount: "300", daysPastDue: 7, dueDate: "2026-06-23", detail: "7" },
    ],
    ...overrides,
  };
}

/** Records a rendered digest in the outbox as the notify stage does: pending, due at `due`. */
export async function insertMessage(wh: Warehouse, digest: Digest, due: Date, createdAt: Date = due): Promise<string> {
  const rendered = await renderDigest(digest);
  await insertRaw(wh, { messageId: digest.messageId, recipient: digest.recipient, subject: rendered.subject, rawMime: rendered.rawMime, asOf: digest.asOf }, due, createdAt);
  return rendered.rawMime;
}

/** Inserts an outbox row as given (for rows the renderer would refuse, such as a bad address). */
export async function insertRaw(
  wh: Warehouse,
  m: { messageId: string; recipient: string; subject: string; rawMime: string; asOf: string },
  due: Date,
  createdAt: Date = due,
): Promise<void> {
  const at = (d: Date) => sql<string>`cast(${d.toISOString().slice(0, 23)} as timestamp)`;
  await kyselyOver<NotifyTables>(wh)
    .insertInto("notify.messages")
    .values({
      message_id: m.messageId, run_id: null, created_at: at(createdAt), as_of_date: sql<string>`cast(${m.asOf} as date)`,
      recipient: m.recipient, recipient_role: "collector", locale: "en", subject: m.subject, raw_mime: m.rawMime,
      status: "pending", attempts: 0, next_attempt_at: at(due), last_error: null, sent_at: null, delivered_to: null,
    })
    .execute();
}

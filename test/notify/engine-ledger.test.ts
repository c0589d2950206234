import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Warehouse } from "../../core/warehouse.ts";
import { emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";
import { count, notifyConfig, notifyHarness, toldByRecipient, workListsOf, type NotifyHarness } from "./engine-helpers.ts";

/*
 * A worked example over five as-of dates (every figure computed by hand from the rules in the README).
 * Config: overdueDays 30/60/90 (level = thresholds the most overdue item is beyond), milestones
 * -3/0/7/30 (level = milestones reached), renotifyDays 10, escalationStep 0.25, callFirst 2,
 * fallback ar-team@ and backup@, finance cfo@, dsoAbove 50.
 *
 * Customers: C1 Acme (Lan, lan@example.com, limit 1,000), C2 Bee (Minh, MINH@Example.com, limit
 * 5,000), C3 Cee (collector_email "not an address", limit 10,000), C4 Dee (no collector address).
 * Documents: I1 C1 600 due 02-09; I2 C1 300 due 03-11; I3 C2 2,000 due 03-02 (disputed on 03-05);
 * I4 C2 400 due 02-14; I5 C3 700 due 02-01; I6 C4 50 due 03-01 (paid 03-13); I7 C1 50 raised 03-13;
 * I9 C1 700 raised 03-25. Open order SO1 C1 200. Promises: A2 C2 400 by 03-08 (never paid: broken);
 * A3 C1 600 by 03-15 (I1 paid only on 03-20: broken). I1 paid 600 on 03-20.
 *
 * 2024-03-11 (R1): C1 exposure 600+300+200 = 1,100 > 1,000 → over_limit (over by 100); C1 most
 *   overdue I1 31 days → overdue level 1 (600 beyond 30 days); C2 promise A2 broken (400); C3 39
 *   days → overdue level 1 (700). Milestones: I1 31 → 4; I2 0 → 2; I4 26 → 3; I5 39 → 4; I6 10 → 3;
 *   I3 disputed → none. DSO at 2024-02-29: receivable 4,050 ÷ February sales 2,300 × 29 = 51.07 > 50.
 * 2024-03-11 again: nothing new.
 * 2024-03-19 (R3, 03-12..18 skipped): C1 exposure 1,150, over by 150 ≥ 100 × 1.25 → escalated; A3
 *   broken → broken_promise C1 new (600); I2 8 days → milestone 7 crossed on skipped 03-18 → level 3,
 *   escalated once; I4 34 → level 4 escalated; C2 most overdue 34 → overdue C2 new (400); I6 paid →
 *   its milestone resolved (both fallback rows).
 * 2024-03-21 (R4, 10 days after R1): I1 paid 03-20 → C1 over_limit (exposure 550), overdue C1 (most
 *   overdue I2, 10 days) and milestone I1 resolved; reminders for what was last told on 03-11 and is
 *   unchanged: broken_promise C2, overdue C3 ×2, milestone I5 ×2, portfolio_dso_above.
 * 2024-03-26 (R5): I9 700 → C1 exposure 1,250 > 1,000: over_limit is back, a new episode.
 */
const customers = [
  { customer_id: "C1", customer_name: "Acme", team: "North", collector: "Lan", collector_email: "lan@example.com", credit_limit: "1000", credit_term_days: 30 },
  { customer_id: "C2", customer_name: "Bee", team: "North", collector: "Minh", collector_email: "MINH@Example.com", credit_limit: "5000", credit_term_days: 30 },
  { customer_id: "C3", customer_name: "Cee", team: "South", collector: "Old", collector_email: "not an address", credit_limit: "10000", credit_term_days: 30 },
  { customer_id: "C4", customer_name: "Dee", team: "South", collector: null, collector_email: null, credit_limit: null, credit_term_days: 30 },
];
const inv = (document_id: string, customer_id: string, document_date: string, due_date: string, amount: string) =>
  ({ document_id, customer_id, document_type: "invoice", document_date, due_date, amount });
const invoices = [
  inv("I1", "C1", "2024-01-10", "2024-02-09", "600.00"),
  inv("I2", "C1", "2024-02-20", "2024-03-11", "300.00"),
  inv("I3", "C2", "2024-02-01", "2024-03-02", "2000.00"),
  inv("I4", "C2", "2024-01-15", "2024-02-14", "400.00"),
  inv("I5", "C3", "2024-01-02", "2024-02-01", "700.00"),
  inv("I6", "C4", "2024-01-31", "2024-03-01", "50.00"),
  inv("I7", "C1", "2024-03-13", "2024-04-12", "50.00"),
  inv("I9", "C1", "2024-03-25", "2024-04-24", "700.00"),
];
const payments = [
  { payment_id: "P1", customer_id: "C4", payment_date: "2024-03-13", amount: "50.00", document_id: "I6" },
  { payment_id: "P3", customer_id: "C1", payment_date: "2024-03-20", amount: "600.00", document_id: "I1" },
];
const attempts: Record<string, string | null>[] = [
  { attempt_id: "A1", customer_id: "C2", document_id: "I3", attempt_date: "2024-03-05", collector: "Minh", outcome: "dispute", reason: "dispute_quality" },
  { attempt_id: "A2", customer_id: "C2", document_id: "I4", attempt_date: "2024-03-01", collector: "Minh", outcome: "promise_to_pay", promised_date: "2024-03-08", promised_amount: "400.00" },
  { attempt_id: "A3", customer_id: "C1", document_id: "I1", attempt_date: "2024-03-10", collector: "Lan", outcome: "promise_to_pay", promised_date: "2024-03-15", promised_amount: "600.00" },
];

const config = notifyConfig({
  fallbackRecipients: ["ar-team@example.com", "backup@example.com"],
  financeRecipients: ["cfo@example.com"],
  renotifyDays: 10,
  escalationStep: 0.25,
  portfolio: { dsoAbove: 50 },
  workList: { milestones: [-3, 0, 7, 30], callFirst: 2 },
});

const LAN = "lan@example.com";
const MINH = "minh@example.com";
const AR = "ar-team@example.com";
const BACKUP = "backup@example.com";
const CFO = "cfo@example.com";

describe("arwatch notify: the breach ledger over five as-of dates", () => {
  let wh: Warehouse;
  let h: NotifyHarness;

  beforeAll(async () => {
    wh = await emptyWarehouse();
    await insertRaw(wh, "customers", customers);
    await insertRaw(wh, "invoices", invoices);
    await insertRaw(wh, "payments", payments);
    await insertRaw(wh, "sales_orders", [{ order_id: "SO1", customer_id: "C1", order_date: "2024-03-01", unbilled_amount: "200.00" }]);
    await insertRaw(wh, "collection_attempts", attempts);
    h = await notifyHarness(wh, config);
  });
  afterAll(() => wh?.close());

  it("a dry run says who would be told and why, and records nothing", async () => {
    const summary = await h.notifyAt("2024-03-11", { dryRun: true });
    expect(summary.queued).toBe(0);
    expect(summary.preview?.map((l) => l.split("\t")[0]).sort()).toEqual([AR, BACKUP, CFO, LAN, MINH]);
    const lan = summary.preview!.find((l) => l.startsWith(LAN))!;
    expect(lan).toContain("new over_limit (C1)");
    expect(lan).toContain("work list:");
    // The dry run's transaction was rolled back whole: the notify tables, if the build made them, are empty.
    const tables = await wh.all<{ table_name: string }>("select table_name from duckdb_tables() where schema_name = 'notify'");
    for (const { table_name } of tables) expect(await count(wh, `select * from notify."${table_name}"`), table_name).toBe(0);
    expect(readdirSync(h.outbox)).toEqual([]);
  });

  it("tells each recipient its own customers' breaches: the collector, else every fallback address; the portfolio to finance", async () => {
    const summary = await h.notifyAt("2024-03-11", { build: false });
    expect(summary.breaches).toEqual({ new: 13, escalated: 0, reminder: 0, resolved: 0 });
    expect(summary.queued).toBe(5);
    const fallback = ["milestone|C3|I5:new", "milestone|C4|I6:new", "overdue|C3|:new"];
    expect(await toldByRecipient(wh, "2024-03-11")).toEqual({
      [LAN]: ["milestone|C1|I1:new", "milestone|C1|I2:new", "over_limit|C1|:new", "overdue|C1|:new"],
      [MINH]: ["broken_promise|C2|:new", "milestone|C2|I4:new"],
      [AR]: fallback,
      [BACKUP]: fallback,
      [CFO]: ["portfolio_dso_above||:new"],
    });
    const levels = await wh.all<{ k: string; level: number; amount: string }>(
      `select rule || '|' || coalesce(customer_id, '') || '|' || coalesce(document_id, '') as k, level, amount
       from notify.breaches where recipient in ($1, $2, $3) order by k`,
      [LAN, MINH, CFO],
    );
    expect(levels.map((r) => `${r.k} L${r.level} ${r.amount}`)).toEqual([
      "broken_promise|C2| L1 400.00",
      "milestone|C1|I1 L4 600.00",
      "milestone|C1|I2 L2 300.00",
      "milestone|C2|I4 L3 400.00",
      "over_limit|C1| L1 100.00",
      "overdue|C1| L1 600.00",
      "portfolio_dso_above|| L1 51.07",
    ]);
  });

  it("delivers each recorded message to the outbox as valid MIME for its one recipient, with no Bcc", async () => {
    const recorded = await wh.all<{ message_id: string; recipient: string; status: string }>(
      "select message_id, recipient, status from notify.messages order by recipient",
    );
    expect(recorded.map((m) => [m.recipient, m.status])).toEqual([AR, BACKUP, CFO, LAN, MINH].map((r) => [r, "sent"]));
    const files = readdirSync(h.outbox).filter((f) => f.endsWith(".eml")).sort();
    expect(files).toEqual(recorded.map((m) => `${m.message_id}.eml`).sort());
    for (const m of recorded) {
      const raw = readFileSync(join(h.outbox, `${m.message_id}.eml`));
      expect(raw.toString("latin1")).not.toMatch(/^bcc:/im);
      const mail = await simpleParser(raw);
      expect(mail.messageId).toBe(`<${m.message_id}>`);
      const to = Array.isArray(mail.to) ? mail.to.flatMap((a) => a.value) : (mail.to?.value ?? []);
      expect(to.map((a) => a.address?.toLowerCase())).toEqual([m.recipient]);
      expect(mail.cc).toBeUndefined();
    }
  });

  it("gives each collector a work list: milestones reached, promises falling due, whom to call first, disputes apart", async () => {
    const fallbackList = ["milestone:C3:I5:700.00", "milestone:C4:I6:50.00", "call_first:C3::700.00", "call_first:C4::50.00"];
    expect(await workListsOf(wh, "2024-03-11")).toEqual({
      [LAN]: ["milestone:C1:I1:600.00", "milestone:C1:I2:300.00", "promise_due:C1:I1:600.00", "call_first:C1::600.00"],
      // I3 is disputed: not a milestone, not in C2's amount at risk, listed apart.
      [MINH]: ["milestone:C2:I4:400.00", "call_first:C2::400.00", "disputed:C2:I3:2000.00"],
      [AR]: fallbackList,
      [BACKUP]: fallbackList,
    });
    const lan = h.digests.filter((d) => d.recipient === LAN && d.asOf === "2024-03-11").at(-1)!;
    expect(lan.role).toBe("collector");
    expect(lan.collector).toBe("Lan");
    // The milestone breaches are told through the work list's milestone section, not twice.
    expect(lan.breaches.map((b) => b.rule).sort()).toEqual(["over_limit", "overdue"]);
    const disputed = h.digests.find((d) => d.recipient === MINH)!.workList.find((e) => e.section === "disputed")!;
    expect(disputed).toMatchObject({ customerName: "Bee", documentId: "I3", detail: "dispute_quality", daysPastDue: 9 });
    expect(h.digests.find((d) => d.recipient === AR)!.role).toBe("fallback");
    expect(h.digests.find((d) => d.recipient === CFO)!.role).toBe("finance");
  });

  it("records nothing new when run again on the same as-of date", async () => {
    const before = await count(wh, "select * from notify.messages");
    const summary = await h.notifyAt("2024-03-11", { at: "2024-03-11T15:00:00Z" });
    expect(summary.breaches).toEqual({ new: 0, escalated: 0, reminder: 0, resolved: 0 });
    expect(summary.queued).toBe(0);
    expect(await count(wh, "select * from notify.messages")).toBe(before);
  });

  it("after skipped days: an escalation once, a milestone crossed on a skipped day once at its level, resolutions", async () => {
    const summary = await h.notifyAt("2024-03-19");
    expect(summary.breaches).toEqual({ new: 2, escalated: 3, reminder: 0, resolved: 2 });
    expect(await toldByRecipient(wh, "2024-03-19")).toEqual({
      [LAN]: ["broken_promise|C1|:new", "milestone|C1|I2:escalated", "over_limit|C1|:escalated"],
      [MINH]: ["milestone|C2|I4:escalated", "overdue|C2|:new"],
    });
    const i2 = await wh.all<{ level: number; notified_level: number; facts: string }>(
      "select level, notified_level, facts::varchar as facts from notify.breaches where document_id = 'I2'",
    );
    expect(i2).toHaveLength(1);
    expect(i2[0]).toMatchObject({ level: 3, notified_level: 3 });
    expect(JSON.parse(i2[0]!.facts)).toMatchObject({ milestone_days: 7, days_past_due: 8 });
    const i6 = await wh.all<{ resolved_as_of: string }>("select resolved_as_of from notify.breaches where document_id = 'I6'");
    expect(i6.map((r) => r.resolved_as_of)).toEqual(["2024-03-19", "2024-03-19"]);
    // The fallback addresses get their day's work list (whom to call first) though no breach changed.
    const lists = await workListsOf(wh, "2024-03-19");
    expect(lists[AR]).toEqual(["call_first:C3::700.00"]);
    expect(lists[LAN]).toEqual(["milestone:C1:I2:300.00", "call_first:C1::900.00"]);
    expect(lists[CFO]).toBeUndefined();
  });

  it("reminds after renotifyDays what is still open and unchanged; resolves what was paid", async () => {
    const summary = await h.notifyAt("2024-03-21");
    expect(summary.breaches).toEqual({ new: 0, escalated: 0, reminder: 6, resolved: 3 });
    const told = await toldByRecipient(wh, "2024-03-21");
    expect(told).toEqual({
      [MINH]: ["broken_promise|C2|:reminder"],
      [AR]: ["milestone|C3|I5:reminder", "overdue|C3|:reminder"],
      [BACKUP]: ["milestone|C3|I5:reminder", "overdue|C3|:reminder"],
      [CFO]: ["portfolio_dso_above||:reminder"],
    });
    const resolved = await wh.all<{ k: string }>(
      `select rule || '|' || coalesce(document_id, '') as k from notify.breaches
       where customer_id = 'C1' and resolved_as_of = '2024-03-21' order by k`,
    );
    expect(resolved.map((r) => r.k)).toEqual(["milestone|I1", "over_limit|", "overdue|"]);
  });

  it("a resolved breach that comes back is a new episode, told again", async () => {
    await h.notifyAt("2024-03-26");
    expect(await toldByRecipient(wh, "2024-03-26")).toEqual({ [LAN]: ["over_limit|C1|:new"] });
    const episodes = await wh.all<{ first_seen_as_of: string; resolved_as_of: string | null; amount: string }>(
      "select first_seen_as_of, resolved_as_of, amount from notify.breaches where rule = 'over_limit' order by first_seen_as_of",
    );
    expect(episodes).toEqual([
      { first_seen_as_of: "2024-03-11", resolved_as_of: "2024-03-21", amount: "150.00" },
      { first_seen_as_of: "2024-03-26", resolved_as_of: null, amount: "250.00" },
    ]);
  });

  it("never tells one customer's breach to another customer's collector", async () => {
    // Every breach a message carried belongs to a customer whose valid collector address is the
    // recipient, or (no valid address) went to a fallback address, or is a portfolio breach to finance.
    const wrong = await wh.all(
      `select m.recipient, b.customer_id, c.collector_email
       from notify.messages m
       join notify.message_breaches mb using (message_id)
       join notify.breaches b using (breach_id)
       left join marts.dim_customers c on c.customer_id = b.customer_id
       where not (
         (b.scope = 'portfolio' and m.recipient = 'cfo@example.com')
         or (lower(c.collector_email) = m.recipient and c.customer_id in ('C1', 'C2'))
         or (c.customer_id in ('C3', 'C4') and m.recipient in ('ar-team@example.com', 'backup@example.com'))
       )`,
    );
    expect(wrong).toEqual([]);
    const wrongList = await wh.all(
      `select w.recipient, w.customer_id from notify.work_list_items w
       join marts.dim_customers c using (customer_id)
       where not (lower(c.collector_email) = w.recipient
                  or (w.customer_id in ('C3', 'C4') and w.recipient in ('ar-team@example.com', 'backup@example.com')))`,
    );
    expect(wrongList).toEqual([]);
    for (const d of h.digests) {
      const customersTold = new Set([...d.breaches.map((b) => b.customerId), ...d.workList.map((e) => e.customerId)]);
      if (d.recipient === LAN) expect([...customersTold]).toEqual(["C1"]);
      if (d.recipient === MINH) expect([...customersTold]).toEqual(["C2"]);
    }
  });
});

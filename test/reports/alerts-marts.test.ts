import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { silentLogger } from "../../core/log.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import { ensureRawSchema } from "../../ingest/schema.ts";
import { buildModels } from "../../models/runner/build.ts";
import { modelSettings } from "../../models/settings.ts";
import { ensureNotifySchema } from "../../notify/schema.ts";
import { exportSiteData } from "../../reports/export-data.ts";
import { emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";
import { AS_OF, HOSTILE, insertAlertsLedger, insertNotifyRows } from "./alerts-warehouse.ts";

/** A build as the CLI makes it: the raw tables and the notifier's tables are created first. */
async function buildLikeTheCli(wh: Warehouse) {
  const prepare = async (w: Warehouse) => {
    await ensureRawSchema(w);
    await ensureNotifySchema(w);
  };
  return buildModels(wh, { asOf: AS_OF, log: silentLogger, ...modelSettings(parseConfig({})), prepare });
}

async function builtWithNotifyRows(): Promise<Warehouse> {
  const wh = await emptyWarehouse();
  await insertAlertsLedger(wh);
  await buildLikeTheCli(wh);
  // After the build, as `arwatch run` does it: build, then notify, then the site.
  await insertNotifyRows(wh);
  return wh;
}

describe("the alerts marts (views over the notifier's tables)", () => {
  // Read by the tests that change nothing; the others build their own.
  let shared: Warehouse;
  beforeAll(async () => {
    shared = await builtWithNotifyRows();
  }, 60_000);
  afterAll(() => shared?.close());

  it("lists the open ledger rows with the customer's name and collector, none of the resolved one", async () => {
    const wh = shared;
    const rows = await wh.all(
      `select breach_id, breach_key, rule, customer_id, customer_name, collector, document_id, recipient, recipient_role, level, amount
         from marts.rpt_alerts_open_breaches order by breach_id`,
    );
    expect(rows).toEqual([
      { breach_id: "1", breach_key: "over_limit|A|", rule: "over_limit", customer_id: "A", customer_name: "Ayutthaya Steel", collector: "Ann", document_id: null, recipient: "ann@example.com", recipient_role: "collector", level: 1, amount: "200.00" },
      { breach_id: "2", breach_key: "overdue|B|", rule: "overdue", customer_id: "B", customer_name: HOSTILE, collector: "Bob", document_id: null, recipient: "ar-team@example.com", recipient_role: "fallback", level: 2, amount: "500.00" },
      { breach_id: "3", breach_key: "overdue|B|", rule: "overdue", customer_id: "B", customer_name: HOSTILE, collector: "Bob", document_id: null, recipient: "ar-lead@example.com", recipient_role: "fallback", level: 2, amount: "500.00" },
      { breach_id: "5", breach_key: "portfolio_dso_above||", rule: "portfolio_dso_above", customer_id: null, customer_name: null, collector: null, document_id: null, recipient: "finance@example.com", recipient_role: "finance", level: 1, amount: "61.50" },
      { breach_id: "6", breach_key: "milestone|A|A1", rule: "milestone", customer_id: "A", customer_name: "Ayutthaya Steel", collector: "Ann", document_id: "A1", recipient: "ann@example.com", recipient_role: "collector", level: 2, amount: "1200.00" },
    ]);
  });

  it("lists every message without its raw MIME, with what it carried", async () => {
    const wh = shared;
    const columns = (await wh.all<{ column_name: string }>("select column_name from information_schema.columns where table_name = 'rpt_alerts_messages'")).map((c) => c.column_name);
    expect(columns).not.toContain("raw_mime");
    const rows = await wh.all(
      `select message_id, status, attempts, sent_at, breaches, new_breaches, escalated_breaches, reminder_breaches, work_list_items
         from marts.rpt_alerts_messages order by message_id`,
    );
    expect(rows).toEqual([
      { message_id: "m0@arwatch", status: "sent", attempts: 1, sent_at: "2024-03-30 01:00:02", breaches: "1", new_breaches: "1", escalated_breaches: "0", reminder_breaches: "0", work_list_items: "1" },
      { message_id: "m1@arwatch", status: "sent", attempts: 2, sent_at: "2024-03-31 01:05:00", breaches: "1", new_breaches: "1", escalated_breaches: "0", reminder_breaches: "0", work_list_items: "3" },
      { message_id: "m2@arwatch", status: "pending", attempts: 1, sent_at: null, breaches: "1", new_breaches: "1", escalated_breaches: "0", reminder_breaches: "0", work_list_items: "0" },
      { message_id: "m3@arwatch", status: "failed", attempts: 1, sent_at: null, breaches: "1", new_breaches: "1", escalated_breaches: "0", reminder_breaches: "0", work_list_items: "0" },
      { message_id: "m4@arwatch", status: "sent", attempts: 1, sent_at: "2024-03-31 01:00:03", breaches: "1", new_breaches: "1", escalated_breaches: "0", reminder_breaches: "0", work_list_items: "0" },
    ]);
  });

  it("keeps only the latest as-of date's work lists, with the status of the message that carried them", async () => {
    const wh = shared;
    const rows = await wh.all("select as_of_date, collector, section, customer_name, document_id, message_status from marts.rpt_alerts_work_lists order by section");
    expect(rows).toEqual([
      { as_of_date: AS_OF, collector: "Ann", section: "call_first", customer_name: "Ayutthaya Steel", document_id: null, message_status: "sent" },
      { as_of_date: AS_OF, collector: "Ann", section: "disputed", customer_name: "Ayutthaya Steel", document_id: "A7", message_status: "sent" },
      { as_of_date: AS_OF, collector: "Ann", section: "milestone", customer_name: "Ayutthaya Steel", document_id: "A1", message_status: "sent" },
    ]);
  });

  it("shows what notify did after the build without another build (they are views)", async () => {
    const wh = await builtWithNotifyRows();
    await wh.run("update notify.messages set status = 'sent', attempts = 2, sent_at = '2024-03-31 01:20:00'::TIMESTAMP where message_id = 'm2@arwatch'");
    await wh.run("update notify.breaches set resolved_at = '2024-03-31 02:00:00'::TIMESTAMP, resolved_as_of = '2024-03-31' where breach_id = 1");
    const [counts] = await wh.all(
      "select (select count(*) from marts.rpt_alerts_messages where status = 'pending') as pending, (select count(*) from marts.rpt_alerts_open_breaches) as open_rows",
    );
    expect(counts).toEqual({ pending: "0", open_rows: "4" });
    wh.close();
  });

  it("lists the customers with no valid collector address, and why", async () => {
    const wh = shared;
    const rows = await wh.all("select customer_id, collector, collector_email, address_problem, exposure_amount from marts.rpt_alerts_no_collector_address order by customer_id");
    expect(rows).toEqual([
      { customer_id: "B", collector: "Bob", collector_email: null, address_problem: "missing", exposure_amount: "500.00" },
      { customer_id: "C", collector: "Cat", collector_email: "cat at example.com", address_problem: "invalid", exposure_amount: "300.00" },
      { customer_id: "D", collector: null, collector_email: null, address_problem: "not_in_customers_extract", exposure_amount: "200.00" },
    ]);
  });

  it("passes its data tests on a consistent ledger, and warns (never blocks the build) when the outbox is inconsistent", async () => {
    const wh = await builtWithNotifyRows();
    const alertTests = (result: Awaited<ReturnType<typeof buildLikeTheCli>>) => result.tests.filter((t) => t.test.model.includes("rpt_alerts_"));
    const consistent = alertTests(await buildLikeTheCli(wh));
    expect(consistent.length).toBeGreaterThan(5);
    expect(consistent.filter((t) => t.failures > 0)).toEqual([]);
    // A message marked sent with no sent_at: the notifier's bug, shown on the data-quality page, not a stopped build.
    await wh.run("update notify.messages set sent_at = null where message_id = 'm4@arwatch'");
    const alerts = alertTests(await buildLikeTheCli(wh));
    expect(alerts.filter((t) => t.failures > 0).map((t) => [t.test.name, t.failures, t.test.severity])).toEqual([["alert_sent_messages_have_sent_at__rpt_alerts_messages", 1, "warn"]]);
    expect(alerts.filter((t) => t.test.model !== "marts.rpt_alerts_no_collector_address").every((t) => t.test.severity === "warn")).toBe(true);
    wh.close();
  });

  it("writes the Alerts page's files: counts by hand, failed before pending, latest sent first, UTC times with a Z", async () => {
    const wh = shared;
    const dir = mkdtempSync(join(tmpdir(), "arwatch-alerts-"));
    await exportSiteData(wh, dir, parseConfig({}), new Date("2024-03-31T02:00:00Z"));
    const read = (name: string) => JSON.parse(readFileSync(join(dir, name), "utf8"));
    expect(read("alerts-totals.json")).toEqual({
      open_breaches: 4, customers_in_breach: 2, messages_pending: 1, messages_failed: 1, messages_sent: 3,
      last_sent_at: "2024-03-31T01:05:00Z", work_list_as_of: AS_OF, work_list_items: 3,
    });
    expect(read("alerts-by-rule.json").map((r: Record<string, unknown>) => [r.rule, r.recipient_role, r.collector, r.breaches, r.customers, r.amount])).toEqual([
      ["over_limit", "collector", "Ann", 1, 1, "200.00"],
      ["overdue", "fallback", "Bob", 1, 1, "500.00"],
      ["milestone", "collector", "Ann", 1, 1, "1200.00"],
      ["portfolio_dso_above", "finance", null, 1, 0, "61.50"],
    ]);
    const breaches = read("alerts-open-breaches.json");
    expect(breaches.find((b: Record<string, unknown>) => b.breach_key === "overdue|B|").recipients).toBe("ar-lead@example.com, ar-team@example.com");
    expect(breaches.map((b: Record<string, unknown>) => b.of_total)).toEqual([4, 4, 4, 4]);
    expect(read("alerts-messages-waiting.json").map((m: Record<string, unknown>) => [m.status, m.recipient])).toEqual([
      ["failed", "ar-lead@example.com"],
      ["pending", "ar-team@example.com"],
    ]);
    expect(read("alerts-messages-sent.json").map((m: Record<string, unknown>) => m.sent_at)).toEqual(["2024-03-31T01:05:00Z", "2024-03-31T01:00:03Z", "2024-03-30T01:00:02Z"]);
    expect(read("alerts-work-list-summary.json")).toMatchObject([{ collector: "Ann", milestone: 1, promise_due: 0, call_first: 1, disputed: 1, message_status: "sent" }]);
    expect(read("no-collector-address.json").map((c: Record<string, unknown>) => c.customer_id)).toEqual(["B", "C", "D"]);
  });
  it("cuts a long list at its first rows and says how many there are in all", async () => {
    const wh = await builtWithNotifyRows();
    // 501 failed messages more: 503 waiting or failed in all, the page gets the first 500 (failed first, oldest first).
    await wh.run(`insert into notify.messages (message_id, created_at, as_of_date, recipient, recipient_role, locale, subject, raw_mime, status, attempts, next_attempt_at)
                  select 'x' || i || '@arwatch', '2024-03-01 00:00:00'::TIMESTAMP + to_seconds(i), '2024-03-01', 'x@example.com', 'collector', 'en', 's', 'm', 'failed', 1,
                         '2024-03-01 00:00:00'::TIMESTAMP + to_seconds(i)
                    from range(501) t(i)`);
    const dir = mkdtempSync(join(tmpdir(), "arwatch-alerts-"));
    await exportSiteData(wh, dir, parseConfig({}), new Date("2024-03-31T02:00:00Z"));
    const waiting = JSON.parse(readFileSync(join(dir, "alerts-messages-waiting.json"), "utf8"));
    expect(waiting.length).toBe(500);
    expect(waiting[0]).toMatchObject({ rank: 1, of_total: 503, status: "failed", created_at: "2024-03-01T00:00:00Z" });
    expect(waiting.every((m: { status: string }) => m.status === "failed")).toBe(true);
    wh.close();
  });
});

describe("rpt_alerts_no_collector_address", () => {
  it("calls an address valid exactly when the notifier would write to it (trimmed, any case; no brackets)", async () => {
    const wh = await emptyWarehouse();
    await insertRaw(wh, "customers", [
      { customer_id: "E", customer_name: "Eve", collector: "Eve", collector_email: "  Eve@Example.COM " },
      { customer_id: "F", customer_name: "Fay", collector: "Fay", collector_email: "fay(x)@example.com" },
      { customer_id: "G", customer_name: "Gus", collector: "Gus", collector_email: "   " },
    ]);
    await buildLikeTheCli(wh);
    const rows = await wh.all("select customer_id, address_problem from marts.rpt_alerts_no_collector_address order by customer_id");
    expect(rows).toEqual([
      { customer_id: "F", address_problem: "invalid" },
      { customer_id: "G", address_problem: "missing" },
    ]);
    wh.close();
  });
});

describe("a build without the notifier's tables (a bare runner, prepared with the raw tables only)", () => {
  it("leaves out a model that reads the absent notify schema and every model downstream of it, and builds the rest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "arwatch-models-"));
    mkdirSync(join(dir, "marts"));
    const files: Record<string, string> = {
      "reads_notify.sql": "select message_id from notify.messages",
      "downstream.sql": "select count(*) as n from marts.reads_notify",
      "other.sql": "select customer_id from raw.customers",
    };
    for (const [file, sql] of Object.entries(files)) writeFileSync(join(dir, "marts", file), sql);
    const doc = (name: string, column: string) => `  - name: ${name}\n    description: ${name}\n    materialized: view\n    columns: [{ name: ${column}, description: ${column} }]\n`;
    writeFileSync(join(dir, "marts", "_marts__models.yml"), `models:\n${doc("reads_notify", "message_id")}${doc("downstream", "n")}${doc("other", "customer_id")}`);
    const wh = await emptyWarehouse();
    const bare = await buildModels(wh, { asOf: AS_OF, log: silentLogger, modelsDir: dir });
    expect(bare.models.map((m) => m.id)).toEqual(["marts.other"]);
    // With the schema there (as the CLI prepares it), all three build.
    await ensureNotifySchema(wh);
    const full = await buildModels(wh, { asOf: AS_OF, log: silentLogger, modelsDir: dir });
    expect(full.models.map((m) => m.id).sort()).toEqual(["marts.downstream", "marts.other", "marts.reads_notify"]);
    wh.close();
  });

  it("builds every other mart, leaves the alerts views out, and the site's alerts files say they are not built", async () => {
    const wh = await emptyWarehouse();
    await insertAlertsLedger(wh);
    const result = await buildModels(wh, { asOf: AS_OF, log: silentLogger, ...modelSettings(parseConfig({})), prepare: ensureRawSchema });
    const built = result.models.map((m) => m.id);
    expect(built).toContain("marts.rpt_alerts_no_collector_address");
    expect(built.filter((id) => id.startsWith("marts.rpt_alerts_"))).toEqual(["marts.rpt_alerts_no_collector_address"]);
    const dir = mkdtempSync(join(tmpdir(), "arwatch-alerts-"));
    await exportSiteData(wh, dir, parseConfig({}), new Date("2024-03-31T02:00:00Z"));
    expect(JSON.parse(readFileSync(join(dir, "alerts-totals.json"), "utf8"))).toEqual({ not_built: true });
    expect(JSON.parse(readFileSync(join(dir, "alerts-messages-sent.json"), "utf8"))).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, "no-collector-address.json"), "utf8")).length).toBe(3);
    wh.close();
  });
});

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { silentLogger } from "../../core/log.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import type { CheckRecord, OverrideRecord } from "../../credit/records.ts";
import { ensureCreditSchema, loadCreditLog } from "../../credit/warehouse-tables.ts";
import { ensureRawSchema } from "../../ingest/schema.ts";
import { buildModels } from "../../models/runner/build.ts";
import { modelSettings } from "../../models/settings.ts";
import { emptyWarehouse, insertRaw, tempDir } from "../helpers/warehouse.ts";

const AS_OF = "2024-03-31";

function check(fields: Partial<CheckRecord> & Pick<CheckRecord, "check_id" | "checked_at" | "customer_id" | "amount" | "decision" | "exposure">): CheckRecord {
  return {
    type: "check", source: "cli", customer_name: "Ayutthaya Steel", order_id: null, may_proceed: fields.decision === "approve" || fields.decision === "warn",
    reasons: [], credit_limit: "1000.00", available_credit_after: null, utilisation_after: null, overdue_amount: "0.00", max_days_past_due: 0,
    behaviour_class: "prompt", customer_status: "active", currency: "THB",
    data_as_of: { as_of_date: AS_OF, built_at: "2024-03-31T06:00:00.000Z", last_ingest_at: null, age_hours: 1, is_stale: false },
    override: null, reserved_until: null, ...fields,
  };
}

/** A build as the CLI makes it, with the credit log at `logFile` copied in first (or, without one, no credit tables). */
async function build(wh: Warehouse, logFile?: string) {
  const prepare = async (w: Warehouse) => {
    await ensureRawSchema(w);
    if (logFile) {
      await ensureCreditSchema(w);
      await loadCreditLog(w, logFile);
    }
  };
  return buildModels(wh, { asOf: AS_OF, log: silentLogger, ...modelSettings(parseConfig({})), prepare });
}

async function ledger(): Promise<Warehouse> {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", [{ customer_id: "A", customer_name: "Ayutthaya Steel", credit_limit: "1000.00" }]);
  await insertRaw(wh, "invoices", [{ document_id: "A1", customer_id: "A", document_type: "invoice", document_date: "2024-03-01", due_date: "2024-04-30", amount: "950.00" }]);
  return wh;
}

describe("marts.fct_credit_checks (a view over the build's copy of the credit log)", () => {
  it("has a row per check with the exposure named as a mart names it, and who overrode it", async () => {
    const logFile = join(tempDir(), "log.jsonl");
    // A hold (950 + 100 = 1,050.00 over 1,000.00) overridden later by Mai; an approval (950 + 20 = 970.00).
    const hold = check({
      check_id: "k1", checked_at: "2024-03-31T08:00:00.000Z", customer_id: "A", amount: "100.00", decision: "hold", order_id: "SO-1",
      reasons: [{ code: "over_limit", level: "hold", message: "over" }, { code: "near_limit", level: "warn", message: "near" }],
      exposure: { outstanding: "950.00", open_orders: "0.00", pending_approvals: "0.00", this_order: "100.00", total_after: "1050.00" },
      available_credit_after: "-50.00", utilisation_after: "1.0500",
    });
    const override: OverrideRecord = {
      type: "override", override_id: "o1", by: "Mai", reason: "paid today", at: "2024-03-31T09:00:00.000Z", up_to_amount: null, until: null,
      from_check_id: null, check_id: "k1", customer_id: "A", order_id: "SO-1", amount: "100.00", reserved_until: "2024-04-03T09:00:00.000Z",
    };
    const approve = check({
      check_id: "k2", checked_at: "2024-03-31T10:00:00.000Z", customer_id: "A", amount: "20.00", decision: "approve",
      exposure: { outstanding: "950.00", open_orders: "0.00", pending_approvals: "0.00", this_order: "20.00", total_after: "970.00" },
    });
    writeFileSync(logFile, [hold, override, approve].map((r) => `${JSON.stringify(r)}\n`).join(""));
    const wh = await ledger();
    try {
      const result = await build(wh, logFile);
      expect(result.tests.filter((t) => t.test.model === "marts.fct_credit_checks" && t.failures > 0)).toEqual([]);
      expect(
        await wh.all(`select check_id, customer_id, order_id, amount, decision, may_proceed, is_overridden, reason_codes, outstanding_amount,
                             open_orders_amount, pending_approvals_amount, exposure_after_amount, credit_limit, overridden_by, override_reason,
                             strftime(overridden_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as overridden_at
                        from marts.fct_credit_checks order by checked_at`),
      ).toEqual([
        { check_id: "k1", customer_id: "A", order_id: "SO-1", amount: "100.00", decision: "hold", may_proceed: true, is_overridden: true, reason_codes: "over_limit near_limit",
          outstanding_amount: "950.00", open_orders_amount: "0.00", pending_approvals_amount: "0.00", exposure_after_amount: "1050.00", credit_limit: "1000.00",
          overridden_by: "Mai", override_reason: "paid today", overridden_at: "2024-03-31T09:00:00Z" },
        { check_id: "k2", customer_id: "A", order_id: null, amount: "20.00", decision: "approve", may_proceed: true, is_overridden: false, reason_codes: "",
          outstanding_amount: "950.00", open_orders_amount: "0.00", pending_approvals_amount: "0.00", exposure_after_amount: "970.00", credit_limit: "1000.00",
          overridden_by: null, override_reason: null, overridden_at: null },
      ]);
    } finally {
      wh.close();
    }
  });

  it("warns, without stopping the build, when a check's exposure parts do not add up", async () => {
    const logFile = join(tempDir(), "log.jsonl");
    const wrong = check({
      check_id: "k3", checked_at: "2024-03-31T08:00:00.000Z", customer_id: "A", amount: "10.00", decision: "approve",
      exposure: { outstanding: "950.00", open_orders: "0.00", pending_approvals: "0.00", this_order: "10.00", total_after: "900.00" },
    });
    writeFileSync(logFile, `${JSON.stringify(wrong)}\n`);
    const wh = await ledger();
    try {
      const result = await build(wh, logFile);
      const failing = result.tests.filter((t) => t.failures > 0 && t.test.model === "marts.fct_credit_checks");
      expect(failing.map((t) => [t.test.name, t.test.severity, t.failures])).toEqual([["credit_check_exposure_adds_up__fct_credit_checks", "warn", 1]]);
    } finally {
      wh.close();
    }
  });

  it("is left out, with rpt_credit_holds, by a build of a warehouse without the credit tables; every other mart is built", async () => {
    const wh = await ledger();
    try {
      const result = await build(wh);
      const built = result.models.map((m) => m.id);
      expect(built).not.toContain("marts.fct_credit_checks");
      expect(built).not.toContain("marts.rpt_credit_holds");
      expect(built).toContain("marts.rpt_credit_standing");
    } finally {
      wh.close();
    }
  });
});

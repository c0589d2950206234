import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../core/log.ts";
import { elapsed } from "../core/log.ts";
import { literal, openWarehouse, type Warehouse } from "../core/warehouse.ts";
import { buildCollectionAttempts } from "./collection-attempts.ts";
import { buildCreditLimits } from "./credit-limits.ts";
import { buildCustomers } from "./customers.ts";
import { buildCreditNotes, buildDocuments } from "./documents.ts";
import { writeExtracts } from "./export.ts";
import { checkOptions, type GenerateOptions } from "./options.ts";
import { buildPaymentPlan, buildPayments } from "./payments.ts";
import { resolvePlan, WARM_UP_MONTHS, type Plan } from "./plan.ts";
import { buildSalesOrders } from "./sales-orders.ts";
import { defineRandomMacros } from "./sql-random.ts";
import { buildWriteOffs } from "./write-offs.ts";

export type { GenerateOptions } from "./options.ts";
export { EXTRACTS } from "./export.ts";

/** The build steps in dependency order; each creates one g_* table from the ones before it. */
const STEPS: readonly (readonly [name: string, build: (wh: Warehouse, plan: Plan) => Promise<void>])[] = [
  ["customers", buildCustomers],
  ["invoices and debit notes", buildDocuments],
  ["credit notes", buildCreditNotes],
  ["payment plan", buildPaymentPlan],
  ["payments", buildPayments],
  ["write-offs", buildWriteOffs],
  ["collection attempts", buildCollectionAttempts],
  ["sales orders", buildSalesOrders],
  ["credit limits", buildCreditLimits],
];

/**
 * Generates a synthetic, internally consistent set of ERP extracts (customers, invoices,
 * payments, sales orders, collection attempts, credit limits) as CSV files in outDir.
 * Everything is computed set-based in an in-memory DuckDB from hashes of (seed, row number,
 * purpose), so the same options always give byte-identical files.
 *
 * @returns the path and data-row count of each file written, in contract order.
 */
export async function generateExtracts(options: GenerateOptions, log: Logger): Promise<{ file: string; rows: number }[]> {
  const checked = checkOptions(options);
  mkdirSync(checked.outDir, { recursive: true });
  // An in-memory database spills to ./.tmp by default; keep that out of the user's folder.
  const spill = mkdtempSync(join(tmpdir(), "arwatch-generate-"));
  const wh = await openWarehouse(":memory:");
  try {
    await wh.run(`set temp_directory = ${literal(spill)}`);
    const started = performance.now();
    await defineRandomMacros(wh, checked.seed);
    const plan = await resolvePlan(wh, checked);
    log.info(
      `generate: ${plan.customers.toLocaleString("en-US")} customers, ${checked.invoices.toLocaleString("en-US")} documents, ` +
        `${checked.months} months to ${plan.asOf} after ${WARM_UP_MONTHS} months of earlier ledger, in ${plan.currency} (seed ${plan.seed})`,
    );
    for (const [name, build] of STEPS) {
      const stepStarted = performance.now();
      await build(wh, plan);
      log.info(`generate: ${name} in ${(elapsed(stepStarted) / 1000).toFixed(2)} s`);
    }
    await reportShortfall(wh, plan, log);
    // Only the tables the files are written from are needed now; the rest is memory at 10M rows.
    for (const table of ["g_plan", "g_customer_weights", "g_collectors"]) await wh.run(`drop table ${table}`);
    const written = await writeExtracts(wh, plan, checked.outDir, log);
    const rows = written.reduce((s, w) => s + w.rows, 0);
    log.info(`generate: ${rows.toLocaleString("en-US")} rows in ${written.length} files in ${(elapsed(started) / 1000).toFixed(2)} s`);
    return written;
  } finally {
    wh.close();
    rmSync(spill, { recursive: true, force: true });
  }
}

/** Write-offs need old unpaid invoices of defaulting customers; a short window may have too few. */
async function reportShortfall(wh: Warehouse, plan: Plan, log: Logger): Promise<void> {
  const [row] = await wh.all<{ n: string }>("select count(*) as n from g_write_offs");
  const made = Number(row!.n);
  if (made < plan.writeOffTarget) {
    log.info(
      `generate: ${made} write-offs instead of ${plan.writeOffTarget}: too few old unpaid invoices of defaulting customers ` +
        `in this window, so invoices.csv has ${plan.writeOffTarget - made} fewer rows than asked`,
    );
  }
}

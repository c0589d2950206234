/**
 * Times the generator at scale and reports rows, file sizes, wall time and peak memory:
 *
 *   npx tsx generate/measure.ts [invoices=1000000] [customers=invoices/10] [--keep]
 *
 * Writes to a temporary folder, removed afterwards unless --keep is given.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { stderrLogger } from "../core/log.ts";
import { generateExtracts } from "./generate.ts";

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const keep = process.argv.includes("--keep");
const invoices = Number(args[0] ?? 1_000_000);
const customers = Number(args[1] ?? Math.max(1, Math.round(invoices / 10)));
const outDir = mkdtempSync(join(tmpdir(), "arwatch-measure-"));

const started = performance.now();
const written = await generateExtracts(
  { outDir, customers, invoices, seed: 42, months: 24, asOf: "2024-06-30", currency: "USD" },
  stderrLogger,
);
const seconds = (performance.now() - started) / 1000;

for (const { file, rows } of written) {
  const mb = statSync(file).size / 1e6;
  console.log(`${basename(file).padEnd(24)} ${rows.toLocaleString("en-US").padStart(12)} rows ${mb.toFixed(1).padStart(8)} MB`);
}
console.log(`${invoices.toLocaleString("en-US")} documents, ${customers.toLocaleString("en-US")} customers: ${seconds.toFixed(2)} s`);
// maxRSS is in kilobytes and includes DuckDB's native memory, which lives in this process.
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
if (keep) console.log(`kept in ${outDir}`);
else rmSync(outDir, { recursive: true, force: true });

/**
 * Checks the floor's and the peer's aging query against open items worked out by hand on the
 * tiny fixture (bench/fixtures/tiny), which has one document for each rule of the semantics.
 * Run: npx tsx bench/check-fixture.ts   (needs PostgreSQL, as the bench does; not part of npm test)
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { installSignalHandlers, runAllCleanups } from "./cleanup.ts";
import { runFloor } from "./floor-duckdb.ts";
import { runPeer } from "./peer-postgres.ts";
import { compareTotals, totalsFromRows } from "./totals.ts";

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(here, "fixtures", "tiny");
const AS_OF = "2026-06-30";

/** document_id, document_type, due_date, outstanding, days_past_due, bucket — and why. */
const EXPECTED: [string, string, string, string, number, string][] = [
  // 1000 − P1 300 − CN1 100; due = 05-01 + C1's 30 days.
  ["I1", "invoice", "2026-05-31", "600.00", 30, "1-30"],
  // Due in the future. P6 names it but is dated after the as-of date, so it does not count.
  ["I2", "invoice", "2026-07-20", "500.00", -20, "not_due"],
  // 250.50 − P2 200 − WO1 25; C2 has no term, so due = document date.
  ["I3", "invoice", "2026-01-15", "25.50", 166, "121+"],
  ["I4", "debit_note", "2026-04-15", "75.25", 76, "61-90"],
  // 400 − CN2 50; P4 names I6 but is C1's, so it is not applied. Due = 03-01 + 60 days: the
  // term in force from 2026-01-01 (the 2026-03-01 row has no term and so does not replace it).
  ["I6", "invoice", "2026-04-30", "350.00", 61, "61-90"],
  // 120 − P5's 60 on I7.
  ["I7", "invoice", "2026-03-03", "60.00", 119, "91-120"],
  ["I8", "invoice", "2026-06-30", "10.00", 0, "not_due"],
  ["I9", "invoice", "2026-05-31", "33.33", 30, "1-30"],
  ["I10", "invoice", "2026-05-01", "44.44", 60, "31-60"],
  ["I11", "invoice", "2026-03-02", "12.00", 120, "91-120"],
  // Overpaid by P7: a negative open item on the invoice itself.
  ["I12", "invoice", "2026-06-15", "-20.00", 15, "1-30"],
  // C9 is not in customers.csv: no term, due = document date.
  ["I13", "invoice", "2026-04-30", "5.00", 61, "61-90"],
  // C3's term from 2026-06-01 is 15 days.
  ["I14", "invoice", "2026-06-20", "7.00", 10, "1-30"],
  // Dated before C3's first credit_limits row: the customers extract's 45 days.
  ["I15", "invoice", "2026-01-29", "3.00", 152, "121+"],
  // P3 names I5, which is dated after the as-of date: unapplied.
  ["P3", "payment", "2026-06-28", "-100.00", 2, "1-30"],
  // P4 names another customer's invoice: unapplied.
  ["P4", "payment", "2026-05-10", "-150.00", 51, "31-60"],
  // P5's row with no document (40) and its row naming an unknown document (5), summed per payment.
  ["P5", "payment", "2026-06-29", "-45.00", 1, "1-30"],
  ["CN3", "credit_note", "2026-06-01", "-80.00", 29, "1-30"],
  // CN4 applies to a credit note, not an invoice: unapplied. CN5 is after the as-of date: absent.
  ["CN4", "credit_note", "2026-06-15", "-10.00", 15, "1-30"],
];

const ROWS_SQL = `select document_id, document_type, cast(due_date as varchar), cast(outstanding_amount as varchar),
  days_past_due, aging_bucket from open_items order by document_id`;

function check(engine: string, rows: string[][]): string[] {
  const problems: string[] = [];
  const byId = new Map(rows.map((r) => [r[0], r]));
  for (const e of EXPECTED) {
    const got = byId.get(e[0]);
    const want = e.map(String);
    if (!got) problems.push(`${engine}: ${e[0]} missing`);
    else if (got.join("|") !== want.join("|")) problems.push(`${engine}: ${e[0]} got ${got.join("|")}, want ${want.join("|")}`);
  }
  for (const r of rows) if (!EXPECTED.some((e) => e[0] === r[0])) problems.push(`${engine}: unexpected open item ${r.join("|")}`);
  return problems;
}

installSignalHandlers();
const work = join(here, "work", `check-${Date.now()}`);
mkdirSync(join(work, "logs"), { recursive: true });
const problems: string[] = [];
try {
  const floor = await runFloor(FIXTURE, join(work, "floor.duckdb"), AS_OF);
  const instance = await DuckDBInstance.create(join(work, "floor.duckdb"));
  const db = await instance.connect();
  const floorRows = (await db.runAndReadAll(ROWS_SQL)).getRowsJson().map((r) => r.map(String));
  db.closeSync();
  instance.closeSync();
  problems.push(...check("duckdb", floorRows));

  let pgRows: string[][] = [];
  const peer = await runPeer(FIXTURE, work, AS_OF, join(work, "logs"), async (q) => {
    pgRows = await q(`${ROWS_SQL};`);
  });
  problems.push(...check("postgres", pgRows));

  const agreement = compareTotals({ duckdb: totalsFromRows(floor.totals), postgres: totalsFromRows(peer.totals) });
  for (const r of agreement.rows) console.log(`${r.bucket.padEnd(8)} ${JSON.stringify(r.values)}${r.agree ? "" : "  DISAGREE"}`);
  console.log(`total    ${JSON.stringify(agreement.total.values)}`);
  if (agreement.total.values.duckdb !== "1,320.52") problems.push(`total ${agreement.total.values.duckdb}, want 1,320.52`);
  if (!agreement.agree) problems.push("bucket totals disagree");
} finally {
  runAllCleanups();
  rmSync(work, { recursive: true, force: true });
}
if (problems.length > 0) {
  console.error(`FIXTURE CHECK FAILED:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`fixture check passed: ${EXPECTED.length} open items match the hand-worked figures in DuckDB and PostgreSQL`);

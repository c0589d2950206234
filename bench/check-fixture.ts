/**
 * Checks the floor's and the peer's aging query against open items worked out by hand on the
 * tiny fixture (bench/fixtures/tiny), which has one document for each rule of the semantics.
 * Then checks their month-end join (month-end-sql.ts) against that aging query: at each of the
 * 24 month-ends, month_end_aging must equal the aging as of that month-end, customer by
 * customer and bucket by bucket, amounts and item counts.
 * Run: npx tsx bench/check-fixture.ts   (needs PostgreSQL, as the bench does; not part of npm test)
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { installSignalHandlers, runAllCleanups } from "./cleanup.ts";
import { duckdbAgingSql, postgresAgingSql } from "./aging-sql.ts";
import { runFloor, runFloorMonthEnd } from "./floor-duckdb.ts";
import { monthEnds } from "./month-end-sql.ts";
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

const ENDS = monthEnds(AS_OF);

/** Differences between month_end_aging at M and the aging as of M (open_items), per customer × bucket. */
const monthEndDiffSql = (m: string) => `
with a as (select customer_id, aging_bucket, sum(outstanding_amount) as amount, count(*) as n from open_items group by 1, 2),
     me as (select customer_id, aging_bucket, outstanding_amount as amount, open_items as n from month_end_aging where month_end = DATE '${m}')
select coalesce(a.customer_id, me.customer_id), coalesce(a.aging_bucket, me.aging_bucket),
       cast(a.amount as varchar), cast(me.amount as varchar), a.n, me.n
  from a full join me on a.customer_id = me.customer_id and a.aging_bucket = me.aging_bucket
 where a.amount is distinct from me.amount or a.n is distinct from me.n`;

/** Runs the aging as of each month-end and compares; returns problems and how many month-ends had items. */
async function checkMonthEnds(engine: string, exec: (sql: string) => Promise<void>, rowsOf: (sql: string) => Promise<string[][]>, agingSql: (d: string) => string) {
  const problems: string[] = [];
  let withItems = 0;
  for (const m of ENDS) {
    await exec(agingSql(m));
    for (const d of await rowsOf(monthEndDiffSql(m))) problems.push(`${engine} month-end ${m}: customer ${d[0]} bucket ${d[1]}: aging ${d[2]} (${d[4]} items), month-end join ${d[3]} (${d[5]} items)`);
    const [n] = await rowsOf(`select count(*) from month_end_aging where month_end = DATE '${m}'`);
    if (Number(n?.[0] ?? 0) > 0) withItems++;
  }
  return { problems, withItems };
}

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
  const floorMonthEnd = await runFloorMonthEnd(join(work, "floor.duckdb"), ENDS);
  const instance = await DuckDBInstance.create(join(work, "floor.duckdb"));
  const db = await instance.connect();
  const floorRows = (await db.runAndReadAll(ROWS_SQL)).getRowsJson().map((r) => r.map(String));
  problems.push(...check("duckdb", floorRows));
  const duckdbMonthEnds = await checkMonthEnds(
    "duckdb",
    async (sql) => void (await db.run(sql)),
    async (sql) => (await db.runAndReadAll(sql)).getRowsJson().map((r) => r.map(String)),
    duckdbAgingSql,
  );
  db.closeSync();
  instance.closeSync();
  problems.push(...duckdbMonthEnds.problems);

  let pgRows: string[][] = [];
  let pgMonthEnds = { problems: [] as string[], withItems: 0 };
  const peer = await runPeer(FIXTURE, work, AS_OF, join(work, "logs"), {
    monthEnds: ENDS,
    inspect: async (q) => {
      pgRows = await q(`${ROWS_SQL};`);
      pgMonthEnds = await checkMonthEnds("postgres", async (sql) => void (await q(sql)), (sql) => q(`${sql};`), postgresAgingSql);
    },
  });
  problems.push(...check("postgres", pgRows));
  problems.push(...pgMonthEnds.problems);
  if (!peer.monthEnd?.ok) problems.push(`postgres month-end join failed: ${peer.monthEnd?.error}`);
  console.log(
    `month-end join: ${floorMonthEnd.rows} rows in DuckDB, ${peer.monthEnd?.rows ?? "—"} in PostgreSQL; ` +
      `equal to the aging at each of ${ENDS.length} month-ends (${ENDS[0]} … ${ENDS[ENDS.length - 1]}; ` +
      `${duckdbMonthEnds.withItems} with open items in DuckDB, ${pgMonthEnds.withItems} in PostgreSQL) unless listed below`,
  );
  if (duckdbMonthEnds.withItems < 6 || pgMonthEnds.withItems < 6) problems.push("the month-end check compared fewer than 6 month-ends with open items");

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
console.log(
  `fixture check passed: ${EXPECTED.length} open items match the hand-worked figures in DuckDB and PostgreSQL, ` +
    `and both engines' month-end join equals their aging at each of ${ENDS.length} month-ends`,
);

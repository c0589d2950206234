/**
 * A fingerprint of every mart of a built warehouse, to prove that a change to the models' SQL
 * changed no figure (issue 7: a faster build "without changing a figure"). Per mart: its row
 * count, one order-independent hash of all its rows (the sum of each row's hash, so the same rows
 * in any order give the same value) and the same per column, which names the column that differs
 * when two builds do not match.
 *
 *   npx tsx bench/build-fingerprint.ts <warehouse.duckdb> [--out FILE] [--compare FILE]
 *
 * --out writes the fingerprint as JSON; --compare checks it against a written one and exits 1,
 * naming each mart and column that differs. Columns that record when the build ran
 * (rpt_build_info.built_at, rpt_credit_holds.computed_at) differ between any two builds and are left out.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Command } from "commander";
import { openWarehouse, type Warehouse } from "../core/warehouse.ts";

/** Columns that hold the moment of the build, not a figure. */
const VOLATILE: Record<string, readonly string[]> = { rpt_build_info: ["built_at"], rpt_credit_holds: ["computed_at"] };

export interface MartFingerprint {
  rows: string;
  /** sum over rows of hash(row), as text (HUGEINT). */
  rowsHash: string;
  columns: Record<string, string>;
}

export type Fingerprint = Record<string, MartFingerprint>;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Every mart (tables and views of schema marts) of a warehouse, fingerprinted. */
export async function fingerprintMarts(wh: Warehouse): Promise<Fingerprint> {
  const marts = await wh.all<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = 'marts' order by table_name",
  );
  const result: Fingerprint = {};
  for (const { table_name: mart } of marts) {
    const columns = (
      await wh.all<{ column_name: string }>(
        "select column_name from information_schema.columns where table_schema = 'marts' and table_name = $1 order by ordinal_position",
        [mart],
      )
    )
      .map((c) => c.column_name)
      .filter((c) => !(VOLATILE[mart] ?? []).includes(c));
    const perColumn = columns.map((c, i) => `sum(hash(${quote(c)})::hugeint)::varchar as c${i}`);
    const row = `row(${columns.map(quote).join(", ")})`;
    const [r] = await wh.all<Record<string, string>>(
      `select count(*)::varchar as n, coalesce(sum(hash(${row})::hugeint), 0)::varchar as h, ${perColumn.join(", ")} from marts.${quote(mart)}`,
    );
    result[mart] = {
      rows: r!.n!,
      rowsHash: r!.h!,
      columns: Object.fromEntries(columns.map((c, i) => [c, r![`c${i}`] ?? "null"])),
    };
  }
  return result;
}

/**
 * What differs between two fingerprints, one line per mart or column; empty when identical. A mart
 * only in `after` is not a difference (another change may add a mart meanwhile): see newMarts.
 */
export function fingerprintDifferences(before: Fingerprint, after: Fingerprint): string[] {
  const out: string[] = [];
  for (const mart of Object.keys(before)) {
    const b = before[mart]!;
    const a = after[mart];
    if (!a) {
      out.push(`${mart}: missing after`);
      continue;
    }
    if (b.rows !== a.rows) out.push(`${mart}: ${b.rows} rows before, ${a.rows} after`);
    if (b.rowsHash !== a.rowsHash) out.push(`${mart}: the rows differ`);
    for (const c of new Set([...Object.keys(b.columns), ...Object.keys(a.columns)])) {
      if (b.columns[c] !== a.columns[c]) out.push(`${mart}.${c}: values differ`);
    }
  }
  return out;
}

/** The marts only in `after`, which the comparison cannot vouch for. */
export function newMarts(before: Fingerprint, after: Fingerprint): string[] {
  return Object.keys(after).filter((m) => !(m in before));
}

async function main(): Promise<number> {
  const program = new Command("build-fingerprint")
    .argument("<warehouse>", "a built warehouse file")
    .option("--out <file>", "write the fingerprint as JSON")
    .option("--compare <file>", "compare with a fingerprint written before")
    .parse();
  const opts = program.opts<{ out?: string; compare?: string }>();
  const wh = await openWarehouse(program.args[0]!, { readOnly: true, create: false });
  try {
    const fp = await fingerprintMarts(wh);
    if (opts.out) writeFileSync(opts.out, `${JSON.stringify(fp, null, 2)}\n`);
    const rows = Object.values(fp).reduce((n, m) => n + BigInt(m.rows), 0n);
    console.log(`${Object.keys(fp).length} marts, ${rows} rows`);
    if (opts.compare) {
      const before = JSON.parse(readFileSync(opts.compare, "utf8")) as Fingerprint;
      const diffs = fingerprintDifferences(before, fp);
      if (diffs.length > 0) {
        console.log(`DIFFERENT from ${opts.compare}:\n  ${diffs.join("\n  ")}`);
        return 1;
      }
      console.log(`identical to ${opts.compare}: every mart, every row, every column`);
      const added = newMarts(before, fp);
      if (added.length > 0) console.log(`not compared (new since): ${added.join(", ")}`);
    }
    return 0;
  } finally {
    wh.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(await main());

import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import type { Warehouse } from "../core/warehouse.ts";
import { standingPath } from "./paths.ts";

const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the credit standing of the build just made (marts only) to its own small DuckDB file
 * beside the warehouse, and swaps it in with a rename: a server reloading it sees the previous
 * build's standing or this one's, never a mix, and never opens the warehouse a build is writing.
 */
export async function publishStanding(wh: Warehouse): Promise<string> {
  const target = standingPath(wh.path);
  const working = `${target}.p${process.pid}.tmp`;
  for (const leftover of [working, `${working}.wal`]) rmSync(leftover, { force: true });
  const [hasOrderRefs] = await wh.all<{ n: number }>(
    "select count(*)::integer as n from duckdb_tables() where schema_name = 'marts' and table_name = 'fct_order_refs'",
  );
  await wh.run(`attach ${quoteLiteral(working)} as arwatch_credit_standing`);
  try {
    // As the build writes its tables (models/runner/build.ts): a bit-packed DECIMAL(38,2) is slow
    // to write and ~5x slower to read, and every server reload reads the standing's amounts.
    await wh.run("set disabled_compression_methods = 'bitpacking'");
    await wh.run("create table arwatch_credit_standing.customers as select * from marts.rpt_credit_standing");
    await wh.run(
      hasOrderRefs!.n > 0
        ? "create table arwatch_credit_standing.known_orders as select order_id, customer_id, open_unbilled_amount from marts.fct_order_refs"
        : "create table arwatch_credit_standing.known_orders (order_id VARCHAR, customer_id VARCHAR, open_unbilled_amount DECIMAL(18, 2))",
    );
    await wh.run(`create table arwatch_credit_standing.build as
      select
        as_of_date, built_at, currency, warn_at, max_debt_age_days,
        credit_grace_days, credit_hold_days_past_due,
        (select strftime(max(finished_at) at time zone 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') from meta.load_log) as last_ingest_at,
      from marts.rpt_build_info`);
    await wh.run("checkpoint arwatch_credit_standing");
  } finally {
    try {
      await wh.run("reset disabled_compression_methods");
    } finally {
      await wh.run("detach arwatch_credit_standing");
    }
  }
  fsyncPath(working);
  renameSync(working, target);
  if (existsSync(dirname(target))) fsyncPath(dirname(target));
  return target;
}

import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { processAlive } from "../core/process-alive.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { firstLine, literal } from "../core/warehouse.ts";
import { standingPath } from "./paths.ts";

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
  const aside = await writeStandingAside(wh);
  swapStandingIn(aside);
  return aside.target;
}

/** A standing written beside its place, not yet swapped in. */
export interface StandingAside {
  working: string;
  target: string;
}

/**
 * Writes the standing of the marts the default catalog names to a working file beside the
 * warehouse's standing, fsynced, without swapping it in. A build writes it from its scratch
 * before it commits (the marts are then this build's) and swaps it in only once the warehouse
 * holds them; a failed build discards it. Working files that a process no longer running left
 * (a build killed before its commit) are removed first.
 */
export async function writeStandingAside(wh: Warehouse): Promise<StandingAside> {
  const target = standingPath(wh.path);
  const aside = { working: `${target}.p${process.pid}.tmp`, target };
  removeLeftovers(target);
  try {
    await writeStanding(wh, aside.working);
    fsyncPath(aside.working);
  } catch (e) {
    discardStandingAside(aside);
    throw new Error(`credit standing ${aside.working}: ${firstLine(e)}`);
  }
  return aside;
}

/** The working files of this standing whose process is gone (and this process's own). */
function removeLeftovers(target: string): void {
  const prefix = `${basename(target)}.p`;
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = /^(\d+)\.tmp(\.wal)?$/.exec(name.startsWith(prefix) ? name.slice(prefix.length) : "")?.[1];
    if (pid !== undefined && (Number(pid) === process.pid || !processAlive(Number(pid)))) rmSync(join(dirname(target), name), { force: true });
  }
}

async function writeStanding(wh: Warehouse, working: string): Promise<void> {
  const [hasOrderRefs] = await wh.all<{ n: number }>(
    "select count(*)::integer as n from duckdb_tables() where database_name = current_database() and schema_name = 'marts' and table_name = 'fct_order_refs'",
  );
  // The build's own setting, put back as it was after (not reset: a build sets it too).
  const [compression] = await wh.all<{ value: string }>("select current_setting('disabled_compression_methods') as value");
  await wh.run(`attach ${literal(working)} as arwatch_credit_standing`);
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
      await wh.run(`set disabled_compression_methods = ${literal(compression?.value ?? "")}`);
    } finally {
      await wh.run("detach arwatch_credit_standing");
    }
  }
}

/** Swaps a standing written aside into its place: atomic, and durable once this returns. */
export function swapStandingIn(aside: StandingAside): void {
  renameSync(aside.working, aside.target);
  if (existsSync(dirname(aside.target))) fsyncPath(dirname(aside.target));
}

/** Removes a standing written aside that will not be swapped in (its build failed). */
export function discardStandingAside(aside: StandingAside): void {
  for (const file of [aside.working, `${aside.working}.wal`]) rmSync(file, { force: true });
}

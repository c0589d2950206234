/**
 * Runs the floor in a process of its own, so that its peak RSS is measured by /usr/bin/time
 * the same way as arwatch's steps, and DuckDB's memory is not left behind in the harness that
 * then drives PostgreSQL. Prints one line of JSON on stdout.
 *
 *   node --import tsx bench/floor-child.ts <extractsDir> <db> <asOf>          load + aging (a FloorResult)
 *   node --import tsx bench/floor-child.ts --month-end <db> <monthEnd,…>      month-end join on that db (a FloorMonthEndResult)
 */
import { runFloor, runFloorMonthEnd } from "./floor-duckdb.ts";

const args = process.argv.slice(2);
try {
  if (args[0] === "--month-end") {
    const [, dbPath, ends] = args;
    if (!dbPath || !ends) throw new Error("usage: floor-child.ts --month-end <db> <monthEnd,…>");
    const result = await runFloorMonthEnd(dbPath, ends.split(","));
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const [extractsDir, dbPath, asOf] = args;
    if (!extractsDir || !dbPath || !asOf) throw new Error("usage: floor-child.ts <extractsDir> <db> <asOf>");
    const result = await runFloor(extractsDir, dbPath, asOf);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
} catch (e) {
  process.stderr.write(`floor failed: ${(e as Error).message}\n`);
  process.exit(1);
}

/**
 * Runs the floor in a process of its own, so that its peak RSS is measured by /usr/bin/time
 * the same way as arwatch's steps, and DuckDB's memory is not left behind in the harness that
 * then drives PostgreSQL. Usage: node --import tsx bench/floor-child.ts <extractsDir> <db> <asOf>
 * Prints one line of JSON (a FloorResult) on stdout.
 */
import { runFloor } from "./floor-duckdb.ts";

const [extractsDir, dbPath, asOf] = process.argv.slice(2);
if (!extractsDir || !dbPath || !asOf) {
  process.stderr.write("usage: floor-child.ts <extractsDir> <db> <asOf>\n");
  process.exit(2);
}
try {
  const result = await runFloor(extractsDir, dbPath, asOf);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (e) {
  process.stderr.write(`floor failed: ${(e as Error).message}\n`);
  process.exit(1);
}

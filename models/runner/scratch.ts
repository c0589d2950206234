import type { Warehouse } from "../../core/warehouse.ts";
import { ident } from "../../core/warehouse.ts";

// Where a build computes its models before any of them reaches the warehouse.
//
// DuckDB scans a table written earlier in the same transaction with a single thread (duckdb
// issue 18074), and plans joins on it as if it were empty. A build made in one transaction on the
// warehouse therefore ran most of its models on one core, each reading what the model before it
// had just written. So a build computes every model in an in-memory database of its own (the
// scratch), where each statement commits as it ends and the next model reads it in parallel, and
// then copies only the finished tables into the warehouse in one transaction: readers still see
// the previous build or the whole new one, never a part. The scratch spills to DuckDB's temporary
// directory when it outgrows the memory limit, and is gone when the build ends or the process dies.

/** What a scratch database is called for a build: unique, so it never meets a warehouse's own name. */
export function scratchName(buildId: string): string {
  return `arwatch_build_${buildId.replaceAll("-", "")}`;
}

/** The catalog that unqualified names resolve to: the warehouse's own, before a build moves it. */
export async function currentCatalog(wh: Warehouse): Promise<string> {
  const [row] = await wh.all<{ name: string }>("select current_database() as name");
  return row!.name;
}

/**
 * Attaches the scratch and makes it the default catalog, with a view of the same name for every
 * table of the warehouse that this build does not make itself (the sources, meta, the models not
 * selected), so that the models' SQL reads the same names in either place. The warehouse's views
 * come later (copyViews), once the build's macros and parameters are in the scratch.
 */
export async function openScratch(wh: Warehouse, home: string, scratch: string, schemas: readonly string[], makes: (id: string) => boolean) {
  await wh.run(`attach ':memory:' as ${ident(scratch)}`);
  await wh.run(`use ${ident(scratch)}`);
  for (const schema of schemas) await wh.run(`create schema if not exists ${ident(schema)}`);
  const tables = await wh.all<{ schema_name: string; name: string }>(
    "select schema_name, table_name as name from duckdb_tables() where database_name = $1 and not temporary",
    [home],
  );
  for (const { schema_name: schema, name } of tables) {
    if (makes(`${schema}.${name}`)) continue;
    await wh.run(`create schema if not exists ${ident(schema)}`);
    await wh.run(`create view ${ident(schema)}.${ident(name)} as select * from ${ident(home)}.${ident(schema)}.${ident(name)}`);
  }
}

/**
 * The warehouse's views that this build does not make, recreated in the scratch from their own
 * SQL, so that they read this build's parameters, macros and models as they would in the warehouse
 * (a view that only pointed at the warehouse's would bind there, to the previous build's). A view
 * may read another: each round creates those that bind, until none is left or a round adds none.
 * Returns the views that do not bind (a view over a table since dropped): they are left out, and
 * a model that reads one fails naming it.
 */
export async function copyViews(wh: Warehouse, home: string, makes: (id: string) => boolean): Promise<string[]> {
  const views = await wh.all<{ schema_name: string; name: string; sql: string }>(
    "select schema_name, view_name as name, sql from duckdb_views() where database_name = $1 and not temporary and not internal",
    [home],
  );
  let pending = views.filter((v) => !makes(`${v.schema_name}.${v.name}`));
  for (const { schema_name: schema } of pending) await wh.run(`create schema if not exists ${ident(schema)}`);
  while (pending.length > 0) {
    const left: typeof pending = [];
    for (const view of pending) await wh.run(view.sql).catch(() => left.push(view));
    if (left.length === pending.length) break;
    pending = left;
  }
  return pending.map((v) => `${v.schema_name}.${v.name}`);
}

/** The tables (not the views onto the warehouse) of one schema of the scratch. */
export async function scratchTables(wh: Warehouse, scratch: string, schema: string): Promise<string[]> {
  const rows = await wh.all<{ name: string }>(
    "select table_name as name from duckdb_tables() where database_name = $1 and schema_name = $2 order by table_name",
    [scratch, schema],
  );
  return rows.map((r) => r.name);
}

/** Back to the warehouse's catalog, and the scratch's rows freed; safe to call whatever happened before. */
export async function closeScratch(wh: Warehouse, home: string, scratch: string): Promise<void> {
  await wh.run(`use ${ident(home)}`);
  await wh.run(`detach database if exists ${ident(scratch)}`);
}

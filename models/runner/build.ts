import { randomUUID } from "node:crypto";
import type { Logger } from "../../core/log.ts";
import { elapsed } from "../../core/log.ts";
import type { Row, Warehouse } from "../../core/warehouse.ts";
import { firstLine, ident } from "../../core/warehouse.ts";
import { columnMismatch } from "./columns.ts";
import { testsOf, type DataTest } from "./data-tests.ts";
import { modelsRead, resolveDependencies, selectModels, topologicalOrder } from "./dependencies.ts";
import { writeBuildParams, type ParamTable, type ParamValue } from "./params.ts";
import { LAYERS, loadMacros, loadProject, type Model } from "./project.ts";
import { dropRetiredModels, markBuilt, recordBuiltModels, type CatalogObject, type ObjectKind } from "./retired.ts";
import { closeScratch, copyViews, currentCatalog, openScratch, scratchName, scratchTables } from "./scratch.ts";

export interface BuildOptions {
  /** YYYY-MM-DD; every model computes its figures as of this date (meta.build_params.as_of_date). */
  asOf: string;
  /** The settings the models read, one column each of meta.build_params (beside as_of_date and built_at). */
  params?: Record<string, ParamValue>;
  /** Small tables of settings, each written to meta.build_<name>. */
  paramTables?: Record<string, ParamTable>;
  /** Runs before anything else, e.g. to create the source tables the models read. */
  prepare?: (wh: Warehouse) => Promise<void>;
  /**
   * Runs once every model is built and every blocking test has passed, just before the models
   * are written into the warehouse, with the build's scratch as the default catalog: unqualified
   * names (`marts.x`) read what this build made. Whatever it writes elsewhere is its own to undo
   * if the build then fails (the result says whether it did).
   */
  beforeCommit?: (wh: Warehouse) => Promise<void>;
  log: Logger;
  /** `model` or `model+` (it and everything downstream). */
  select?: string;
  now?: () => Date;
  modelsDir?: string;
}

export interface TestResult {
  test: DataTest;
  failures: number;
  sample: Row[];
  ms: number;
}

export interface BuildResult {
  buildId: string;
  models: { id: string; ms: number }[];
  tests: TestResult[];
}

/**
 * A build that did not finish: stopped by a failing blocking test or an error before its models
 * reached the warehouse (nothing it built is visible), or, when `committed`, after they did (the
 * warehouse holds them, but what comes after, putting the scratch away or the build log, failed).
 */
export class BuildFailed extends Error {
  constructor(
    message: string,
    readonly result: BuildResult,
    readonly committed = false,
  ) {
    super(message);
    this.name = "BuildFailed";
  }
}

/** The shown rows of a failing test. */
export const SAMPLE_ROWS = 5;

/**
 * Builds the models in dependency order, running each model's data tests right after it, in a
 * scratch database (scratch.ts), then writes the built tables and views into the warehouse in one
 * transaction. A failing blocking test stops the build before anything is written, so that
 * nothing downstream, and no reader, ever sees bad data. Test results are kept in
 * meta.test_results either way, for the data-quality page.
 */
export async function buildModels(wh: Warehouse, options: BuildOptions): Promise<BuildResult> {
  const { log } = options;
  const now = options.now ?? (() => new Date());
  const models = loadProject(options.modelsDir);
  await options.prepare?.(wh);
  await wh.run("create schema if not exists meta");
  const parents = await resolveDependencies(wh, models);
  const order = topologicalOrder(parents);
  const selected = options.select ? selectModels(options.select, models, parents) : new Set(order);
  const byId = new Map(models.map((m) => [m.id, m]));
  let pendingTests = await testsWithDependencies(wh, models, selected);
  const result: BuildResult = { buildId: randomUUID(), models: [], tests: [] };
  const startedAt = now();
  let failure: BuildFailed | undefined;
  let committed = false;
  let dropped: string[] = [];
  // Marts have no inherent row order (readers sort); not keeping one lets DuckDB write in parallel.
  await wh.run("set preserve_insertion_order = false");
  // DuckDB bit-packs DECIMAL(38,2) (a 128-bit integer) through a slow generic path: a model that
  // sums a bit-packed amount column reads it ~20x slower than the same column stored plain. The
  // models keep their money in DECIMAL(38,2) (issue 7: sums must not overflow), so the tables they
  // write skip bit-packing; the values are the same, only their layout on disk differs (the file
  // is about twice the size: 154 MB -> 334 MB after a build at 1M documents / 100k customers).
  await wh.run("set disabled_compression_methods = 'bitpacking'");
  const home = await currentCatalog(wh);
  const scratch = scratchName(result.buildId);
  try {
    const macros = loadMacros(options.modelsDir);
    // The parameter tables this build writes are its own; any other meta table is read as it is.
    const params = new Set(["meta.build_params", ...Object.keys(options.paramTables ?? {}).map((name) => `meta.build_${name}`)]);
    const makes = (id: string) => selected.has(id) || params.has(id);
    await openScratch(wh, home, scratch, ["meta", ...LAYERS], makes);
    await createMacros(wh, macros);
    await writeBuildParams(wh, options.asOf, startedAt, options.params ?? {}, options.paramTables ?? {});
    for (const view of await copyViews(wh, home, makes)) log.warn(`the warehouse's view ${view} no longer binds (what it reads is gone or changed): this build leaves it alone`);
    for (const id of order) {
      if (!selected.has(id)) continue;
      const model = byId.get(id)!;
      const started = performance.now();
      await compute(wh, model);
      const ms = elapsed(started);
      const mismatch = await columnMismatch(wh, model);
      if (mismatch) throw new BuildFailed(mismatch, result);
      result.models.push({ id, ms });
      log.info(`  ${id.padEnd(42)} ${model.materialized.padEnd(5)} ${(ms / 1000).toFixed(2)} s`);
      const built = new Set(result.models.map((m) => m.id));
      const ready = pendingTests.filter((p) => [...p.reads].every((r) => built.has(r) || !selected.has(r)));
      pendingTests = pendingTests.filter((p) => !ready.includes(p));
      for (const { test } of ready) {
        const outcome = await runTest(wh, test);
        result.tests.push(outcome);
        if (outcome.failures > 0 && test.severity === "error") {
          throw new BuildFailed(`data test ${test.name} failed on ${outcome.failures} row(s): ${test.description}`, result);
        }
      }
    }
    await options.beforeCommit?.(wh);
    // A cached view's rows served this build's models and tests; the warehouse gets its query.
    for (const entry of result.models) {
      if (byId.get(entry.id)!.materialized === "cached_view") await wh.run(`drop table ${entry.id}`);
    }
    await wh.run(`use ${ident(home)}`);
    const paramTables = await scratchTables(wh, scratch, "meta");
    await wh.transaction(async () => {
      for (const layer of LAYERS) await wh.run(`create schema if not exists ${layer}`);
      await createMacros(wh, macros);
      for (const name of paramTables) await wh.run(`create or replace table meta.${ident(name)} as select * from ${ident(scratch)}.meta.${ident(name)}`);
      const objects = await catalogObjects(wh, home);
      // Only a whole build retires models: a partial one may run on another models folder's warehouse.
      if (!options.select) dropped = await dropRetiredModels(wh, objects, new Set(byId.keys()));
      for (const entry of result.models) {
        const started = performance.now();
        const model = byId.get(entry.id)!;
        const written = await persist(wh, model, scratch, objects.get(entry.id)?.kind);
        await markBuilt(wh, entry.id, objectKind(model), result.buildId);
        if (!written) continue;
        const ms = elapsed(started);
        entry.ms += ms;
        log.info(`  ${entry.id.padEnd(42)} ${"written".padEnd(5)} ${(ms / 1000).toFixed(2)} s`);
      }
      await recordBuiltModels(wh, result.models.map((m) => ({ id: m.id, kind: objectKind(byId.get(m.id)!) })), result.buildId, startedAt);
    });
    committed = true;
    for (const object of dropped) log.warn(`removed ${object}: an earlier build made it, and the models no longer have it (renamed, moved or removed)`);
  } catch (e) {
    failure = e instanceof BuildFailed ? e : new BuildFailed(firstLine(e), result);
  }
  try {
    await closeScratch(wh, home, scratch);
  } catch (e) {
    failure ??= new BuildFailed(`could not put the build's scratch database away: ${firstLine(e)}`, result, committed);
  }
  // Never over the build's own outcome: a failure here would hide it.
  await wh.run("reset preserve_insertion_order").catch(() => {});
  await wh.run("reset disabled_compression_methods").catch(() => {});
  // A model's settings are global to the database and outlive a rollback: put them back here too,
  // outside the transaction, in case the model failed where its own reset could not run.
  for (const name of new Set([...selected].flatMap((id) => Object.keys(byId.get(id)?.doc.settings ?? {})))) {
    await wh.run(`reset ${name}`).catch(() => {});
  }
  try {
    await recordBuild(wh, result, options.asOf, startedAt, now(), failure);
  } catch (e) {
    // The site reads the latest succeeded build's test results: a build it cannot log is not done.
    failure ??= new BuildFailed(`the build log (meta.build_log, meta.test_results) could not be written: ${firstLine(e)}`, result, committed);
  }
  if (failure) throw failure;
  return result;
}

/**
 * The tests of the selected models, each with the models its query reads: a test runs as soon
 * as all of them are built, so that a relationship or an invariant across marts sees both sides.
 */
async function testsWithDependencies(wh: Warehouse, models: Model[], selected: Set<string>) {
  const tests = models.filter((m) => selected.has(m.id)).flatMap((m) => testsOf(m));
  const reads = await modelsRead(wh, tests.map((t) => ({ sql: t.sql, where: `data test ${t.name}` })), models);
  return tests.map((test, i) => ({ test, reads: reads[i]! }));
}

/**
 * A model's rows, in the scratch: a table for a table or a cached view (computed once for the
 * whole build, whoever reads it), a view for a view.
 */
async function compute(wh: Warehouse, model: Model): Promise<void> {
  const settings = Object.entries(model.doc.settings ?? {});
  const applied: string[] = [];
  try {
    for (const [name, value] of settings) {
      await wh.run(`set ${name} = ${typeof value === "string" ? `'${value}'` : String(value)}`);
      applied.push(name);
    }
    await wh.run(`create ${model.materialized === "view" ? "view" : "table"} ${model.id} as\n${model.sql}`);
  } catch (e) {
    throw new Error(`${model.path}: ${firstLine(e)}`);
  } finally {
    // Only what was set, and never over the model's own error (buildModels resets every model's
    // settings again after it).
    for (const name of applied) await wh.run(`reset ${name}`).catch(() => {});
  }
}

/**
 * A computed model into the warehouse, inside the build's transaction: a table's rows copied from
 * the scratch; a view, and a cached view, as a view with the model's own query. True when rows
 * were written.
 */
async function persist(wh: Warehouse, model: Model, scratch: string, existing: ObjectKind | undefined): Promise<boolean> {
  try {
    // A model whose materialization changed leaves an object of the other kind in the way.
    const wanted = objectKind(model);
    if (existing && existing !== wanted) await wh.run(`drop ${existing} ${model.id}`);
    if (model.materialized !== "table") {
      await wh.run(`create or replace view ${model.id} as\n${model.sql}`);
      return false;
    }
    await wh.run(`create or replace table ${model.id} as select * from ${ident(scratch)}.${model.id}`);
    return true;
  } catch (e) {
    throw new Error(`${model.path}: ${firstLine(e)}`);
  }
}

/**
 * Each table and view of the warehouse by schema.name, with its kind and comment: one look at the
 * catalog for the whole build (a look per model through information_schema cost ~10 ms each).
 */
async function catalogObjects(wh: Warehouse, home: string): Promise<Map<string, CatalogObject>> {
  const rows = await wh.all<{ id: string } & CatalogObject>(
    `select schema_name || '.' || table_name as id, 'table' as kind, comment from duckdb_tables() where database_name = $1 and not temporary
     union all
     select schema_name || '.' || view_name, 'view', comment from duckdb_views() where database_name = $1 and not temporary and not internal`,
    [home],
  );
  return new Map(rows.map(({ id, kind, comment }) => [id, { kind, comment }]));
}

/** What a model is in the warehouse: a table, or a view (a view's and a cached view's query). */
function objectKind(model: Model): ObjectKind {
  return model.materialized === "table" ? "table" : "view";
}

async function createMacros(wh: Warehouse, macros: { path: string; sql: string }[]): Promise<void> {
  for (const macro of macros) {
    try {
      await wh.run(macro.sql);
    } catch (e) {
      throw new Error(`${macro.path}: ${firstLine(e)}`);
    }
  }
}

async function runTest(wh: Warehouse, test: DataTest): Promise<TestResult> {
  const started = performance.now();
  try {
    const [count] = await wh.all<{ n: string }>(`select count(*) as n from (${test.sql})`);
    const failures = Number(count!.n);
    const sample = failures > 0 ? await wh.all(`select * from (${test.sql}) limit ${SAMPLE_ROWS}`) : [];
    return { test, failures, sample, ms: elapsed(started) };
  } catch (e) {
    throw new Error(`data test ${test.name} on ${test.model} cannot run: ${firstLine(e)}`);
  }
}

async function recordBuild(wh: Warehouse, result: BuildResult, asOf: string, startedAt: Date, finishedAt: Date, failure?: Error) {
  await wh.run(`create table if not exists meta.build_log (
    build_id VARCHAR, as_of_date DATE, outcome VARCHAR, message VARCHAR, models INTEGER,
    started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ)`);
  await wh.run(`create table if not exists meta.test_results (
    build_id VARCHAR, test_name VARCHAR, model VARCHAR, severity VARCHAR, status VARCHAR,
    failures BIGINT, description VARCHAR, sample_json VARCHAR, sql VARCHAR)`);
  await wh.transaction(async () => {
    await wh.run(`insert into meta.build_log values ($1, $2::DATE, $3, $4, $5, $6::TIMESTAMPTZ, $7::TIMESTAMPTZ)`, [
      result.buildId,
      asOf,
      failure ? "failed" : "succeeded",
      failure?.message ?? null,
      result.models.length,
      startedAt.toISOString(),
      finishedAt.toISOString(),
    ]);
    if (result.tests.length === 0) return;
    // One statement for all results: a row per test, bound as parameters.
    const rows = result.tests.map((t) => [
      result.buildId,
      t.test.name,
      t.test.model,
      t.test.severity,
      t.failures === 0 ? "pass" : t.test.severity === "error" ? "fail" : "warn",
      t.failures,
      t.test.description,
      JSON.stringify(t.sample),
      t.test.sql,
    ]);
    const placeholders = rows.map((_, r) => `(${Array.from({ length: 9 }, (_, c) => `$${r * 9 + c + 1}`).join(", ")})`);
    await wh.run(`insert into meta.test_results values ${placeholders.join(", ")}`, rows.flat());
  });
}

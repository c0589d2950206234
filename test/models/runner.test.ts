import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryLogger, silentLogger } from "../../core/log.ts";
import { openWarehouse } from "../../core/warehouse.ts";
import { BuildFailed, buildModels, type BuildOptions } from "../../models/runner/build.ts";
import { ensureRawSchema } from "../../ingest/schema.ts";
import { emptyWarehouse, insertRaw, tempDir } from "../helpers/warehouse.ts";

/** A models folder of its own: { "staging/a.sql": "...", "staging/_staging__models.yml": "..." } */
function project(files: Record<string, string>): string {
  const dir = tempDir("arwatch-models-");
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), body);
  }
  return dir;
}

/** A layer's YAML documenting each model with the given columns: { a: ["customer_id"] }. */
const doc = (layer: string, models: Record<string, string[]>) => [
  `${layer}/_${layer}__models.yml`,
  `models:\n${Object.entries(models)
    .map(([m, cols]) => `  - name: ${m}\n    description: test model ${m}\n    columns: [${cols.map((c) => `{ name: ${c}, description: column ${c} }`).join(", ")}]\n`)
    .join("")}`,
] as const;

async function run(modelsDir: string, select?: string) {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", [{ customer_id: "C1" }, { customer_id: "C2" }]);
  const log = memoryLogger();
  const build = () => buildModels(wh, { asOf: "2024-03-31", log, modelsDir, select });
  return { wh, log, build };
}

describe("the model runner", () => {
  it("infers dependencies from the tables a model reads, ignoring its CTEs", async () => {
    const dir = project({
      "marts/b.sql": "with a as (select * from staging.a) select count(*) as n from a",
      "staging/a.sql": "select customer_id from raw.customers",
      [doc("staging", {})[0]]: doc("staging", { a: ["customer_id"] })[1],
      [doc("marts", {})[0]]: doc("marts", { b: ["n"] })[1],
    });
    const { wh, build } = await run(dir);
    const result = await build();
    expect(result.models.map((m) => m.id)).toEqual(["staging.a", "marts.b"]);
    expect(await wh.all("select n from marts.b")).toEqual([{ n: "2" }]);
  });

  it("fails clearly on a table that is neither a model nor a source", async () => {
    const dir = project({ "staging/a.sql": "select * from raw.customers join nowhere.x using (customer_id)", [doc("staging", {})[0]]: doc("staging", { a: [] })[1] });
    const { build } = await run(dir);
    await expect(build()).rejects.toThrow(/staging\/a\.sql: reads nowhere\.x, which is neither a model nor a source/);
  });

  it("parses every model in one statement, yet names the one that does not parse", async () => {
    // The broken model is the first of three: a parse tree matched to the wrong query would name another.
    const dir = project({
      "staging/a.sql": "select customer_id from raw.customers where",
      "staging/b.sql": "select customer_id, 'it''s \"ok\" \\n \u2028 Công ty' as note from raw.customers",
      "staging/c.sql": "select * from staging.b",
      [doc("staging", {})[0]]: doc("staging", { a: ["customer_id"], b: ["customer_id", "note"], c: ["customer_id", "note"] })[1],
    });
    const { build } = await run(dir);
    await expect(build()).rejects.toThrow(/staging\/a\.sql: cannot be parsed as a SELECT/);
    // Quotes, a JSON escape, a line separator and Vietnamese text travel to DuckDB's parser intact,
    // and each model's reads are its own: c after b.
    const good = project({
      "staging/b.sql": "select customer_id, 'it''s \"ok\" \\n \u2028 Công ty' as note from raw.customers",
      "staging/c.sql": "select * from staging.b",
      [doc("staging", {})[0]]: doc("staging", { b: ["customer_id", "note"], c: ["customer_id", "note"] })[1],
    });
    const second = await run(good);
    const result = await second.build();
    expect(result.models.map((m) => m.id)).toEqual(["staging.b", "staging.c"]);
    expect(await second.wh.all("select distinct note from staging.c")).toEqual([{ note: "it's \"ok\" \\n \u2028 Công ty" }]);
  });

  it("still parses a query the one-statement list cannot carry (a lone surrogate from a YAML escape)", async () => {
    const dir = project({
      "staging/a.sql": "select customer_id from raw.customers",
      "staging/_staging__models.yml": [
        "models:",
        "  - name: a",
        "    description: test model a",
        "    columns:",
        "      - name: customer_id",
        "        description: column customer_id",
        '        tests: [{ accepted_values: { values: ["C1", "C2", "\\uD800"] } }]',
      ].join("\n"),
    });
    const { build } = await run(dir);
    const result = await build();
    expect(result.tests.map((t) => [t.test.model, t.failures])).toEqual([["staging.a", 0]]);
  });

  it("fails clearly on a cycle", async () => {
    const dir = project({
      "staging/a.sql": "select * from staging.b",
      "staging/b.sql": "select * from staging.a",
      [doc("staging", {})[0]]: doc("staging", { a: [], b: [] })[1],
    });
    const { build } = await run(dir);
    await expect(build()).rejects.toThrow(/cycle: staging\.(a|b) -> staging\.(a|b) -> staging\.(a|b)/);
  });

  it("creates a macro after the macros it calls, whatever their names, and refuses a cycle", async () => {
    // a_twice calls z_half: in name order a_twice would come first and not bind.
    const dir = project({
      "macros/a_twice.sql": "create or replace macro a_twice(x) as z_half(x) * 4",
      "macros/z_half.sql": "-- calls nothing\ncreate or replace macro z_half(x) as x / 2",
      "staging/a.sql": "select a_twice(3) as six from raw.customers limit 1",
      [doc("staging", {})[0]]: doc("staging", { a: ["six"] })[1],
    });
    const { wh, build } = await run(dir);
    await build();
    expect(await wh.all("select six from staging.a")).toEqual([{ six: 6 }]);
    const cycle = project({
      "macros/p.sql": "create or replace macro p(x) as q(x)",
      "macros/q.sql": "create or replace macro q(x) as p(x)",
      "staging/a.sql": "select 1 as one",
      [doc("staging", {})[0]]: doc("staging", { a: ["one"] })[1],
    });
    await expect((await run(cycle)).build()).rejects.toThrow(/the macros call each other in a cycle \(p → q → p\)/);
  });

  it("honours a -- depends_on: line for a read the parser cannot see", async () => {
    const dir = project({
      "marts/z.sql": "-- depends_on: marts.y\nselect 1 as one",
      "marts/y.sql": "select 2 as two",
      [doc("marts", {})[0]]: doc("marts", { y: ["two"], z: ["one"] })[1],
    });
    const { build } = await run(dir, "marts.y+");
    expect((await build()).models.map((m) => m.id)).toEqual(["marts.y", "marts.z"]);
  });

  it("builds only the selected model, or with + everything downstream (model+) or upstream (+model)", async () => {
    const dir = project({
      "staging/a.sql": "select customer_id from raw.customers",
      "marts/b.sql": "select * from staging.a",
      "marts/c.sql": "select 1 as x",
      [doc("staging", {})[0]]: doc("staging", { a: ["customer_id"] })[1],
      [doc("marts", {})[0]]: doc("marts", { b: ["customer_id"], c: ["x"] })[1],
    });
    const { build: all } = await run(dir, "a+");
    expect((await all()).models.map((m) => m.id)).toEqual(["staging.a", "marts.b"]);
    const { build: one } = await run(dir, "staging.a");
    expect((await one()).models.map((m) => m.id)).toEqual(["staging.a"]);
    const { build: upstream } = await run(dir, "+b");
    expect((await upstream()).models.map((m) => m.id)).toEqual(["staging.a", "marts.b"]);
  });

  it("rolls the whole build back when a blocking test fails, and keeps going past a warning", async () => {
    const yml = (severity: string) => `models:
  - name: a
    description: customers
    columns:
      - name: customer_id
        description: id
        tests:
          - accepted_values: { values: [C1], severity: ${severity} }
`;
    const sql = "select customer_id from raw.customers";
    const warnDir = project({ "marts/a.sql": sql, "marts/_marts__models.yml": yml("warn") });
    const { build: warnBuild } = await run(warnDir);
    const warned = await warnBuild();
    expect(warned.tests.map((t) => [t.test.name, t.failures, t.sample])).toEqual([["accepted_values__a__customer_id", 1, [{ customer_id: "C2", rows: "1" }]]]);

    const errorDir = project({ "marts/a.sql": sql, "marts/_marts__models.yml": yml("error") });
    const { wh, build } = await run(errorDir);
    const error = await build().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildFailed);
    expect((error as BuildFailed).message).toBe("data test accepted_values__a__customer_id failed on 1 row(s): customer_id is one of C1");
    expect((error as BuildFailed).committed).toBe(false);
    expect(await wh.all("select count(*) as n from information_schema.tables where table_schema = 'marts'")).toEqual([{ n: "0" }]);
    expect(await wh.all("select outcome from meta.build_log")).toEqual([{ outcome: "failed" }]);
    expect(await wh.all("select test_name, status, failures from meta.test_results")).toEqual([
      { test_name: "accepted_values__a__customer_id", status: "fail", failures: "1" },
    ]);
  });

  it("names the file of a YAML document that does not parse", async () => {
    const dir = project({ "staging/a.sql": "select 1", "staging/_staging__models.yml": "models:\n  - name: a\n    description: a: b\n" });
    const { build } = await run(dir);
    await expect(build()).rejects.toThrow(/staging\/_staging__models\.yml: not valid YAML: bad indentation of a mapping entry \(3:19\)/);
  });

  it("refuses a model that its layer's YAML does not document", async () => {
    const dir = project({ "staging/a.sql": "select 1", "staging/_staging__models.yml": "models: []\n" });
    const { build } = await run(dir);
    await expect(build()).rejects.toThrow(/model a is not documented/);
  });

  it("fails the build when a mart's built columns differ from its documented ones, naming both sides", async () => {
    const dir = project({
      "marts/m.sql": "select customer_id, 1 as surprise from raw.customers",
      [doc("marts", {})[0]]: doc("marts", { m: ["customer_id", "customer_name"] })[1],
    });
    const { wh, build } = await run(dir);
    const error = await build().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildFailed);
    expect((error as Error).message).toBe(
      "marts.m: its columns differ from marts/_marts__models.yml (built but not documented: surprise; documented but not built: customer_name)",
    );
    expect(await wh.all("select count(*) as n from information_schema.tables where table_schema = 'marts'")).toEqual([{ n: "0" }]);
  });

  it("computes a cached view once for the whole build, then leaves a view with its own query", async () => {
    // random() tells one computation from two: marts.b and marts.c must see the same rows.
    const files = {
      "staging/a.sql": "select customer_id, random() as r from raw.customers",
      "staging/_staging__models.yml":
        "models:\n  - name: a\n    description: a\n    materialized: cached_view\n    columns: [{ name: customer_id, description: c }, { name: r, description: r }]\n",
      "marts/b.sql": "select sum(r) as total from staging.a",
      "marts/c.sql": "select sum(r) as total from staging.a",
      [doc("marts", {})[0]]: doc("marts", { b: ["total"], c: ["total"] })[1],
    };
    const { wh, build } = await run(project(files));
    await build();
    const [b] = await wh.all<{ total: number }>("select total from marts.b");
    const [c] = await wh.all<{ total: number }>("select total from marts.c");
    expect(b!.total).toBe(c!.total);
    const [view] = await wh.all<{ sql: string }>("select sql from duckdb_views() where schema_name = 'staging' and view_name = 'a'");
    expect(view!.sql).toContain("random()");
    expect(view!.sql).not.toContain("build_cache");
    expect(await wh.all("select table_name from duckdb_tables() where temporary")).toEqual([]);
    expect(await wh.all("select count(*) as n from staging.a")).toEqual([{ n: "2" }]);

    // A build that fails after it leaves neither the cache nor a view reading it.
    const failing = { ...files, "marts/c.sql": "select sum(r) as total from staging.a where no_such_column" };
    const second = await run(project(failing));
    await expect(second.build()).rejects.toThrow(/marts\/c\.sql/);
    expect(await second.wh.all("select table_name from duckdb_tables() where temporary")).toEqual([]);
    expect(await second.wh.all("select view_name from duckdb_views() where schema_name = 'staging'")).toEqual([]);
  });

  it("computes in a scratch database, then writes tables and views into the warehouse, whatever its file is called", async () => {
    // A file name DuckDB turns into a catalog name that needs quoting.
    const path = join(tempDir("arwatch-scratch-"), 'wh "1" it\'s.duckdb');
    const wh = await openWarehouse(path);
    await ensureRawSchema(wh);
    await insertRaw(wh, "customers", [{ customer_id: "C1" }, { customer_id: "C2" }]);
    // A meta table of an earlier build's parameters that this one does not write: read as it is.
    await wh.run("create schema if not exists meta; create table meta.build_extra as select 7 as n");
    const dir = project({
      "staging/a.sql": "select customer_id from raw.customers",
      "marts/b.sql": "select count(*) as n, (select n from meta.build_extra) as extra, (select as_of_date from meta.build_params) as as_of from staging.a",
      "marts/c.sql": "select n * 10 as n10 from marts.b",
      [doc("staging", {})[0]]: doc("staging", { a: ["customer_id"] })[1],
      [doc("marts", {})[0]]: `models:
  - name: b
    description: b
    materialized: table
    columns: [{ name: n, description: n }, { name: extra, description: e }, { name: as_of, description: a }]
  - name: c
    description: c
    materialized: table
    columns: [{ name: n10, description: n }]
`,
    });
    const log = memoryLogger();
    await buildModels(wh, { asOf: "2024-03-31", log, modelsDir: dir });
    expect(await wh.all("select n, extra, as_of::varchar as as_of from marts.b")).toEqual([{ n: "2", extra: 7, as_of: "2024-03-31" }]);
    expect(await wh.all("select table_schema || '.' || table_name as t, table_type from information_schema.tables where table_schema in ('staging', 'marts') order by 1")).toEqual([
      { t: "marts.b", table_type: "BASE TABLE" },
      { t: "marts.c", table_type: "BASE TABLE" },
      { t: "staging.a", table_type: "VIEW" },
    ]);
    // Nothing of the scratch is left: one database, the warehouse, and no view names another.
    expect(await wh.all("select count(*) as n from duckdb_databases() where not internal")).toEqual([{ n: "1" }]);
    expect(await wh.all("select count(*) as n from duckdb_views() where not internal and sql like '%arwatch_build_%'")).toEqual([{ n: "0" }]);
    // The log has a line per model as it is computed and a `written` line per table copied.
    expect(log.lines.filter((l) => /^\s+marts\.b\s/.test(l)).map((l) => l.trim().split(/\s+/)[1])).toEqual(["table", "written"]);

    // Only marts.c again: marts.b, not selected, is read from the warehouse as the last build left it.
    await wh.run("update marts.b set n = 5");
    await buildModels(wh, { asOf: "2024-03-31", log, modelsDir: dir, select: "marts.c" });
    expect(await wh.all("select n10 from marts.c")).toEqual([{ n10: "50" }]);
    wh.close();
  });

  it("calls beforeCommit once every blocking test passed, reading this build's marts while the warehouse still has the last build's", async () => {
    const dir = project({
      "marts/a.sql": "select count(*) as n, (select as_of_date from meta.build_params) as as_of from raw.customers",
      [doc("marts", {})[0]]: "models:\n  - name: a\n    description: a\n    columns: [{ name: n, description: n, tests: [{ accepted_values: { values: [\"2\", \"3\"] } }] }, { name: as_of, description: a }]\n",
    });
    const { wh, log } = await run(dir);
    const seen: unknown[] = [];
    const [home] = await wh.all<{ name: string }>("select current_database() as name");
    // What it reads unqualified (this build) and from the warehouse's catalog (the last one).
    const beforeCommit = async (w: typeof wh) => {
      seen.push(await w.all("select n, as_of::varchar as as_of from marts.a"));
      const [tables] = await w.all<{ n: string }>("select count(*) as n from duckdb_tables() where database_name = $1 and schema_name = 'marts'", [home!.name]);
      seen.push(tables!.n === "0" ? "none" : await w.all(`select n from "${home!.name}".marts.a`));
    };
    await buildModels(wh, { asOf: "2024-03-31", log, modelsDir: dir, beforeCommit });
    await insertRaw(wh, "customers", [{ customer_id: "C3" }]);
    await buildModels(wh, { asOf: "2024-04-30", log, modelsDir: dir, beforeCommit });
    expect(seen).toEqual([
      [{ n: "2", as_of: "2024-03-31" }],
      "none",
      [{ n: "3", as_of: "2024-04-30" }],
      [{ n: "2" }],
    ]);
    // The warehouse then holds the second build; a third whose test fails never calls it.
    expect(await wh.all("select n from marts.a")).toEqual([{ n: "3" }]);
    await insertRaw(wh, "customers", [{ customer_id: "C4" }]);
    const failed = await buildModels(wh, { asOf: "2024-05-31", log, modelsDir: dir, beforeCommit }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(BuildFailed);
    expect(seen).toHaveLength(4);
    expect(await wh.all("select n from marts.a")).toEqual([{ n: "3" }]);
  });

  it("says its models reached the warehouse when it fails after they did (the build log cannot be written)", async () => {
    const dir = project({
      "marts/a.sql": "select count(*) as n from raw.customers",
      [doc("marts", {})[0]]: doc("marts", { a: ["n"] })[1],
    });
    const { wh, build } = await run(dir);
    // A build log of another shape: the insert of this build's line fails after the commit.
    await wh.run("create schema if not exists meta; create table meta.build_log (note VARCHAR)");
    const failed = await build().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(BuildFailed);
    expect((failed as BuildFailed).committed).toBe(true);
    expect((failed as BuildFailed).message).toMatch(/^the build log \(meta\.build_log, meta\.test_results\) could not be written: /);
    expect(await wh.all("select n from marts.a")).toEqual([{ n: "2" }]);
  });

  it("drops what an earlier build made for a model the project no longer has, and nothing it did not make", async () => {
    const marts = (names: string[]) =>
      `models:\n${names.map((n) => `  - name: ${n}\n    description: ${n}\n    materialized: ${n.startsWith("v") ? "view" : "table"}\n    columns: [{ name: n, description: n }]\n`).join("")}`;
    const files = (names: string[]) => ({
      ...Object.fromEntries(names.map((n) => [`marts/${n}.sql`, n === "a" ? "select count(*) as n from raw.customers" : "select 1 as n"])),
      "marts/_marts__models.yml": marts(names),
    });
    const before = project(files(["a", "b", "d", "v", "v2"]));
    // b renamed c; d, v and v2 removed.
    const after = project(files(["a", "c"]));
    const { wh, log } = await run(before);
    // Objects no build made: the user's own, and one of a build before the list existed.
    await wh.run("create schema if not exists marts; create table marts.mine as select 42 as n; create view marts.my_view as select 7 as n");
    await buildModels(wh, { asOf: "2024-03-31", log, modelsDir: before });
    const objects = async () => (await wh.all<{ t: string }>("select table_name as t from information_schema.tables where table_schema = 'marts' order by 1")).map((r) => r.t);
    expect(await objects()).toEqual(["a", "b", "d", "mine", "my_view", "v", "v2"]);
    // The user makes d and v2 anew under the same names (a table for a table, a table for a view):
    // they are the user's now, not what the build made.
    await wh.run("drop table marts.d; create table marts.d as select 3 as n; drop view marts.v2; create table marts.v2 as select 4 as n");

    // A partial build retires nothing: it may be another models folder's.
    await buildModels(wh, { asOf: "2024-03-31", log, modelsDir: after, select: "marts.a" });
    expect(await objects()).toEqual(["a", "b", "d", "mine", "my_view", "v", "v2"]);

    // A whole build that fails in its transaction, after the drops, keeps everything, and says nothing was removed.
    await wh.run("alter table meta.built_models add column extra VARCHAR");
    expect(await buildModels(wh, { asOf: "2024-03-31", log, modelsDir: after }).catch((e: unknown) => e)).toBeInstanceOf(BuildFailed);
    expect(await objects()).toEqual(["a", "b", "d", "mine", "my_view", "v", "v2"]);
    expect(log.lines.filter((l) => l.includes("removed"))).toEqual([]);
    await wh.run("alter table meta.built_models drop column extra");

    await buildModels(wh, { asOf: "2024-03-31", log, modelsDir: after });
    expect(await objects()).toEqual(["a", "c", "d", "mine", "my_view", "v2"]);
    expect(log.lines.filter((l) => l.includes("removed"))).toEqual([
      expect.stringContaining("removed table marts.b: an earlier build made it, and the models no longer have it"),
      expect.stringContaining("removed view marts.v: an earlier build made it"),
    ]);
    expect(await wh.all("select (select n from marts.mine) as mine, (select n from marts.d) as d, (select n from marts.v2) as v2")).toEqual([{ mine: 42, d: 3, v2: 4 }]);
    expect(await wh.all("select model_id, kind from meta.built_models order by 1")).toEqual([
      { model_id: "marts.a", kind: "table" },
      { model_id: "marts.c", kind: "table" },
    ]);
  });

  it("replaces a model whose materialization changed between builds, table to view and back", async () => {
    const yaml = (kind: string) => `models:\n  - name: m\n    description: m\n    materialized: ${kind}\n    columns: [{ name: customer_id, description: c }]\n`;
    const dir = project({ "marts/m.sql": "select customer_id from raw.customers", [doc("marts", {})[0]]: yaml("table") });
    const { wh, log } = await run(dir);
    const kind = async () => (await wh.all<{ t: string }>("select table_type as t from information_schema.tables where table_schema = 'marts' and table_name = 'm'")).map((r) => r.t);
    for (const [materialized, expected] of [["table", "BASE TABLE"], ["view", "VIEW"], ["cached_view", "VIEW"], ["table", "BASE TABLE"]] as const) {
      writeFileSync(join(dir, "marts/_marts__models.yml"), yaml(materialized));
      await buildModels(wh, { asOf: "2024-03-31", log, modelsDir: dir });
      expect(await kind()).toEqual([expected]);
      expect(await wh.all("select count(*) as n from marts.m")).toEqual([{ n: "2" }]);
    }
    wh.close();
  });

  it("reads a view it does not build with this build's parameters and macros, and leaves alone a view that no longer binds", async () => {
    const dir = project({
      "macros/plus.sql": "create or replace macro plus(x) as x + 1",
      "staging/v.sql": "select as_of_date, plus(1) as n from meta.build_params",
      "marts/t.sql": "select as_of_date::varchar as as_of, n from staging.v",
      [doc("staging", {})[0]]: doc("staging", { v: ["as_of_date", "n"] })[1],
      [doc("marts", {})[0]]: `models:\n  - name: t\n    description: t\n    materialized: table\n    columns: [{ name: as_of, description: a }, { name: n, description: n }]\n`,
    });
    const { wh, log } = await run(dir);
    await buildModels(wh, { asOf: "2024-03-31", log, modelsDir: dir });
    // Someone's own view over a table since dropped: it cannot bind, and it is not arwatch's to fix.
    await wh.run("create table main.gone as select 1 as a; create view main.stale as select a from main.gone; drop table main.gone");
    writeFileSync(join(dir, "macros/plus.sql"), "create or replace macro plus(x) as x + 100");
    // staging.v is not selected: it reads this build's as-of date and macro, as it will in the warehouse.
    await buildModels(wh, { asOf: "2024-04-30", log, modelsDir: dir, select: "marts.t" });
    expect(await wh.all("select as_of, n from marts.t")).toEqual([{ as_of: "2024-04-30", n: 101 }]);
    expect(await wh.all("select as_of_date::varchar as as_of, n from staging.v")).toEqual([{ as_of: "2024-04-30", n: 101 }]);
    expect(log.lines.filter((l) => l.includes("main.stale"))).toEqual([
      expect.stringContaining("the warehouse's view main.stale no longer binds"),
    ]);
    expect(await wh.all("select count(*) as n from duckdb_views() where view_name = 'stale'")).toEqual([{ n: "1" }]);
    wh.close();
  });

  it("sets a model's DuckDB settings for the statement that builds it, and resets them after", async () => {
    const dir = project({
      "staging/a.sql": "select current_setting('disabled_optimizers') as during",
      "staging/b.sql": "select current_setting('disabled_optimizers') as during",
      "staging/_staging__models.yml":
        "models:\n  - name: a\n    description: a\n    materialized: table\n    settings: { disabled_optimizers: build_side_probe_side }\n    columns: [{ name: during, description: d }]\n" +
        "  - name: b\n    description: b\n    materialized: table\n    columns: [{ name: during, description: d }]\n",
    });
    const { wh, build } = await run(dir);
    await build();
    expect(await wh.all("select during from staging.a")).toEqual([{ during: "build_side_probe_side" }]);
    expect(await wh.all("select during from staging.b")).toEqual([{ during: "" }]);
    expect(await wh.all("select current_setting('disabled_optimizers') as now")).toEqual([{ now: "" }]);
    const quoted = project({
      "staging/a.sql": "select 1 as one",
      "staging/_staging__models.yml":
        "models:\n  - name: a\n    description: a\n    settings: { threads: \"1'; drop table raw.customers; --\" }\n    columns: [{ name: one, description: o }]\n",
    });
    await expect((await run(quoted)).build()).rejects.toThrow(/settings\.threads: a plain value/);
    const unknown = project({
      "staging/a.sql": "select 1 as one",
      "staging/_staging__models.yml":
        "models:\n  - name: a\n    description: a\n    settings: { no_such_setting: 1 }\n    columns: [{ name: one, description: o }]\n",
    });
    await expect((await run(unknown)).build()).rejects.toThrow(/staging\/a\.sql: .*no_such_setting/);
    // A statement that fails as it runs aborts the transaction: its error, not the reset's, is
    // reported, and the setting does not outlive the build.
    const failing = project({
      "staging/a.sql": "select cast('abc' as integer) as one",
      "staging/_staging__models.yml":
        "models:\n  - name: a\n    description: a\n    materialized: table\n    settings: { disabled_optimizers: build_side_probe_side }\n    columns: [{ name: one, description: o }]\n",
    });
    const third = await run(failing);
    await expect(third.build()).rejects.toThrow(/staging\/a\.sql: .*abc/);
    expect(await third.wh.all("select current_setting('disabled_optimizers') as now")).toEqual([{ now: "" }]);
  });

  it("lets an intermediate model document only some of its columns, but not one it does not build", async () => {
    const partly = project({
      "intermediate/i.sql": "select customer_id, 1 as helper from raw.customers",
      [doc("intermediate", {})[0]]: doc("intermediate", { i: ["customer_id"] })[1],
    });
    expect((await (await run(partly)).build()).models.map((m) => m.id)).toEqual(["intermediate.i"]);
    const wrong = project({
      "intermediate/i.sql": "select customer_id from raw.customers",
      [doc("intermediate", {})[0]]: doc("intermediate", { i: ["customer_id", "gone"] })[1],
    });
    await expect((await run(wrong)).build()).rejects.toThrow("intermediate.i: its columns differ from intermediate/_intermediate__models.yml (documented but not built: gone)");
  });

  it("refuses a model that reads a layer above its own", async () => {
    const dir = project({
      "intermediate/i.sql": "select * from marts.m",
      "marts/m.sql": "select customer_id from raw.customers",
      [doc("intermediate", {})[0]]: doc("intermediate", { i: [] })[1],
      [doc("marts", {})[0]]: doc("marts", { m: ["customer_id"] })[1],
    });
    await expect((await run(dir)).build()).rejects.toThrow(/intermediate\/i\.sql: reads marts\.m, from the marts layer above its own \(intermediate\)/);
  });
});

describe("build parameters", () => {
  async function buildWith(options: Partial<BuildOptions>) {
    const dir = project({ "staging/p.sql": "select 1 as one", [doc("staging", {})[0]]: doc("staging", { p: ["one"] })[1] });
    const wh = await openWarehouse(":memory:");
    await buildModels(wh, { asOf: "2024-02-29", log: silentLogger, modelsDir: dir, now: () => new Date("2024-03-01T00:00:00Z"), ...options });
    return wh;
  }

  it("writes each parameter as a typed column of meta.build_params, after as_of_date and built_at", async () => {
    const wh = await buildWith({
      params: { currency: "VND", bounds: [30, 60], strict: true, months: 24, rate: { type: "DECIMAL(9,4)", value: "0.125" }, none: { type: "VARCHAR", value: null } },
    });
    expect(await wh.all("select column_name, data_type from information_schema.columns where table_schema = 'meta' and table_name = 'build_params' order by ordinal_position")).toEqual([
      { column_name: "as_of_date", data_type: "DATE" },
      { column_name: "built_at", data_type: "TIMESTAMP WITH TIME ZONE" },
      { column_name: "currency", data_type: "VARCHAR" },
      { column_name: "bounds", data_type: "INTEGER[]" },
      { column_name: "strict", data_type: "BOOLEAN" },
      { column_name: "months", data_type: "INTEGER" },
      { column_name: "rate", data_type: "DECIMAL(9,4)" },
      { column_name: "none", data_type: "VARCHAR" },
    ]);
    expect(await wh.all("select * exclude (built_at), epoch_ms(built_at) as built_at_ms from meta.build_params")).toEqual([
      { as_of_date: "2024-02-29", built_at_ms: String(Date.parse("2024-03-01T00:00:00Z")), currency: "VND", bounds: [30, 60], strict: true, months: 24, rate: "0.1250", none: null },
    ]);
    wh.close();
  });

  it("writes a parameter table as meta.build_<name>, values bound, never spliced", async () => {
    const wh = await buildWith({
      paramTables: { rates: { columns: { label: "VARCHAR", rate: "DECIMAL(9,6)" }, rows: [{ label: "it's 1-30", rate: "0.016" }, { label: "31+", rate: null }] } },
    });
    expect(await wh.all("select * from meta.build_rates order by label")).toEqual([
      { label: "31+", rate: null },
      { label: "it's 1-30", rate: "0.016000" },
    ]);
    wh.close();
  });

  it("refuses a fractional number without a type, a bad name and a type that is not plain", async () => {
    await expect(buildWith({ params: { warn_at: 0.9 } })).rejects.toThrow(/warn_at = 0\.9: a fractional number needs its type/);
    await expect(buildWith({ params: { "as-of": "x" } })).rejects.toThrow(/build parameter "as-of": a name must be/);
    await expect(buildWith({ params: { x: { type: "INTEGER); drop table raw.customers; --", value: 1 } } })).rejects.toThrow(/is not a plain SQL type/);
    await expect(buildWith({ params: { as_of_date: "2024-01-01" } })).rejects.toThrow(/as_of_date is set by the runner itself/);
  });
});

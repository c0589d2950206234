import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openWarehouse } from "../../core/warehouse.ts";
import { tempDir } from "../helpers/warehouse.ts";

describe("a warehouse file's name", () => {
  // DuckDB names the database after the file: in marts.duckdb, "marts.dim_customers" is ambiguous.
  it.each(["marts.duckdb", "notify.duckdb", "Raw.db", "meta"])("refuses %s, naming the clash, before creating anything", async (name) => {
    const path = join(tempDir(), name);
    await expect(openWarehouse(path)).rejects.toThrow(`cannot use ${path} as a warehouse: DuckDB names the database after its file`);
    expect(existsSync(path)).toBe(false);
  });

  it("accepts a name that only contains a schema's name", async () => {
    const wh = await openWarehouse(join(tempDir(), "marts-2026.duckdb"));
    await wh.run("create schema marts; create table marts.t as select 1 as x");
    expect(await wh.all("select x from marts.t")).toEqual([{ x: 1 }]);
    wh.close();
  });
});

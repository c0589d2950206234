import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { arwatch } from "../helpers/cli.ts";
import { tempDir } from "../helpers/warehouse.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/ledger", import.meta.url));

describe("arwatch sql reads the warehouse and nothing else", () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = tempDir();
    db = join(dir, "w.duckdb");
    expect(arwatch(["ingest", FIXTURE, "--db", db]).status).toBe(0);
  });

  it("reads the warehouse's tables", () => {
    const { status, stdout } = arwatch(["sql", "select count(*) as n from raw.customers", "--db", db, "--format", "json"]);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual([{ n: "3" }]);
  });

  it.each([
    ["reading a local file", "select * from read_csv('/etc/passwd')", undefined],
    ["listing a folder", "select * from glob('/etc/*')", undefined],
    ["COPY to a file", "copy raw.customers to '{dir}/copied.csv'", "copied.csv"],
    ["EXPORT DATABASE", "export database '{dir}/exported'", "exported"],
    ["a profiling output file", "pragma profiling_output = '{dir}/profile.txt'", "profile.txt"],
    ["attaching another database", "attach '{dir}/other.duckdb'", "other.duckdb"],
    ["installing an extension", "install httpfs", undefined],
    ["turning the guard off", "set enable_external_access = true", undefined],
  ])("refuses %s, leaving no file behind", (_what, query, leftover) => {
    const { status, stderr } = arwatch(["sql", query.replaceAll("{dir}", dir), "--db", db], { env: { HOME: dir } });
    expect(status).toBe(1);
    expect(stderr).toMatch(/^arwatch: arwatch sql reads the warehouse and nothing else \(no files, extensions or settings\): /);
    if (leftover) expect(existsSync(join(dir, leftover))).toBe(false);
    // An extension install would have made DuckDB's extension folder under $HOME.
    expect(existsSync(join(dir, ".duckdb"))).toBe(false);
  });

  it("refuses to change the warehouse", () => {
    const { status, stderr } = arwatch(["sql", "delete from raw.customers", "--db", db]);
    expect(status).toBe(1);
    expect(stderr).toMatch(/^arwatch: arwatch sql is read-only: /);
  });

  it.each(["table", "csv"])("prints control characters from the data visibly in %s format, never raw", (format) => {
    // ESC [31m would turn the terminal red; U+202E would show what follows reversed.
    const query = "select 'Acme' || chr(27) || '[31m' || chr(8238) || 'Ltd' || chr(7) as customer_name";
    const { status, stdout } = arwatch(["sql", query, "--db", db, "--format", format]);
    expect(status).toBe(0);
    expect(stdout).toContain("Acme\\x1b[31m\\u202eLtd\\x07");
    expect(stdout).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202e]/);
  });
});

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { arwatch } from "../helpers/cli.ts";
import { tempDir } from "../helpers/warehouse.ts";
import { openWarehouse } from "../../core/warehouse.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/ledger", import.meta.url));

describe("the arwatch CLI", () => {
  // Each command offers the shared options it uses, and no other: --help never promises an ignored option.
  it.each([
    [["generate"], ["--config <file>", "--as-of <YYYY-MM-DD>"], ["--db <file>"]],
    [["ingest"], ["--db <file>", "--config <file>"], ["--as-of <YYYY-MM-DD>"]],
    [["build"], ["--db <file>", "--config <file>", "--as-of <YYYY-MM-DD>"], []],
    [["sql"], ["--db <file>"], ["--config <file>", "--as-of <YYYY-MM-DD>"]],
    [["run"], ["--db <file>", "--config <file>", "--as-of <YYYY-MM-DD>"], []],
    [["report", "build"], ["--db <file>", "--config <file>"], ["--as-of <YYYY-MM-DD>"]],
    [["report", "serve"], ["--dir <dir>"], ["--db <file>", "--config <file>", "--as-of <YYYY-MM-DD>"]],
  ])("has --help on %s, naming the shared options it uses and no others", (command, offered, absent) => {
    const { status, stdout } = arwatch([...command, "--help"]);
    expect(status).toBe(0);
    for (const option of offered) expect(stdout).toContain(option);
    for (const option of absent) expect(stdout).not.toContain(option);
  });

  it("refuses to build a warehouse that does not exist: only ingest and run create one", () => {
    const db = join(tempDir(), "mistyped.duckdb");
    const { status, stderr } = arwatch(["build", "--db", db, "--as-of", "2024-03-31"]);
    expect(status).toBe(1);
    expect(stderr).toBe(`arwatch: no warehouse at ${db}: run arwatch ingest (or arwatch run) first; only they create a warehouse\n`);
    expect(existsSync(db)).toBe(false);
  });

  it("refuses a Buddhist-era --as-of year with the Gregorian date it probably means", () => {
    const { status, stderr } = arwatch(["build", "--as-of", "2567-01-01", "--db", join(tempDir(), "w.duckdb")]);
    expect(status).toBe(1);
    expect(stderr).toBe('arwatch: --as-of "2567-01-01": the year is out of range 1900-2200 (a Buddhist-era year? 2567 BE = 2024 CE: write 2024-01-01)\n');
  });

  it("exits non-zero with a one-line cause on stderr", () => {
    const { status, stderr } = arwatch(["build", "--as-of", "2024-02-30", "--db", join(tempDir(), "w.duckdb")]);
    expect(status).toBe(1);
    expect(stderr).toBe('arwatch: --as-of "2024-02-30" is not a real date written YYYY-MM-DD\n');
  });

  it("names an unknown command", () => {
    const { status, stderr } = arwatch(["frobnicate"]);
    expect(status).toBe(1);
    expect(stderr.trim().split("\n").at(-1)).toMatch(/^arwatch: unknown command 'frobnicate'/);
  });

  it("prints every problem of a rejected ingest, then the cause, and exits 1", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "payments.csv"), "payment_id,customer_id,payment_date,amount\nP1,C1,2024-01-01,12.3.4\n");
    const { status, stderr } = arwatch(["ingest", join(dir, "payments.csv"), "--db", join(dir, "w.duckdb")]);
    expect(status).toBe(1);
    expect(stderr.trim().split("\n").slice(-2)).toEqual([
      'payments.csv line 2, column amount, value "12.3.4": not an amount with at most 2 decimals (e.g. 1234.56 or 1,234.56)',
      "arwatch: ingest rejected: payments.csv has problems; nothing was loaded",
    ]);
  });

  it("ingests, builds and answers read-only queries in table, csv and json", () => {
    const db = join(tempDir(), "w.duckdb");
    expect(arwatch(["ingest", FIXTURE, "--db", db]).status).toBe(0);
    const built = arwatch(["build", "--db", db, "--as-of", "2024-03-31"]);
    expect(built.status).toBe(0);
    expect(built.stdout).toContain("Accounts receivable as of 2024-03-31");
    const query = "select customer_id, customer_name, outstanding_amount from marts.dim_customers order by customer_id";
    const csv = arwatch(["sql", query, "--db", db, "--format", "csv"]);
    expect(csv.stdout).toBe(
      // C1: INV1 1,200 − CN1 100 − PAY1 500 = 600, plus INV2 800 = 1,400. C2: INV3 2,500.50 (PAY2 is after the as-of date).
      'customer_id,customer_name,outstanding_amount\nC1,"Công ty TNHH Minh Phát, ""HCM""",1400.00\nC2,<img src=x onerror=alert(1)>,2500.50\nC3,"=HYPERLINK(""http://x"")",0.00\n',
    );
    const json = arwatch(["sql", "select count(*) as n from marts.fct_open_items", "--db", db, "--format", "json"]);
    expect(JSON.parse(json.stdout)).toEqual([{ n: "3" }]);
    const write = arwatch(["sql", "delete from raw.customers", "--db", db]);
    expect(write.status).toBe(1);
    expect(write.stderr).toMatch(/read-only/);
  });
});

describe("the credit standing a build publishes", () => {
  it("is swapped in once the build is in the warehouse, and a working copy that cannot be is not left behind", () => {
    const dir = tempDir();
    const db = join(dir, "w.duckdb");
    expect(arwatch(["ingest", FIXTURE, "--db", db]).status).toBe(0);
    const built = arwatch(["build", "--db", db, "--as-of", "2024-03-31"]);
    expect(built.status).toBe(0);
    expect(built.stderr).toContain(`credit standing published to ${join(dir, "w.credit-standing.duckdb")}`);
    expect(built.stderr).toMatch(/credit holds: \d+ on hold, \d+ blocked/);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);

    // A working copy a killed build left (its process is gone) goes at the next build; one of a
    // process still running, and a file of the user's, stay.
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    for (const name of [`w.credit-standing.duckdb.p${gone}.tmp`, `w.credit-standing.duckdb.p${gone}.tmp.wal`, `w.credit-standing.duckdb.p${process.pid}9.tmp.keep`, `w.credit-standing.duckdb.p${process.ppid}.tmp`]) {
      writeFileSync(join(dir, name), "x");
    }
    // Its place taken by a folder: the build is committed, the standing cannot be swapped in.
    rmSync(join(dir, "w.credit-standing.duckdb"));
    mkdirSync(join(dir, "w.credit-standing.duckdb", "x"), { recursive: true });
    const blocked = arwatch(["build", "--db", db, "--as-of", "2024-03-31"]);
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toMatch(/the build is in the warehouse, but its credit standing could not be put in place \(the previous one stays\): .*w\.credit-standing\.duckdb/);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp")).sort()).toEqual([`w.credit-standing.duckdb.p${process.pid}9.tmp.keep`, `w.credit-standing.duckdb.p${process.ppid}.tmp`].sort());
    const log = arwatch(["sql", "select outcome from meta.build_log order by started_at", "--db", db, "--format", "json"]);
    expect(JSON.parse(log.stdout)).toEqual([{ outcome: "succeeded" }, { outcome: "succeeded" }]);
  });

  it("is not published by a build that fails after its models reached the warehouse, which says so", async () => {
    const dir = tempDir();
    const db = join(dir, "w.duckdb");
    expect(arwatch(["ingest", FIXTURE, "--db", db]).status).toBe(0);
    // A build log of another shape: the build's line cannot be written once its models are in.
    const wh = await openWarehouse(db);
    await wh.run("create schema if not exists meta; create table meta.build_log (note VARCHAR)");
    wh.close();
    const built = arwatch(["build", "--db", db, "--as-of", "2024-03-31"]);
    expect(built.status).toBe(1);
    expect(built.stderr).toMatch(
      /build failed after its models were written to the warehouse \(they stay; the credit standing and holds were not updated: run arwatch build again\): the build log \(meta\.build_log, meta\.test_results\) could not be written: /,
    );
    expect(built.stderr).not.toContain("nothing was changed");
    const items = arwatch(["sql", "select count(*) as n from marts.fct_open_items", "--db", db, "--format", "json"]);
    expect(JSON.parse(items.stdout)).toEqual([{ n: "3" }]);
    expect(readdirSync(dir).filter((f) => f.includes("credit-standing"))).toEqual([]);
  });
});

describe("time zones", () => {
  it("builds identical marts under Asia/Bangkok and America/New_York", () => {
    const marts = (tz: string) => {
      const db = join(tempDir(), "w.duckdb");
      const env = { TZ: tz };
      expect(arwatch(["ingest", FIXTURE, "--db", db], { env }).status).toBe(0);
      expect(arwatch(["build", "--db", db, "--as-of", "2024-03-31"], { env }).status).toBe(0);
      const dump = (sql: string) => arwatch(["sql", sql, "--db", db, "--format", "csv"], { env }).stdout;
      return [
        dump("select * from marts.fct_open_items order by document_id"),
        dump("select * from marts.dim_customers order by customer_id"),
        dump("select * from marts.rpt_aging order by customer_id, bucket_order"),
      ];
    };
    const bangkok = marts("Asia/Bangkok");
    expect(bangkok[0]).toContain("INV1,C1,invoice,2024-02-29,2024-03-30,1200.00,600.00,1,1-30,1");
    expect(marts("America/New_York")).toEqual(bangkok);
  });
});

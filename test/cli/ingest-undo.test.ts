import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { arwatch } from "../helpers/cli.ts";
import { tempDir } from "../helpers/warehouse.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/ledger", import.meta.url));

/** The load id the CLI tells the user to undo with. */
function loadIdOf(stderr: string): string {
  const match = /arwatch ingest --undo ([0-9a-f-]{36})/.exec(stderr);
  expect(match, stderr).not.toBeNull();
  return match![1]!;
}

describe("arwatch ingest --undo <load_id>", () => {
  it("takes back a restatement: the payment's earlier allocation and the figures come back", () => {
    const dir = tempDir();
    const db = join(dir, "w.duckdb");
    expect(arwatch(["ingest", FIXTURE, "--db", db]).status).toBe(0);
    // PAY1 restated: 500 now goes 200 to INV1 and 300 to INV2 (the rows of a payment id replace all its earlier rows).
    writeFileSync(join(dir, "payments-restated.csv"), "payment_id,customer_id,payment_date,amount,currency,document_id\nPAY1,C1,2024-03-30,200.00,USD,INV1\nPAY1,C1,2024-03-30,300.00,USD,INV2\n");
    const restated = arwatch(["ingest", join(dir, "payments-restated.csv"), "--db", db]);
    expect(restated.status, restated.stderr).toBe(0);
    const outstanding = () => {
      expect(arwatch(["build", "--db", db, "--as-of", "2024-03-31"]).status).toBe(0);
      return arwatch(["sql", "select document_id, outstanding_amount from marts.fct_open_items where customer_id = 'C1' order by 1", "--db", db, "--format", "csv"]).stdout;
    };
    // INV1 1,200 − CN1 100 − 200 = 900; INV2 800 − 300 = 500.
    expect(outstanding()).toBe("document_id,outstanding_amount\nINV1,900.00\nINV2,500.00\n");

    const undo = arwatch(["ingest", "--undo", loadIdOf(restated.stderr), "--db", db]);
    expect(undo.status, undo.stderr).toBe(0);
    expect(undo.stdout).toMatch(/^undid load [0-9a-f-]{36} \(payments-restated\.csv\): removed 2 row\(s\), restored 1 row\(s\)\nthe marts show the undone load until the next build: run arwatch build\n$/);
    // Back to the first load: INV1 1,200 − 100 − 500 = 600; INV2 800.
    expect(outstanding()).toBe("document_id,outstanding_amount\nINV1,600.00\nINV2,800.00\n");
  });

  it("refuses extracts and --undo together, and an unknown load id, changing nothing", () => {
    const dir = tempDir();
    const db = join(dir, "w.duckdb");
    expect(arwatch(["ingest", FIXTURE, "--db", db]).status).toBe(0);
    const both = arwatch(["ingest", FIXTURE, "--undo", "x", "--db", db]);
    expect(both.status).toBe(1);
    expect(both.stderr).toBe("arwatch: ingest: give extracts to load or --undo <load_id>, not both\n");
    const unknown = arwatch(["ingest", "--undo", "00000000-0000-0000-0000-000000000000", "--db", db]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^arwatch: .*00000000-0000-0000-0000-000000000000/);
    const rows = arwatch(["sql", "select count(*) as n from raw.payments", "--db", db, "--format", "json"]);
    expect(JSON.parse(rows.stdout)).toEqual([{ n: "2" }]);
  });
});

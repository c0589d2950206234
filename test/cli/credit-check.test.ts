// `arwatch check` and `arwatch holds` as real processes on a real warehouse built from hand-made
// extracts (issue 9's command contract): the JSON answer's fields, the exit codes, overrides,
// reservations carried from one process to the next through the credit log, and the log's lock.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arwatch } from "../helpers/cli.ts";
import { tempDir } from "../helpers/warehouse.ts";
import { BIN, startChild, waitForLine, type Child } from "../runs/child-process.ts";

const LOCK_HOLDER = fileURLToPath(new URL("../credit/fixtures/log-lock-holder-child.ts", import.meta.url));
const WAREHOUSE_WRITER = fileURLToPath(new URL("../credit/fixtures/warehouse-writer-child.ts", import.meta.url));
const AS_OF = "2024-06-30";

let dir: string;
let db: string;
let configs = 0;

/** A config of its own (and so a credit log of its own) for each test: reservations do not leak between tests. */
function freshConfig(extra = ""): { config: string; logFile: string } {
  const n = ++configs;
  const logFile = join(dir, `log-${n}`, "credit-log.jsonl");
  const config = join(dir, `config-${n}.yaml`);
  writeFileSync(config, `creditCheck:\n  logFile: ${JSON.stringify(logFile)}\n${extra}`);
  return { config, logFile };
}

const check = (config: string, ...args: string[]) => arwatch(["check", "--db", db, "--config", config, ...args], { cwd: dir });
/** RFC 4180 rows (quoted cells may hold commas and doubled quotes). */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(cell), (cell = "");
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell), rows.push(row), (row = []), (cell = "");
    } else cell += ch;
  }
  if (cell !== "" || row.length > 0) row.push(cell), rows.push(row);
  return rows;
}
const json = (stdout: string) => JSON.parse(stdout) as Record<string, any>;

beforeAll(() => {
  dir = tempDir("arwatch-credit-cli-");
  const extracts = join(dir, "extracts");
  mkdirSync(extracts);
  writeFileSync(
    join(extracts, "customers.csv"),
    [
      "customer_id,customer_name,credit_limit,status",
      "C1,Near the limit,10000.00,active", // 9,000.00 owed, not due
      "C2,Blocked in the ERP,5000.00,blocked",
      "C3,No limit,,active",
      "C4,At the limit,1000.00,active", // 1,000.00 owed: any order takes it over
      "C5,Sixty-one days late,10000.00,active", // 500.00 61 days past due
      "C6,Room to spare,10000.00,active",
    ].join("\n") + "\n",
  );
  writeFileSync(
    join(extracts, "invoices.csv"),
    [
      "document_id,customer_id,document_type,document_date,due_date,amount",
      "I1,C1,invoice,2024-06-15,2024-07-15,9000.00",
      "I2,C2,invoice,2024-06-15,2024-07-15,100.00",
      "I4,C4,invoice,2024-06-15,2024-07-15,1000.00",
      "I5,C5,invoice,2024-03-31,2024-04-30,500.00",
    ].join("\n") + "\n",
  );
  db = join(dir, "wh.duckdb");
  const ingest = arwatch(["ingest", "--db", db, join(extracts, "customers.csv"), join(extracts, "invoices.csv")], { cwd: dir });
  expect(ingest.status, ingest.stderr).toBe(0);
  const build = arwatch(["build", "--db", db, "--as-of", AS_OF], { cwd: dir });
  expect(build.status, build.stderr).toBe(0);
}, 180_000);

describe("arwatch check", () => {
  it("prints the answer with every field of the contract (--json), exit 0 on a warning", () => {
    const { config } = freshConfig();
    const started = Date.now();
    const r = check(config, "--customer", "C1", "--amount", "500", "--order-id", "SO-100", "--json");
    expect(r.status, r.stderr).toBe(0);
    const a = json(r.stdout);
    expect(a.check_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.decision).toBe("warn"); // 9,500.00 ≥ 0.9 × 10,000.00
    expect(a.may_proceed).toBe(true);
    expect(a.reasons).toHaveLength(1);
    expect(a.reasons[0].code).toBe("near_limit");
    expect(typeof a.reasons[0].message).toBe("string");
    expect(a.reasons[0].message.length).toBeGreaterThan(10);
    expect(a.exposure).toEqual({ outstanding: "9000.00", open_orders: "0.00", pending_approvals: "0.00", this_order: "500.00", total_after: "9500.00" });
    expect(a.credit_limit).toBe("10000.00");
    expect(a.available_credit_after).toBe("500.00");
    expect(a.utilisation_after).toBe("0.9500");
    expect(a.overdue_amount).toBe("0.00");
    expect(a.max_days_past_due).toBe(0);
    expect(typeof a.behaviour_class).toBe("string");
    expect(a.customer_id).toBe("C1");
    expect(a.order_id).toBe("SO-100");
    expect(a.amount).toBe("500.00");
    expect(a.data_as_of.as_of_date).toBe(AS_OF);
    // Built and ingested within this test run, both before the check.
    expect(Date.parse(a.data_as_of.built_at)).toBeLessThanOrEqual(started);
    expect(Date.parse(a.data_as_of.last_ingest_at)).toBeLessThanOrEqual(Date.parse(a.data_as_of.built_at));
    expect(started - Date.parse(a.data_as_of.last_ingest_at)).toBeLessThan(10 * 60_000);
    expect(a.data_as_of.is_stale).toBe(false);
    expect(a.reserved_until).not.toBeNull();
  });

  it("exits 0 on an approval", () => {
    const { config } = freshConfig();
    const r = check(config, "--customer", "C6", "--amount", "100.00", "--json");
    expect(r.status, r.stderr).toBe(0);
    expect(json(r.stdout).decision).toBe("approve");
    expect(json(r.stdout).reasons).toEqual([]);
  });

  it("exits 3 on a hold (over the limit; 61 days past due) and 4 on a block", () => {
    const { config } = freshConfig();
    const over = check(config, "--customer", "C1", "--amount", "1000.01", "--json");
    expect(over.status).toBe(3);
    expect(json(over.stdout)).toMatchObject({ decision: "hold", may_proceed: false, available_credit_after: "-0.01" });
    const late = check(config, "--customer", "C5", "--amount", "10", "--json");
    expect(late.status).toBe(3);
    expect(json(late.stdout).reasons.map((r: { code: string }) => r.code)).toContain("days_past_due");
    expect(json(late.stdout)).toMatchObject({ overdue_amount: "500.00", max_days_past_due: 61 });
    const blocked = check(config, "--customer", "C2", "--amount", "10", "--json");
    expect(blocked.status).toBe(4);
    expect(json(blocked.stdout).reasons.map((r: { code: string }) => r.code)).toEqual(["customer_blocked"]);
  });

  it("exits 0 at exactly the limit and 3 one cent over", () => {
    const { config } = freshConfig();
    expect(check(config, "--customer", "C1", "--amount", "1000.00").status).toBe(0);
    const { config: other } = freshConfig();
    expect(check(other, "--customer", "C1", "--amount", "1000.01").status).toBe(3);
  });

  it("carries a reservation to the next process through the log: two quick orders cannot both pass", () => {
    const { config } = freshConfig();
    const first = check(config, "--customer", "C1", "--amount", "600", "--order-id", "SO-1", "--json");
    expect(first.status).toBe(0);
    const second = check(config, "--customer", "C1", "--amount", "500", "--order-id", "SO-2", "--json");
    expect(second.status).toBe(3);
    expect(json(second.stdout).exposure).toMatchObject({ pending_approvals: "600.00", total_after: "10100.00" });
  });

  it("serialises two processes checking the last headroom at the same moment: exactly one passes", async () => {
    const { config } = freshConfig();
    // 9,000.00 owed of 10,000.00: one 600.00 order fits, two do not.
    const args = (order: string) => ["check", "--db", db, "--config", config, "--customer", "C1", "--amount", "600", "--order-id", order, "--json"];
    const [a, b] = [startChild(BIN, args("SO-A")), startChild(BIN, args("SO-B"))];
    const codes = [await a.exited, await b.exited];
    expect([...codes].sort()).toEqual([0, 3]);
    const held = json((codes[0] === 3 ? a : b).stdout());
    expect(held.exposure).toMatchObject({ pending_approvals: "600.00", total_after: "10200.00" });
  });

  it("lets --override --by --reason pass a hold (exit 0) and records who and why", () => {
    const { config, logFile } = freshConfig();
    const r = check(config, "--customer", "C1", "--amount", "1500", "--override", "--by", "Somchai", "--reason", "paid by transfer", "--json");
    expect(r.status, r.stderr).toBe(0);
    const a = json(r.stdout);
    expect(a).toMatchObject({ decision: "hold", may_proceed: true });
    expect(a.override).toMatchObject({ by: "Somchai", reason: "paid by transfer" });
    // The overridden amount is reserved: the next order sees it.
    const next = check(config, "--customer", "C1", "--amount", "1", "--json");
    expect(json(next.stdout).exposure.pending_approvals).toBe("1500.00");
    // Recorded in the credit log, who and why with the decision.
    const records = readFileSync(logFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(records[0]).toMatchObject({ type: "check", check_id: a.check_id, decision: "hold", may_proceed: true, override: { by: "Somchai", reason: "paid by transfer" } });
  });

  it("does not let --override pass a block (exit 4) and says why", () => {
    const { config } = freshConfig();
    const r = check(config, "--customer", "C2", "--amount", "10", "--override", "--by", "Somchai", "--reason", "please", "--json");
    expect(r.status).toBe(4);
    expect(json(r.stdout)).toMatchObject({ decision: "block", may_proceed: false, override: null });
    expect(r.stderr).toMatch(/block cannot be overridden/);
  });

  it("passes a block with --override when creditCheck.allowBlockOverride is on", () => {
    const { config } = freshConfig("  allowBlockOverride: true\n");
    const r = check(config, "--customer", "C2", "--amount", "10", "--override", "--by", "CFO", "--reason", "cash in advance");
    expect(r.status, r.stderr).toBe(0);
  });

  it("needs --by and --reason with --override (exit 2)", () => {
    const { config } = freshConfig();
    expect(check(config, "--customer", "C1", "--amount", "1500", "--override", "--by", "Somchai").status).toBe(2);
  });

  it("refuses an unknown customer with exit 2 and a clear message", () => {
    const { config } = freshConfig();
    const r = check(config, "--customer", "C999", "--amount", "10");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/unknown customer "C999"/);
  });

  it.each([["10.005", /more than two decimals/], ["-5", /positive/], ["abc", /plain decimal/], ["0", /more than zero/], ["1e3", /plain decimal/]])(
    "refuses the amount %s with exit 2",
    (amount, message) => {
      const { config } = freshConfig();
      const r = check(config, "--customer", "C1", "--amount", amount);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
    },
  );

  it("prints a readable answer without --json", () => {
    const { config } = freshConfig();
    const r = check(config, "--customer", "C1", "--amount", "1500");
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/^HOLD/);
    expect(r.stdout).toContain("over_limit");
    expect(r.stdout).toContain("10,500.00");
  });
});

describe("arwatch holds", () => {
  it("lists the customers on hold or blocked (json), with their reasons", () => {
    const { config } = freshConfig();
    const r = arwatch(["holds", "--db", db, "--config", config, "--format", "json"], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { customer_id: string; decision: string; reason_codes: string }[];
    const by = Object.fromEntries(rows.map((row) => [row.customer_id, row]));
    expect(Object.keys(by).sort()).toEqual(["C2", "C4", "C5"]);
    expect(by.C2).toMatchObject({ decision: "block" });
    expect(by.C2!.reason_codes).toContain("customer_blocked");
    expect(by.C4).toMatchObject({ decision: "hold" });
    expect(by.C4!.reason_codes).toContain("over_limit");
    expect(by.C5!.reason_codes).toContain("days_past_due");
  });

  it("lists a customer taken over its limit by an overridden order (csv)", () => {
    const { config } = freshConfig();
    expect(check(config, "--customer", "C1", "--amount", "1500", "--override", "--by", "Somchai", "--reason", "ok").status).toBe(0);
    const r = arwatch(["holds", "--db", db, "--config", config, "--format", "csv"], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    const [columns, ...lines] = csvRows(r.stdout.trim());
    expect(columns).toEqual(expect.arrayContaining(["customer_id", "decision", "reason_codes", "reasons", "credit_limit", "exposure"]));
    expect(lines.map((l) => l[0]).sort()).toEqual(["C1", "C2", "C4", "C5"]);
    const cells = lines.find((l) => l[0] === "C1")!;
    expect(cells[columns!.indexOf("decision")]).toBe("hold");
    expect(cells[columns!.indexOf("exposure")]).toBe("10500.00");
    expect(cells[columns!.indexOf("reason_codes")]).toContain("over_limit");
    expect(cells[columns!.indexOf("pending_approvals")]).toBe("1500.00");
  });

  it("refuses an unknown --format", () => {
    const { config } = freshConfig();
    expect(arwatch(["holds", "--db", db, "--config", config, "--format", "xml"], { cwd: dir }).status).not.toBe(0);
  });
});

describe("arwatch check while a server holds the credit log", () => {
  let holder: Child | undefined;
  afterAll(async () => {
    holder?.process.kill("SIGKILL");
    await holder?.exited;
  });

  it("exits 75 naming arwatch serve, and records nothing", async () => {
    const { config, logFile } = freshConfig();
    mkdirSync(join(logFile, ".."), { recursive: true });
    holder = startChild(LOCK_HOLDER, [logFile, "arwatch serve"]);
    await waitForLine(holder, /^held$/);
    const r = check(config, "--customer", "C1", "--amount", "10", "--json");
    expect(r.status).toBe(75);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/arwatch serve/);
    holder.process.kill("SIGKILL");
    await holder.exited;
    holder = undefined;
    // Once the server is gone (its lock stale), a check goes through.
    expect(check(config, "--customer", "C6", "--amount", "10").status).toBe(0);
  });
});

describe("arwatch check while another process writes the warehouse", () => {
  it("answers from the published standing without opening the warehouse", async () => {
    const writer = startChild(WAREHOUSE_WRITER, [db]);
    try {
      await waitForLine(writer, /^writing$/);
      // The warehouse is locked by the writer: a reader of it would fail here.
      expect(arwatch(["sql", "--db", db, "select 1"], { cwd: dir }).status).not.toBe(0);
      const { config } = freshConfig();
      const r = check(config, "--customer", "C6", "--amount", "10", "--json");
      expect(r.status, r.stderr).toBe(0);
      expect(json(r.stdout).decision).toBe("approve");
      const holds = arwatch(["holds", "--db", db, "--config", config, "--format", "json"], { cwd: dir });
      expect(holds.status, holds.stderr).toBe(0);
    } finally {
      writer.process.kill("SIGKILL");
      await writer.exited;
    }
  });
});

describe("a pending approval after its order is ingested", () => {
  // Last in this file: it ingests into and rebuilds the shared warehouse.
  it("ends once an ingest and a build bring the order in, which then counts as an open order", () => {
    const { config } = freshConfig();
    const first = check(config, "--customer", "C6", "--amount", "300.00", "--order-id", "SO-NEW", "--json");
    expect(first.status, first.stderr).toBe(0);
    const before = check(config, "--customer", "C6", "--amount", "10", "--json");
    expect(json(before.stdout).exposure).toMatchObject({ open_orders: "0.00", pending_approvals: "300.00", total_after: "310.00" });
    const orders = join(dir, "extracts", "sales_orders.csv");
    writeFileSync(orders, "order_id,customer_id,order_date,unbilled_amount\nSO-NEW,C6,2024-06-30,300.00\n");
    expect(arwatch(["ingest", "--db", db, orders], { cwd: dir }).status).toBe(0);
    const rebuilt = arwatch(["build", "--db", db, "--as-of", AS_OF], { cwd: dir });
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    // SO-NEW is now 300.00 of open orders; its reservation is over (the 10.00 check, no order id, is not).
    const after = check(config, "--customer", "C6", "--amount", "10", "--json");
    expect(json(after.stdout).exposure).toMatchObject({ open_orders: "300.00", pending_approvals: "10.00", total_after: "320.00" });
  });
});

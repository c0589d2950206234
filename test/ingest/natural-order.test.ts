import { describe, expect, it } from "vitest";
import { compareFileNames, naturalCompare } from "../../ingest/natural-order.ts";

describe("naturalCompare(a, b)", () => {
  it.each([
    ["invoices-2024-9.csv", "invoices-2024-10.csv"],
    ["invoices-2024-09.csv", "invoices-2024-10.csv"],
    ["payments-2.csv", "payments-11.csv"],
    ["invoices-2024-12-31.csv", "invoices-2025-1-1.csv"],
    ["a99999999999999999999999.csv", "a100000000000000000000000.csv"],
    ["Invoices-1.csv", "invoices-2.csv"],
  ])("puts %s before %s", (first, second) => {
    expect(naturalCompare(first, second)).toBeLessThan(0);
    expect(naturalCompare(second, first)).toBeGreaterThan(0);
  });

  it("orders a month of daily files as the days run, which plain text order does not", () => {
    const names = ["invoices-2024-10-1.csv", "invoices-2024-9-30.csv", "invoices-2024-10-10.csv", "invoices-2024-10-2.csv"];
    expect([...names].sort(naturalCompare)).toEqual(["invoices-2024-9-30.csv", "invoices-2024-10-1.csv", "invoices-2024-10-2.csv", "invoices-2024-10-10.csv"]);
  });

  it("is a total order: names equal as numbers still compare unequal, the same way both ways round", () => {
    expect(naturalCompare("invoices-09.csv", "invoices-9.csv")).not.toBe(0);
    expect(Math.sign(naturalCompare("invoices-09.csv", "invoices-9.csv"))).toBe(-Math.sign(naturalCompare("invoices-9.csv", "invoices-09.csv")));
    expect(naturalCompare("invoices-9.csv", "invoices-9.csv")).toBe(0);
  });
});

describe("compareFileNames(a, b)", () => {
  it.each([
    ["invoices.csv", "invoices-2024-01.csv"],
    ["invoices.parquet", "invoices-1.csv"],
    ["invoices-2024-9.jsonl", "invoices-2024-10.csv"],
  ])("loads %s before %s", (first, second) => {
    expect(compareFileNames(first, second)).toBeLessThan(0);
    expect(compareFileNames(second, first)).toBeGreaterThan(0);
  });
});

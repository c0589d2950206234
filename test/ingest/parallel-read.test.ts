// Dates must not move with the machine's zone: the whole file runs away from UTC.
process.env.TZ = "America/New_York";

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Warehouse } from "../../core/warehouse.ts";
import { INVOICE_HEADER, openIngestWorkspace, type IngestWorkspace } from "../helpers/ingest-workspace.ts";

/**
 * A CSV large enough for DuckDB to split among its threads (it hands each thread about 8 MB):
 * ingest types it in one parallel pass and numbers its rows by the order they were written in,
 * so every row number, and every line a problem names, must still be the row's own.
 */
const ROWS = 250_000;
/** Data row k is document I<k>, so its number is in its id: the expected values follow from the file. */
const row = (k: number, amount = "10.00") => `I${k},C${k % 97},invoice,2024-01-${String((k % 28) + 1).padStart(2, "0")},,${amount},USD,`;
const file = (bad: Map<number, string> = new Map()) =>
  `${INVOICE_HEADER}\n${Array.from({ length: ROWS }, (_, i) => row(i + 1, bad.get(i + 1))).join("\n")}\n`;

let wh: Warehouse, write: IngestWorkspace["write"], load: IngestWorkspace["load"], rejection: IngestWorkspace["rejection"];

beforeEach(async () => {
  ({ wh, write, load, rejection } = await openIngestWorkspace());
});
afterEach(() => wh.close());

describe("a CSV read in parallel", () => {
  it("keeps every row's own number", async () => {
    const content = file();
    expect(content.length).toBeGreaterThan(8_000_000); // more than one thread's share
    await load(write("invoices.csv", content));
    const [counts] = await wh.all<{ n: string; misnumbered: string; first: number; last: number }>(
      `select count(*) as n, count(*) filter (where _source_row <> substr(document_id, 2)::integer) as misnumbered,
              min(_source_row) as first, max(_source_row) as last
         from raw.invoices`,
    );
    expect(counts).toEqual({ n: String(ROWS), misnumbered: "0", first: 1, last: ROWS });
  }, 60_000);

  it("names the lines of bad values wherever they fall in the file", async () => {
    // Data row k is on line k + 1 (the header is line 1).
    const bad = new Map([
      [7, "abc"],
      [123_457, "1.234"],
      [ROWS - 1, "x"],
    ]);
    const { details } = await rejection(write("invoices.csv", file(bad)));
    const reason = "not an amount with at most 2 decimals (e.g. 1234.56 or 1,234.56)";
    expect(details).toEqual([
      `invoices.csv line 8, column amount, value "abc": ${reason}`,
      `invoices.csv line 123458, column amount, value "1.234": ${reason}`,
      `invoices.csv line ${ROWS}, column amount, value "x": ${reason}`,
    ]);
    expect(await wh.all("select count(*) as n from raw.invoices")).toEqual([{ n: "0" }]);
  }, 60_000);
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Warehouse } from "../../core/warehouse.ts";
import { INVOICE_HEADER, openIngestWorkspace, type IngestWorkspace } from "../helpers/ingest-workspace.ts";

/**
 * Ingest changes two of the connection's settings while it writes raw rows (no insertion order,
 * no FSST compression); `arwatch run` builds on the same connection afterwards, and its tables
 * must be written with DuckDB's defaults again.
 */
let wh: Warehouse, write: IngestWorkspace["write"], load: IngestWorkspace["load"];

const settings = () =>
  wh.all("select current_setting('preserve_insertion_order') as ordered, current_setting('disabled_compression_methods') as disabled");
// DuckDB's defaults.
const DEFAULTS = [{ ordered: true, disabled: "" }];

beforeEach(async () => {
  ({ wh, write, load } = await openIngestWorkspace());
});
afterEach(() => wh.close());

describe("the connection after an ingest", () => {
  it("has DuckDB's default settings back after a load", async () => {
    expect(await settings()).toEqual(DEFAULTS);
    await load(write("invoices.csv", `${INVOICE_HEADER}\nI1,C1,invoice,2024-01-01,,100.00,USD,\n`));
    expect(await settings()).toEqual(DEFAULTS);
  });
});

import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryLogger } from "../../core/log.ts";
import { openWarehouse, type Warehouse } from "../../core/warehouse.ts";
import { ingest } from "../../ingest/ingest.ts";
import { SPECS } from "../../ingest/specs.ts";
import { undoLoads } from "../../ingest/undo.ts";
import { INVOICE_HEADER, openIngestWorkspace, PAYMENT_HEADER, type IngestWorkspace } from "../helpers/ingest-workspace.ts";

let dir: string, wh: Warehouse, write: IngestWorkspace["write"], ingestOptions: IngestWorkspace["options"];

/** The contract columns of every raw table: what the models read. */
async function contents(w: Warehouse): Promise<string> {
  const parts: string[] = [];
  for (const spec of SPECS) parts.push(JSON.stringify(await w.all(`select ${spec.columns.map((c) => c.name).join(", ")} from raw.${spec.entity} order by all`)));
  return parts.join("\n");
}

beforeEach(async () => {
  ({ dir, wh, write, options: ingestOptions } = await openIngestWorkspace());
});
afterEach(() => wh.close());

describe("the archive rebuilds the warehouse", () => {
  it("gives the same rows when its loaded files are ingested again in load order, after restatements and an undo", async () => {
    const options = ingestOptions();
    await ingest(wh, [write("invoices.csv", `${INVOICE_HEADER}\nINV1,C1,invoice,2024-01-01,,100,USD,\nINV2,C1,invoice,2024-01-01,,100,USD,\n`)], options);
    await ingest(wh, [write("payments-1.csv", `${PAYMENT_HEADER}\nP1,C1,2024-02-10,60,USD,INV1\nP1,C1,2024-02-10,40,USD,INV2\n`)], options);
    await ingest(wh, [write("payments-2.csv", `${PAYMENT_HEADER}\nP1,C1,2024-02-10,100,USD,INV1\nP2,C1,2024-02-11,5,USD,\n`)], options);
    const [wrong] = await ingest(wh, [write("payments-3.csv", `${PAYMENT_HEADER}\nP1,C9,2024-02-10,1,USD,\n`)], options);
    await undoLoads(wh, [wrong!.loadId], { log: memoryLogger() });
    await ingest(wh, [write("invoices-2.csv", `${INVOICE_HEADER}\nINV2,C1,invoice,2024-01-01,,90,USD,\nINV3,C2,invoice,2024-01-05,,10,USD,\n`)], options);

    const archived = await wh.all<{ entity: string; sha256: string; file_name: string }>(
      "select entity, sha256, file_name from meta.load_log where outcome = 'loaded' order by load_seq, file_name",
    );
    expect(archived.map((a) => a.file_name)).toEqual(["invoices.csv", "payments-1.csv", "payments-2.csv", "invoices-2.csv"]);
    const rebuilt = await openWarehouse(join(dir, "rebuilt.duckdb"));
    try {
      mkdirSync(join(dir, "replay"));
      for (const [i, a] of archived.entries()) {
        // Archived files are named by content; a name starting with the entity tells ingest what they are.
        const copy = join(dir, "replay", `${a.entity}-${i}.csv`);
        copyFileSync(join(dir, "archive", a.entity, `${a.sha256}.csv`), copy);
        await ingest(rebuilt, [copy], { ...ingestOptions(), archiveDir: join(dir, "archive-2") });
      }
      expect(await contents(rebuilt)).toBe(await contents(wh));
      // And the state is the one worked by hand: P1 restated to 100 on INV1, P2 unapplied, INV2 restated to 90.
      expect(await wh.all("select payment_id, customer_id, amount, document_id from raw.payments order by all")).toEqual([
        { payment_id: "P1", customer_id: "C1", amount: "100.00", document_id: "INV1" },
        { payment_id: "P2", customer_id: "C1", amount: "5.00", document_id: null },
      ]);
      expect(await wh.all("select document_id, amount from raw.invoices order by all")).toEqual([
        { document_id: "INV1", amount: "100.00" },
        { document_id: "INV2", amount: "90.00" },
        { document_id: "INV3", amount: "10.00" },
      ]);
    } finally {
      rebuilt.close();
    }
  });
});

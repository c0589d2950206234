import { describe, expect, it } from "vitest";
import { kyselyOver } from "../../core/kysely.ts";
import { openWarehouse } from "../../core/warehouse.ts";

interface DB {
  "ops.items": { id: number; name: string; amount: string; due: string; note: string | null };
}

describe("kysely over the warehouse connection", () => {
  it("inserts, counts, reads exact values and shares the connection's transaction", async () => {
    const wh = await openWarehouse(":memory:");
    try {
      await wh.run("create schema ops; create table ops.items (id integer, name varchar, amount decimal(38,2), due date, note varchar)");
      const db = kyselyOver<DB>(wh);
      const inserted = await db
        .insertInto("ops.items")
        .values([
          { id: 1, name: "O'Brien; drop table x", amount: "9999999999999999.99", due: "2024-03-31", note: null },
          { id: 2, name: "Bé", amount: "0.10", due: "2024-02-29", note: "x" },
        ])
        .executeTakeFirst();
      expect(inserted.numInsertedOrUpdatedRows).toBe(2n);
      const rows = await db.selectFrom("ops.items").selectAll().where("amount", ">", "1").execute();
      // Exact money and a time-zone-free date, whatever TZ the test runs under.
      expect(rows).toEqual([{ id: 1, name: "O'Brien; drop table x", amount: "9999999999999999.99", due: "2024-03-31", note: null }]);
      const updated = await db.updateTable("ops.items").set({ note: "paid" }).where("id", "=", 2).executeTakeFirst();
      expect(updated.numUpdatedRows).toBe(1n);
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.deleteFrom("ops.items").execute();
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      expect(await wh.all("select count(*)::integer as n from ops.items")).toEqual([{ n: 2 }]);
      const returned = await db.updateTable("ops.items").set({ note: "again" }).where("id", "=", 1).returning(["id", "note"]).execute();
      expect(returned).toEqual([{ id: 1, note: "again" }]);
    } finally {
      wh.close();
    }
  });
});

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openWarehouse, type OpenOptions } from "../../core/warehouse.ts";
import { tempDir } from "../helpers/warehouse.ts";

/** DuckDB shows sizes as '4.7 GiB', '512.0 MiB', '0 bytes'. */
function bytes(shown: string): number {
  const match = /^([\d.]+) (bytes|KiB|MiB|GiB|TiB)$/.exec(shown);
  if (!match) throw new Error(`not a size: ${shown}`);
  const unit = { bytes: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 }[match[2] as "bytes"];
  return Number(match[1]) * unit;
}

async function blockMemory(path: string, options: OpenOptions): Promise<{ kept: number; limit: number }> {
  const wh = await openWarehouse(path, options);
  try {
    const [row] = await wh.all<{ kept: string; limit: string }>(
      "select current_setting('block_allocator_memory') as kept, current_setting('max_memory') as limit",
    );
    return { kept: bytes(row!.kept), limit: bytes(row!.limit) };
  } finally {
    wh.close();
  }
}

describe("the memory a warehouse keeps for DuckDB's blocks", () => {
  it("is a quarter of what DuckDB may use when the warehouse is opened to write", async () => {
    const { kept, limit } = await blockMemory(join(tempDir(), "warehouse.duckdb"), {});
    // Both are shown rounded to a tenth of their unit.
    expect(Math.abs(kept / limit - 0.25)).toBeLessThan(0.02);
  });

  it("is DuckDB's default (none) when the warehouse is only read, sandboxed or in memory", async () => {
    const path = join(tempDir(), "warehouse.duckdb");
    (await openWarehouse(path)).close();
    expect((await blockMemory(path, { readOnly: true })).kept).toBe(0);
    expect((await blockMemory(path, { sandboxed: true })).kept).toBe(0);
    expect((await blockMemory(":memory:", {})).kept).toBe(0);
  });
});

import { join } from "node:path";
import { totalmem } from "node:os";
import { describe, expect, it } from "vitest";
import { openWarehouse } from "../../core/warehouse.ts";
import { tempDir } from "../helpers/warehouse.ts";

const setting = async (path: string, readOnly: boolean) => {
  const wh = await openWarehouse(path, { readOnly });
  try {
    const [row] = await wh.all<{ value: string }>("select current_setting('block_allocator_memory') as value");
    return row!.value;
  } finally {
    wh.close();
  }
};

describe("the memory a warehouse keeps for its blocks", () => {
  it("is a quarter of the machine's when the warehouse is opened to write, and DuckDB's default (none) to read", async () => {
    const path = join(tempDir(), "warehouse.duckdb");
    // DuckDB shows the size in GiB with one decimal, truncated (5.8 GiB for 23.5 GiB of memory).
    const shown = /^(\d+\.\d) GiB$/.exec(await setting(path, false));
    expect(Math.abs(Number(shown?.[1]) - totalmem() / 4 / 2 ** 30)).toBeLessThan(0.1);
    expect(await setting(path, true)).toBe("0 bytes");
  });
});

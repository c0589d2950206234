import { openWarehouse, type Warehouse } from "../core/warehouse.ts";

/**
 * How a command may use the warehouse: `create` (ingest, run: the only ones that may make a new
 * file), `write` (an existing file), `read`, or `sandboxed` (read the warehouse and nothing else).
 */
export type Access = "create" | "write" | "read" | "sandboxed";

/** Opens the warehouse for one command and always closes it. */
export async function withWarehouse<T>(db: string, access: Access, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = await openWarehouse(db, {
    create: access === "create",
    readOnly: access === "read",
    sandboxed: access === "sandboxed",
  });
  try {
    return await fn(wh);
  } finally {
    wh.close();
  }
}

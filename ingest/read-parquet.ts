import type { Warehouse } from "../core/warehouse.ts";
import { ident, literal } from "../core/warehouse.ts";
import type { OpenedExtract } from "./read.ts";
import { unreadable } from "./read.ts";

/**
 * Opens a Parquet file with its columns in their own types; validation turns each into text by
 * what the column must hold (see native-types.ts), so that a DECIMAL, a DATE or an integer is
 * read exactly and a DOUBLE amount or a STRUCT is named as the problem it is. `_row` is the
 * 1-based row of the file.
 */
export async function openParquet(wh: Warehouse, path: string): Promise<OpenedExtract> {
  const scan = `read_parquet(${literal(path)}, file_row_number = true)`;
  const base = { checks: [], position: "row" as const };
  try {
    const described = await wh.all<{ column_name: string; column_type: string }>(`describe select * from ${scan}`);
    const columns = described
      .filter((c) => c.column_name !== "file_row_number")
      .map((c) => ({ name: c.column_name, sql: ident(c.column_name), type: c.column_type }));
    return { ...base, source: `(select file_row_number + 1 as _row, * exclude (file_row_number) from ${scan})`, columns, problems: [] };
  } catch (e) {
    return { ...base, source: "", columns: [], problems: [unreadable(path, "parquet", e)] };
  }
}

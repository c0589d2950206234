import type { Warehouse } from "../../core/warehouse.ts";
import { ident } from "../../core/warehouse.ts";
import { COLUMN_DOCS, type Model } from "./project.ts";

/**
 * Compares a built model's columns with its documentation: in a layer that documents every
 * column (marts, staging), a built column without documentation and a documented column that
 * was not built are both errors; elsewhere only the second is. Returns the problem, or null.
 */
export async function columnMismatch(wh: Warehouse, model: Model): Promise<string | null> {
  // The model's own columns, in order, by name: information_schema lists every column of every
  // attached catalog before it filters (16 ms a model, against 2.5 ms here).
  const rows = await wh.all<{ name: string }>("select name from pragma_table_info($1) order by cid", [`${ident(model.layer)}.${ident(model.name)}`]);
  const built = rows.map((r) => r.name);
  const documented = model.doc.columns.map((c) => c.name);
  const notBuilt = documented.filter((c) => !built.includes(c));
  const undocumented = COLUMN_DOCS[model.layer] === "all" ? built.filter((c) => !documented.includes(c)) : [];
  if (notBuilt.length === 0 && undocumented.length === 0) return null;
  const parts = [];
  if (undocumented.length) parts.push(`built but not documented: ${undocumented.join(", ")}`);
  if (notBuilt.length) parts.push(`documented but not built: ${notBuilt.join(", ")}`);
  return `${model.id}: its columns differ from ${model.layer}/_${model.layer}__models.yml (${parts.join("; ")})`;
}

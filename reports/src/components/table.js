import { html } from "htl";
import { downloadButton } from "./csv.js";

/**
 * A plain table: columns [{key, label, format?, numeric?, className?}]; numeric columns right-aligned.
 * Values are inserted as text (htl escapes them), so a hostile customer name stays a name.
 */
export function dataTable(rows, columns, { fileName, downloadLabel, limit, moreLabel } = {}) {
  // A long table shows its first rows; the download always holds every row.
  const shown = limit && rows.length > limit ? rows.slice(0, limit) : rows;
  const more = shown.length < rows.length ? html`<p class="sub">${(moreLabel ?? "{n} of {total} rows shown").replace("{n}", shown.length).replace("{total}", rows.length)}</p>` : "";
  const table = html`<table class="data">
    <thead><tr>${columns.map((c) => html`<th class=${c.numeric ? "num" : c.className ?? ""}>${c.label}</th>`)}</tr></thead>
    <tbody>${shown.map(
      (r) => html`<tr>${columns.map((c) => html`<td class=${c.numeric ? "num" : c.className ?? ""}>${c.format ? c.format(r[c.key], r) : r[c.key] ?? ""}</td>`)}</tr>`,
    )}</tbody>
  </table>${more}`;
  if (!fileName) return table;
  return html`<div class="table-block">${downloadButton(rows, columns, fileName, downloadLabel ?? "Download CSV")}${table}</div>`;
}

import { csvFormatRows } from "d3";

// A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a formula.
// Such text gets a leading apostrophe; plain numbers such as -12.50 are left as numbers.
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

export function neutralise(value) {
  if (value == null) return "";
  const text = String(value);
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** CSV text for rows and columns ([{key, label}]), quoted per RFC 4180 and safe to open in Excel. */
export function toCsv(rows, columns) {
  return csvFormatRows([columns.map((c) => c.label), ...rows.map((r) => columns.map((c) => neutralise(r[c.key])))]);
}

/** A button that downloads the rows as a UTF-8 CSV file (with a BOM, so Excel reads Vietnamese and Thai). */
export function downloadButton(rows, columns, fileName, label) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "download";
  button.textContent = label;
  button.addEventListener("click", () => {
    const blob = new Blob(["\uFEFF", toCsv(rows, columns)], { type: "text/csv;charset=utf-8" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = fileName;
    link.click();
    URL.revokeObjectURL(link.href);
  });
  return button;
}

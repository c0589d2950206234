import { createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import type { Readable } from "node:stream";
import yazl from "yazl";

/**
 * Writes .xlsx workbooks from hand-written XML parts, shaped as Excel writes them (ECMA-376),
 * so that a test says exactly which cells, styles and strings a workbook holds.
 */

const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships";

/** Text escaped for XML content or a double-quoted attribute. */
export const xml = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** A shared string item of plain text. */
export const si = (text: string) => `<si><t xml:space="preserve">${xml(text)}</t></si>`;

export interface SheetSpec {
  name: string;
  /** The <row> elements of its <sheetData>. */
  rows?: string;
  /** Its <dimension ref>, e.g. "A1:F9"; omitted when undefined. */
  dimension?: string;
  /** A chart sheet instead of a worksheet. */
  chart?: boolean;
  /** The whole part, written as given (rows and dimension are then unused). */
  part?: string | (() => Readable);
}

export interface WorkbookSpec {
  sheets: SheetSpec[];
  date1904?: boolean;
  /** <si> items, in index order. */
  sharedStrings?: string[];
  /** Custom number formats: numFmtId → formatCode. */
  numFmts?: Record<number, string>;
  /** The number format of each cell style (cellXfs), by style index; style 0 is General. */
  cellXfs?: number[];
}

export function sheetXml(rows: string, dimension?: string): string {
  const dim = dimension ? `<dimension ref="${dimension}"/>` : "";
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="${MAIN}" xmlns:r="${REL}">${dim}<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>${rows}</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`;
}

/** The parts of a workbook as Excel lays them out: xl/workbook.xml, its relationships, styles, shared strings, one part per sheet. */
export function workbookParts(spec: WorkbookSpec): Map<string, string | (() => Readable)> {
  const parts = new Map<string, string | (() => Readable)>();
  const sheetRels = spec.sheets.map((s, i) =>
    s.chart
      ? `<Relationship Id="rId${i + 1}" Type="${REL}/chartsheet" Target="chartsheets/sheet${i + 1}.xml"/>`
      : `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  );
  const n = spec.sheets.length;
  parts.set(
    "[Content_Types].xml",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`,
  );
  parts.set("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`);
  parts.set(
    "xl/workbook.xml",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<workbook xmlns="${MAIN}" xmlns:r="${REL}"><workbookPr${spec.date1904 ? ' date1904="1"' : ""} defaultThemeVersion="166925"/><bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="12300"/></bookViews><sheets>${spec.sheets
      .map((s, i) => `<sheet name="${xml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
      .join("")}</sheets><calcPr calcId="191029"/></workbook>`,
  );
  parts.set(
    "xl/_rels/workbook.xml.rels",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="${PKG_REL}">${sheetRels.join("")}<Relationship Id="rId${n + 1}" Type="${REL}/styles" Target="styles.xml"/><Relationship Id="rId${n + 2}" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
  );
  const numFmts = Object.entries(spec.numFmts ?? {});
  const xfs = spec.cellXfs ?? [0];
  parts.set(
    "xl/styles.xml",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<styleSheet xmlns="${MAIN}">${
      numFmts.length ? `<numFmts count="${numFmts.length}">${numFmts.map(([id, code]) => `<numFmt numFmtId="${id}" formatCode="${xml(code)}"/>`).join("")}</numFmts>` : ""
    }<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="${xfs.length}">${xfs
      .map((id) => `<xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0"${id ? ' applyNumberFormat="1"' : ""}/>`)
      .join("")}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`,
  );
  const strings = spec.sharedStrings ?? [];
  parts.set("xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<sst xmlns="${MAIN}" count="${strings.length}" uniqueCount="${strings.length}">${strings.join("")}</sst>`);
  spec.sheets.forEach((s, i) => {
    if (s.chart) parts.set(`xl/chartsheets/sheet${i + 1}.xml`, `<chartsheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetViews><sheetView workbookViewId="0"/></sheetViews></chartsheet>`);
    else parts.set(`xl/worksheets/sheet${i + 1}.xml`, s.part ?? sheetXml(s.rows ?? "", s.dimension));
  });
  return parts;
}

/** Zips parts (deflated, in the order given) into `path`; a part may be a stream, for a large sheet. */
export async function writeZip(path: string, parts: Map<string, string | Buffer | (() => Readable)>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, body] of parts) {
    if (typeof body === "function") zip.addReadStream(body(), name);
    else zip.addBuffer(Buffer.from(body), name);
  }
  zip.end();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await finished(out);
}

export async function writeWorkbook(path: string, spec: WorkbookSpec): Promise<void> {
  await writeZip(path, workbookParts(spec));
}

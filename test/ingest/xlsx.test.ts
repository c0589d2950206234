import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it, vi } from "vitest";
import { DuckDBInstance } from "@duckdb/node-api";
import { xlsxToCsv, type XlsxOptions } from "../../ingest/source/xlsx.ts";
import { amountSql } from "../../ingest/source/values-sql.ts";
import { excelDate, isDateFormatCode, numberText, plainNumber } from "../../ingest/source/xlsx-values.ts";
import { si, sheetXml, writeWorkbook, xml, type WorkbookSpec } from "../helpers/xlsx-file.ts";
import { SheetToCsv } from "../../ingest/source/xlsx-sheet.ts";
import { SHARED_STRINGS_LIMIT } from "../../ingest/source/xlsx-parts.ts";
import { XmlScanner, scanPart } from "../../ingest/source/xlsx-xml.ts";

/**
 * Excel workbooks (issue 10): a sheet becomes a UTF-8 CSV whose record r is sheet row r, with
 * cells as Excel shows them. Every expected value below is worked out by hand from the cell as
 * stored; the tests run under TZ=Asia/Bangkok (vitest.config.ts), so a date that went through
 * local time would come out a day off.
 */

const dir = mkdtempSync(join(tmpdir(), "arwatch-xlsx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function convert(spec: WorkbookSpec | Buffer, sheet?: string | number, options: XlsxOptions = {}) {
  const path = join(dir, `book${++n}.xlsx`);
  if (Buffer.isBuffer(spec)) writeFileSync(path, spec);
  else await writeWorkbook(path, spec);
  const target = join(dir, `book${n}.csv`);
  const result = await xlsxToCsv(path, target, sheet === undefined ? options : { ...options, sheet });
  const csv = "problem" in result ? undefined : readFileSync(target, "utf8");
  return { result, csv, target };
}

/** CSV records, each ended by LF as written. */
const csv = (...records: string[]) => records.map((r) => `${r}\n`).join("");

// Cell styles (cellXfs): index → number format.
const GENERAL = 0;
const DATE = 1; // built-in 14, m/d/yyyy
const THAI_DATE = 2; // custom 164, a Thai date: shows the Buddhist year of a Gregorian serial
const DATE_TIME = 3; // built-in 22, m/d/yy h:mm
const TWO_DECIMALS = 4; // built-in 2, 0.00: a number, not a date
const ELAPSED = 5; // custom 165, [h]:mm:ss: a duration, not a date
const THAI_BE = 6; // custom 166, [$-th-TH]dd/mm/bbbb
const THOUSANDS = 7; // built-in 4, #,##0.00
const STYLES = {
  numFmts: { 164: "[$-107041E]d/m/yyyy;@", 165: "[h]:mm:ss", 166: "[$-th-TH]dd/mm/bbbb" },
  cellXfs: [0, 14, 164, 22, 2, 165, 166, 4],
};

const VIETNAMESE = "Công ty TNHH Việt Nam";
const STRINGS = [
  si("รายงานลูกหนี้ ณ วันที่ 31/03/2567"), // 0
  si("document_id"), // 1
  si("customer_id"), // 2
  si("customer_name"), // 3
  si("document_date"), // 4
  si("due_date"), // 5
  si("amount"), // 6
  si("00123"), // 7: text that looks like a number
  si("C01"), // 8
  si(VIETNAMESE.normalize("NFD")), // 9: tone marks as combining characters, as a Windows-1258 export leaves them
  si('Công ty "ABC", chi nhánh'), // 10
  // 11: rich text in two runs, and a phonetic reading Excel keeps but does not show
  '<si><r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve">บริษัท </t></r><r><t>ก</t></r><rPh sb="0" eb="1"><t>PHONETIC</t></rPh><phoneticPr fontId="1"/></si>',
  si("Line one\nline two"), // 12: Alt+Enter in a cell
  "<si><t>first_x000D_\nsecond</t></si>", // 13: Excel's escape for a carriage return
  si("Mã\u00a0KH"), // 14: a no-break space
];

const cell = (ref: string, value: string, attrs = "") => `<c r="${ref}"${attrs}><v>${value}</v></c>`;
const text = (ref: string, index: number) => cell(ref, String(index), ' t="s"');

/** An ERP's receivables report: a Thai title, a gap, a header, rows with every kind of cell, an empty row between them. */
const INVOICES_SHEET = [
  `<row r="1" spans="1:6">${text("A1", 0)}</row>`,
  // row 2: none (Excel writes no empty row)
  `<row r="3" spans="1:6">${[1, 2, 3, 4, 5, 6].map((s, i) => text(`${"ABCDEF"[i]}3`, s)).join("")}</row>`,
  `<row r="4" spans="1:6">${text("A4", 7)}${text("B4", 8)}${text("C4", 9)}${cell("D4", "45296", ` s="${DATE}"`)}${cell("E4", "45326", ` s="${THAI_DATE}"`)}${cell("F4", "1234.5")}</row>`,
  // row 5: none, an empty row in the middle
  `<row r="6" spans="1:6"><c r="A6" t="inlineStr"><is><t>INV-002</t></is></c>${text("B6", 14)}${text("C6", 10)}${cell("D6", "45296.75", ` s="${DATE_TIME}"`)}${cell("E6", "45355", ` s="${THAI_BE}"`)}<c r="F6"><f>F4*2</f><v>2469</v></c></row>`,
  `<row r="7" spans="1:6">${text("A7", 11)}${text("B7", 12)}${text("C7", 13)}${cell("D7", "1", ' t="b"')}${cell("E7", "#N/A", ' t="e"')}<c r="F7" s="${THOUSANDS}"><f>0.1+0.2</f><v>0.30000000000000004</v></c></row>`,
  `<row r="8" spans="1:6">${cell("A8", "1E+21")}${cell("B8", "1.5E-7")}${cell("C8", "45296", ` s="${TWO_DECIMALS}"`)}${cell("D8", "1.5", ` s="${ELAPSED}"`)}<c r="E8" t="str"><f>"ref: "&amp;A4</f><v>ref: 00123</v></c>${cell("F8", "-1234567.891", ` s="${GENERAL}"`)}</row>`,
].join("");

/** Sheet 2: payments, in inline strings; its dates are 26 and 55 days after 2024-01-05 (serial 45296). */
const PAYMENTS_SHEET = [
  '<row r="1"><c r="A1" t="inlineStr"><is><t>payment_id</t></is></c><c r="B1" t="inlineStr"><is><t>payment_date</t></is></c><c r="C1" t="inlineStr"><is><t>amount</t></is></c></row>',
  `<row r="2"><c r="A2" t="inlineStr"><is><t>PAY-1</t></is></c>${cell("B2", "45322", ` s="${DATE}"`)}${cell("C2", "500")}</row>`,
  `<row r="3"><c r="A3" t="inlineStr"><is><t>PAY-2</t></is></c>${cell("B3", "45351", ` s="${DATE}"`)}${cell("C3", "250.25")}</row>`,
].join("");

const WORKBOOK: WorkbookSpec = {
  ...STYLES,
  sharedStrings: STRINGS,
  sheets: [
    { name: "ลูกหนี้", rows: INVOICES_SHEET, dimension: "A1:F8" },
    { name: "Payments", rows: PAYMENTS_SHEET, dimension: "A1:C3" },
  ],
};

describe("xlsxToCsv: an ERP's receivables workbook", () => {
  it("writes sheet row r as CSV record r, every cell as Excel shows it", async () => {
    const { result, csv: written } = await convert(WORKBOOK);
    expect(result).toEqual({ rows: 8, date1904: false });
    expect(written).toBe(
      csv(
        "รายงานลูกหนี้ ณ วันที่ 31/03/2567,,,,,",
        ",,,,,", // row 2, which the sheet does not have
        "document_id,customer_id,customer_name,document_date,due_date,amount",
        // 00123 stays text; the NFD name comes out NFC; serial 45296 = 1970-01-01 + (45296 - 25569 = 19727) days,
        // and 1970-01-01 + 19723 days (54 years, 13 of them leap: 54 × 365 + 13) is 2024-01-01, so 2024-01-05;
        // the Thai-format 45326 = 45296 + 30 = 2024-02-04, Gregorian as stored (the format only shows 2567).
        `00123,C01,${VIETNAMESE},2024-01-05,2024-02-04,1234.5`,
        ",,,,,", // row 5, empty in the middle
        // 45296.75 = 2024-01-05 at 0.75 × 24 h = 18:00; 45355 = 45296 + 59: 26 days to 31 Jan, 29 in Feb 2024, 4 March;
        // the formula F4*2 = 1234.5 × 2 = 2469, its cached result.
        'INV-002,Mã KH,"Công ty ""ABC"", chi nhánh",2024-01-05 18:00:00,2024-03-04,2469',
        // rich text without its phonetic run; a cell line break kept inside quotes; _x000D_ is a CR, and CRLF becomes LF;
        // 0.1+0.2 = 0.30000000000000004 as a double, 0.3 at Excel's 15 digits.
        'บริษัท ก,"Line one\nline two","first\nsecond",TRUE,#N/A,0.3',
        // 1E+21 and 1.5E-7 without exponents; 45296 in 0.00 is a number; 1.5 in [h]:mm:ss a duration; a text formula's result.
        "1000000000000000000000,0.00000015,45296,1.5,ref: 00123,-1234567.891",
      ),
    );
  });

  it("reads the CSV with DuckDB with the record numbers of the sheet's rows (the empty rows are not skipped)", async () => {
    const { target } = await convert(WORKBOOK);
    const db = await (await DuckDBInstance.create(":memory:")).connect();
    const columns = `{${["c0", "c1", "c2", "c3", "c4", "c5"].map((c) => `'${c}': 'VARCHAR'`).join(", ")}}`;
    const reader = await db.runAndReadAll(
      `select row_number() over () as record, c0, c3 from read_csv('${target}', header = false, auto_detect = false, parallel = false,
         columns = ${columns}, delim = ',', quote = '"', escape = '"', strict_mode = true, null_padding = true)`,
    );
    const rows = reader.getRowObjectsJson();
    expect(rows.length).toBe(8);
    expect(rows.find((r) => r.c0 === "00123")).toMatchObject({ record: "4", c3: "2024-01-05" });
    expect(rows.find((r) => r.c0 === "INV-002")).toMatchObject({ record: "6" });
    expect(rows.find((r) => r.c0 === "1000000000000000000000")).toMatchObject({ record: "8" });
  });

  it("selects a sheet by name (either case) or 1-based position; the first by default", async () => {
    // 45322 = 45296 + 26 = 2024-01-31; 45351 = 45322 + 29 = 2024-02-29 (2024 is a leap year).
    const payments = csv("payment_id,payment_date,amount", "PAY-1,2024-01-31,500", "PAY-2,2024-02-29,250.25");
    expect((await convert(WORKBOOK, "Payments")).csv).toBe(payments);
    expect((await convert(WORKBOOK, "payments")).csv).toBe(payments);
    expect((await convert(WORKBOOK, 2)).csv).toBe(payments);
    expect((await convert(WORKBOOK, "ลูกหนี้")).result).toEqual({ rows: 8, date1904: false });
    expect((await convert(WORKBOOK, 1)).csv).toBe((await convert(WORKBOOK)).csv);
  });

  it("names the sheets it has when the one asked for is not there, or is a chart", async () => {
    expect((await convert(WORKBOOK, "Invoices")).result).toEqual({
      problem: { reason: 'the workbook has no sheet named "Invoices" (its sheets: "ลูกหนี้", "Payments")' },
    });
    expect((await convert(WORKBOOK, 3)).result).toEqual({
      problem: { reason: 'the workbook has no sheet 3: it has 2 ("ลูกหนี้", "Payments")' },
    });
    const withChart: WorkbookSpec = { ...WORKBOOK, sheets: [{ name: "Chart1", chart: true }, ...WORKBOOK.sheets] };
    expect((await convert(withChart, "Chart1")).result).toEqual({ problem: { reason: 'the sheet "Chart1" is a chart, not a worksheet of cells' } });
    // By default the first worksheet, past the chart.
    expect((await convert(withChart)).result).toEqual({ rows: 8, date1904: false });
  });
});

describe("xlsxToCsv: date systems", () => {
  it("counts a 1904 workbook's serials from 1904-01-01", async () => {
    // 43834 + 1462 (the days from 1900-system day 0 to 1904-01-01) = 45296, so 2024-01-05 as above; serial 0 is 1904-01-01 itself.
    const { result, csv: written } = await convert({
      ...STYLES,
      date1904: true,
      sheets: [{ name: "Sheet1", dimension: "A1:C1", rows: `<row r="1">${cell("A1", "43834", ` s="${DATE}"`)}${cell("B1", "0", ` s="${DATE}"`)}${cell("C1", "43834.5", ` s="${DATE_TIME}"`)}</row>` }],
    });
    expect(result).toEqual({ rows: 1, date1904: true });
    expect(written).toBe(csv("2024-01-05,1904-01-01,2024-01-05 12:00:00"));
  });

  it("reads 1900 serials around Excel's 29 February 1900 and at the ends of its range", () => {
    // Excel's day 1 is 1900-01-01 and it counts a 1900-02-29 that never was as day 60.
    expect(excelDate(1, false)).toBe("1900-01-01");
    expect(excelDate(59, false)).toBe("1900-02-28");
    expect(excelDate(60, false)).toBe("1900-02-29"); // as Excel shows it: arwatch's date check refuses it
    expect(excelDate(61, false)).toBe("1900-03-01");
    expect(excelDate(0, false)).toBe("1900-01-00");
    expect(excelDate(25569, false)).toBe("1970-01-01");
    expect(excelDate(2958465, false)).toBe("9999-12-31");
    expect(excelDate(2958466, false)).toBeUndefined();
    expect(excelDate(-1, false)).toBeUndefined();
    expect(excelDate(1, true)).toBe("1904-01-02");
    // 3661 s = 1 h 1 min 1 s; a fraction within half a second of midnight is the next day.
    expect(excelDate(45296 + 3661 / 86400, false)).toBe("2024-01-05 01:01:01");
    expect(excelDate(45296.999999999, false)).toBe("2024-01-06");
  });

  it("tells date formats, Thai ones included, from number, time and duration formats", () => {
    for (const code of ["[$-107041E]d/m/yyyy;@", "[$-th-TH]dd/mm/bbbb", "[$-1070000]d/mm/yyyy", "dd/mm/yyyy", "mmm-yy", "d-mmm", "yyyy-mm-dd h:mm", "DD/MM/YYYY", "[$-409]mmmm d, yyyy"]) {
      expect(isDateFormatCode(code), code).toBe(true);
    }
    for (const code of ["General", "0.00", "#,##0.00 [$฿-41E]", "0.00E+00", '"Due "0', "h:mm", "mm:ss", "[h]:mm:ss", "@", '#,##0 "บาท"', "_(* #,##0.00_)"]) {
      expect(isDateFormatCode(code), code).toBe(false);
    }
  });
});

describe("xlsxToCsv: numbers", () => {
  it("writes plain decimals without exponent or float noise", () => {
    expect(plainNumber(1e21)).toBe("1000000000000000000000");
    expect(plainNumber(1.5e-7)).toBe("0.00000015");
    expect(plainNumber(-2.5e-10)).toBe("-0.00000000025");
    expect(plainNumber(1.2345e22)).toBe("12345000000000000000000");
    expect(numberText("1234.5")).toBe("1234.5");
    expect(numberText("107.00000000000001")).toBe("107"); // 1.07 × 100 as a double, 107 at 15 digits
    expect(numberText("1234567890123456")).toBe("1234567890123456"); // a whole number keeps its digits
    expect(numberText("-0")).toBe("0");
    expect(numberText("2.5E-3")).toBe("0.0025");
    for (const bad of ["1,5", "0x10", "0b11", " 12", "12 ", "", "Infinity", "NaN", "1e400", "+1", ".5"]) expect(numberText(bad), bad).toBeUndefined();
  });
});

describe("xlsxToCsv: a source reading amounts with a decimal comma", () => {
  // A Vietnamese ledger: decimal ",", thousands ".". Row 1 is text, as typed; row 2 number cells.
  const rows =
    `<row r="1">${[["A1", "1.234"], ["B1", "12,5"], ["C1", "x"], ["D1", "y"], ["E1", "z"], ["F1", "w"]].map(([r, t]) => `<c r="${r}" t="inlineStr"><is><t>${t}</t></is></c>`).join("")}</row>` +
    `<row r="2">${cell("A2", "1234.5")}${cell("B2", "1.234")}${cell("C2", "12.5")}${cell("D2", "1500000")}${cell("E2", "-0.125")}<c r="F2"><f>0.1+0.2</f><v>0.30000000000000004</v></c></row>` +
    `<row r="3">${cell("A3", "1E+21")}${cell("B3", "45296", ` s="${DATE}"`)}</row>`;
  const book: WorkbookSpec = { ...STYLES, sheets: [{ name: "S", rows, dimension: "A1:F3" }] };

  it("writes number cells with the decimal separator asked for, quoted, and no thousands separator; text and dates as they are", async () => {
    const { result, csv: written } = await convert(book, undefined, { decimal: "," });
    expect(result).toEqual({ rows: 3, date1904: false });
    expect(written).toBe(
      csv(
        '1.234,"12,5",x,y,z,w', // text cells unchanged
        // 0.1+0.2 is 0.3 at 15 digits, then its point a comma; whole numbers have no separator to change.
        '"1234,5","1,234","12,5",1500000,"-0,125","0,3"',
        "1000000000000000000000,2024-01-05,,,,",
      ),
    );
    // The default, and "." explicitly, keep the point.
    const dotted = csv("1.234,\"12,5\",x,y,z,w", "1234.5,1.234,12.5,1500000,-0.125,0.3", "1000000000000000000000,2024-01-05,,,,");
    expect((await convert(book)).csv).toBe(dotted);
    expect((await convert(book, undefined, { decimal: "." })).csv).toBe(dotted);
  });

  it("loads those cells at their value through the source's amount reading (decimal \",\", thousands \".\")", async () => {
    const { target } = await convert(book, undefined, { decimal: "," });
    const db = await (await DuckDBInstance.create(":memory:")).connect();
    const numbers = { decimal: ",", thousands: ".", absolute: false } as Parameters<typeof amountSql>[1];
    const reader = await db.runAndReadAll(
      `select ${["a", "b", "c", "e"].map((c) => `(${amountSql(c, numbers)})::varchar as ${c}`).join(", ")}
       from read_csv('${target}', header = false, auto_detect = false, skip = 1, columns = {'a': 'VARCHAR', 'b': 'VARCHAR', 'c': 'VARCHAR', 'd': 'VARCHAR', 'e': 'VARCHAR', 'f': 'VARCHAR'},
         delim = ',', quote = '"', escape = '"') limit 1`,
    );
    // Written with a point, 1.234 would read as 1234 (a thousands separator) and 12.5 not at all.
    expect(reader.getRowObjectsJson()[0]).toMatchObject({ a: expect.stringMatching(/^1234\.50*$/), b: expect.stringMatching(/^1\.2340*$/), c: expect.stringMatching(/^12\.50*$/), e: expect.stringMatching(/^-0\.1250*$/) });
  });
});

describe("xlsxToCsv: cell values that are not of their type", () => {
  it("refuses a number cell whose stored value is no number, naming the cell, instead of writing it unquoted", async () => {
    // "1,5" written as it is would be two fields, shifting the rest of the record one column right.
    for (const stored of ["1,5", "0x10", "0b11", " 12", "Infinity", "1e400", "+1", "1."]) {
      const rows = `<row r="1">${cell("A1", "1")}</row><row r="2">${cell("A2", "2")}${cell("B2", xml(stored))}</row>`;
      expect((await convert({ sheets: [{ name: "S", rows, dimension: "A1:B2" }] })).result, stored).toEqual({
        problem: { reason: `cell B2 holds ${JSON.stringify(stored)}, which is no number (a damaged file?)`, line: 2 },
      });
    }
    // The same in a date format: "1,5" is no serial either.
    const dated = `<row r="1">${cell("A1", "1,5", ` s="${DATE}"`)}</row>`;
    expect((await convert({ ...STYLES, sheets: [{ name: "S", rows: dated }] })).result).toEqual({
      problem: { reason: 'cell A1 holds "1,5", which is no number (a damaged file?)', line: 1 },
    });
  });

  it("refuses a boolean other than 0 or 1 and a t=\"d\" cell that is no ISO date", async () => {
    const bool = `<row r="1">${cell("A1", "1,0", ' t="b"')}</row>`;
    expect((await convert({ sheets: [{ name: "S", rows: bool }] })).result).toEqual({
      problem: { reason: 'cell A1 holds "1,0", which is no boolean (0 or 1) (a damaged file?)', line: 1 },
    });
    const date = `<row r="1">${cell("A1", "5/1/2024, noon", ' t="d"')}</row>`;
    expect((await convert({ sheets: [{ name: "S", rows: date }] })).result).toEqual({
      problem: { reason: 'cell A1 holds "5/1/2024, noon", which is no date (YYYY-MM-DD, ISO 8601) (a damaged file?)', line: 1 },
    });
    // A well-formed ISO date cell, with a time of day and fractional seconds, is still read.
    const good = `<row r="1">${cell("A1", "2024-01-05T18:00:00.000", ' t="d"')}${cell("B1", "2024-01-05", ' t="d"')}</row>`;
    expect((await convert({ sheets: [{ name: "S", rows: good }] })).csv).toBe(csv("2024-01-05 18:00:00,2024-01-05"));
  });

  it("refuses a shared string index that is not plain digits", async () => {
    // Number(" 0") and Number("0x0") are 0: without the check these would read item 0, "a".
    const rows = `<row r="1">${cell("A1", "0x0", ' t="s"')}</row>`;
    expect((await convert({ sharedStrings: [si("a")], sheets: [{ name: "S", rows }] })).result).toEqual({
      problem: { reason: "cell A1 names shared string 0x0, which the workbook does not have (a damaged file?)", line: 1 },
    });
  });
});

describe("xlsxToCsv: the sheet's width", () => {
  const rows = `<row r="1">${cell("A1", "1")}</row><row r="2">${cell("A2", "2")}${cell("C2", "3")}</row>`;

  it("writes every record as wide as the widest row when the sheet has no <dimension>", async () => {
    const { result, csv: written } = await convert({ sheets: [{ name: "S", rows }] });
    expect(result).toEqual({ rows: 2, date1904: false });
    expect(written).toBe(csv("1,,", "2,,3"));
  });

  it("writes the cells past a <dimension> that is too narrow", async () => {
    expect((await convert({ sheets: [{ name: "S", rows, dimension: "A1:B2" }] })).csv).toBe(csv("1,,", "2,,3"));
  });

  it("writes a one-column sheet's empty row as a quoted empty field, not a blank line DuckDB would skip", async () => {
    const one = `<row r="1">${cell("A1", "1")}</row><row r="3">${cell("A3", "3")}</row>`;
    expect((await convert({ sheets: [{ name: "S", rows: one, dimension: "A1:A3" }] })).csv).toBe(csv("1", '""', "3"));
  });

  it("reads a pretty-printed sheet (the layout the quick row reader leaves to the tag scanner) as the compact one", async () => {
    const pretty = (rows: string) => rows.replace(/></g, ">\n  <");
    const compact = await convert(WORKBOOK);
    const indented = await convert({ ...WORKBOOK, sheets: [{ name: "ลูกหนี้", rows: pretty(INVOICES_SHEET), dimension: "A1:F8" }] });
    expect(indented.result).toEqual({ rows: 8, date1904: false });
    expect(indented.csv).toBe(compact.csv);
  });

  it("writes a cell without a value (a styled empty cell, an uncalculated formula) as an empty field", async () => {
    const rows = `<row r="1"><c r="A1" s="${DATE}" t="s"/><c r="B1" t="n"><f>A1+1</f></c><c r="C1" t="b"></c>${cell("D1", "4")}</row>`;
    expect((await convert({ ...STYLES, sheets: [{ name: "S", rows, dimension: "A1:D1" }] })).csv).toBe(csv(",,,4"));
  });

  it("reads prefixed element names and cells without references, as some writers produce them", async () => {
    const part = `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row><x:c t="inlineStr"><x:is><x:t>a &amp; b</x:t></x:is></x:c><x:c><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>`;
    expect((await convert({ sheets: [{ name: "S", part }] })).csv).toBe(csv("a & b,7"));
  });
});

describe("xlsxToCsv: Excel's limits", () => {
  it("sets aside a used range wider than 256 columns (whole rows formatted): records as wide as the widest row holding a value", async () => {
    const rows = `<row r="1">${cell("A1", "1")}</row><row r="2">${cell("A2", "2")}${cell("C2", "3")}</row>`;
    // Values in A..C: three fields, not 16,384.
    for (const dimension of ["A1:XFD1048576", "A1:IW2"]) {
      expect((await convert({ sheets: [{ name: "S", rows, dimension }] })).csv, dimension).toBe(csv("1,,", "2,,3"));
    }
    // 256 columns (IV) and fewer are the used range as Excel declares it, as its own CSV export writes it: D..F empty.
    expect((await convert({ sheets: [{ name: "S", rows, dimension: "A1:F2" }] })).csv).toBe(csv("1,,,,,", "2,,3,,,"));
  });

  it("refuses a row after 1,048,576 at once, without writing the rows before it", async () => {
    for (const r of [1048577, 900000000]) {
      const rows = `<row r="1">${cell("A1", "1")}</row><row r="${r}">${cell(`A${r}`, "2")}</row>`;
      const { result } = await convert({ sheets: [{ name: "S", rows, dimension: "A1:A1" }] });
      expect(result).toEqual({ problem: { reason: `row ${r} is past Excel's last row, 1048576: a damaged file?`, line: 2 } });
    }
  });

  it("refuses a cell after column XFD (16,384), and writes one in XFD", async () => {
    // XFE = (24 × 26 + 6) × 26 + 5 = 16,385; ZZZZZZ far more, which was an array of that many fields.
    for (const ref of ["XFE1", "ZZZZZZ1"]) {
      expect((await convert({ sheets: [{ name: "S", rows: `<row r="1">${cell(ref, "1")}</row>` }] })).result).toEqual({
        problem: { reason: `cell ${ref} is past Excel's last column, XFD (16384): a damaged file?`, line: 1 },
      });
    }
    // XFD = (24 × 26 + 6) × 26 + 4 = 16,384: 16,383 empty fields, then the value.
    expect((await convert({ sheets: [{ name: "S", rows: `<row r="1">${cell("XFD1", "7")}</row>` }] })).csv).toBe(`${",".repeat(16383)}7\n`);
  });

  it("writes Excel's last row, the rows between handed to the writer as a count, not as text", async () => {
    // 16,384 fields for 1,048,574 rows would be a 17 GB string; the sheet holds only their count.
    const sheet = new SheetToCsv({ sharedStrings: [], dateStyles: [], date1904: false, width: 16384 });
    const part = sheetXml(`<row r="1">${cell("A1", "1")}</row><row r="1048576">${cell("A1048576", "2")}</row>`);
    await scanPart(Readable.from([Buffer.from(part)]), sheet);
    expect(sheet.queued).toEqual([`1${",".repeat(16383)}\n`, { record: `${",".repeat(16383)}\n`, times: 1048574 }]);
    expect(sheet.output).toBe(`2${",".repeat(16383)}\n`);
    // Through the writer, at two fields: 1 + 1,048,574 + 1 records of "…,\n" (2 bytes) and "1,\n", "2,x\n".
    const rows = `<row r="1">${cell("A1", "1")}</row><row r="1048576">${cell("A1048576", "2")}${cell("B1048576", "3")}</row>`;
    const { result, csv: written } = await convert({ sheets: [{ name: "S", rows, dimension: "A1:B1048576" }] });
    expect(result).toEqual({ rows: 1048576, date1904: false });
    expect(written!.length).toBe(3 + 1048574 * 2 + 4);
    expect(written!.endsWith(",\n,\n2,3\n")).toBe(true);
  });

  it("refuses a shared string table past its limits in items or characters, as it reads it", async () => {
    // The limits (16M items, 256M characters) lowered to 3 items and 10 characters for the test.
    const saved = { ...SHARED_STRINGS_LIMIT };
    try {
      Object.assign(SHARED_STRINGS_LIMIT, { items: 3, characters: 10 });
      const rows = `<row r="1">${text("A1", 0)}</row>`;
      // 3 items of 3 characters: 9, within both limits.
      expect((await convert({ sharedStrings: [si("abc"), si("def"), si("ghi")], sheets: [{ name: "S", rows }] })).csv).toBe(csv("abc"));
      const tooLarge = { problem: { reason: "the workbook is too large to read: its shared strings (each distinct text of its cells) pass 3 items or 10 characters" } };
      // A fourth item, of one character (10 in all): too many items.
      expect((await convert({ sharedStrings: [si("abc"), si("def"), si("ghi"), si("j")], sheets: [{ name: "S", rows }] })).result).toEqual(tooLarge);
      // Two items, 5 + 6 = 11 characters: too much text; the same when the second is rich text (read tag by tag).
      expect((await convert({ sharedStrings: [si("abcde"), si("fghijk")], sheets: [{ name: "S", rows }] })).result).toEqual(tooLarge);
      expect((await convert({ sharedStrings: [si("abcde"), "<si><r><t>fgh</t></r><r><t>ijk</t></r></si>"], sheets: [{ name: "S", rows }] })).result).toEqual(tooLarge);
    } finally {
      Object.assign(SHARED_STRINGS_LIMIT, saved);
    }
  });

  it("makes any other failure while reading a problem naming the file, not an exception", async () => {
    const failing = vi.spyOn(SheetToCsv.prototype, "raw").mockImplementation(() => {
      throw new RangeError("Invalid array length");
    });
    try {
      const { result } = await convert({ sheets: [{ name: "S", rows: `<row r="1">${cell("A1", "1")}</row>` }] });
      expect(result).toEqual({ problem: { reason: `the workbook book${n}.xlsx cannot be read: Invalid array length` } });
    } finally {
      failing.mockRestore();
    }
  });
});

describe("xlsxToCsv: files it cannot read", () => {
  it("says an .xls or any other non-zip file is not an .xlsx workbook", async () => {
    const ole2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(504).fill(0)]);
    const { result } = await convert(ole2);
    expect(result).toMatchObject({ problem: { reason: expect.stringMatching(/^not an Excel workbook \(\.xlsx\): the file is no zip archive/) } });
  });

  it("names the row of a cell that refers to a shared string the workbook does not have", async () => {
    const { result } = await convert({ sharedStrings: [si("a")], sheets: [{ name: "S", rows: `<row r="1">${text("A1", 0)}</row><row r="2">${text("A2", 5)}</row>` }] });
    expect(result).toEqual({ problem: { reason: "cell A2 names shared string 5, which the workbook does not have (a damaged file?)", line: 2 } });
  });

  it("refuses a sheet that is cut short or whose tags do not nest", async () => {
    const cut = await convert({ sheets: [{ name: "S", part: sheetXml(`<row r="1">${cell("A1", "1")}</row>`).slice(0, -40) }] });
    expect(cut.result).toMatchObject({ problem: { reason: expect.stringMatching(/^the workbook is damaged: the part ends/) } });
    const crossed = await convert({ sheets: [{ name: "S", part: sheetXml('<row r="1"><c r="A1"><v>1</c></v></row>') }] });
    expect(crossed.result).toEqual({ problem: { reason: "the workbook is damaged: the end tag </c> closes no open <c>" } });
  });

  it("refuses a part with a DTD, where entity bombs start", async () => {
    const part = `<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row></sheetData></worksheet>`;
    expect((await convert({ sheets: [{ name: "S", part }] })).result).toEqual({
      problem: { reason: "the workbook is damaged: the part has a DTD, which no workbook part has" },
    });
  });
});

describe("xlsxToCsv: streaming", () => {
  it("reads a part that arrives in small pieces, tags, entities and characters split across them", async () => {
    // 3-byte pieces split tags, entities and the UTF-8 bytes of the Thai characters (3 bytes each).
    const rows = Array.from({ length: 50 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="inlineStr"><is><t>ที่ ${i} &lt;&amp;&gt;</t></is></c>${cell(`B${i + 1}`, String(45296 + i), ` s="${DATE}"`)}</row>`).join("");
    const bytes = Buffer.from(sheetXml(rows, "A1:B50"));
    const pieces = Readable.from(Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) => bytes.subarray(i * 3, i * 3 + 3)));
    const sheet = new SheetToCsv({ sharedStrings: [], dateStyles: [false, true], date1904: false, width: undefined });
    let written = "";
    await scanPart(pieces, sheet, () => {
      written += sheet.output;
      sheet.output = "";
    });
    const lines = written.split("\n");
    expect(lines.length).toBe(51); // 50 records, each ended by LF
    expect(lines[0]).toBe("ที่ 0 <&>,2024-01-05");
    // Row 50: 45296 + 49 = 2024-01-05 + 49 days: 26 days to 31 January, 23 more, 2024-02-23.
    expect(lines[49]).toBe("ที่ 49 <&>,2024-02-23");
  });

  it("passes long text on as it arrives, holding back only a reference the piece cuts", () => {
    const got: string[] = [];
    const scanner = new XmlScanner({ open() {}, close() {}, text: (t) => got.push(t) });
    scanner.write("<t>" + "a".repeat(1000));
    // Before the fix the text waited for its "<", each piece searched again from the start: quadratic.
    expect(got.join("")).toBe("a".repeat(1000));
    scanner.write("b&am");
    expect(got.join("")).toBe("a".repeat(1000) + "b"); // "&am" may be the start of &amp;
    scanner.write("p;c</t>");
    scanner.end();
    expect(got.join("")).toBe("a".repeat(1000) + "b&c");
  });

  it("converts a cell of 8 MB of text in linear time", async () => {
    // 128 pieces of 64 KB: 8 MB in one inline string. Rescanning from the text's start on each piece
    // took 12 s at 10 MB; linear it is a fraction of a second of scanning.
    const MB = 8;
    const piece = "ab".repeat(1 << 15);
    const part = () =>
      Readable.from(
        (function* () {
          yield `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`;
          for (let i = 0; i < MB * 16; i++) yield piece;
          yield `</t></is></c><c r="B1"><v>2</v></c></row></sheetData></worksheet>`;
        })(),
      );
    const path = join(dir, `long${++n}.xlsx`);
    await writeWorkbook(path, { sheets: [{ name: "S", part }] });
    const target = join(dir, `long${n}.csv`);
    const started = performance.now();
    expect(await xlsxToCsv(path, target)).toEqual({ rows: 1, date1904: false });
    expect(performance.now() - started).toBeLessThan(4000);
    const written = readFileSync(target, "utf8");
    expect(written.length).toBe(MB * (1 << 20) + ",2\n".length);
    expect(written.endsWith("abab,2\n")).toBe(true);
  });

  it("refuses a comment, CDATA section or end tag longer than any tag may be, instead of holding it all", async () => {
    const long = "x".repeat(1 << 21); // twice the longest tag: its end is not here when the first 1 MB is
    for (const [what, inner] of [["comment", `<!--${long}-->`], ["CDATA", `<c r="A1" t="inlineStr"><is><t><![CDATA[${long}]]></t></is></c>`], ["end tag", `</row${long}>`]]) {
      const part = sheetXml(`<row r="1">${inner}</row>`);
      expect((await convert({ sheets: [{ name: "S", part }] })).result, what).toMatchObject({ problem: { reason: expect.stringMatching(/^the workbook is damaged: not XML: .* goes on for over 1048576 characters$/) } });
    }
  });

  it("refuses to overwrite its target", async () => {
    const { target } = await convert(WORKBOOK);
    await expect(xlsxToCsv(join(dir, `book${n}.xlsx`), target, {})).rejects.toThrow(/EEXIST/);
  });
});


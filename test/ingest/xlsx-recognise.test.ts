import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { xlsxHeadCsv, xlsxToCsv } from "../../ingest/source/xlsx.ts";
import { CUSTOMER_HEADER, openIngestWorkspace, type IngestWorkspace } from "../helpers/ingest-workspace.ts";
import { tempDir } from "../helpers/warehouse.ts";
import { si, writeWorkbook, type WorkbookSpec } from "../helpers/xlsx-file.ts";

/**
 * A workbook recognised by its header (issue 10): an ERP's .xlsx dropped in the inbox under the
 * name the ERP gives it is known by a preset from the header in its sheet's first rows, as a CSV
 * is from its first lines, and loads what the same report as CSV loads. What no source
 * recognises, or what is no workbook at all, is skipped as "not an extract", never a crash.
 */

const open: IngestWorkspace[] = [];
afterEach(() => {
  for (const w of open.splice(0)) w.close();
});

async function workspace(config: unknown): Promise<IngestWorkspace> {
  const w = await openIngestWorkspace(parseConfig(config));
  open.push(w);
  return w;
}

/** The contract columns of a raw table, without lineage, in key order. */
async function rawRows(w: IngestWorkspace, entity: string, key: string) {
  return w.wh.all(`select * exclude (_load_id, _source_file, _source_row, _loaded_at) from raw.${entity} order by ${key}`);
}

/** A cell: text (a shared string), a number, a date (an Excel serial in a date style), or none. */
type Cell = string | number | { serial: number } | null;

const DATE_STYLE = 1; // cellXfs[1]: built-in format 14, m/d/yyyy
const column = (i: number) => String.fromCharCode(65 + i); // A..Z: these sheets are narrower than 27 columns

/** A workbook of one sheet (or more), its rows at the given sheet row numbers, text as shared strings as Excel writes it. */
function workbook(sheets: { name: string; rows: [number, Cell[]][] }[]): WorkbookSpec {
  const strings: string[] = [];
  const index = (text: string) => (strings.includes(text) ? strings.indexOf(text) : strings.push(text) - 1);
  const sheetRows = (rows: [number, Cell[]][]) =>
    rows
      .map(([r, cells]) => {
        const xml = cells
          .map((cell, i) => {
            const ref = `${column(i)}${r}`;
            if (cell === null) return "";
            if (typeof cell === "string") return `<c r="${ref}" t="s"><v>${index(cell)}</v></c>`;
            if (typeof cell === "number") return `<c r="${ref}"><v>${cell}</v></c>`;
            return `<c r="${ref}" s="${DATE_STYLE}"><v>${cell.serial}</v></c>`;
          })
          .join("");
        return `<row r="${r}">${xml}</row>`;
      })
      .join("");
  const parts = sheets.map((s) => {
    const width = Math.max(...s.rows.map(([, cells]) => cells.length));
    const last = Math.max(...s.rows.map(([r]) => r));
    return { name: s.name, rows: sheetRows(s.rows), dimension: `A1:${column(width - 1)}${last}` };
  });
  return { sheets: parts, sharedStrings: strings.map(si), cellXfs: [0, 14] };
}

// ERPNext's Accounts Receivable report (erpnext/accounts/report/accounts_receivable), as
// source-mapping.test.ts has it as CSV: filter rows, a blank row, the header, three vouchers, the total row.
const REPORT_HEADER = ["Posting Date", "Party Type", "Party", "Receivable Account", "Voucher Type", "Voucher No", "Due Date", "Invoiced Amount", "Paid Amount", "Credit Note", "Outstanding Amount", "Age (Days)", "0-30", "31-60", "61-90", "91-120", "121-Above", "Currency"];
const FILTERS: Cell[][] = [
  ["Company", "My Co"],
  ["Posting Date", "2024-03-31"],
  ["Ageing Based On", "Due Date"],
];
// Excel serials (1900 system: days since 1899-12-30): 2024-01-01 is 45292 (124 years of 365 days
// from 1900-01-01, 30 leap days 1904..2020, 2 days from 1899-12-30), so 2024-01-15 = 45292 + 14 = 45306,
// 2024-02-14 = 45292 + 31 + 13 = 45336, 2024-02-20 = 45342, 2024-03-01 = 45292 + 31 + 29 = 45352, 2024-03-21 = 45372.
const VOUCHERS: Cell[][] = [
  [{ serial: 45306 }, "Customer", "CUST-0001", "Debtors - MC", "Sales Invoice", "ACC-SINV-2024-00001", { serial: 45336 }, 1234.5, 200, 0, 1034.5, 46, 0, 1034.5, 0, 0, 0, "USD"],
  [{ serial: 45342 }, "Customer", "CUST-0002", "Debtors - MC", "Sales Invoice", "ACC-SINV-2024-00007", { serial: 45372 }, 500, 0, 0, 500, 10, 500, 0, 0, 0, 0, "USD"],
  [{ serial: 45352 }, "Customer", "CUST-0002", "Debtors - MC", "Payment Entry", "ACC-PAY-2024-00009", { serial: 45352 }, 0, 300, 0, -300, 30, -300, 0, 0, 0, 0, "USD"],
];
// The total row: no Voucher No, so no voucher (1734.5 = 1234.5 + 500; 1234.5 = 1034.5 + 500 - 300).
const TOTAL: Cell[] = [null, null, null, null, null, null, null, 1734.5, 500, 0, 1234.5, 86, 200, 1034.5, 0, 0, 0, "USD"];

/** The report with its header on sheet row `headerRow`: the filter rows at the top, the rows between them and the header empty. */
function reportRows(headerRow: number): [number, Cell[]][] {
  return [...FILTERS.map((cells, i): [number, Cell[]] => [i + 1, cells]), [headerRow, REPORT_HEADER], ...[...VOUCHERS, TOTAL].map((cells, i): [number, Cell[]] => [headerRow + 1 + i, cells])];
}

/** The same report as ERPNext's CSV export writes it (source-mapping.test.ts). */
const REPORT_CSV = [
  '"Company","My Co"',
  '"Posting Date","2024-03-31"',
  '"Ageing Based On","Due Date"',
  "",
  `${REPORT_HEADER.map((l) => JSON.stringify(l)).join(",")}`,
  '"2024-01-15","Customer","CUST-0001","Debtors - MC","Sales Invoice","ACC-SINV-2024-00001","2024-02-14",1234.5,200.0,0.0,1034.5,46,0,1034.5,0,0,0,"USD"',
  '"2024-02-20","Customer","CUST-0002","Debtors - MC","Sales Invoice","ACC-SINV-2024-00007","2024-03-21",500.0,0.0,0.0,500.0,10,500.0,0,0,0,0,"USD"',
  '"2024-03-01","Customer","CUST-0002","Debtors - MC","Payment Entry","ACC-PAY-2024-00009","2024-03-01",0.0,300.0,0.0,-300.0,30,-300.0,0,0,0,0,"USD"',
  '"","","","","","","",1734.5,500.0,0.0,1234.5,86,200.0,1034.5,0,0,0,"USD"',
  "",
].join("\r\n");

const PRESET = { sources: [{ preset: "erpnext" }] };
/** What a folder's file no source knows is told (discover.ts). */
const NOT_AN_EXTRACT = /: its name does not start with an entity \(.*\) and no source in config sources names it or recognises its header$/;

async function writeReport(w: IngestWorkspace, name: string, spec: WorkbookSpec): Promise<string> {
  const path = join(w.dir, "in", name);
  await writeWorkbook(path, spec);
  return path;
}

describe("an ERPNext Accounts Receivable report saved as a workbook", () => {
  it("is recognised by its header in a folder and loads exactly the rows the same report as CSV loads", async () => {
    const fromCsv = await workspace(PRESET);
    fromCsv.write("Accounts Receivable.csv", REPORT_CSV);
    const csvLoad = await fromCsv.load(`${fromCsv.dir}/in`);

    const w = await workspace(PRESET);
    await writeReport(w, "Accounts Receivable.xlsx", workbook([{ name: "Accounts Receivable", rows: reportRows(5) }]));
    const { outcomes } = await w.load(`${w.dir}/in`);
    // Two invoices open (1,034.50 and 500.00) and 300.00 of unallocated cash (the companion); the total row is none.
    expect(outcomes.map((o) => [o.name, o.entity, o.rows])).toEqual([
      ["Accounts Receivable.xlsx", "invoices", 2],
      ["Accounts Receivable.xlsx", "payments", 1],
    ]);
    expect(csvLoad.outcomes.map((o) => [o.entity, o.rows])).toEqual([
      ["invoices", 2],
      ["payments", 1],
    ]);
    expect(await rawRows(w, "invoices", "document_id")).toEqual(await rawRows(fromCsv, "invoices", "document_id"));
    expect(await rawRows(w, "payments", "payment_id")).toEqual(await rawRows(fromCsv, "payments", "payment_id"));
    // Not vacuous: the rows are the vouchers, dated from the serials as worked out above.
    expect(await w.wh.all("select document_id, document_date, due_date, amount from raw.invoices order by document_id")).toEqual([
      { document_id: "ACC-SINV-2024-00001", document_date: "2024-01-15", due_date: "2024-02-14", amount: "1034.50" },
      { document_id: "ACC-SINV-2024-00007", document_date: "2024-02-20", due_date: "2024-03-21", amount: "500.00" },
    ]);
    expect(await w.wh.all("select file_name, entity, source from meta.load_log order by entity")).toEqual([
      { file_name: "Accounts Receivable.xlsx", entity: "invoices", source: "erpnext-ar-report-invoices" },
      { file_name: "Accounts Receivable.xlsx", entity: "payments", source: "erpnext-ar-report-credits" },
    ]);
  });

  it("is recognised when named on the command line too", async () => {
    const w = await workspace(PRESET);
    const path = await writeReport(w, "Accounts Receivable.xlsx", workbook([{ name: "Report", rows: reportRows(5) }]));
    const { outcomes } = await w.load(path);
    expect(outcomes.map((o) => [o.entity, o.rows])).toEqual([
      ["invoices", 2],
      ["payments", 1],
    ]);
  });

  it("is recognised with its header on row 100, the last row the header search looks at, and not on row 101", async () => {
    // findHeader (open.ts) looks for the header in a file's first 100 records, and a sheet's row r
    // is CSV record r, its empty rows included: rows 4..99 are empty records, the header record 100.
    const at100 = await workspace(PRESET);
    await writeReport(at100, "Accounts Receivable.xlsx", workbook([{ name: "Report", rows: reportRows(100) }]));
    expect((await at100.load(`${at100.dir}/in`)).outcomes.map((o) => [o.entity, o.rows])).toEqual([
      ["invoices", 2],
      ["payments", 1],
    ]);

    // The limit: a header on row 101 is past the window, so the workbook is not recognised (the
    // load would not find that header either) and is skipped as no extract.
    const at101 = await workspace(PRESET);
    const path = await writeReport(at101, "Accounts Receivable.xlsx", workbook([{ name: "Report", rows: reportRows(101) }]));
    await expect(at101.load(path)).rejects.toThrow(NOT_AN_EXTRACT);
  });

  it("is read from the sheet its source names, not the first", async () => {
    const source = {
      name: "ar-sheet",
      entity: "invoices",
      sheet: "Open items",
      columns: { document_id: "Voucher No", customer_id: "Party", document_date: "Posting Date", due_date: "Due Date", amount: "Outstanding Amount", currency: null },
      dropRowsWithout: ["Voucher No"],
      constants: { document_type: "invoice" },
    };
    const w = await workspace({ sources: [source] });
    const invoicesOnly = reportRows(5).filter(([, cells]) => cells[4] !== "Payment Entry");
    await writeReport(w, "Export.xlsx", workbook([{ name: "Notes", rows: [[1, ["Exported from ERPNext"]]] }, { name: "Open items", rows: invoicesOnly }]));
    const { outcomes } = await w.load(`${w.dir}/in`);
    expect(outcomes.map((o) => [o.name, o.entity, o.rows])).toEqual([["Export.xlsx", "invoices", 2]]);
  });
});

describe("a workbook no source recognises", () => {
  /** A folder with a canonical extract (so that the load has something to load) and the workbook. */
  async function loadFolderWith(name: string, write: (w: IngestWorkspace, path: string) => Promise<void>) {
    const w = await workspace(PRESET);
    w.write("customers.csv", `${CUSTOMER_HEADER}\nC1,Acme,,,,,,,,\n`);
    const path = join(w.dir, "in", name);
    await write(w, path);
    const { outcomes, log } = await w.load(`${w.dir}/in`);
    return { outcomes, log, path };
  }

  it("is skipped as no extract when no source knows its header, and refused when named on the command line", async () => {
    const journal = workbook([
      {
        name: "Journal",
        rows: [
          [1, ["ID", "Account", "Debit"]],
          [2, ["J1", "1310", 5]],
        ],
      },
    ]);
    const { outcomes, log, path } = await loadFolderWith("Journal.xlsx", (_, p) => writeWorkbook(p, journal));
    expect(outcomes.map((o) => o.name)).toEqual(["customers.csv"]);
    expect(log.lines.filter((l) => l.startsWith(`skipping ${path}`))).toEqual([expect.stringMatching(NOT_AN_EXTRACT)]);

    const w = await workspace(PRESET);
    const named = await writeReport(w, "Journal.xlsx", journal);
    await expect(w.load(named)).rejects.toThrow(`${named}: not an extract: its name does not start with an entity`);
  });

  it("is skipped the same way when it is no workbook at all: random bytes, or a workbook cut short", async () => {
    // Deterministic "random" bytes (a linear congruential generator): no zip signature anywhere.
    let seed = 12345;
    const noise = Buffer.alloc(4096, 0).map(() => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff);
    const random = await loadFolderWith("Accounts Receivable.xlsx", async (_, p) => writeFileSync(p, noise));
    expect(random.outcomes.map((o) => o.name)).toEqual(["customers.csv"]);
    expect(random.log.lines.filter((l) => l.startsWith(`skipping ${random.path}`))).toEqual([expect.stringMatching(NOT_AN_EXTRACT)]);

    // A real report's first half: its zip directory, at the end, is lost.
    const cut = await loadFolderWith("Accounts Receivable.xlsx", async (_, p) => {
      await writeWorkbook(p, workbook([{ name: "Report", rows: reportRows(5) }]));
      const whole = readFileSync(p);
      writeFileSync(p, whole.subarray(0, whole.length >> 1));
    });
    expect(cut.outcomes.map((o) => o.name)).toEqual(["customers.csv"]);
    expect(cut.log.lines.filter((l) => l.startsWith(`skipping ${cut.path}`))).toEqual([expect.stringMatching(NOT_AN_EXTRACT)]);
  });
});

describe("xlsxHeadCsv", () => {
  const dir = tempDir("arwatch-xlsx-head-");

  it("is the first rows of the CSV xlsxToCsv writes, empty rows included", async () => {
    const path = join(dir, "head.xlsx");
    await writeWorkbook(path, workbook([{ name: "S", rows: [[1, ["Title"]], [3, ["a", "b", 1.5]], [4, ["c", "d", { serial: 45306 }]], [5, ["e", "f", 2]]] }]));
    const head = await xlsxHeadCsv(path, { rows: 4 });
    // Width 3 (A1:C5): row 2 is an empty record; 45306 is 2024-01-15 (worked out above); row 5 is past the head.
    expect(head).toEqual({ text: "Title,,\n,,\na,b,1.5\nc,d,2024-01-15\n" });
    const whole = join(dir, "head.csv");
    await xlsxToCsv(path, whole);
    expect(readFileSync(whole, "utf8")).toBe(`${"text" in head ? head.text : ""}e,f,2\n`);
  });

  it("stops reading at its last row: a cell no Excel wrote, far below, is never reached", async () => {
    const path = join(dir, "long.xlsx");
    // 5,000 good rows, then a boolean cell holding 7: converting the whole sheet refuses it.
    const rows: [number, Cell[]][] = Array.from({ length: 5000 }, (_, i): [number, Cell[]] => [i + 1, [`r${i + 1}`, i + 1]]);
    const spec = workbook([{ name: "S", rows }]);
    spec.sheets[0]!.rows += `<row r="5001"><c r="A5001" t="b"><v>7</v></c></row>`;
    spec.sheets[0]!.dimension = "A1:B5001";
    await writeWorkbook(path, spec);
    expect(await xlsxToCsv(path, join(dir, "long.csv"))).toEqual({ problem: expect.objectContaining({ line: 5001 }) });
    expect(await xlsxHeadCsv(path, { rows: 2 })).toEqual({ text: "r1,1\nr2,2\n" });
  });

  it("is a problem, not a throw, for a file that is no workbook", async () => {
    const path = join(dir, "not.xlsx");
    writeFileSync(path, "document_id,amount\nI1,5\n");
    expect(await xlsxHeadCsv(path, { rows: 100 })).toEqual({ problem: { reason: expect.stringMatching(/^not an Excel workbook/) } });
  });
});

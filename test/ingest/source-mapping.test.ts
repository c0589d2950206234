import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { encodeLegacy } from "../helpers/legacy-encode.ts";
import { build } from "../helpers/warehouse.ts";
import { si, writeWorkbook } from "../helpers/xlsx-file.ts";
import { INVOICE_HEADER, openIngestWorkspace, type IngestWorkspace } from "../helpers/ingest-workspace.ts";

/**
 * Source mappings (issue 10): an ERP's own files, read without hand editing, load exactly what the
 * equivalent canonical CSV loads; what the source's style cannot read is an error naming the
 * source, the file, the line, the column as the file labels it, and the value as written.
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

/** The same rows loaded from a canonical CSV into a fresh warehouse. */
async function canonical(config: unknown, name: string, body: string, entity: string, key: string) {
  const w = await workspace(config);
  await w.load(w.write(name, body));
  return rawRows(w, entity, key);
}

const THAI_SOURCE = {
  name: "th-erp",
  files: "ar-invoices*.csv",
  entity: "invoices",
  encoding: "windows-874",
  header: "auto",
  dropRows: ["^รวม", "^Total"],
  columns: {
    document_id: "เลขที่เอกสาร",
    customer_id: ["รหัสลูกค้า", "Customer"],
    document_type: "ประเภท",
    document_date: "วันที่",
    due_date: "วันครบกำหนด",
    amount: ["จำนวนเงิน", "Amount"],
    applies_to: "อ้างอิง",
  },
  values: { document_type: { ใบแจ้งหนี้: "invoice", ใบลดหนี้: "credit_note" } },
  constants: { currency: "THB" },
  dates: { format: "%d/%m/%Y", buddhistEra: true },
  numbers: { decimal: ".", thousands: "," },
};

/** A Thai ERP's report: two title lines, a blank-celled spacer, the header, rows, a total row. */
const THAI_FILE = [
  "รายงานลูกหนี้,,,,,,,",
  "บริษัท ตัวอย่าง จำกัด,ณ วันที่ 31/03/2567,,,,,,",
  ",,,,,,,",
  "เลขที่เอกสาร,รหัสลูกค้า,ชื่อลูกค้า,ประเภท,วันที่,วันครบกำหนด,จำนวนเงิน,อ้างอิง",
  'INV-001,C01,บริษัท ก,ใบแจ้งหนี้,15/01/2567,14/02/2567,"1,234.50",',
  "INV-002,C01,บริษัท ก,ใบแจ้งหนี้,29/02/2567,30/03/2567,฿ 980.00,",
  "CN-001,C01,บริษัท ก,ใบลดหนี้,01/03/2567,01/03/2567,200.00,INV-001",
  ',,,,,,,',
  'รวม,,,,,,"2,414.50",',
  "",
].join("\r\n");

/** The same ledger in the extract contract (2567 BE = 2024 CE; 1,234.50 = 1234.50). */
const THAI_CANONICAL = [
  INVOICE_HEADER,
  "INV-001,C01,invoice,2024-01-15,2024-02-14,1234.50,THB,",
  "INV-002,C01,invoice,2024-02-29,2024-03-30,980.00,THB,",
  "CN-001,C01,credit_note,2024-03-01,2024-03-01,200.00,THB,INV-001",
  "",
].join("\n");

describe("a Thai ERP's file in Windows-874 with Buddhist-era dates", () => {
  it("loads exactly what the canonical CSV loads, and records its source in the load log", async () => {
    const config = { currency: "THB", sources: [THAI_SOURCE] };
    const w = await workspace(config);
    const bytes = encodeLegacy(THAI_FILE, "windows-874");
    // Not UTF-8: read as UTF-8 it could never match a Thai label.
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    const { outcomes } = await w.load(w.write("ar-invoices-2567-03.csv", bytes));
    expect(outcomes.map((o) => [o.entity, o.rows])).toEqual([["invoices", 3]]);
    expect(await rawRows(w, "invoices", "document_id")).toEqual(await canonical({ currency: "THB" }, "invoices.csv", THAI_CANONICAL, "invoices", "document_id"));
    // Lineage: the rows keep their record number in the file as received, the first record being
    // 0: records 0-2 are the title lines, 3 the header, so the rows are records 4, 5 and 6.
    expect(await w.wh.all("select document_id, _source_row from raw.invoices order by _source_row")).toEqual([
      { document_id: "INV-001", _source_row: 4 },
      { document_id: "INV-002", _source_row: 5 },
      { document_id: "CN-001", _source_row: 6 },
    ]);
    expect(await w.wh.all("select file_name, entity, source, outcome from meta.load_log")).toEqual([
      { file_name: "ar-invoices-2567-03.csv", entity: "invoices", source: "th-erp", outcome: "loaded" },
    ]);
  });

  it("names the source, file, line, the column's own label and the value as written for what it cannot read", async () => {
    const w = await workspace({ currency: "THB", sources: [THAI_SOURCE] });
    const bad = THAI_FILE.replace("29/02/2567", "30/02/2567").replace("฿ 980.00", "980.0.0").replace("1,234.50", "2023-01-15");
    const e = await w.rejection(w.write("ar-invoices-bad.csv", encodeLegacy(bad, "windows-874")));
    // 30 February never was (2567 BE = 2024); a date of 2023 CE is no Buddhist-era year; "980.0.0" no amount.
    expect(e.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^source th-erp: ar-invoices-bad\.csv line 6, column "วันที่" \(document_date\), value "30\/02\/2567": not a real date in this source's format \(%d\/%m\/%Y, Buddhist-era years/),
        expect.stringMatching(/^source th-erp: ar-invoices-bad\.csv line 6, column "จำนวนเงิน" \(amount\), value "980\.0\.0": not an amount as this source writes them \(thousands ",", decimal "\."/),
        expect.stringMatching(/^source th-erp: ar-invoices-bad\.csv line 5, column "จำนวนเงิน" \(amount\), value "2023-01-15": not an amount/),
      ]),
    );
    expect(await w.wh.all("select count(*)::INTEGER as n from raw.invoices")).toEqual([{ n: 0 }]);
  });

  it("refuses a year that is not Buddhist-era when the source says they all are", async () => {
    const w = await workspace({ currency: "THB", sources: [THAI_SOURCE] });
    const e = await w.rejection(w.write("ar-invoices-ce.csv", encodeLegacy(THAI_FILE.replace("15/01/2567", "15/01/2024"), "windows-874")));
    expect(e.details[0]).toMatch(/line 5, column "วันที่" \(document_date\), value "15\/01\/2024": not a real date .*Buddhist-era years from 2400/);
  });

  it("suggests an encoding, naming the line, when a file is not UTF-8 and the source names none", async () => {
    const { encoding: _utf8, ...noEncoding } = THAI_SOURCE;
    const w = await workspace({ currency: "THB", sources: [noEncoding] });
    const e = await w.rejection(w.write("ar-invoices-x.csv", encodeLegacy(THAI_FILE, "windows-874")));
    expect(e.details).toHaveLength(1);
    expect(e.details[0]).toMatch(/^source th-erp: ar-invoices-x\.csv line 1, value ".*": not valid UTF-8 .*windows-874 or tis-620 for Thai/);
  });
});

describe("a Vietnamese file in Windows-1258", () => {
  const VN_SOURCE = {
    name: "vn-misa",
    files: "khach-hang*.csv",
    entity: "customers",
    encoding: "windows-1258",
    columns: { customer_id: "Mã khách hàng", customer_name: "Tên khách hàng", credit_limit: "Hạn mức nợ" },
    constants: { currency: "VND" },
    numbers: { decimal: ",", thousands: "." },
  };
  const NAME = "Công ty Cổ phần Việt Nam Đức Lợi";

  it("loads names that only compare equal after decoding and NFC, and VND amounts with dot thousands", async () => {
    const w = await workspace({ currency: "VND", sources: [VN_SOURCE] });
    const bytes = encodeLegacy(`Mã khách hàng;Tên khách hàng;Hạn mức nợ\nKH01;${NAME};1.234.567\nKH02;Nguyễn Thị Ánh;50.000.000,00\n`, "windows-1258");
    // Windows-1258 writes tone marks as combining characters: decoded as is, the name is not the NFC one.
    expect(new TextDecoder("windows-1258").decode(bytes).includes(NAME)).toBe(false);
    await w.load(w.write("khach-hang-2024.csv", bytes));
    const canonicalRows = await canonical(
      { currency: "VND" },
      "customers.csv",
      `customer_id,customer_name,credit_limit,currency\nKH01,${NAME},1234567,VND\nKH02,Nguyễn Thị Ánh,50000000.00,VND\n`,
      "customers",
      "customer_id",
    );
    expect(await rawRows(w, "customers", "customer_id")).toEqual(canonicalRows);
    expect(await w.wh.all("select customer_name from raw.customers where customer_id = 'KH01'")).toEqual([{ customer_name: NAME }]);
  });

  it("refuses 1.5 where dots are thousands separators, rather than reading 15", async () => {
    const w = await workspace({ currency: "VND", sources: [VN_SOURCE] });
    const e = await w.rejection(w.write("khach-hang-x.csv", encodeLegacy(`Mã khách hàng;Tên khách hàng;Hạn mức nợ\nKH01;A;1.5\n`, "windows-1258")));
    expect(e.details).toEqual([expect.stringMatching(/^source vn-misa: khach-hang-x\.csv line 2, column "Hạn mức nợ" \(credit_limit\), value "1\.5": not an amount as this source writes them \(thousands "\.", decimal ","/)]);
  });
});

describe("encodings a byte-order mark announces", () => {
  const SOURCE = { name: "excel-text", files: "pay*.txt", entity: "payments", columns: { payment_id: "Receipt", customer_id: "Customer", payment_date: "Date", amount: "Amount", document_id: "Invoice" } };
  const TEXT = "Receipt\tCustomer\tDate\tAmount\tInvoice\r\nR1\tC1\t2024-03-15\t1,000.00\tI1\r\nR2\tC2\t16/03/2024\t25.50\t\r\n";
  const CANONICAL = "payment_id,customer_id,payment_date,amount,document_id\nR1,C1,2024-03-15,1000.00,I1\nR2,C2,2024-03-16,25.50,\n";

  it.each([
    ["UTF-16LE (Excel's Unicode text)", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, "utf16le")])],
    ["UTF-16BE", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(TEXT, "utf16le").swap16()])],
    ["UTF-8 with a BOM", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, "utf8")])],
  ])("reads %s whatever the configured encoding", async (_name, bytes) => {
    const w = await workspace({ sources: [{ ...SOURCE, encoding: "windows-874" }] });
    await w.load(w.write("payments-week-11.txt", bytes));
    expect(await rawRows(w, "payments", "payment_id")).toEqual(await canonical({}, "payments.csv", CANONICAL, "payments", "payment_id"));
  });
});

describe("dates and amounts in each style", () => {
  const base = { name: "s", files: "docs*.csv", entity: "invoices" };
  const header = "document_id,customer_id,document_type,document_date,amount\n";

  it.each([
    ["d/m/yy", { format: "%d/%m/%y" }, "5/1/24"],
    ["dd-MMM-yyyy", { format: "%d-%b-%Y" }, "05-Jan-2024"],
    ["dd.mm.yyyy", { format: "%d.%m.%Y" }, "05.01.2024"],
    // Excel's 1900 system: 2024-01-01 is serial 45292, so 2024-01-05 is 45296.
    ["an Excel serial (1900)", { format: "%Y-%m-%d", excelSerial: "1900" }, "45296"],
    // The 1904 system counts 1,462 days fewer: 45296 − 1462 = 43834.
    ["an Excel serial (1904)", { format: "%Y-%m-%d", excelSerial: "1904" }, "43834"],
  ])("reads %s as 2024-01-05", async (_name, dates, written) => {
    const w = await workspace({ sources: [{ ...base, dates }] });
    await w.load(w.write("docs.csv", `${header}I1,C1,invoice,${written},10\n`));
    expect(await w.wh.all("select document_date from raw.invoices")).toEqual([{ document_date: "2024-01-05" }]);
  });

  it("calls Excel's 29 February 1900 (serial 60) no date", async () => {
    const w = await workspace({ sources: [{ ...base, dates: { format: "%Y-%m-%d", excelSerial: "1900" } }] });
    const e = await w.rejection(w.write("docs.csv", `${header}I1,C1,invoice,60,10\n`));
    expect(e.details[0]).toMatch(/line 2, column "document_date" \(document_date\), value "60": not a real date/);
  });

  it.each([
    ["1.234,56", { decimal: ",", thousands: "." }, "1234.56"],
    ["1 234,56", { decimal: ",", thousands: " " }, "1234.56"],
    ["1,234,567", { decimal: ".", thousands: "," }, "1234567.00"],
    ["1.234.567 ₫", { decimal: ",", thousands: "." }, "1234567.00"],
    ["đ 1.234.567", { decimal: ",", thousands: "." }, "1234567.00"],
    ["1234.5", { decimal: ".", thousands: "" }, "1234.50"],
  ])("reads %s", async (written, numbers, expected) => {
    const w = await workspace({ sources: [{ ...base, numbers }] });
    await w.load(w.write("docs.csv", `${header}I1,C1,invoice,2024-01-05,"${written}"\n`));
    expect(await w.wh.all("select amount from raw.invoices")).toEqual([{ amount: expected }]);
  });

  it.each(["(1,234.56)", "1,234.56-", "-1,234.56"])("reads %s as negative, which an invoice amount must not be, and quotes it as written", async (written) => {
    const w = await workspace({ sources: [base] });
    const e = await w.rejection(w.write("docs.csv", `${header}I1,C1,invoice,2024-01-05,"${written}"\n`));
    expect(e.details).toEqual([`source s: docs.csv line 2, column "amount" (amount), value ${JSON.stringify(written)}: must be greater than 0`]);
  });

  it.each(["12,34", "1,23,456", "1.234.56", "(12", "--5", "(-5)"])("refuses %s in a file with comma thousands", async (written) => {
    const w = await workspace({ sources: [base] });
    const e = await w.rejection(w.write("docs.csv", `${header}I1,C1,invoice,2024-01-05,"${written}"\n`));
    expect(e.details[0]).toContain(`value ${JSON.stringify(written)}: not an amount as this source writes them`);
  });
});

describe("rows a source drops, and lines it counts", () => {
  const SOURCE = { name: "s", files: "docs*.csv", entity: "invoices", header: 3, dropRows: ["^Subtotal", "^Grand total$"] };
  const body = [
    "Receivables report",
    "as of 2024-03-31",
    "document_id,customer_id,document_type,document_date,amount",
    "I1,C1,invoice,2024-01-05,10",
    "Subtotal C1,,,,10",
    ",,,,",
    'I2,C2,invoice,"2024-01-06",oops',
    "Grand total,,,,20",
    "",
  ].join("\n");

  it("drops blank, subtotal and total rows, and names the line a bad value is on in the file as received", async () => {
    const w = await workspace({ sources: [SOURCE] });
    const e = await w.rejection(w.write("docs.csv", body));
    expect(e.details).toEqual([`source s: docs.csv line 7, column "amount" (amount), value "oops": not an amount as this source writes them (thousands ",", decimal "."; e.g. 1,234.50)`]);
    await w.load(w.write("docs-fixed.csv", body.replace("oops", "20")));
    // Records from 0: two title lines, the header (2), I1 (3), the subtotal, the blank-celled row, I2 (6).
    expect(await w.wh.all("select document_id, amount, _source_row from raw.invoices order by 1")).toEqual([
      { document_id: "I1", amount: "10.00", _source_row: 3 },
      { document_id: "I2", amount: "20.00", _source_row: 6 },
    ]);
  });

  it("says which labels it looked for when no line is the header", async () => {
    const w = await workspace({ sources: [{ ...SOURCE, header: "auto", columns: { amount: ["Số tiền", "Thành tiền"] } }] });
    const e = await w.rejection(w.write("docs.csv", body));
    expect(e.details).toEqual([expect.stringMatching(/^source s: docs\.csv: no header found in the first 100 lines: no line has a label for each of document_id \("document_id"\), .*amount \("Số tiền" or "Thành tiền"\)/)]);
  });
});

describe("a canonical extract in UTF-16 with a byte-order mark (Excel's Unicode text)", () => {
  it("loads exactly what its UTF-8 twin loads, and names lines as an editor shows them", async () => {
    const body = `${INVOICE_HEADER}\r\nX1,C1,invoice,2024-01-01,,"1,000.50",USD,\r\nX2,C1,invoice,2024-01-02,,2,USD,\r\n`;
    const w = await workspace({});
    await w.load(w.write("invoices-unicode.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, "utf16le")])));
    expect(await rawRows(w, "invoices", "document_id")).toEqual(await canonical({}, "invoices.csv", body, "invoices", "document_id"));
    const e = await w.rejection(w.write("invoices-bad.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body.replace(",2,USD", ",abc,USD"), "utf16le")])));
    expect(e.details[0]).toMatch(/^invoices-bad\.csv line 3, column amount, value "abc": not an amount/);
  });
});

describe("the ERPNext preset", () => {
  // As frappe's Data Import "Export" writes them (QUOTE_NONNUMERIC: text quoted, numbers bare; ID
  // for the name; a return is a Sales Invoice with Is Return 1 and a negative Grand Total).
  const SALES_INVOICE = [
    '"ID","Customer","Date","Payment Due Date","Is Return (Credit Note)","Return Against","Currency","Grand Total","Outstanding Amount","Status"',
    '"ACC-SINV-2024-00001","CUST-0001","2024-01-15","2024-02-14",0,"","USD",1234.5,1034.5,"Unpaid"',
    '"ACC-SINV-2024-00002","CUST-0001","2024-01-20","2024-02-19",0,"","USD",500,0,"Paid"',
    '"ACC-SINV-RET-2024-00001","CUST-0001","2024-01-25","2024-01-25",1,"ACC-SINV-2024-00001","USD",-200,0,"Return"',
    '"ACC-SINV-2024-00003","CUST-0002","2024-02-01","2024-03-02",0,"","USD",99.99,99.99,"Draft"',
    '"ACC-SINV-2024-00004","CUST-0002","2024-02-05","2024-03-06",0,"","USD",10,10,"Cancelled"',
    "",
  ].join("\r\n");
  const CUSTOMER = [
    '"ID","Customer Name","Customer Type","Customer Group","Territory","Disabled","Credit Limit (Credit Limit)","Company (Credit Limit)"',
    '"CUST-0001","Acme","Company","Commercial","Vietnam",0,5000,"My Co"',
    '"CUST-0002","Beta","Individual","Individual","Thailand",1,,""',
    "",
  ].join("\r\n");

  it("recognises a Sales Invoice and a Customer export by their headers, whatever their names, and loads them as the canonical files would", async () => {
    const w = await workspace({ sources: [{ preset: "erpnext" }] });
    w.write("Sales Invoice.csv", SALES_INVOICE);
    w.write("Customer.csv", CUSTOMER);
    const { outcomes } = await w.load(`${w.dir}/in`);
    expect(outcomes.map((o) => [o.name, o.entity, o.rows])).toEqual([
      ["Customer.csv", "customers", 2],
      ["Sales Invoice.csv", "invoices", 3],
    ]);
    // Drafts and cancelled invoices are no receivables; the return is a credit note of 200 against invoice 1.
    expect(await rawRows(w, "invoices", "document_id")).toEqual(
      await canonical(
        {},
        "invoices.csv",
        [
          "document_id,customer_id,document_type,document_date,due_date,amount,currency,applies_to",
          "ACC-SINV-2024-00001,CUST-0001,invoice,2024-01-15,2024-02-14,1234.50,USD,",
          "ACC-SINV-2024-00002,CUST-0001,invoice,2024-01-20,2024-02-19,500.00,USD,",
          "ACC-SINV-RET-2024-00001,CUST-0001,credit_note,2024-01-25,2024-01-25,200.00,USD,ACC-SINV-2024-00001",
          "",
        ].join("\n"),
        "invoices",
        "document_id",
      ),
    );
    expect(await rawRows(w, "customers", "customer_id")).toEqual(
      await canonical({}, "customers.csv", "customer_id,customer_name,customer_group,team,credit_limit,status\nCUST-0001,Acme,Commercial,Vietnam,5000,active\nCUST-0002,Beta,Individual,Thailand,,blocked\n", "customers", "customer_id"),
    );
    expect(await w.wh.all("select file_name, source from meta.load_log order by file_name")).toEqual([
      { file_name: "Customer.csv", source: "erpnext-customer" },
      { file_name: "Sales Invoice.csv", source: "erpnext-sales-invoice" },
    ]);
  });

  // A Payment Entry export with its references (a child table): the entry's own fields on its first row only.
  const PAYMENT_ENTRY = [
    '"ID","Payment Type","Posting Date","Party Type","Party","Paid Amount","Unallocated Amount","Status","Type (Payment References)","Name (Payment References)","Allocated (Payment References)"',
    '"ACC-PAY-2024-00001","Receive","2024-02-01","Customer","CUST-0001",1000,0,"Submitted","Sales Invoice","ACC-SINV-2024-00001",600',
    '"","","","","",,,"","Sales Invoice","ACC-SINV-2024-00002",400',
    '"ACC-PAY-2024-00002","Receive","2024-02-03","Customer","CUST-0002",300,300,"Submitted","","",',
    '"ACC-PAY-2024-00003","Pay","2024-02-04","Supplier","SUP-01",50,0,"Submitted","Purchase Invoice","PINV-1",50',
    '"","","","","",,,"","Purchase Invoice","PINV-2",25',
    '"ACC-PAY-2024-00004","Internal Transfer","2024-02-05","","",70,0,"Submitted","","",',
    '"ACC-PAY-2024-00005","Receive","2024-02-06","Customer","CUST-0001",20,0,"Cancelled","Sales Invoice","ACC-SINV-2024-00001",20',
    "",
  ].join("\r\n");

  it("reads a Payment Entry export: a row per reference of its allocated amount, an entry without references as unapplied cash; no transfers, suppliers or cancelled entries", async () => {
    const w = await workspace({ sources: [{ preset: "erpnext" }] });
    await w.load(w.write("Payment Entry.csv", PAYMENT_ENTRY));
    // 1000 received = 600 to invoice 1 + 400 to invoice 2 (the second row continues the first entry);
    // 300 with no reference is unapplied cash; a supplier payment (and its continuation), a transfer and a cancelled entry are no receipts.
    expect(await rawRows(w, "payments", "payment_id, document_id")).toEqual(
      await canonical(
        {},
        "payments.csv",
        "payment_id,customer_id,payment_date,amount,document_id\nACC-PAY-2024-00001,CUST-0001,2024-02-01,600,ACC-SINV-2024-00001\nACC-PAY-2024-00001,CUST-0001,2024-02-01,400,ACC-SINV-2024-00002\nACC-PAY-2024-00002,CUST-0002,2024-02-03,300,\n",
        "payments",
        "payment_id, document_id",
      ),
    );
  });

  it("refuses a Payment Entry it cannot load right: a refund to a customer, a part allocated to no invoice", async () => {
    const w = await workspace({ sources: [{ preset: "erpnext" }] });
    const bad = PAYMENT_ENTRY.replace('1000,0,"Submitted"', '1000,150,"Submitted"').replace('"ACC-PAY-2024-00002","Receive"', '"ACC-PAY-2024-00002","Pay"');
    const e = await w.rejection(w.write("Payment Entry.csv", bad));
    expect(e.details).toEqual([
      'source erpnext-payment-entry: Payment Entry.csv line 4, value "Pay": column "Payment Type": a payment to a customer (a refund) is not a receipt: arwatch cannot load it from this export (leave it out, or record it as a debit note)',
      'source erpnext-payment-entry: Payment Entry.csv line 2, value "150": column "Unallocated Amount": part of this payment is allocated to no invoice, and this export has no row for that part: allocate it in ERPNext, or export the entry\'s unallocated part as an entry of its own',
    ]);
  });

  it("reads the Accounts Receivable report as its open items: filter rows above, the total row below left out", async () => {
    const w = await workspace({ sources: [{ preset: "erpnext" }] });
    const buckets = '"0-30","31-60","61-90","91-120","121-Above"';
    const report = [
      '"Company","My Co"',
      '"Posting Date","2024-03-31"',
      '"Ageing Based On","Due Date"',
      "",
      `"Posting Date","Party Type","Party","Receivable Account","Voucher Type","Voucher No","Due Date","Invoiced Amount","Paid Amount","Credit Note","Outstanding Amount","Age (Days)",${buckets},"Currency"`,
      '"2024-01-15","Customer","CUST-0001","Debtors - MC","Sales Invoice","ACC-SINV-2024-00001","2024-02-14",1234.5,200.0,0.0,1034.5,46,0,1034.5,0,0,0,"USD"',
      '"2024-02-20","Customer","CUST-0002","Debtors - MC","Sales Invoice","ACC-SINV-2024-00007","2024-03-21",500.0,0.0,0.0,500.0,10,500.0,0,0,0,0,"USD"',
      '"2024-03-01","Customer","CUST-0002","Debtors - MC","Payment Entry","ACC-PAY-2024-00009","2024-03-01",0.0,300.0,0.0,-300.0,30,-300.0,0,0,0,0,"USD"',
      '"","","","","","","",1734.5,500.0,0.0,1234.5,86,200.0,1034.5,0,0,0,"USD"',
      "",
    ].join("\r\n");
    const { outcomes } = await w.load(w.write("Accounts Receivable.csv", report));
    expect(outcomes.map((o) => [o.entity, o.rows])).toEqual([
      ["invoices", 2],
      ["payments", 1],
    ]);
    // Each voucher's outstanding amount is what is open: an invoice of 1,034.50 (1,234.50 less 200.00 paid),
    // one of 500.00, and 300.00 of unallocated cash; the total row (no Voucher No) is no row.
    expect(await rawRows(w, "invoices", "document_id")).toEqual(
      await canonical(
        {},
        "invoices.csv",
        "document_id,customer_id,document_type,document_date,due_date,amount\nACC-SINV-2024-00001,CUST-0001,invoice,2024-01-15,2024-02-14,1034.50\nACC-SINV-2024-00007,CUST-0002,invoice,2024-02-20,2024-03-21,500.00\n",
        "invoices",
        "document_id",
      ),
    );
    expect(await rawRows(w, "payments", "payment_id")).toEqual(
      await canonical({}, "payments.csv", "payment_id,customer_id,payment_date,amount\nACC-PAY-2024-00009,CUST-0002,2024-03-01,300.00\n", "payments", "payment_id"),
    );
  });

  it("takes the labels a Vietnamese user's export has when the config adds them", async () => {
    const w = await workspace({ sources: [{ preset: "erpnext", columns: { amount: "Tổng cộng", document_date: "Ngày" } }] });
    const vietnamese = SALES_INVOICE.replace('"Date"', '"Ngày"').replace('"Grand Total"', '"Tổng cộng"');
    await w.load(w.write("hoa-don.csv", vietnamese));
    expect(await w.wh.all("select document_id, document_date, amount from raw.invoices order by 1 limit 1")).toEqual([
      { document_id: "ACC-SINV-2024-00001", document_date: "2024-01-15", amount: "1234.50" },
    ]);
  });

  it("leaves a file no preset recognises to the name rule, and says so", async () => {
    const w = await workspace({ sources: [{ preset: "erpnext" }] });
    await expect(w.load(w.write("Journal.csv", '"ID","Account","Debit"\n"J1","1310",5\n'))).rejects.toThrow(
      /not an extract: its name does not start with an entity .* and no source in config sources names it or recognises its header/,
    );
  });
});

describe("line ends", () => {
  it("reads CRLF title lines above LF rows above a CR-only line (DuckDB refuses such a mix), keeping line numbers", async () => {
    const w = await workspace({ sources: [{ name: "s", files: "docs*.csv", entity: "invoices" }] });
    const body = "Report\r\nas of 2024-03-31\r\ndocument_id,customer_id,document_type,document_date,amount\nI1,C1,invoice,2024-01-05,10\rI2,C1,invoice,2024-01-06,x\n";
    const e = await w.rejection(w.write("docs.csv", body));
    // Lines: 1 Report, 2 as of, 3 header, 4 I1, 5 I2 (after a lone CR).
    expect(e.details).toEqual([expect.stringMatching(/^source s: docs\.csv line 5, column "amount" \(amount\), value "x": not an amount/)]);
  });
});

describe("the Odoo preset", () => {
  // Journal Items of the receivable account as Odoo's CSV export writes them: every cell quoted,
  // a text starting with a minus sign prefixed with ', dates ISO.
  const JOURNAL = [
    '"Date","Journal Entry","Partner","Label","Debit","Credit","Amount in Currency","Currency","Due Date","Residual Amount","Matching #"',
    '"2024-01-10","INV/2024/00001","Azure Interior","INV/2024/00001","1000.0","0.0","1000.0","USD","2024-02-09","400.0","P1"',
    '"2024-01-15","INV/2024/00002","Deco Addict","INV/2024/00002","250.5","0.0","250.5","USD","2024-02-14","0.0","A1"',
    `"2024-01-20","BNK1/2024/00001","Azure Interior","Customer Payment","0.0","600.0","'-600.0","USD","2024-01-20","0.0","P1"`,
    `"2024-01-25","BNK1/2024/00002","Deco Addict","Customer Payment","0.0","250.5","'-250.5","USD","2024-01-25","0.0","A1"`,
    `"2024-02-01","RINV/2024/00001","Deco Addict","Reversal of INV/2024/00002","0.0","50.0","'-50.0","USD","2024-02-01","'-50.0",""`,
    "",
  ].join("\n");

  it("reads one journal export as invoices (its debits) and payments (its credits), each once", async () => {
    const w = await workspace({ sources: [{ preset: "odoo" }] });
    const path = w.write("Journal Items (account.move.line).csv", JOURNAL);
    const { outcomes } = await w.load(path);
    expect(outcomes.map((o) => [o.entity, o.rows, o.outcome])).toEqual([
      ["invoices", 2, "loaded"],
      ["payments", 3, "loaded"],
    ]);
    expect(await rawRows(w, "invoices", "document_id")).toEqual(
      await canonical(
        {},
        "invoices.csv",
        "document_id,customer_id,document_type,document_date,due_date,amount\nINV/2024/00001,Azure Interior,invoice,2024-01-10,2024-02-09,1000.00\nINV/2024/00002,Deco Addict,invoice,2024-01-15,2024-02-14,250.50\n",
        "invoices",
        "document_id",
      ),
    );
    // Credits name no invoice: unapplied cash (the credit note too), for FIFO allocation to apply.
    expect(await rawRows(w, "payments", "payment_id")).toEqual(
      await canonical(
        {},
        "payments.csv",
        "payment_id,customer_id,payment_date,amount\nBNK1/2024/00001,Azure Interior,2024-01-20,600.00\nBNK1/2024/00002,Deco Addict,2024-01-25,250.50\nRINV/2024/00001,Deco Addict,2024-02-01,50.00\n",
        "payments",
        "payment_id",
      ),
    );
    expect(await w.wh.all("select entity, source from meta.load_log order by entity")).toEqual([
      { entity: "invoices", source: "odoo-journal-invoices" },
      { entity: "payments", source: "odoo-journal-payments" },
    ]);
    // The same export again: both readings are skipped, nothing is applied twice.
    const again = await w.load(w.write("Journal Items again.csv", JOURNAL));
    expect(again.outcomes.map((o) => [o.entity, o.outcome])).toEqual([
      ["invoices", "skipped_duplicate"],
      ["payments", "skipped_duplicate"],
    ]);
  });

  it("reads the import-compatible export (technical names for headers) the same way", async () => {
    const w = await workspace({ sources: [{ preset: "odoo" }] });
    const technical = JOURNAL.replace(
      '"Date","Journal Entry","Partner","Label","Debit","Credit","Amount in Currency","Currency","Due Date","Residual Amount","Matching #"',
      '"date","move_id","partner_id","name","debit","credit","amount_currency","currency_id","date_maturity","amount_residual","matching_number"',
    );
    const { outcomes } = await w.load(w.write("account.move.line.csv", technical));
    expect(outcomes.map((o) => [o.entity, o.rows])).toEqual([
      ["invoices", 2],
      ["payments", 3],
    ]);
    expect(await w.wh.all("select entity, source from meta.load_log order by entity")).toEqual([
      { entity: "invoices", source: "odoo-import-invoices" },
      { entity: "payments", source: "odoo-import-payments" },
    ]);
  });

  it("refuses a source whose companion does not exist or is of its own entity", () => {
    const base = { name: "a", files: "x*.csv", entity: "invoices" };
    expect(() => parseConfig({ sources: [{ ...base, companions: ["b"] }] })).toThrow(/sources\.0\.companions = "b": no source has this name/);
    expect(() => parseConfig({ sources: [{ ...base, companions: ["b"] }, { ...base, name: "b" }] })).toThrow(/is also invoices: a file would load twice/);
  });
});

describe("Excel workbooks", () => {
  // Inline-string and number cells of one row: t="s" cells index the shared strings.
  const cell = (ref: string, v: string | number, style = 0) =>
    typeof v === "number" ? `<c r="${ref}" s="${style}"><v>${v}</v></c>` : `<c r="${ref}" t="s"><v>${STRINGS.indexOf(v)}</v></c>`;
  const STRINGS = ["รายงานลูกหนี้", "เลขที่เอกสาร", "รหัสลูกค้า", "ประเภท", "วันที่", "จำนวนเงิน", "INV-001", "C01", "ใบแจ้งหนี้", "INV-002", "15/02/2567", "รวม", "document_id", "customer_id", "document_type", "document_date", "amount", "invoice"];
  // Style 1: a Thai date format ([$-107041E]), which shows 2567 but stores the Gregorian serial.
  const STYLES = { numFmts: { 164: "[$-107041E]d/m/yyyy;@" }, cellXfs: [0, 164] };

  it("reads a sheet through a source: its rows are the sheet's rows, date cells are Common Era whatever they display, typed dates follow the source", async () => {
    const w = await workspace({
      currency: "THB",
      sources: [{ ...THAI_SOURCE, files: "ar-*.xlsx", sheet: "ลูกหนี้", constants: { currency: "THB" } }],
    });
    const rows = [
      `<row r="1">${cell("A1", "รายงานลูกหนี้")}</row>`,
      // Row 2 is missing from the sheet: a blank row, never data.
      `<row r="3">${cell("A3", "เลขที่เอกสาร")}${cell("B3", "รหัสลูกค้า")}${cell("C3", "ประเภท")}${cell("D3", "วันที่")}${cell("E3", "จำนวนเงิน")}</row>`,
      // 45306 is 2024-01-15 in the 1900 system (2024-01-01 is 45292), shown as 15/1/2567.
      `<row r="4">${cell("A4", "INV-001")}${cell("B4", "C01")}${cell("C4", "ใบแจ้งหนี้")}${cell("D4", 45306, 1)}${cell("E4", 1234.5)}</row>`,
      // A date typed as text, in the Buddhist era.
      `<row r="5">${cell("A5", "INV-002")}${cell("B5", "C01")}${cell("C5", "ใบแจ้งหนี้")}${cell("D5", "15/02/2567")}${cell("E5", 980)}</row>`,
      `<row r="6">${cell("A6", "รวม")}${cell("E6", 2214.5)}</row>`,
    ].join("");
    const path = `${w.dir}/in/ar-2567.xlsx`;
    await writeWorkbook(path, { sheets: [{ name: "Summary", rows: "" }, { name: "ลูกหนี้", rows, dimension: "A1:E6" }], sharedStrings: STRINGS.map(si), ...STYLES });
    await w.load(path);
    expect(await w.wh.all("select document_id, document_type, document_date, amount, currency, _source_row from raw.invoices order by 1")).toEqual([
      { document_id: "INV-001", document_type: "invoice", document_date: "2024-01-15", amount: "1234.50", currency: "THB", _source_row: 3 },
      { document_id: "INV-002", document_type: "invoice", document_date: "2024-02-15", amount: "980.00", currency: "THB", _source_row: 4 },
    ]);
    // Problems name the sheet's row, as Excel numbers it.
    const bad = rows.replace(cell("E5", 980), cell("E5", "รวม"));
    const badPath = `${w.dir}/in/ar-2567-bad.xlsx`;
    await writeWorkbook(badPath, { sheets: [{ name: "ลูกหนี้", rows: bad, dimension: "A1:E6" }], sharedStrings: STRINGS.map(si), ...STYLES });
    const e = await w.rejection(badPath);
    expect(e.details).toEqual([`source th-erp: ar-2567-bad.xlsx row 5, column "จำนวนเงิน" (amount), value "รวม": not an amount as this source writes them (thousands ",", decimal "."; e.g. 1,234.50)`]);
  });

  it("reads number cells at their value in a source whose amounts have a decimal comma and dot thousands", async () => {
    // (Amounts in euro style; in VND they could have no decimals at all.)
    const w = await workspace({ currency: "EUR", sources: [{ name: "vn", files: "so-*.xlsx", entity: "invoices", numbers: { decimal: ",", thousands: "." } }] });
    const header = ["document_id", "customer_id", "document_type", "document_date", "amount"].map((v, i) => cell(`${"ABCDE"[i]}1`, v)).join("");
    // A number cell 1.234 is one and a quarter-ish, never 1,234; 12.5 is twelve and a half.
    const rows = `<row r="1">${header}</row><row r="2">${cell("A2", "INV-001")}${cell("B2", "C01")}${cell("C2", "invoice")}${cell("D2", 45306, 1)}${cell("E2", 1.234)}</row><row r="3">${cell("A3", "INV-002")}${cell("B3", "C01")}${cell("C3", "invoice")}${cell("D3", 45306, 1)}${cell("E3", 12.5)}</row>`;
    const path = `${w.dir}/in/so-1.xlsx`;
    await writeWorkbook(path, { sheets: [{ name: "Sheet1", rows, dimension: "A1:E3" }], sharedStrings: STRINGS.map(si), ...STYLES });
    // 1.234 has three decimals: an amount must have at most two, so it is refused as written, not read as 1234.
    const e = await w.rejection(path);
    expect(e.details).toEqual([expect.stringMatching(/^source vn: so-1\.xlsx row 2, column "amount" \(amount\), value "1,234": not an amount with at most 2 decimals/)]);
    const fixed = rows.replace(cell("E2", 1.234), cell("E2", 1.25));
    const fixedPath = `${w.dir}/in/so-2.xlsx`;
    await writeWorkbook(fixedPath, { sheets: [{ name: "Sheet1", rows: fixed, dimension: "A1:E3" }], sharedStrings: STRINGS.map(si), ...STYLES });
    await w.load(fixedPath);
    expect(await w.wh.all("select document_id, amount from raw.invoices order by 1")).toEqual([
      { document_id: "INV-001", amount: "1.25" },
      { document_id: "INV-002", amount: "12.50" },
    ]);
  });

  it("loads a canonical extract saved as a workbook by its name, like its CSV twin", async () => {
    const w = await workspace({});
    const rows = [
      `<row r="1">${["document_id", "customer_id", "document_type", "document_date", "amount"].map((v, i) => cell(`${"ABCDE"[i]}1`, v)).join("")}</row>`,
      `<row r="2">${cell("A2", "INV-001")}${cell("B2", "C01")}${cell("C2", "invoice")}${cell("D2", 45306, 1)}${cell("E2", 1234.5)}</row>`,
    ].join("");
    const path = `${w.dir}/in/invoices-2024.xlsx`;
    await writeWorkbook(path, { sheets: [{ name: "Sheet1", rows, dimension: "A1:E2" }], sharedStrings: STRINGS.map(si), ...STYLES });
    await w.load(path);
    expect(await rawRows(w, "invoices", "document_id")).toEqual(
      await canonical({}, "invoices.csv", "document_id,customer_id,document_type,document_date,amount\nINV-001,C01,invoice,2024-01-15,1234.50\n", "invoices", "document_id"),
    );
  });
});

describe("source config", () => {
  it.each([
    ["^(?!INV)", /sources\.0\.dropRows\.0 = "\^\(\?!INV\)": lookahead and lookbehind/],
    ["(a)\\1", /backreferences/],
    ["[", /not a regular expression/],
  ])("refuses dropRows pattern %s, which DuckDB's RE2 cannot run, when the config loads", (pattern, message) => {
    expect(() => parseConfig({ sources: [{ name: "s", files: "x*.csv", entity: "invoices", dropRows: [pattern] }] })).toThrow(message);
  });
});

describe("a source's file and its canonical twin build the same marts", () => {
  it("every mart of a Thai ERP's invoices (Windows-874, Buddhist era, Thai words, a total row) equals the canonical file's", async () => {
    const config = { currency: "THB", sources: [THAI_SOURCE] };
    const payments = "payment_id,customer_id,payment_date,amount,currency,document_id\nP1,C01,2024-02-20,1000.00,THB,INV-001\n";
    const mapped = await workspace(config);
    await mapped.load(mapped.write("ar-invoices-2567-03.csv", encodeLegacy(THAI_FILE, "windows-874")), mapped.write("payments.csv", payments));
    const twin = await workspace({ currency: "THB" });
    await twin.load(twin.write("invoices.csv", THAI_CANONICAL), twin.write("payments.csv", payments));
    const settings = parseConfig(config);
    await build(mapped.wh, "2024-03-31", settings);
    await build(twin.wh, "2024-03-31", settings);
    const marts = await twin.wh.all<{ name: string }>("select table_name as name from information_schema.tables where table_schema = 'marts' order by 1");
    expect(marts.length).toBeGreaterThan(20);
    for (const { name } of marts) {
      // When each build and load ran, and the loads' ids, are all that may differ.
      const columns = await twin.wh.all<{ column: string }>("select column_name as column from information_schema.columns where table_schema = 'marts' and table_name = $1", [name]);
      const kept = columns.map((c) => c.column).filter((c) => !/^(built_at|_loaded_at|_load_id|load_id|loaded_at)$/.test(c));
      const rows = (w: IngestWorkspace) => w.wh.all(`select ${kept.map((c) => `"${c}"`).join(", ")} from marts.${name} order by all`);
      expect(await rows(mapped), name).toEqual(await rows(twin));
    }
    // And they hold the ledger: INV-001's 1,234.50 less 1,000.00 paid and 200.00 credited.
    expect(await twin.wh.all("select document_id, outstanding_amount from marts.fct_open_items where document_id = 'INV-001'")).toEqual([{ document_id: "INV-001", outstanding_amount: "34.50" }]);
  });
});

describe("minor units", () => {
  it("refuses an amount with decimals in a currency that has none (VND), and takes whole ones written with .00", async () => {
    const w = await workspace({ currency: "VND" });
    const e = await w.rejection(w.write("invoices.csv", `${INVOICE_HEADER}\nX1,C1,invoice,2024-01-01,,"1,234,567.50",VND,\nX2,C1,invoice,2024-01-01,,1234567.00,VND,\n`));
    expect(e.details).toEqual(['invoices.csv line 2, column amount, value "1,234,567.50": VND has no minor unit: an amount with more decimals is a mistake']);
    await w.load(w.write("invoices-ok.csv", `${INVOICE_HEADER}\nX2,C1,invoice,2024-01-01,,1234567.00,VND,\n`));
    expect(await w.wh.all("select amount from raw.invoices")).toEqual([{ amount: "1234567.00" }]);
  });
});

/**
 * Built-in sources for ERPs' own exports (config `sources: [{preset: erpnext}]`), written from the
 * ERPs' published source code, not guessed: the labels are those their exporters write. Each
 * recognises its files by their header (no `files` glob), so a user drops the ERP's files in the
 * inbox as they come. Plain data: core/sources-config.ts checks and expands it like a user's source.
 *
 * ERPNext (frappe/erpnext, frappe/frappe): Data Import's "Export" writes one header row of the
 * doctype's field labels, `ID` for the document name, child-table fields as "<label> (<table
 * label>)", dates as YYYY-MM-DD and numbers raw (core/doctype/data_import/exporter.py).
 */
export const PRESET_SOURCES = {
  erpnext: [
    {
      // erpnext/accounts/doctype/sales_invoice/sales_invoice.json: a return (credit note) is a
      // Sales Invoice with is_return = 1 and a negative grand total, against return_against.
      name: "erpnext-sales-invoice",
      entity: "invoices",
      recognise: ["Is Return (Credit Note)"],
      columns: {
        document_id: "ID",
        customer_id: "Customer",
        document_date: "Date",
        due_date: "Payment Due Date",
        amount: "Grand Total",
        document_type: "Is Return (Credit Note)",
        applies_to: "Return Against",
        currency: "Currency",
      },
      values: { document_type: { "0": "invoice", "1": "credit_note", no: "invoice", yes: "credit_note" } },
      // Drafts and cancelled invoices are no receivables; the column is there when the user exported it.
      dropRowsWhere: { Status: ["Draft", "Cancelled"] },
      dates: { format: ["%Y-%m-%d", "%d-%m-%Y"] },
      numbers: { decimal: ".", thousands: ",", absolute: true },
      constants: {},
    },
    {
      // erpnext/accounts/doctype/payment_entry/payment_entry.json and payment_entry_reference.json:
      // a Payment Entry's references are a child table, written one per row, the entry's own
      // fields on its first row only (carried down here). Each reference is a payment row of its
      // Allocated amount against its Name; an entry without references is its Paid Amount, unapplied.
      name: "erpnext-payment-entry",
      entity: "payments",
      recognise: ["Payment Type", "Party Type"],
      columns: {
        payment_id: "ID",
        customer_id: "Party",
        payment_date: "Posting Date",
        amount: ["Allocated (Payment References)", "Allocated (Payment Entry Reference)"],
        document_id: ["Name (Payment References)", "Name (Payment Entry Reference)"],
      },
      fallbacks: { amount: "Paid Amount" },
      fillDown: ["ID", "Party", "Posting Date", "Payment Type", "Party Type", "Status"],
      values: {},
      // Transfers between the company's own accounts and payments of suppliers or employees are no receivables.
      dropRowsWhere: { "Payment Type": ["Internal Transfer"], "Party Type": ["Supplier", "Employee", "Shareholder", "Student", "Member"], Status: ["Draft", "Cancelled"] },
      refuseRowsWhere: {
        "Payment Type": { values: ["Pay"], reason: "a payment to a customer (a refund) is not a receipt: arwatch cannot load it from this export (leave it out, or record it as a debit note)" },
        // On an entry's first row: what no reference takes. Without references the row is the Paid Amount, unapplied, and loads.
        "Unallocated Amount": {
          nonZero: true,
          withValueIn: "Name (Payment References)",
          reason: "part of this payment is allocated to no invoice, and this export has no row for that part: allocate it in ERPNext, or export the entry's unallocated part as an entry of its own",
        },
      },
      dates: { format: ["%Y-%m-%d", "%d-%m-%Y"] },
      numbers: { decimal: ".", thousands: ",", absolute: false },
      constants: {},
    },
    {
      // erpnext/accounts/report/accounts_receivable/accounts_receivable.py, exported by frappe's
      // desk/query_report.py: optional filter rows and a blank row above the header, a total row
      // (no Voucher No) at the end, subtotal rows per party when grouped. A snapshot of the open
      // items: each voucher with a positive Outstanding Amount an invoice of that amount, each
      // with a negative one (an unallocated payment or credit note) unapplied cash (the companion).
      name: "erpnext-ar-report-invoices",
      entity: "invoices",
      recognise: ["Voucher Type", "Voucher No", "Outstanding Amount"],
      columns: {
        document_id: "Voucher No",
        customer_id: "Party",
        document_date: "Posting Date",
        due_date: "Due Date",
        amount: "Outstanding Amount",
        // In the company currency unless the report was run in the party's: not read.
        currency: null,
      },
      values: {},
      dropRowsWhere: {},
      dropRowsWithout: ["Voucher No"],
      amountSign: "positive",
      dropZeroAmounts: true,
      companions: ["erpnext-ar-report-credits"],
      dates: { format: ["%Y-%m-%d", "%d-%m-%Y"] },
      numbers: { decimal: ".", thousands: ",", absolute: false },
      constants: { document_type: "invoice" },
    },
    {
      name: "erpnext-ar-report-credits",
      entity: "payments",
      recognise: ["Voucher Type", "Voucher No", "Outstanding Amount"],
      columns: {
        payment_id: "Voucher No",
        customer_id: "Party",
        payment_date: "Posting Date",
        amount: "Outstanding Amount",
        currency: null,
      },
      values: {},
      dropRowsWhere: {},
      dropRowsWithout: ["Voucher No"],
      amountSign: "negative",
      dropZeroAmounts: true,
      dates: { format: ["%Y-%m-%d", "%d-%m-%Y"] },
      numbers: { decimal: ".", thousands: ",", absolute: false },
      constants: {},
    },
    {
      // erpnext/selling/doctype/customer/customer.json and customer_credit_limit.json (the
      // Credit Limit child table: its column is "Credit Limit (Credit Limit)").
      name: "erpnext-customer",
      entity: "customers",
      recognise: ["Customer Name", "Customer Group"],
      columns: {
        customer_id: "ID",
        customer_name: "Customer Name",
        customer_group: "Customer Group",
        team: "Territory",
        credit_limit: ["Credit Limit (Credit Limit)", "Credit Limit (Customer Credit Limit)"],
        status: "Disabled",
      },
      values: { status: { "0": "active", "1": "blocked", no: "active", yes: "blocked" } },
      dropRowsWhere: {},
      dates: { format: ["%Y-%m-%d", "%d-%m-%Y"] },
      numbers: { decimal: ".", thousands: ",", absolute: false },
      constants: {},
    },
  ],
  /**
   * Odoo (odoo/odoo): the Journal Items list (account.move.line) of the receivable account,
   * exported with labels (web/controllers/export.py: one header row, every cell quoted, dates
   * YYYY-MM-DD, a text starting with - or + prefixed with '). Labels from
   * account/models/account_move_line.py; the Thai ones from account/i18n/th.po. Debit and
   * Credit are in the company currency, so the line's Currency (its foreign currency) is not read.
   */
  odoo: [
    {
      // A receivable line with a debit: the invoice (or debit note), due on its Due Date.
      name: "odoo-journal-invoices",
      entity: "invoices",
      recognise: ["Journal Entry", "Debit", "Credit"],
      columns: {
        document_id: "Journal Entry",
        customer_id: "Partner",
        document_date: ["Date", "วันที่"],
        due_date: ["Due Date", "วันครบกำหนด"],
        amount: ["Debit", "เดบิต"],
        // The line's own (foreign) currency, while Debit and Credit are the company's.
        currency: null,
      },
      values: {},
      dropRowsWhere: { Status: ["Draft", "Cancelled", "ร่าง"] },
      dropZeroAmounts: true,
      companions: ["odoo-journal-payments"],
      dates: { format: ["%Y-%m-%d"] },
      numbers: { decimal: ".", thousands: ",", absolute: false },
      constants: { document_type: "invoice" },
    },
    {
      // A receivable line with a credit: a receipt, or a credit note, applied by the matching
      // Odoo keeps, which the export does not say per invoice: unapplied cash (see Allocation).
      name: "odoo-journal-payments",
      entity: "payments",
      recognise: ["Journal Entry", "Debit", "Credit"],
      columns: {
        payment_id: "Journal Entry",
        customer_id: "Partner",
        payment_date: ["Date", "วันที่"],
        amount: ["Credit", "เครดิต"],
        currency: null,
      },
      values: {},
      dropRowsWhere: { Status: ["Draft", "Cancelled", "ร่าง"] },
      dropZeroAmounts: true,
      companions: [],
      dates: { format: ["%Y-%m-%d"] },
      numbers: { decimal: ".", thousands: ",", absolute: false },
      constants: {},
    },
      {
      // The "import-compatible" export of the same list: technical field names for headers
      // (web/controllers/export.py), the External ID first; values as in the labelled export.
      name: "odoo-import-invoices",
      entity: "invoices",
      recognise: ["move_id", "debit", "credit"],
      columns: { document_id: "move_id", customer_id: "partner_id", document_date: "date", due_date: "date_maturity", amount: "debit", currency: null },
      values: {},
      dropRowsWhere: { parent_state: ["draft", "cancel"] },
      dropZeroAmounts: true,
      companions: ["odoo-import-payments"],
      dates: { format: ["%Y-%m-%d"] },
      numbers: { decimal: ".", thousands: ",", absolute: false },
      constants: { document_type: "invoice" },
    },
    {
      name: "odoo-import-payments",
      entity: "payments",
      recognise: ["move_id", "debit", "credit"],
      columns: { payment_id: "move_id", customer_id: "partner_id", payment_date: "date", amount: "credit", currency: null },
      values: {},
      dropRowsWhere: { parent_state: ["draft", "cancel"] },
      dropZeroAmounts: true,
      companions: [],
      dates: { format: ["%Y-%m-%d"] },
      numbers: { decimal: ".", thousands: ",", absolute: false },
      constants: {},
    },
  ],
} as const satisfies Record<string, readonly PresetSource[]>;

interface PresetSource {
  name: string;
  entity: string;
  recognise: readonly string[];
  columns: Readonly<Record<string, string | readonly string[] | null>>;
  values: Readonly<Record<string, Readonly<Record<string, string>>>>;
  dropRowsWhere: Readonly<Record<string, readonly string[]>>;
  dropZeroAmounts?: boolean;
  dropRowsWithout?: readonly string[];
  amountSign?: "positive" | "negative";
  fillDown?: readonly string[];
  fallbacks?: Readonly<Record<string, string>>;
  refuseRowsWhere?: Readonly<Record<string, { values?: readonly string[]; nonZero?: boolean; withValueIn?: string; reason: string }>>;
  companions?: readonly string[];
  dates: { format: readonly string[] };
  numbers: { decimal: string; thousands: string; absolute: boolean };
  constants: Readonly<Record<string, string>>;
}

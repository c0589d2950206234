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
} as const satisfies Record<string, readonly PresetSource[]>;

interface PresetSource {
  name: string;
  entity: string;
  recognise: readonly string[];
  columns: Readonly<Record<string, string | readonly string[]>>;
  values: Readonly<Record<string, Readonly<Record<string, string>>>>;
  dropRowsWhere: Readonly<Record<string, readonly string[]>>;
  dates: { format: readonly string[] };
  numbers: { decimal: string; thousands: string; absolute: boolean };
  constants: Readonly<Record<string, string>>;
}

import { html } from "htl";
import { downloadButton } from "./csv.js";
import { formatter } from "./format.js";
import { dataTable } from "./table.js";

// Digits of a currency's minor unit, as core/money.ts's minorUnits reads them from Intl.
const minorUnitsOf = (currency) => new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;

/**
 * A customer's open items (a customer shard's open_items), as the Customer page and the Aging
 * page's invoice level list them. An item in another currency than the functional one shows its
 * outstanding in that currency with that currency's minor units ("USD 749.50", "VND 1,000,000")
 * in an "In currency" column, which is there only when some item is in another currency.
 *
 * The download has every item with the table's columns as raw values, then currency and
 * outstanding_in_currency. The shards carry those two only when the build has an item in another
 * currency; without them every item is in the functional currency, where the outstanding in the
 * currency is the outstanding amount (marts.fct_open_items: rate 1), so the file's columns are the
 * same in every build.
 */
export function openItemsTable(items, { meta, locale, t, fmt, code, fileName, limit }) {
  const foreign = (item) => item.currency != null && item.currency !== meta.currency;
  const formats = new Map();
  const amountIn = (currency) => {
    if (!formats.has(currency)) formats.set(currency, formatter({ ...meta, currency, minor_units: minorUnitsOf(currency) }, locale).amount);
    return formats.get(currency);
  };
  const columns = [
    { key: "document_id", label: t.document },
    { key: "document_type", label: t.type, format: (v) => code("document_type", v) },
    { key: "document_date", label: t.document_date, format: fmt.date },
    { key: "due_date", label: t.due_date, format: fmt.date },
    { key: "amount", label: t.amount, numeric: true, format: fmt.amount },
    { key: "outstanding_amount", label: t.outstanding, numeric: true, format: fmt.amount },
    { key: "days_past_due", label: t.days_past_due, numeric: true, format: fmt.integer },
    { key: "aging_bucket", label: t.bucket, format: (v) => code("bucket", v) },
  ];
  const inCurrency = {
    key: "outstanding_in_currency",
    label: t.in_currency,
    numeric: true,
    format: (v, item) => (foreign(item) ? `${item.currency} ${amountIn(item.currency)(v)}` : ""),
  };
  const after = columns.findIndex((c) => c.key === "outstanding_amount") + 1;
  const shown = items.some(foreign) ? [...columns.slice(0, after), inCurrency, ...columns.slice(after)] : columns;
  const rawRows = items.map((item) => ({ ...item, currency: item.currency ?? meta.currency, outstanding_in_currency: item.outstanding_in_currency ?? item.outstanding_amount }));
  const rawColumns = [...columns, { key: "currency", label: t.currency }, { key: "outstanding_in_currency", label: t.outstanding_in_currency }];
  const table = dataTable(items, shown, { limit, moreLabel: t.rows_shown });
  return html`<div class="table-block">${downloadButton(rawRows, rawColumns, fileName, t.download_csv)}${table}</div>`;
}

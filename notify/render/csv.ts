// The digest's CSV attachment: every alert and work-list line, with codes (rule, change, section)
// and exact amounts as in the warehouse, so a spreadsheet can filter and add them up; headers in
// the digest's locale. Text cells that a spreadsheet would run as a formula are neutralised.
import type { Digest } from "../digest.ts";
import { SECTION_ORDER } from "./content.ts";
import { wordsFor } from "./labels.ts";

// A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a formula.
// Such text gets a leading apostrophe; plain numbers such as -12.50 are left as numbers
// (the same rule as the site's downloads, reports/src/components/csv.js).
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

export function neutralise(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** RFC 4180: a field with a comma, a quote or a line break (a lone CR too) is quoted, quotes doubled. */
function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

export function digestCsv(digest: Digest): string {
  const t = wordsFor(digest.locale);
  const header = [
    t("csv_kind"), t("csv_rule_or_section"), t("change"), t("level"), t("rank"), t("csv_customer_id"), t("customer"),
    t("document"), t("amount"), t("csv_currency"), t("days_past_due"), t("due_date"), t("first_seen"), t("details"),
  ];
  const alerts = digest.breaches.map((b) => [
    "alert", b.rule, b.change, b.level, null, b.customerId, b.customerName,
    b.documentId, b.amount, digest.currency, b.facts?.days_past_due ?? null, null, b.firstSeenAsOf, JSON.stringify(b.facts ?? {}),
  ]);
  const work = SECTION_ORDER.flatMap((section) =>
    digest.workList
      .filter((w) => w.section === section)
      .sort((a, b) => a.rank - b.rank)
      .map((w) => [
        "work_list", w.section, null, null, w.rank, w.customerId, w.customerName,
        w.documentId, w.amount, digest.currency, w.daysPastDue, w.dueDate, null, w.detail,
      ]),
  );
  const rows = [header, ...alerts, ...work].map((row) => row.map((v) => quote(neutralise(v as string | number | null))).join(","));
  // A BOM so that Excel reads the file as UTF-8 (Vietnamese, Thai); CRLF after every record (RFC 4180).
  return `\uFEFF${rows.join("\r\n")}\r\n`;
}

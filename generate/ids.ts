/**
 * The business keys of the extracts, formatted in SQL from the generator's row numbers. Tables
 * keep the numbers (cheap to join and sort) and the strings are made only when a file is
 * written. printf pads to the width and, past it, grows rather than truncates, so IDs stay
 * unique at any scale.
 */

/** C000001 */
export function customerIdSql(customerNo: string): string {
  return `printf('C%06d', ${customerNo})`;
}

/** INV0000001 for an invoice, DN0000001 for a debit note. */
export function invoiceOrDebitIdSql(isDebitNote: string, typeSeq: string): string {
  return `printf(case when ${isDebitNote} then 'DN%07d' else 'INV%07d' end, ${typeSeq})`;
}

/** One series of numbers: prefix plus seven digits, e.g. CN0000001, WO0000001, PAY0000001, CA0000001. */
export function seriesIdSql(prefix: "INV" | "DN" | "CN" | "WO" | "PAY" | "CA", seq: string): string {
  return `printf('${prefix}%07d', ${seq})`;
}

/** SO000001: orders have six digits. */
export function orderIdSql(orderNo: string): string {
  return `printf('SO%06d', ${orderNo})`;
}

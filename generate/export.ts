import { join } from "node:path";
import type { Logger } from "../core/log.ts";
import { elapsed, rate } from "../core/log.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { literal } from "../core/warehouse.ts";
import { customerIdSql, invoiceOrDebitIdSql, orderIdSql, seriesIdSql } from "./ids.ts";
import type { Plan } from "./plan.ts";

/** One extract file: its name, its contract columns in order, and the query that fills them. */
export interface Extract {
  file: string;
  columns: readonly string[];
  /** Selects exactly `columns`, ordered by the file's id so that the bytes are reproducible. */
  query: (plan: Plan) => string;
}

const CUSTOMER_ID = customerIdSql("customer_no");

/** The extract contract: file names and header rows, in the order they are written. */
export const EXTRACTS: readonly Extract[] = [
  {
    file: "customers.csv",
    columns: [
      "customer_id", "customer_name", "customer_group", "team", "collector", "collector_email",
      "credit_limit", "credit_term_days", "currency", "status",
    ],
    query: () => `
      select customer_id, customer_name, customer_group, team, collector, collector_email,
             credit_limit, credit_term_days, currency, status
      from g_customers order by customer_no`,
  },
  {
    file: "invoices.csv",
    columns: ["document_id", "customer_id", "document_type", "document_date", "due_date", "amount", "currency", "applies_to"],
    // Ordered by prefix then number: the same as by document_id while numbers keep 7 digits,
    // and still a total order beyond that. Credit notes and write-offs are due when issued.
    query: (plan) => `
      select
        case prefix_rank when 1 then ${seriesIdSql("CN", "type_seq")} when 4 then ${seriesIdSql("WO", "type_seq")}
             else ${invoiceOrDebitIdSql("prefix_rank = 2", "type_seq")} end as document_id,
        ${CUSTOMER_ID} as customer_id,
        case prefix_rank when 1 then 'credit_note' when 2 then 'debit_note' when 3 then 'invoice' else 'write_off' end as document_type,
        document_date,
        due_date,
        amount,
        ${literal(plan.currency)} as currency,
        case when invoice_seq is not null then ${seriesIdSql("INV", "invoice_seq")} end as applies_to
      from (
        select 1 as prefix_rank, type_seq, customer_no, document_date, document_date as due_date, amount,
               case when is_applied then invoice_seq end as invoice_seq
        from g_credit_notes
        union all
        select case when is_debit_note then 2 else 3 end, type_seq, customer_no, document_date,
               case when has_due_date then due_date end, amount, null
        from g_docs
        union all
        select 4, type_seq, customer_no, document_date, document_date, amount, invoice_seq
        from g_write_offs
      )
      order by prefix_rank, type_seq`,
  },
  {
    file: "payments.csv",
    columns: ["payment_id", "customer_id", "payment_date", "amount", "currency", "document_id"],
    query: (plan) => `
      select
        ${seriesIdSql("PAY", "payment_no")} as payment_id,
        ${CUSTOMER_ID} as customer_id,
        payment_date,
        amount,
        ${literal(plan.currency)} as currency,
        case when type_seq is not null then ${invoiceOrDebitIdSql("not is_invoice", "type_seq")} end as document_id
      from g_payments
      order by payment_no, is_invoice, type_seq`,
  },
  {
    file: "sales_orders.csv",
    columns: ["order_id", "customer_id", "order_date", "unbilled_amount", "currency"],
    query: (plan) => `
      select ${orderIdSql("order_no")} as order_id, ${CUSTOMER_ID} as customer_id, order_date, unbilled_amount,
             ${literal(plan.currency)} as currency
      from g_orders
      order by order_no`,
  },
  {
    file: "collection_attempts.csv",
    columns: [
      "attempt_id", "customer_id", "document_id", "attempt_date", "collector", "channel",
      "outcome", "reason", "promised_date", "promised_amount",
    ],
    query: () => `
      select ${seriesIdSql("CA", "attempt_no")} as attempt_id, ${CUSTOMER_ID} as customer_id,
             ${seriesIdSql("INV", "invoice_seq")} as document_id, attempt_date, collector, channel,
             outcome, reason, promised_date, promised_amount
      from g_attempts
      order by attempt_no`,
  },
  {
    file: "credit_limits.csv",
    columns: ["customer_id", "effective_date", "credit_limit", "credit_term_days"],
    query: () => `
      select ${CUSTOMER_ID} as customer_id, effective_date, credit_limit, credit_term_days
      from g_credit_limits order by customer_no, effective_date`,
  },
];

/**
 * Writes every extract to outDir with DuckDB's CSV writer (header row, comma, quotes only where
 * needed, empty for null, DECIMAL(18,2) with exactly two decimals, dates as YYYY-MM-DD).
 */
export async function writeExtracts(
  wh: Warehouse,
  plan: Plan,
  outDir: string,
  log: Logger,
): Promise<{ file: string; rows: number }[]> {
  const written: { file: string; rows: number }[] = [];
  for (const extract of EXTRACTS) {
    const started = performance.now();
    const path = join(outDir, extract.file);
    const [result] = await wh.all<{ Count: string }>(
      `copy (${extract.query(plan)}) to ${literal(path)} (format csv, header, delimiter ',')`,
    );
    const rows = Number(result!.Count);
    log.info(`generate: wrote ${extract.file}: ${rate(rows, elapsed(started))}`);
    written.push({ file: path, rows });
  }
  return written;
}

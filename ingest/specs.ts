import { z } from "zod";

/**
 * How a column's text is checked and typed. DuckDB enforces these on the rows (see validate.ts);
 * zod only checks that the specs themselves are well formed.
 */
const columnKind = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text") }),
  z.object({ kind: z.literal("date") }),
  z.object({ kind: z.literal("amount"), min: z.enum(["positive", "nonnegative"]) }),
  z.object({ kind: z.literal("days") }),
  z.object({ kind: z.literal("enum"), values: z.array(z.string()).min(1), default: z.string().optional() }),
  z.object({ kind: z.literal("email") }),
  z.object({ kind: z.literal("currency") }),
  // An exchange rate: units of the functional currency one unit of the row's currency is worth.
  z.object({ kind: z.literal("rate") }),
]);

const columnSpec = z.intersection(
  columnKind,
  z.object({ name: z.string().regex(/^[a-z_]+$/), required: z.boolean().default(false) }),
);

const entitySpec = z
  .object({
    entity: z.string().regex(/^[a-z_]+$/),
    columns: z.array(columnSpec).min(1),
    key: z.array(z.string()).min(1),
    /**
     * The columns whose values in a file replace every earlier row with the same values, when
     * that is not the whole key (see ingest/replace.ts); required columns, so never null.
     */
    replaces: z.array(z.string()).min(1).optional(),
  })
  .refine((s) => s.key.every((k) => s.columns.some((c) => c.name === k)), "every key column must be a column")
  .refine((s) => (s.replaces ?? []).every((k) => s.columns.some((c) => c.name === k && c.required)), "every replacement column must be a required column");

export type ColumnSpec = z.infer<typeof columnSpec>;
export type EntitySpec = z.infer<typeof entitySpec>;

const text = (name: string, required = false) => ({ name, kind: "text", required }) as const;
const date = (name: string, required = false) => ({ name, kind: "date", required }) as const;
const currency = { name: "currency", kind: "currency" } as const;

export const DOCUMENT_TYPES = ["invoice", "debit_note", "credit_note", "write_off"] as const;

const definitions = [
  {
    entity: "customers",
    key: ["customer_id"],
    columns: [
      text("customer_id", true),
      text("customer_name"),
      text("customer_group"),
      text("team"),
      text("collector"),
      { name: "collector_email", kind: "email" },
      // Empty means no limit has been set, which is not a limit of 0.
      { name: "credit_limit", kind: "amount", min: "nonnegative" },
      { name: "credit_term_days", kind: "days" },
      currency,
      { name: "status", kind: "enum", values: ["active", "blocked"], default: "active" },
    ],
  },
  {
    entity: "invoices",
    key: ["document_id"],
    columns: [
      text("document_id", true),
      text("customer_id", true),
      { name: "document_type", kind: "enum", values: [...DOCUMENT_TYPES], required: true },
      date("document_date", true),
      date("due_date"),
      { name: "amount", kind: "amount", min: "positive", required: true },
      currency,
      text("applies_to"),
      // The sales order the document bills; empty for a document not from an order. Added after
      // the first release: ensureRawSchema adds it to an earlier warehouse's raw tables.
      text("order_id"),
    ],
  },
  {
    entity: "payments",
    key: ["payment_id", "document_id"],
    // A file's rows of a payment are the whole payment, its allocation to documents included.
    replaces: ["payment_id"],
    columns: [
      text("payment_id", true),
      text("customer_id", true),
      date("payment_date", true),
      { name: "amount", kind: "amount", min: "positive", required: true },
      currency,
      text("document_id"),
    ],
  },
  {
    entity: "sales_orders",
    key: ["order_id"],
    columns: [
      text("order_id", true),
      text("customer_id", true),
      date("order_date"),
      { name: "unbilled_amount", kind: "amount", min: "nonnegative", required: true },
      currency,
    ],
  },
  {
    entity: "collection_attempts",
    key: ["attempt_id"],
    columns: [
      text("attempt_id", true),
      text("customer_id", true),
      text("document_id"),
      date("attempt_date", true),
      text("collector"),
      text("channel"),
      text("outcome"),
      text("reason"),
      date("promised_date"),
      { name: "promised_amount", kind: "amount", min: "positive" },
    ],
  },
  {
    entity: "credit_limits",
    key: ["customer_id", "effective_date"],
    columns: [
      text("customer_id", true),
      date("effective_date", true),
      { name: "credit_limit", kind: "amount", min: "nonnegative", required: true },
      { name: "credit_term_days", kind: "days" },
    ],
  },
  {
    // The rates the models convert foreign-currency rows with (functional VND, a USD row: 25400;
    // functional USD, a VND row: 0.0000393). The functional currency's own rate, when given, is 1.
    entity: "fx_rates",
    key: ["rate_date", "currency"],
    columns: [date("rate_date", true), { ...currency, required: true }, { name: "rate", kind: "rate", required: true }],
  },
];

export const SPECS: readonly EntitySpec[] = Object.freeze(definitions.map((d) => entitySpec.parse(d)));

export function specFor(entity: string): EntitySpec {
  const spec = SPECS.find((s) => s.entity === entity);
  if (!spec) throw new Error(`unknown entity: ${entity}`);
  return spec;
}

/** The DuckDB type a column is stored as in raw.<entity>. */
export function sqlType(column: ColumnSpec): string {
  switch (column.kind) {
    case "date":
      return "DATE";
    case "amount":
      return "DECIMAL(18,2)";
    case "days":
      return "INTEGER";
    case "rate":
      // 12 integer digits and 12 decimals: 25400 and 0.000039370079 both exactly.
      return "DECIMAL(24,12)";
    default:
      return "VARCHAR";
  }
}

/**
 * The entity of a file is the start of its name: invoices.csv, invoices-2024-06.parquet,
 * sales_orders_2024.jsonl. The longest matching entity wins.
 */
export function entityOfFile(baseName: string): EntitySpec | undefined {
  const lower = baseName.toLowerCase();
  return [...SPECS]
    .sort((a, b) => b.entity.length - a.entity.length)
    .find((s) => lower.startsWith(s.entity) && /^([-_.]|$)/.test(lower.slice(s.entity.length)));
}

import { z } from "zod";

/** What to generate; the same options always produce byte-identical files. */
export interface GenerateOptions {
  outDir: string;
  customers: number;
  invoices: number;
  seed: number;
  /** Months the reports cover (config history.months); the ledger starts WARM_UP_MONTHS (12) before them. */
  months: number;
  /** YYYY-MM-DD: the extract date; nothing is dated after it. */
  asOf: string;
  currency: string;
}

function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

// The numbers end up inlined in SQL text, so they are checked to be plain integers here.
const optionsSchema = z.object({
  outDir: z.string().min(1),
  customers: z.number().int().min(1).max(50_000_000),
  invoices: z.number().int().min(1).max(500_000_000),
  seed: z.number().int().min(-(2 ** 53) + 1).max(2 ** 53 - 1),
  months: z.number().int().min(1).max(240),
  asOf: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD")
    .refine(isRealDate, "a real calendar date"),
  currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD, VND or THB"),
});

/** Checks the options; the error names the option, the value given and what was expected. */
export function checkOptions(input: GenerateOptions): GenerateOptions {
  const result = optionsSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = issue.path.join(".");
  const value = (input as unknown as Record<string, unknown>)[key];
  throw new Error(`generate: ${key} = ${JSON.stringify(value)}: ${issue.message}`);
}

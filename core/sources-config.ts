import { z } from "zod";
import { PRESET_SOURCES } from "./source-presets.ts";

/**
 * Config `sources`: how to read an ERP's own files (README: Source mappings). Each source names
 * the files it reads by a glob on their names, the canonical extract they are, and how their
 * text becomes the canonical columns. The rows themselves are mapped in SQL (ingest/source/);
 * this only checks that the settings are well formed, when the config loads.
 */

/** The canonical extracts a source can be (ingest/specs.ts). */
export const SOURCE_ENTITIES = ["customers", "invoices", "payments", "sales_orders", "collection_attempts", "credit_limits", "fx_rates"] as const;

/** A TextDecoder label Node knows (windows-874, tis-620, windows-1258, utf-16le, …), normalised to its name. */
export function encodingName(label: string): string | undefined {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

/**
 * Why a pattern cannot be a dropRows pattern: DuckDB matches it with RE2, which has no
 * lookaround and no backreferences (JavaScript would accept them, and the ingest would then fail).
 */
export function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, "u");
  } catch (e) {
    return `not a regular expression: ${(e as Error).message}`;
  }
  if (/\(\?<?[=!]/.test(pattern)) return "lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported (the patterns are RE2's)";
  if (/\\[1-9]|\\k</.test(pattern)) return "backreferences (\\1, \\k<name>) are not supported (the patterns are RE2's)";
  return undefined;
}

const pattern = z.string().min(1).superRefine((p, ctx) => {
  const problem = regexProblem(p);
  if (problem) ctx.addIssue({ code: "custom", message: problem, input: p });
});

/** A canonical column name: lower case letters and underscores, as in the extract contract. */
const canonical = z.string().regex(/^[a-z_]+$/, "a canonical column name such as document_id");

const labels = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** strptime codes DuckDB knows, checked loosely here and exactly against the engine by core/config.ts. */
const dateFormats = z.union([z.string().min(2), z.array(z.string().min(2)).min(1)]);

const separator = z.enum([".", ",", " ", "'", ""]);

export const sourceSchema = z
  .object({
    /** Named in every error about its files and in meta.load_log.source. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "letters, digits, '.', '_' and '-' (e.g. th-erp)"),
    /**
     * A glob on file names (not paths): * any run of characters, ? one character, [abc] one of
     * them; case-insensitive. Without it the source recognises its files by their header.
     */
    files: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** Labels a header must also hold for the source to recognise a file by it (besides its required columns' labels). */
    recognise: z.array(z.string().min(1)).default([]),
    entity: z.enum(SOURCE_ENTITIES),
    /** Default utf-8 (strict); a byte-order mark (UTF-8, UTF-16) always wins. */
    encoding: z
      .string()
      .default("utf-8")
      .superRefine((label, ctx) => {
        if (!encodingName(label)) ctx.addIssue({ code: "custom", message: "not an encoding Node can decode (e.g. utf-8, utf-16le, windows-874, tis-620, windows-1258)", input: label });
      }),
    /** A workbook's sheet: its name, or its 1-based position among the tabs; default the first worksheet. */
    sheet: z.union([z.string().min(1), z.number().int().min(1)]).optional(),
    /** The field delimiter; default: whichever of , ; and tab splits the header line most often. */
    delimiter: z.enum([",", ";", "\t", "|"]).optional(),
    /** `auto`: the first of the file's first 100 lines that holds a label of every mapped required column; or the 1-based line of the header. */
    header: z.union([z.literal("auto"), z.number().int().min(1).max(10_000)]).default("auto"),
    /** Rows to drop (totals, subtotals, group rows): patterns on the row's first non-empty cell. Blank rows are always dropped. */
    dropRows: z.array(pattern).default([]),
    /** Rows to drop by a column's value: { the file's label: [values] } (compared trimmed, case-insensitively); a label the header lacks drops nothing. */
    dropRowsWhere: z.record(z.string().min(1), z.array(z.string()).min(1)).default({}),
    /**
     * Columns (canonical names or the file's labels) carried down: a row whose first such column
     * is empty continues the row above and takes its values of them (a document's fields written
     * on its first row only, its child-table rows below).
     */
    fillDown: z.array(z.string().min(1)).default([]),
    /** canonical column → a label (or labels) read where the mapped column is empty in a row. */
    fallbacks: z.record(canonical, labels).default({}),
    /**
     * Rows the source cannot load right, refused with a reason: { the file's label: { values: [...]
     * or nonZero: true, reason } } (a refund to a customer; an amount this export has no row for).
     */
    refuseRowsWhere: z
      .record(
        z.string().min(1),
        z
          .object({
            values: z.array(z.string()).min(1).optional(),
            nonZero: z.boolean().optional(),
            /** Only rows that also have a value in this column (by label). */
            withValueIn: z.string().min(1).optional(),
            reason: z.string().min(1),
          })
          .strict(),
      )
      .default({}),
    /** Rows with an empty value in any of these columns (the file's labels) are not rows: a report's total and subtotal rows. */
    dropRowsWithout: z.array(z.string().min(1)).default([]),
    /**
     * Only rows whose amount has this sign are this source's (negative ones read without their
     * sign): a report's open items, positive ones invoices and negative ones unapplied cash.
     */
    amountSign: z.enum(["positive", "negative"]).optional(),
    /** Rows whose amount is empty or zero are not rows (a journal's debit column on its credit lines). */
    dropZeroAmounts: z.boolean().default(false),
    /** Sources that also read every file this one reads, as their own entity (a journal's debits are invoices, its credits payments). */
    companions: z.array(z.string().min(1)).default([]),
    /**
     * canonical column → the file's label, or a list of accepted labels (compared trimmed,
     * case-insensitively); null: not read, even from a column of its own name.
     */
    columns: z.record(canonical, labels.nullable()).default({}),
    /** canonical column → { the file's word: the canonical value } (compared trimmed, case-insensitively). */
    values: z.record(canonical, z.record(z.string().min(1), z.string())).default({}),
    /** canonical column → a value for every row (a column the file does not have, e.g. currency). */
    constants: z.record(canonical, z.string()).default({}),
    dates: z
      .object({
        /** strptime formats, tried in order (e.g. "%d/%m/%Y"); default ISO and dd/mm/yyyy. */
        format: dateFormats.default(["%Y-%m-%d", "%d/%m/%Y"]),
        /** Years are Buddhist-era (2567 = 2024): every year must be 4 digits and at least 2400. */
        buddhistEra: z.boolean().default(false),
        /** Plain numbers in a date column are Excel serial day numbers of this date system. */
        excelSerial: z.enum(["1900", "1904"]).optional(),
      })
      .strict()
      .prefault({}),
    numbers: z
      .object({
        decimal: z.enum([".", ","]).default("."),
        thousands: separator.default(","),
        /** Amounts are read without their sign: for ERPs that write a credit note's amount negative when its type already says what it is. */
        absolute: z.boolean().default(false),
      })
      .strict()
      .prefault({})
      .refine((n) => n.decimal !== n.thousands, "decimal and thousands separators must differ"),
    /** Payments and credits of this source: as_named (as the file says) or fifo (README: Allocation). */
    allocation: z.enum(["as_named", "fifo"]).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    for (const column of Object.keys(s.constants)) {
      if (column in s.columns) ctx.addIssue({ code: "custom", path: ["constants", column], input: s.constants[column], message: `${column} is both mapped to a file column and given a constant: keep one` });
    }
  });

export type SourceConfig = z.infer<typeof sourceSchema>;

/** The ERPs arwatch has built-in sources for (core/source-presets.ts). */
const PRESETS = Object.keys(PRESET_SOURCES) as [keyof typeof PRESET_SOURCES, ...(keyof typeof PRESET_SOURCES)[]];

/**
 * `- preset: erpnext`: the preset's sources, each recognising its files by their header; the
 * keys given here apply to every one of them (an encoding, date formats, the currency).
 */
const presetSchema = z
  .object({
    preset: z.enum(PRESETS),
    files: sourceSchema.shape.files,
    encoding: z.string().optional(),
    constants: z.record(canonical, z.string()).optional(),
    // No defaults here: what is not given keeps the preset's own setting.
    dates: z.object({ format: dateFormats, buddhistEra: z.boolean(), excelSerial: z.enum(["1900", "1904"]) }).partial().strict().optional(),
    numbers: z.object({ decimal: z.enum([".", ","]), thousands: separator, absolute: z.boolean() }).partial().strict().optional(),
    /** Extra accepted labels per canonical column (e.g. the Thai or Vietnamese ones), added to the preset's. */
    columns: z.record(canonical, labels).optional(),
    /** The allocation of every one of the preset's sources (README: Allocation). */
    allocation: sourceSchema.shape.allocation,
  })
  .strict();

export type PresetRef = z.infer<typeof presetSchema>;

/** A preset's sources with the keys its config entry gives applied to each (columns' labels added to the preset's). */
function expandPreset(ref: PresetRef): SourceConfig[] {
  return PRESET_SOURCES[ref.preset].map((preset) => {
    const list = (l: string | readonly string[]) => (typeof l === "string" ? [l] : [...l]);
    const columns: Record<string, string[] | null> = Object.fromEntries(Object.entries(preset.columns).map(([c, l]) => [c, l === null ? null : list(l)]));
    for (const [column, extra] of Object.entries(ref.columns ?? {})) {
      // A column the preset does not map (or does not read) for this entity is not this source's.
      const have = columns[column];
      if (have) columns[column] = [...have, ...list(extra)];
    }
    return sourceSchema.parse({
      ...preset,
      columns,
      ...(ref.files === undefined ? {} : { files: ref.files }),
      ...(ref.encoding === undefined ? {} : { encoding: ref.encoding }),
      ...(ref.dates === undefined ? {} : { dates: { ...preset.dates, ...ref.dates } }),
      ...(ref.numbers === undefined ? {} : { numbers: { ...preset.numbers, ...ref.numbers } }),
      ...(ref.allocation === undefined ? {} : { allocation: ref.allocation }),
      constants: { ...preset.constants, ...ref.constants },
    });
  });
}

/** Config `sources`: the sources and presets as listed, presets expanded in place into their sources. */
export const sourcesSchema = z
  .array(z.union([presetSchema, sourceSchema]))
  .default([])
  .transform((entries) => entries.flatMap((e) => ("preset" in e ? expandPreset(e) : [e])))
  .superRefine((sources, ctx) => {
    const seen = new Set<string>();
    sources.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: "custom", path: [i, "name"], input: s.name, message: "two sources have this name (a preset listed twice?)" });
      seen.add(s.name);
    });
    sources.forEach((s, i) => {
      for (const name of s.companions) {
        const companion = sources.find((c) => c.name === name);
        const problem = !companion ? "no source has this name" : companion.entity === s.entity ? `is also ${s.entity}: a file would load twice` : undefined;
        if (problem) ctx.addIssue({ code: "custom", path: [i, "companions"], input: name, message: problem });
      }
    });
  });

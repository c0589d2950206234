import type { Config } from "../core/config.ts";
import { isoCurrencyCodes, minorUnits } from "../core/money.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { ident, literal } from "../core/warehouse.ts";
import { headBytes, headerBelow, normaliseHeader } from "./header.ts";
import { csvLayout } from "./lines.ts";
import { nativeText } from "./native-types.ts";
import { csvRejects, unreadable, type FileFormat, type FileProblem, type OpenedExtract, type SourceColumn } from "./read.ts";
import type { ColumnSpec, EntitySpec } from "./specs.ts";

export { normaliseHeader } from "./header.ts";

/**
 * The temp table a CSV read in parallel is typed into; `_typed_<n>` is then a view of it that
 * numbers its rows. Both are dropped by the ingest when it ends.
 */
export function typedDataTable(n: number): string {
  return `_typed_data_${n}`;
}

/** How many example rows are shown for each kind of problem. */
export const EXAMPLES_PER_PROBLEM = 5;

/**
 * 1,234.56 or 1234.56 or -5: at most two decimals, so that nothing is rounded silently. The
 * integer digits are not bounded here: a too large amount gets its own message, and never
 * aborts the file's other checks.
 */
const AMOUNT_PATTERN = "[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\\.[0-9]{1,2})?";
/**
 * 25400, 25,400.5 or 0.000039370079: an exchange rate, unsigned, at most 12 decimals (DECIMAL(24,12)
 * holds them exactly); its 12 integer digits are bounded by the cast, and 0 by a comparison.
 */
const RATE_PATTERN = "([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\\.[0-9]{1,12})?";
const EMAIL_PATTERN = "[^@\\s<>,;\"']+@[^@\\s<>,;\"']+\\.[^@\\s<>,;\"']+";
/**
 * In an id or a name: a tab or another C0 control but the line breaks quoted fields may hold, or
 * DEL. (DuckDB's trim() removes spaces, no-break and ideographic ones too, but not tabs.)
 */
const CONTROL_PATTERN = "[\\x00-\\x09\\x0B\\x0C\\x0E-\\x1F\\x7F]";
/** The largest DECIMAL(18,2), which raw tables hold. */
export const LARGEST_AMOUNT = "9,999,999,999,999,999.99";

/** The codes a currency column accepts: every ISO 4217 code Intl knows, and the configured one. */
function acceptedCurrencies(config: Config): string[] {
  const codes = isoCurrencyCodes();
  return codes.includes(config.currency) ? [...codes] : [...codes, config.currency];
}

/**
 * SQL: true when `code` (upper case) is one of `codes`. A regular expression, not an IN list: DuckDB
 * plans a long IN list as a join, which loses the order of a CSV read in parallel, whose row
 * numbers are the typed table's rowids.
 */
function isOneOf(code: string, codes: string[]): string {
  return `regexp_full_match(${code}, ${literal(codes.join("|"))})`;
}

/** What an amount in this currency may have after the point, as a finance user reads it. */
function minorUnitRule(currency: string): string {
  const digits = minorUnits(currency);
  return `${currency} has ${digits === 0 ? "no minor unit" : `${digits} decimal`}: an amount with more decimals is a mistake`;
}

/**
 * SQL: true when an amount has more decimals than its currency's minor unit (1,234.50 VND is a
 * mistake, not half a đồng). `currency` is SQL for the row's currency code, null for a code that
 * is no currency (reported as that, and not also here). Only currencies with fewer than 2 digits
 * are listed: an amount holds 2 decimals at most anyway.
 */
function moreDecimalsThanMinorUnit(amount: string, currency: string, codes: string[]): string {
  const byDigits = new Map<number, string[]>();
  for (const code of codes) {
    const digits = minorUnits(code);
    if (digits < 2) byDigits.set(digits, [...(byDigits.get(digits) ?? []), code]);
  }
  if (byDigits.size === 0) return "false";
  const whens = [...byDigits].map(([digits, list]) => `when ${isOneOf(currency, list)} then ${amount} <> round(${amount}, ${digits})`);
  return `case ${whens.join(" ")} else false end`;
}

function typedExpression(c: ColumnSpec, raw: string, config: Config, isoDate: boolean): string {
  switch (c.kind) {
    case "text":
      return raw;
    case "date": {
      const formats = isoDate ? "'%Y-%m-%d'" : `[${config.ingest.dateFormats.map(literal).join(", ")}]`;
      return `try_strptime(${raw}, ${formats})::DATE`;
    }
    case "amount":
      // _fmt_<col>: the amount's text matched AMOUNT_PATTERN, computed once in the row's first projection.
      return `case when _fmt_${c.name} then try_cast(replace(${raw}, ',', '') as DECIMAL(18,2)) end`;
    case "days":
      // try_cast, not a cast: DuckDB may hoist a repeated expression out of its CASE guard.
      return `case when regexp_full_match(${raw}, '[0-9]{1,4}') then try_cast(${raw} as INTEGER) end`;
    case "enum": {
      const values = c.values.map(literal).join(", ");
      const fallback = c.default ? `when ${raw} is null then ${literal(c.default)}` : "";
      return `case when lower(${raw}) in (${values}) then lower(${raw}) ${fallback} end`;
    }
    case "email":
      return `case when regexp_full_match(${raw}, ${literal(EMAIL_PATTERN)}) then ${raw} end`;
    case "currency":
      return `case when ${isOneOf(`upper(${raw})`, acceptedCurrencies(config))} then upper(${raw}) end`;
    case "rate":
      return `case when regexp_full_match(${raw}, ${literal(RATE_PATTERN)}) then try_cast(replace(${raw}, ',', '') as DECIMAL(24,12)) end`;
  }
}

/**
 * The value without surrounding spaces (no-break and ideographic ones too), null when empty.
 * DuckDB's trim() reads the whole string, so it runs only on a value that starts or ends with a
 * space, which LIKE finds by comparing a byte or three (the pass is about a third cheaper).
 */
function trimmed(text: string): string {
  const x = `(${text})`;
  const edges = [" ", "\u00a0", "\u3000"].flatMap((sp) => [`${x} like '${sp}%'`, `${x} like '%${sp}'`]).join(" or ");
  return `case when ${x} = '' then null when ${edges} then nullif(trim(${x}), '') else ${x} end`;
}

/** %Y-%m-%d → YYYY-MM-DD, as a finance user would write it. */
function readableDateFormat(format: string): string {
  return format.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD").replace("%y", "YY");
}

function invalidReason(c: ColumnSpec, config: Config): string {
  switch (c.kind) {
    case "date":
      return `not a real date (expected ${config.ingest.dateFormats.map(readableDateFormat).join(" or ")})`;
    case "amount":
      return "not an amount with at most 2 decimals (e.g. 1234.56 or 1,234.56)";
    case "days":
      return "not a whole number of days";
    case "enum":
      return `not one of: ${c.values.join(", ")}`;
    case "email":
      return "not an e-mail address";
    case "currency":
      return "not an ISO 4217 currency code (e.g. USD, VND, THB)";
    case "rate":
      return "not a positive rate with at most 12 decimals (e.g. 25400 or 0.0000393)";
    default:
      return "not valid";
  }
}

interface Check {
  /** The spec column, or undefined for a problem with the whole line. */
  column?: string;
  reason: string;
  /** SQL over the source's columns (stage "source") or over raw_<col> and typed columns ("typed"). */
  condition: string;
  stage: "source" | "typed";
  /** A reader's structural check (a line too long or too short): a row failing one is reported for that alone. */
  gate?: boolean;
  /** SQL over the source's columns: the value to show. */
  value: string;
  /**
   * For a reason that depends on the row (the currency an amount is in): SQL over the typed table
   * aliased `t` whose value picks the reason; rows failing the check are reported per value.
   */
  reasonBy?: { sql: (t: string) => string; reason: (key: string) => string };
}

function checksFor(spec: EntitySpec, present: Map<string, string>, shown: Map<string, string>, config: Config): Check[] {
  const checks: Check[] = [];
  const currencyColumn = spec.columns.find((c) => c.kind === "currency");
  for (const c of spec.columns) {
    const raw = `raw_${c.name}`;
    const typed = ident(c.name);
    const value = shown.get(c.name) ?? present.get(c.name) ?? "null";
    const add = (reason: string, condition: string, reasonBy?: Check["reasonBy"]) => checks.push({ column: c.name, reason, condition, stage: "typed", value, reasonBy });
    if (c.required) add("a required value is missing", `${raw} is null`);
    if (!present.has(c.name)) continue;
    if (c.kind === "amount") {
      add(invalidReason(c, config), `${raw} is not null and not _fmt_${c.name}`);
      add(`too large: the largest amount is ${LARGEST_AMOUNT}`, `_fmt_${c.name} and ${typed} is null`);
      const [op, words] = c.min === "positive" ? ["<=", "must be greater than 0"] : ["<", "must not be negative"];
      add(words, `${typed} ${op} 0`);
      // A currency without cents (VND, JPY, KRW…) has none in its amounts. An entity with a currency
      // column has its amounts in the row's currency (the configured one when empty); others in the configured one.
      if (currencyColumn) {
        const functional = literal(config.currency);
        const rowCurrency = `case when raw_${currencyColumn.name} is null then ${functional} else ${ident(currencyColumn.name)} end`;
        add(minorUnitRule(config.currency), moreDecimalsThanMinorUnit(typed, rowCurrency, acceptedCurrencies(config)), {
          sql: (t) => `coalesce(${t}.${ident(currencyColumn.name)}, ${functional})`,
          reason: minorUnitRule,
        });
      } else if (minorUnits(config.currency) < 2) {
        add(minorUnitRule(config.currency), moreDecimalsThanMinorUnit(typed, literal(config.currency), [config.currency]));
      }
    } else if (c.kind === "rate") {
      add(invalidReason(c, config), `${raw} is not null and coalesce(${typed} <= 0, true)`);
      // A rate converts into the functional currency: the functional currency's own is 1 exactly.
      if (currencyColumn) add("the functional currency's rate is 1", `${ident(currencyColumn.name)} = ${literal(config.currency)} and ${typed} <> 1`);
    } else if (c.kind !== "text") {
      add(invalidReason(c, config), `${raw} is not null and ${typed} is null`);
    }
    // _ctl: one regular expression over all text columns of the row; the column is found only on a hit.
    if (c.kind === "text") {
      add("contains a tab or a control character (such as NUL): remove it", `case when _ctl then regexp_matches(${raw}, ${literal(CONTROL_PATTERN)}) else false end`);
    }
    if (c.kind === "date") {
      // Date comparisons, not year(): this runs on every row of every file.
      add("the year is before 1900 (a 2-digit year such as 24? write it in full: 2024)", `${typed} < DATE '1900-01-01'`);
      add("the year is after 2200 (a Buddhist-era year? 2567 BE = 2024 CE)", `${typed} > DATE '2200-12-31'`);
    }
  }
  return checks;
}

/** One kind of bad value: how many rows have it, and the first few (rows as the source counts them). */
export interface RowProblem {
  reason: string;
  /** The column, or "" for a problem with the whole line. */
  column: string;
  rows: number[];
  values: (string | null)[];
  count: number;
  /** For duplicate keys: the row each example duplicates. */
  firstRows?: number[];
}

export interface Validated {
  table: string;
  rows: number;
  /** Problems with the file as a whole (its header). */
  problems: FileProblem[];
  rowProblems: RowProblem[];
  /** Columns in the file that the spec does not know; they are ignored. */
  ignoredColumns: string[];
}

const COLUMNS_ARE = { record: "the header has", line: "the lines' keys are", row: "the file's columns are" } as const;

interface Mapped {
  problems: FileProblem[];
  /** spec column → SQL text of its value in the source. */
  present: Map<string, string>;
  /** spec column → SQL text of its value as the file wrote it (a source mapping's input), when that differs. */
  shown: Map<string, string>;
  isoDates: Set<string>;
  checks: Check[];
  ignoredColumns: string[];
}

/** Matches the file's columns to the spec: a column named twice or a required one missing is an error. */
function mapColumns(spec: EntitySpec, opened: OpenedExtract): Mapped {
  const byName = new Map<string, SourceColumn>();
  const problems: FileProblem[] = [];
  for (const column of opened.columns) {
    const name = normaliseHeader(column.name);
    const first = byName.get(name);
    if (first) {
      const also = first.name === column.name ? "" : ` (as ${JSON.stringify(first.name)})`;
      problems.push({ reason: `the header names this column twice${also}`, column: column.name, line: opened.headerLine });
    } else byName.set(name, column);
  }
  const specs = new Map(spec.columns.map((c) => [c.name, c]));
  const ignoredColumns = [...byName.keys()].filter((name) => !specs.has(name));
  for (const c of spec.columns) {
    if (c.required && !byName.has(c.name)) {
      const has = opened.columns.map((x) => x.name).join(", ");
      problems.push({ reason: `a required column is missing (${COLUMNS_ARE[opened.position]}: ${has})`, column: c.name, line: opened.headerLine });
    }
  }
  const present = new Map<string, string>();
  const shown = new Map<string, string>();
  const isoDates = new Set<string>();
  const checks: Check[] = [];
  for (const [name, column] of byName) {
    const c = specs.get(name);
    if (!c) continue;
    const native = nativeText(column, c);
    if (native.problem) problems.push({ reason: native.problem, column: column.name });
    present.set(name, native.text);
    if (column.shown) shown.set(name, column.shown);
    if (native.isoDate) isoDates.add(name);
    for (const k of native.checks) checks.push({ column: name, reason: k.reason, condition: k.condition, stage: "source", value: native.text });
  }
  for (const k of opened.checks) {
    const name = k.column === undefined ? undefined : normaliseHeader(k.column);
    if (name !== undefined && !specs.has(name)) continue; // a problem in an ignored column is no problem
    checks.push({ column: name, reason: k.reason, condition: k.condition, stage: "source", gate: name === undefined, value: k.value });
  }
  return { problems, present, shown, isoDates, checks, ignoredColumns };
}

/** A CSV whose header is not on its first line: one problem naming the line that looks like it. */
function preambleProblem(spec: EntitySpec, opened: OpenedExtract, path: string): FileProblem[] | undefined {
  if (!opened.delimiter || opened.headerLine === undefined) return undefined;
  const required = spec.columns.filter((c) => c.required).map((c) => c.name);
  const names = new Set(opened.columns.map((c) => normaliseHeader(c.name)));
  if (required.every((r) => names.has(r))) return undefined;
  const line = headerBelow(headBytes(path), opened.delimiter, required);
  if (line === undefined) return undefined;
  const above = line - opened.headerLine;
  return [
    {
      reason: `the header must be the first line: line ${line} looks like the header (remove the ${above === 1 ? "line" : `${above} lines`} above it)`,
      line: opened.headerLine,
    },
  ];
}

/**
 * Reads an opened extract once, typing every column and recording which checks each row fails
 * in a bitmask, into the temp table _typed_<n>: lines that are malformed (too many or too few
 * fields, not a JSON object), values that are nested, missing or invalid, amounts out of range
 * or finer than their currency's minor unit, unknown currency codes, then duplicate keys. Rows
 * keep the source's `_row`; the caller maps them to lines. The raw text is read a second time
 * only when there is a bad value to quote.
 */
export async function validateExtract(
  wh: Warehouse,
  spec: EntitySpec,
  opened: OpenedExtract,
  file: { path: string; format: FileFormat },
  config: Config,
  n: number,
): Promise<Validated> {
  try {
    return await validateOpened(wh, spec, opened, file, config, n);
  } finally {
    // A CSV or JSON Lines file is held as a table of its records or lines: free it before the next file is read.
    for (const name of opened.scratch ?? []) await wh.run(`drop table if exists temp.main.${ident(name)}`);
  }
}

async function validateOpened(
  wh: Warehouse,
  spec: EntitySpec,
  opened: OpenedExtract,
  file: { path: string; format: FileFormat },
  config: Config,
  n: number,
): Promise<Validated> {
  const table = `_typed_${n}`;
  const mapped = mapColumns(spec, opened);
  const { present, ignoredColumns } = mapped;
  if (mapped.problems.length > 0) {
    return { table, rows: 0, problems: preambleProblem(spec, opened, file.path) ?? mapped.problems, ignoredColumns, rowProblems: [] };
  }

  const readerChecks = [...mapped.checks.filter((k) => k.gate), ...mapped.checks.filter((k) => !k.gate)];
  // A value the reader already refused (a JSON object, a timestamp with a time) is reported for that alone.
  const guards = new Map<string, string[]>();
  readerChecks.forEach((k, i) => {
    if (k.column !== undefined) guards.set(k.column, [...(guards.get(k.column) ?? []), `_s${i}`]);
  });
  const specChecks = checksFor(spec, present, mapped.shown, config).map((k) => {
    const guard = k.column === undefined ? undefined : guards.get(k.column);
    return guard ? { ...k, condition: `(${k.condition}) and not (${guard.join(" or ")})` } : k;
  });
  const checks = [...readerChecks, ...specChecks];
  const rawOf = (name: string) => `raw_${name}`;
  const rawColumns = spec.columns.map((c) =>
    present.has(c.name) ? `${trimmed(present.get(c.name)!)} as raw_${c.name}` : `null::varchar as raw_${c.name}`,
  );
  const sourceFlags = checks.flatMap((k, i) => (k.stage === "source" ? [`coalesce(${k.condition}, false) as _s${i}`] : []));
  const texts = spec.columns.filter((c) => c.kind === "text" && present.has(c.name)).map((c) => rawOf(c.name));
  const controls = texts.length ? `regexp_matches(concat(${texts.join(", ")}), ${literal(CONTROL_PATTERN)}) as _ctl` : "false as _ctl";
  const formats = spec.columns
    .filter((c) => c.kind === "amount")
    .map((c) => (present.has(c.name) ? `regexp_full_match(${rawOf(c.name)}, ${literal(AMOUNT_PATTERN)}) as _fmt_${c.name}` : `false as _fmt_${c.name}`));
  const typedColumns = spec.columns.map((c) => `${typedExpression(c, `raw_${c.name}`, config, mapped.isoDates.has(c.name))} as ${ident(c.name)}`);
  const bit = (k: Check, i: number) => `(${k.stage === "source" ? `_s${i}` : `coalesce(${k.condition}, false)`}::bigint << ${i})`;
  const gates = checks.map((k, i) => (k.gate ? bit(k, i) : "")).filter(Boolean);
  const others = checks.map((k, i) => (k.gate ? "" : bit(k, i))).filter(Boolean);
  const orAll = (bits: string[]) => (bits.length ? bits.join(" | ") : "0::bigint");
  // A line with the wrong number of fields has no meaningful values: only that is reported for it.
  const mask = gates.length ? `case when (${orAll(gates)}) <> 0 then ${orAll(gates)} else ${orAll(others)} end` : orAll(others);
  // One pass from the reader to a typed temp table: `_row` comes from the source, or, for a CSV
  // read in parallel (`records`), from the typed table's rowid (record 0 is the header).
  // `row`: what the innermost select reads from the source besides the values; `rowNames`: their names.
  const typedSelect = (from: string, row: string[], rowNames = row) =>
    `select ${[...rowNames, ...spec.columns.map((c) => ident(c.name))].join(", ")}, ${mask} as _bad
       from (select *, ${typedColumns.join(", ")}
               from (select *, ${[...formats, controls].join(", ")}
                       from (select ${[...row, ...rawColumns, ...sourceFlags].join(", ")} from ${from})))`;
  const typedPass = (source: string) => wh.run(`create or replace temp table ${table} as ${typedSelect(source, ["_row"])}`);
  const typedRecords = async (records: string) => {
    const data = typedDataTable(n);
    // A source's file has records that are no rows (title lines, totals): typed with the rest, kept out by the view.
    const filter = opened.recordFilter;
    const keep = filter ? [`coalesce(${filter.keep}, false) as _keep`] : [];
    await wh.run(`create or replace temp table ${data} as ${typedSelect(records, keep, filter ? ["_keep"] : [])}`);
    await wh.run(
      filter
        ? `create or replace temp view ${table} as select rowid as _row, * exclude (_keep) from temp.main.${data} where rowid > ${filter.headerRecord} and _keep`
        : `create or replace temp view ${table} as select rowid as _row, * from temp.main.${data} where rowid > 0`,
    );
  };
  let { source, rejectsTable } = opened;
  // The text of the rows as a table, read only to quote a bad value (the typed pass read the file itself).
  let textRead = !opened.records;
  const readText = async () => {
    if (!textRead && opened.materialise) await wh.run(opened.materialise);
    textRead = true;
  };
  try {
    try {
      if (opened.records) await typedRecords(opened.records);
      else {
        if (opened.materialise) await wh.run(opened.materialise);
        await typedPass(source);
      }
    } catch (e) {
      // DuckDB reads in parallel unless a quoted line break forbids it; then the file is read again by one thread.
      if (!opened.sequential || !/null_padding/.test(String(e))) throw e;
      ({ source, rejectsTable } = opened.sequential);
      textRead = true;
      await typedPass(source);
    }
  } catch (e) {
    return { table, rows: 0, problems: [unreadable(file.path, file.format, e)], ignoredColumns, rowProblems: [] };
  }
  // A quote never closed swallows the rest of the file into one field: name the quote, not what follows.
  const unclosedQuote = (): FileProblem[] => {
    const line = csvLayout(file.path).unclosedQuoteLine;
    return line ? [{ reason: "a quoted field is never closed", line }] : [];
  };
  if (rejectsTable) {
    const rejected = await csvRejects(wh, rejectsTable, opened.columns);
    // Rows after a rejected line are numbered without it, so only the rejects are reported.
    if (rejected.length > 0) {
      const unclosed = unclosedQuote();
      return { table, rows: 0, problems: unclosed.length ? unclosed : rejected, ignoredColumns, rowProblems: [] };
    }
  }
  const [{ rows }] = (await wh.all<{ rows: string }>(`select count(*) as rows from ${table}`)) as [{ rows: string }];

  const rowProblems: RowProblem[] = [];
  if (checks.length) {
    const counts = await wh.all<Record<string, string>>(
      `select ${checks.map((_, i) => `count(*) filter (where _bad & (1::bigint << ${i}) <> 0) as c${i}`).join(", ")} from ${table}`,
    );
    for (const [i, check] of checks.entries()) {
      const count = Number(counts[0]![`c${i}`]);
      if (count === 0) continue;
      const text = `_text_${n}`;
      await readText();
      await wh.run(`create temp table if not exists ${text} as select * from ${source}`);
      const failing = `t._bad & (1::bigint << ${i}) <> 0`;
      // A reason that depends on the row: one problem per reason, in the order its first row comes.
      const groups = check.reasonBy
        ? (
            await wh.all<{ key: string; count: string }>(
              `select ${check.reasonBy.sql("t")} as key, count(*) as count from ${table} t where ${failing} group by key order by min(t._row)`,
            )
          ).map((g) => ({ reason: check.reasonBy!.reason(g.key), count: Number(g.count), where: `${failing} and ${check.reasonBy!.sql("t")} = ${literal(g.key)}` }))
        : [{ reason: check.reason, count, where: failing }];
      for (const group of groups) {
        const examples = await wh.all<{ row: string; value: string | null }>(
          `select t._row as row, i.value
             from ${table} t join (select _row, ${check.value} as value from ${text}) i on i._row = t._row
            where ${group.where} order by t._row limit ${EXAMPLES_PER_PROBLEM}`,
        );
        rowProblems.push({
          reason: group.reason,
          column: check.column ?? "",
          rows: examples.map((e) => Number(e.row)),
          values: examples.map((e) => e.value),
          count: group.count,
        });
      }
    }
  }
  rowProblems.push(...(await duplicateKeys(wh, spec, table)));
  const unclosed = rejectsTable && rowProblems.length > 0 ? unclosedQuote() : [];
  if (unclosed.length) return { table, rows: 0, problems: unclosed, ignoredColumns, rowProblems: [] };
  return { table, rows: Number(rows), problems: [], ignoredColumns, rowProblems };
}

async function duplicateKeys(wh: Warehouse, spec: EntitySpec, table: string): Promise<RowProblem[]> {
  const keyList = spec.key.map(ident).join(", ");
  const keyPresent = spec.columns.filter((c) => c.required && spec.key.includes(c.name)).map((c) => `${ident(c.name)} is not null`).join(" and ");
  // Counting first keeps the common case (no duplicates) to one hash aggregate without lists.
  const [dupCount] = await wh.all<{ groups: string; extra: string | null }>(
    `select count(*) as groups, sum(n - 1) as extra
       from (select count(*) as n from ${table} where _bad = 0 and ${keyPresent} group by ${keyList} having count(*) > 1)`,
  );
  if (Number(dupCount!.groups) === 0) return [];
  const duplicates = await wh.all<{ rows: number[]; key: string }>(
    `select list(_row order by _row) as rows, concat_ws(' + ', ${keyList}) as key
       from ${table}
      where _bad = 0 and ${keyPresent}
      group by ${keyList} having count(*) > 1
      order by min(_row) limit ${EXAMPLES_PER_PROBLEM}`,
  );
  return [
    {
      reason: `a duplicate key: an earlier line of this file has the same ${spec.key.join(" + ")}`,
      column: spec.key.join(" + "),
      rows: duplicates.map((d) => d.rows[1]!),
      values: duplicates.map((d) => d.key),
      firstRows: duplicates.map((d) => d.rows[0]!),
      count: Number(dupCount!.extra),
    },
  ];
}

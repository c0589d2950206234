import type { Config } from "../core/config.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { ident, literal } from "../core/warehouse.ts";
import { csvRejects, unreadable, type FileFormat, type FileProblem, type OpenedExtract } from "./read.ts";
import type { ColumnSpec, EntitySpec } from "./specs.ts";

/** How many example rows are shown for each kind of problem. */
export const EXAMPLES_PER_PROBLEM = 5;

/** An ERP header such as "Customer ID" names the column customer_id. */
export function normaliseHeader(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, "_");
}

/** 1,234.56 or 1234.56 or -5: at most two decimals, so that nothing is rounded silently. */
const AMOUNT_PATTERN = "[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]{1,16})(\\.[0-9]{1,2})?";
const EMAIL_PATTERN = "[^@\\s<>,;\"']+@[^@\\s<>,;\"']+\\.[^@\\s<>,;\"']+";

function typedExpression(c: ColumnSpec, raw: string, config: Config): string {
  switch (c.kind) {
    case "text":
      return raw;
    case "date": {
      const formats = `[${config.ingest.dateFormats.map(literal).join(", ")}]`;
      return `try_strptime(${raw}, ${formats})::DATE`;
    }
    case "amount":
      return `case when regexp_full_match(${raw}, ${literal(AMOUNT_PATTERN)}) then replace(${raw}, ',', '')::DECIMAL(18,2) end`;
    case "days":
      return `case when regexp_full_match(${raw}, '[0-9]{1,4}') then ${raw}::INTEGER end`;
    case "enum": {
      const values = c.values.map(literal).join(", ");
      const fallback = c.default ? `when ${raw} is null then ${literal(c.default)}` : "";
      return `case when lower(${raw}) in (${values}) then lower(${raw}) ${fallback} end`;
    }
    case "email":
      return `case when regexp_full_match(${raw}, ${literal(EMAIL_PATTERN)}) then ${raw} end`;
    case "currency":
      return `upper(${raw})`;
  }
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
    default:
      return "not valid";
  }
}

interface Check {
  column: string;
  reason: string;
  /** SQL over raw_<col> (trimmed text, null when empty) and typed columns. */
  condition: string;
}

function checksFor(spec: EntitySpec, present: Set<string>, config: Config): Check[] {
  const checks: Check[] = [];
  for (const c of spec.columns) {
    const raw = `raw_${c.name}`;
    const typed = ident(c.name);
    if (c.required) checks.push({ column: c.name, reason: "a required value is missing", condition: `${raw} is null` });
    if (!present.has(c.name)) continue;
    if (c.kind !== "text" && c.kind !== "currency") {
      checks.push({ column: c.name, reason: invalidReason(c, config), condition: `${raw} is not null and ${typed} is null` });
    }
    if (c.kind === "amount") {
      const [op, words] = c.min === "positive" ? ["<=", "must be greater than 0"] : ["<", "must not be negative"];
      checks.push({ column: c.name, reason: words, condition: `${typed} ${op} 0` });
    }
    if (c.kind === "date") {
      checks.push({
        column: c.name,
        reason: "the year is out of range 1900-2200 (a Buddhist-era year? 2567 BE = 2024 CE)",
        condition: `year(${typed}) not between 1900 and 2200`,
      });
    }
    if (c.kind === "currency") {
      checks.push({
        column: c.name,
        reason: `not the configured currency ${config.currency} (multi-currency extracts are not supported yet)`,
        condition: `${typed} <> ${literal(config.currency)}`,
      });
    }
  }
  return checks;
}

/** One kind of bad value: how many rows have it, and the first few (1-based data rows). */
export interface RowProblem {
  reason: string;
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

/**
 * Reads an opened extract once, typing every column and recording which checks each row fails
 * in a bitmask, into the temp table _typed_<n>: missing columns, missing or invalid values,
 * amounts out of range, foreign currencies, then duplicate keys. Rows are referred to by their
 * 1-based position in the file; the caller maps them to lines. The raw text is read a second
 * time only when there is a bad value to quote.
 */
export async function validateExtract(
  wh: Warehouse,
  spec: EntitySpec,
  opened: OpenedExtract,
  file: { path: string; format: FileFormat },
  config: Config,
  n: number,
): Promise<Validated> {
  const table = `_typed_${n}`;
  const byName = new Map<string, string>();
  const duplicateHeaders: string[] = [];
  for (const original of opened.columns) {
    const name = normaliseHeader(original);
    if (byName.has(name)) duplicateHeaders.push(original);
    else byName.set(name, original);
  }
  const known = new Set(spec.columns.map((c) => c.name));
  const ignoredColumns = [...byName.keys()].filter((name) => !known.has(name));
  const problems: FileProblem[] = [];
  for (const d of duplicateHeaders) problems.push({ reason: "the header names this column twice", column: d, line: 1 });
  const missing = spec.columns.filter((c) => c.required && !byName.has(c.name));
  for (const c of missing) {
    problems.push({ reason: `a required column is missing (the header has: ${opened.columns.join(", ")})`, column: c.name, line: 1 });
  }
  if (problems.length > 0) return { table, rows: 0, problems, ignoredColumns, rowProblems: [] };

  const present = new Set(spec.columns.filter((c) => byName.has(c.name)).map((c) => c.name));
  const rawColumns = spec.columns.map((c) =>
    present.has(c.name) ? `nullif(trim(${ident(byName.get(c.name)!)}), '') as raw_${c.name}` : `null::varchar as raw_${c.name}`,
  );
  const typedColumns = spec.columns.map((c) => `${typedExpression(c, `raw_${c.name}`, config)} as ${ident(c.name)}`);
  const checks = checksFor(spec, present, config);
  const mask = checks.length
    ? checks.map((k, i) => `(coalesce(${k.condition}, false)::bigint << ${i})`).join(" | ")
    : "0::bigint";
  try {
    // row_number() over () streams in file order: the CSV reader preserves insertion order.
    await wh.run(
      `create or replace temp table ${table} as
       select _row, ${spec.columns.map((c) => ident(c.name)).join(", ")}, ${mask} as _bad
         from (select *, ${typedColumns.join(", ")}
                 from (select row_number() over () as _row, ${rawColumns.join(", ")} from ${opened.source}))`,
    );
  } catch (e) {
    return { table, rows: 0, problems: [unreadable(file.path, file.format, e)], ignoredColumns, rowProblems: [] };
  }
  if (file.format === "csv") {
    const rejected = await csvRejects(wh, n);
    // Rows after a rejected line are numbered without it, so only the rejects are reported.
    if (rejected.length > 0) return { table, rows: 0, problems: rejected, ignoredColumns, rowProblems: [] };
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
      const source = byName.get(check.column);
      const text = `_text_${n}`;
      await wh.run(`create temp table if not exists ${text} as select * from ${opened.source}`);
      const examples = await wh.all<{ row: string; value: string | null }>(
        `select t._row as row, ${source ? `i.${ident(source)}` : "null"} as value
           from ${table} t join ${text} i on i.rowid + 1 = t._row
          where t._bad & (1::bigint << ${i}) <> 0 order by t._row limit ${EXAMPLES_PER_PROBLEM}`,
      );
      rowProblems.push({
        reason: check.reason,
        column: check.column,
        rows: examples.map((e) => Number(e.row)),
        values: examples.map((e) => e.value),
        count,
      });
    }
  }
  const keyList = spec.key.map(ident).join(", ");
  const keyPresent = spec.columns.filter((c) => c.required && spec.key.includes(c.name)).map((c) => `${ident(c.name)} is not null`).join(" and ");
  // Counting first keeps the common case (no duplicates) to one hash aggregate without lists.
  const [dupCount] = await wh.all<{ groups: string; extra: string | null }>(
    `select count(*) as groups, sum(n - 1) as extra
       from (select count(*) as n from ${table} where _bad = 0 and ${keyPresent} group by ${keyList} having count(*) > 1)`,
  );
  if (Number(dupCount!.groups) > 0) {
    const duplicates = await wh.all<{ rows: number[]; key: string }>(
      `select list(_row order by _row) as rows, concat_ws(' + ', ${keyList}) as key
         from ${table}
        where _bad = 0 and ${keyPresent}
        group by ${keyList} having count(*) > 1
        order by min(_row) limit ${EXAMPLES_PER_PROBLEM}`,
    );
    rowProblems.push({
      reason: `a duplicate key: an earlier line of this file has the same ${spec.key.join(" + ")}`,
      column: spec.key.join(" + "),
      rows: duplicates.map((d) => d.rows[1]!),
      values: duplicates.map((d) => d.key),
      firstRows: duplicates.map((d) => d.rows[0]!),
      count: Number(dupCount!.extra),
    });
  }
  return { table, rows: Number(rows), problems, ignoredColumns, rowProblems };
}

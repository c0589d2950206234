import type { SourceConfig } from "../../core/sources-config.ts";
import { literal } from "../../core/warehouse.ts";
import { normaliseHeader } from "../header.ts";
import type { FileProblem, ReaderCheck, SourceColumn } from "../read.ts";
import type { ColumnSpec, EntitySpec } from "../specs.ts";
import { labelKey } from "./head-records.ts";
import { amountSql, dateSql, numberStyle, rateSql, valueMapSql } from "./values-sql.ts";

/** The labels a source accepts for a canonical column: its mapping, else the column's own name. */
export function acceptedLabels(source: SourceConfig, column: string): string[] {
  const mapped = source.columns[column];
  if (mapped === undefined) return [column];
  if (mapped === null) return []; // not read from this source's files
  return typeof mapped === "string" ? [mapped] : mapped;
}

/** The number of the header's column with this label (compared as labels are), or -1. */
function columnOf(header: string[], label: string): number {
  const key = labelKey(label);
  return header.findIndex((h) => labelKey(h) === key);
}

/** Which field of a header holds a canonical column: one whose label is accepted, or whose name normalises to it. */
function fieldsFor(source: SourceConfig, column: string, header: string[]): number[] {
  const accepted = new Set(acceptedLabels(source, column).map(labelKey));
  const byName = source.columns[column] === undefined;
  return header.flatMap((label, i) => (accepted.has(labelKey(label)) || (byName && normaliseHeader(label) === column) ? [i] : []));
}

/** True when a header holds a label for every required column of the entity the source maps. */
export function isHeaderOf(source: SourceConfig, spec: EntitySpec, fields: string[]): boolean {
  const keys = new Set(fields.map(labelKey));
  return (
    spec.columns.filter((c) => c.required && !(c.name in source.constants)).every((c) => fieldsFor(source, c.name, fields).length === 1) &&
    source.recognise.every((label) => keys.has(labelKey(label)))
  );
}

export interface Mapping {
  columns: SourceColumn[];
  checks: ReaderCheck[];
  problems: FileProblem[];
  /** canonical column → the file's label, for messages. */
  labels: Map<string, string>;
  /** SQL over the read's columns: false for a row to drop (blank, or matched by dropRows). */
  keep: string;
  /** Columns (by number) carried down into empty cells (fillDown). */
  fill: number[];
}

function describe(c: ColumnSpec, source: SourceConfig): string {
  switch (c.kind) {
    case "amount":
      return `not an amount as this source writes them (${numberStyle(source.numbers)}; e.g. ${exampleAmount(source)})`;
    case "rate":
      return `not a rate as this source writes them (${numberStyle(source.numbers)}; e.g. ${exampleAmount(source)})`;
    case "date": {
      const formats = typeof source.dates.format === "string" ? [source.dates.format] : source.dates.format;
      const era = source.dates.buddhistEra ? ", Buddhist-era years from 2400 (2567 = 2024)" : "";
      const serial = source.dates.excelSerial ? `, or an Excel serial day (${source.dates.excelSerial} system)` : "";
      return `not a real date in this source's format (${formats.join(" or ")}${era}${serial})`;
    }
    default:
      return "cannot be read";
  }
}

function exampleAmount(source: SourceConfig): string {
  const { decimal, thousands } = source.numbers;
  return `1${thousands}234${decimal}50`;
}

/** SQL turning a value as the source writes it into the canonical text, for the kinds whose spelling a source chooses. */
function convertedSql(c: ColumnSpec, text: string, source: SourceConfig, workbook: boolean): string | undefined {
  switch (c.kind) {
    case "amount":
      return amountSql(text, source.numbers);
    case "rate":
      return rateSql(text, source.numbers);
    case "date":
      return dateSql(text, source.dates, workbook);
    default:
      return undefined;
  }
}

/**
 * Maps a file's header to the entity's canonical columns, as SQL over the read's text columns
 * (c0, c1, …): renames, value maps, constants, dates and amounts in the source's style. A value
 * the source's style cannot read becomes null and fails a check that quotes it as written, so
 * that the error names the file's line, its column label and its value.
 */
export function mapHeader(source: SourceConfig, spec: EntitySpec, header: string[], headerLine: number, workbook = false): Mapping {
  const columns: SourceColumn[] = [];
  const checks: ReaderCheck[] = [];
  const problems: FileProblem[] = [];
  const labels = new Map<string, string>();
  const has = header.map((h) => JSON.stringify(h)).join(", ");
  for (const c of spec.columns) {
    if (c.name in source.constants) {
      columns.push({ name: c.name, sql: literal(source.constants[c.name]!), type: "VARCHAR" });
      labels.set(c.name, `${c.name} (a constant of source ${source.name})`);
      continue;
    }
    // A fallback column stands in where this one is empty in a row (ERPNext: Paid Amount where no
    // reference is allocated), or altogether when the file lacks this one.
    const fallbacks = source.fallbacks[c.name];
    const fallback = (fallbacks === undefined ? [] : typeof fallbacks === "string" ? [fallbacks] : fallbacks)
      .map((label) => columnOf(header, label))
      .find((j) => j !== -1);
    const found = fieldsFor(source, c.name, header);
    const fields = found.length === 0 && fallback !== undefined ? [fallback] : found;
    const accepted = acceptedLabels(source, c.name).map((l) => JSON.stringify(l)).join(" or ");
    if (fields.length > 1) {
      problems.push({ reason: `${fields.length} columns of the header are ${c.name} (${fields.map((i) => JSON.stringify(header[i])).join(" and ")}): a column must be named once`, line: headerLine });
      continue;
    }
    if (fields.length === 0) {
      if (c.required) problems.push({ reason: `the header has no column for ${c.name} (labels accepted: ${accepted}; the header has: ${has})`, line: headerLine });
      continue;
    }
    const i = fields[0]!;
    const raw = fallback === undefined || fallback === i ? `c${i}` : `coalesce(nullif(trim(c${i}), ''), c${fallback})`;
    labels.set(c.name, `${JSON.stringify(header[i])} (${c.name})`);
    const text = `nullif(trim(${valueMapSql(raw, source.values[c.name])}), '')`;
    const converted = convertedSql(c, text, source, workbook);
    if (converted === undefined) {
      columns.push({ name: c.name, sql: valueMapSql(raw, source.values[c.name]), type: "VARCHAR", shown: raw });
      continue;
    }
    columns.push({ name: c.name, sql: converted, type: "VARCHAR", shown: raw, isoDate: c.kind === "date" });
    checks.push({ reason: describe(c, source), condition: `${text} is not null and ${converted} is null`, value: raw, column: c.name });
  }
  // The entity's required amount read from the file: what dropZeroAmounts and amountSign look at.
  const amounts = columns.filter((c) => c.shown && spec.columns.some((s) => s.name === c.name && s.kind === "amount" && s.required));
  // A row of the other sign is another source's (a companion's); one that cannot be read stays, to be reported.
  const otherSign = source.amountSign === undefined ? [] : amounts.map((c) => `coalesce(try_cast(${c.sql} as DECIMAL(38,2)) ${source.amountSign === "positive" ? "<" : ">"} 0, false)`);
  if (source.amountSign === "negative") for (const c of amounts) c.sql = `ltrim(${c.sql}, '-')`;
  // A zero or empty amount is no row when the source says so; one that cannot be read stays, to be reported.
  const zeroAmounts = source.dropZeroAmounts
    ? amounts.map((c) => `coalesce(try_cast(${c.sql} as DECIMAL(38,2)) = 0, ${c.shown} is null or trim(${c.shown}) = '')`)
    : [];
  for (const [label, refuse] of Object.entries(source.refuseRowsWhere)) {
    const j = columnOf(header, label);
    if (j === -1) continue;
    const cell = `nullif(trim(c${j}), '')`;
    const when = [
      ...(refuse.values ? [`lower(${cell}) in (${refuse.values.map((v) => literal(v.trim().toLowerCase())).join(", ")})`] : []),
      ...(refuse.nonZero ? [`coalesce(try_cast(${amountSql(cell, source.numbers)} as DECIMAL(38,2)) <> 0, false)`] : []),
    ];
    const also = refuse.withValueIn === undefined ? -2 : columnOf(header, refuse.withValueIn);
    if (also === -1) continue; // the column it must also have a value in is not in this file
    const condition = `(${when.join(" or ")})${also >= 0 ? ` and nullif(trim(c${also}), '') is not null` : ""}`;
    if (when.length) checks.push({ reason: `column ${JSON.stringify(header[j])}: ${refuse.reason}`, condition, value: `c${j}` });
  }
  const fill = source.fillDown.flatMap((name) => {
    const mapped = columns.find((c) => c.name === name)?.shown;
    if (mapped && /^c\d+$/.test(mapped)) return [Number(mapped.slice(1))];
    const j = columnOf(header, name);
    return j === -1 ? [] : [j];
  });
  const without = source.dropRowsWithout.flatMap((label) => {
    const j = columnOf(header, label);
    return j === -1 ? [] : [`nullif(trim(c${j}), '') is null`];
  });
  return { columns, checks, problems, labels, keep: keepSql(source, header, [...zeroAmounts, ...otherSign, ...without]), fill };
}

/**
 * Rows kept: not blank, not matched by a dropRows pattern on their first non-empty cell, not
 * holding a dropRowsWhere value in a column the header has, and not matched by one of `dropped`
 * (SQL conditions: a zero amount, an amount of the other sign, an empty dropRowsWithout column).
 */
function keepSql(source: SourceConfig, header: string[], dropped: string[]): string {
  const cells = header.map((_, i) => `nullif(trim(c${i}), '')`);
  const first = `coalesce(${cells.join(", ")})`;
  const drops = [...source.dropRows.map((p) => `regexp_matches(${first}, ${literal(p)})`), ...dropped];
  for (const [label, values] of Object.entries(source.dropRowsWhere)) {
    const i = columnOf(header, label);
    if (i !== -1) drops.push(`lower(trim(c${i})) in (${values.map((v) => literal(v.trim().toLowerCase())).join(", ")})`);
  }
  return `(${first} is not null${drops.length ? ` and not coalesce(${drops.join(" or ")}, false)` : ""})`;
}

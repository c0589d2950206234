import type { Warehouse } from "../../core/warehouse.ts";
import { ident } from "../../core/warehouse.ts";

export type ParamScalar = string | number | boolean | null;

/**
 * A build parameter: a plain value (its SQL type inferred: text VARCHAR, whole number INTEGER or
 * BIGINT, boolean BOOLEAN, a list of those a list type) or a value with its SQL type spelled out,
 * which a fractional number needs, so that no setting passes through a float: `{ type:
 * "DECIMAL(9,4)", value: "0.9" }`.
 */
export type ParamValue = ParamScalar | ParamScalar[] | { type: string; value: ParamScalar | ParamScalar[] };

/** A small table of settings, e.g. one rate per bucket, written to meta.build_<name>. */
export interface ParamTable {
  /** column name → SQL type, in order */
  columns: Record<string, string>;
  rows: Record<string, ParamScalar>[];
}

const NAME = /^[a-z_][a-z0-9_]*$/;
// Types come from the calling code, never from a user, but they are spliced into SQL: keep them plain.
const TYPE = /^[A-Za-z][A-Za-z0-9_]*(\(\d+(,\s*\d+)?\))?(\[\])?$/;

function checkName(name: string, what: string): void {
  if (!NAME.test(name)) throw new Error(`${what} ${JSON.stringify(name)}: a name must be lowercase letters, digits and underscores`);
}

function checkType(type: string, what: string): string {
  if (!TYPE.test(type)) throw new Error(`${what}: ${JSON.stringify(type)} is not a plain SQL type`);
  return type;
}

function scalarType(value: ParamScalar, name: string): string {
  if (typeof value === "string") return "VARCHAR";
  if (typeof value === "boolean") return "BOOLEAN";
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new Error(`build parameter ${name} = ${value}: a fractional number needs its type, e.g. { type: "DECIMAL(9,4)", value: "${value}" }`);
    return Math.abs(value) <= 2 ** 31 - 1 ? "INTEGER" : "BIGINT";
  }
  throw new Error(`build parameter ${name} is null: give its type, e.g. { type: "VARCHAR", value: null }`);
}

function typed(name: string, param: ParamValue): { type: string; value: ParamScalar | ParamScalar[] } {
  if (param !== null && typeof param === "object" && !Array.isArray(param)) {
    return { type: checkType(param.type, `build parameter ${name}`), value: param.value };
  }
  if (Array.isArray(param)) {
    const first = param.find((v) => v !== null);
    return { type: `${first === undefined ? "VARCHAR" : scalarType(first, name)}[]`, value: param };
  }
  return { type: scalarType(param, name), value: param };
}

/** A value bound as text and cast in SQL: lists travel as JSON, so any element type works. */
function bound(type: string, value: ParamScalar | ParamScalar[]): { expr: (i: number) => string; param: string | null } {
  if (value === null) return { expr: (i) => `$${i}::VARCHAR::${type}`, param: null };
  if (Array.isArray(value)) return { expr: (i) => `$${i}::JSON::${type}`, param: JSON.stringify(value) };
  return { expr: (i) => `$${i}::VARCHAR::${type}`, param: String(value) };
}

/**
 * Writes the build's parameters as one row of meta.build_params (as_of_date, built_at, then the
 * parameters in the order given) and each parameter table as meta.build_<name>. Models read
 * them as values, so nothing a user configured is ever spliced into SQL.
 */
export async function writeBuildParams(
  wh: Warehouse,
  asOf: string,
  builtAt: Date,
  params: Record<string, ParamValue>,
  tables: Record<string, ParamTable>,
): Promise<void> {
  const all: [string, { type: string; value: ParamScalar | ParamScalar[] }][] = [
    ["as_of_date", { type: "DATE", value: asOf }],
    ["built_at", { type: "TIMESTAMPTZ", value: builtAt.toISOString() }],
  ];
  for (const [name, param] of Object.entries(params)) {
    checkName(name, "build parameter");
    if (name === "as_of_date" || name === "built_at") throw new Error(`build parameter ${name} is set by the runner itself`);
    all.push([name, typed(name, param)]);
  }
  const values = all.map(([, p]) => bound(p.type, p.value));
  await wh.run(`create or replace table meta.build_params (${all.map(([n, p]) => `${ident(n)} ${p.type}`).join(", ")})`);
  await wh.run(
    `insert into meta.build_params values (${values.map((v, i) => v.expr(i + 1)).join(", ")})`,
    values.map((v) => v.param),
  );
  for (const [name, table] of Object.entries(tables)) {
    checkName(name, "build parameter table");
    const columns = Object.entries(table.columns);
    if (columns.length === 0) throw new Error(`build parameter table ${name} has no columns`);
    for (const [column, type] of columns) {
      checkName(column, `column of build parameter table ${name}:`);
      checkType(type, `column ${column} of build parameter table ${name}`);
    }
    const target = `meta.${ident(`build_${name}`)}`;
    await wh.run(`create or replace table ${target} (${columns.map(([c, t]) => `${ident(c)} ${t}`).join(", ")})`);
    if (table.rows.length === 0) continue;
    // One statement for all rows, every value bound as a parameter.
    const placeholders = table.rows.map(
      (_, r) => `(${columns.map(([, t], c) => `$${r * columns.length + c + 1}::VARCHAR::${t}`).join(", ")})`,
    );
    const flat = table.rows.flatMap((row) => columns.map(([c]) => (row[c] === null || row[c] === undefined ? null : String(row[c]))));
    await wh.run(`insert into ${target} values ${placeholders.join(", ")}`, flat);
  }
}

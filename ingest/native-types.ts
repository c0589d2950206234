import type { SourceColumn } from "./read.ts";
import type { ColumnSpec } from "./specs.ts";

/**
 * How a column stored in its own type (Parquet) becomes the text validation reads: exactly, or
 * not at all. `problem` rejects the whole column (a STRUCT, a DOUBLE id, a zoned timestamp);
 * `checks` reject single values (a DOUBLE amount not exact to the cent, a timestamp with a time).
 */
export interface NativeText {
  text: string;
  /** The text is an ISO date written from the file's own DATE or TIMESTAMP type. */
  isoDate?: boolean;
  problem?: string;
  checks: { reason: string; condition: string }[];
}

const INTEGER = /^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/;
const NESTED = /^(STRUCT|MAP|UNION)\(|\[\d*\]$/;
const SCALE = /^DECIMAL\(\d+,(\d+)\)$/;

/** Significant digits a binary float holds exactly: any decimal with this many round-trips. */
const EXACT_DIGITS: Record<string, number> = { DOUBLE: 15, FLOAT: 6 };

function what(spec: ColumnSpec): string {
  switch (spec.kind) {
    case "amount":
      return "an amount (DECIMAL, an integer or text)";
    case "rate":
      return "a rate (DECIMAL, DOUBLE, an integer or text)";
    case "days":
      return "a whole number of days (an integer or text)";
    case "date":
      return "a date (DATE or text)";
    default:
      return "text (or an integer)";
  }
}

/** A decimal's text without the zeros that end its fraction: 25400.000000 → 25400, 0.0000393000 → 0.0000393. */
const withoutTrailingZeros = (text: string) => `regexp_replace(${text}, '\\.?0+$', '')`;

/**
 * A DOUBLE or FLOAT rate as written: DuckDB writes the shortest text that reads back the same
 * value (25400.0, 3.93e-05), and one in exponent form is spelt out exactly through a DECIMAL
 * (3.93e-05 → 0.0000393). A rate too small or too large for that keeps its exponent form, and is
 * refused as no rate. The digits a float holds exactly bound the significant ones, as for amounts.
 */
function floatRate(sql: string, type: string, digits: number): NativeText {
  const text = `${sql}::varchar`;
  const spelt = `nullif(${withoutTrailingZeros(`try_cast(${text} as DECIMAL(38,18))::varchar`)}, '0')`;
  const mantissa = `regexp_replace(regexp_replace(${text}, '[eE].*$', ''), '\\.0$', '')`;
  const significant = `length(ltrim(regexp_replace(${mantissa}, '[^0-9]', '', 'g'), '0'))`;
  return {
    text: `case when ${text} ilike '%e%' then coalesce(${spelt}, ${text}) else ${text} end`,
    checks: [
      {
        reason: `a ${type} rate with more than ${digits} significant digits, which ${type} cannot hold exactly: write rates as DECIMAL`,
        condition: `${significant} > ${digits}`,
      },
    ],
  };
}

/** The text of a native column for a spec column; VARCHAR is read as is. */
export function nativeText(column: SourceColumn, spec: ColumnSpec): NativeText {
  const { sql, type } = column;
  const asText = { text: `${sql}::varchar`, checks: [] };
  if (type === "VARCHAR") return { text: sql, isoDate: column.isoDate, checks: [] };
  const refused = { text: "null::varchar", checks: [], problem: `stored as ${type}, which cannot hold ${what(spec)} exactly` };
  if (NESTED.test(type)) return { ...refused, problem: `a nested ${type} column: each value must be ${what(spec)}, not a structure` };
  const scale = SCALE.exec(type);
  switch (spec.kind) {
    case "amount": {
      if (INTEGER.test(type)) return asText;
      // DECIMAL(18,4) 1.2300 is 1.23 exactly; a non-zero third decimal stays and is an error.
      if (scale) return { text: `regexp_replace(${sql}::varchar, '(\\.[0-9]{2})0+$', '\\1')`, checks: [] };
      const digits = EXACT_DIGITS[type];
      if (digits === undefined) return refused;
      const significant = `length(ltrim(regexp_replace(regexp_replace(${sql}::varchar, '\\.0$', ''), '[^0-9]', '', 'g'), '0'))`;
      return {
        text: `${sql}::varchar`,
        checks: [
          {
            reason: `a ${type} amount with more than ${digits} significant digits, which ${type} cannot hold exactly to the cent: write amounts as DECIMAL`,
            condition: `(${sql}::varchar not ilike '%e%' and ${significant} > ${digits})`,
          },
        ],
      };
    }
    case "rate": {
      if (INTEGER.test(type) || scale?.[1] === "0") return asText;
      // DECIMAL(38,18) 25400.500000000000000000 is 25400.5 exactly; a 13th non-zero decimal stays and is an error.
      if (scale) return { text: withoutTrailingZeros(`${sql}::varchar`), checks: [] };
      const digits = EXACT_DIGITS[type];
      return digits === undefined ? refused : floatRate(sql, type, digits);
    }
    case "days":
      return INTEGER.test(type) || scale?.[1] === "0" ? asText : refused;
    case "date": {
      if (type === "DATE") return { text: `strftime(${sql}, '%Y-%m-%d')`, isoDate: true, checks: [] };
      if (/^TIMESTAMP(_NS|_MS|_S)?$/.test(type)) {
        const ts = `${sql}::TIMESTAMP`;
        return {
          text: `case when ${ts} = date_trunc('day', ${ts}) then strftime(${ts}, '%Y-%m-%d') else ${ts}::varchar end`,
          isoDate: true,
          checks: [{ reason: "a timestamp with a time of day where a date is expected", condition: `${ts} <> date_trunc('day', ${ts})` }],
        };
      }
      if (type.startsWith("TIMESTAMP")) {
        return { ...refused, problem: `stored as ${type}: the day a zoned timestamp falls on depends on the time zone; write dates as DATE` };
      }
      return refused;
    }
    default:
      return INTEGER.test(type) || scale?.[1] === "0" || type === "UUID" ? asText : refused;
  }
}

import { literal } from "../../core/warehouse.ts";
import type { SourceConfig } from "../../core/sources-config.ts";

/**
 * SQL that turns an ERP's way of writing a value into the canonical text the extract contract
 * reads, set-based over a column of text. Each returns null when the value cannot be read in the
 * source's style; the caller reports those as mapping errors with the value as written, so that
 * nothing is guessed (an impossible date, "1.5" in a file with dot thousands).
 */

/** Currency signs and codes an amount may carry; removed before the number is read. */
const CURRENCY = "(?i)^(VNĐ|VND|THB|USD|EUR|บาท|đồng|₫|đ|฿|\\$|€|£|¥)\\s*|\\s*(VNĐ|VND|THB|USD|EUR|บาท|đồng|₫|đ|฿|\\$|€|£|¥)$";

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * An amount: "1,234.56", "1.234,56", "1.234.567" (VND), "(1,234.56)", "1,234.56-", "-1234",
 * "฿1,234", "1.234.567 ₫". Thousands separators must group by three, so "1.5" in a file whose
 * thousands separator is a dot is an error, not 15. The result is canonical: -1234.56.
 */
export function amountSql(x: string, numbers: SourceConfig["numbers"]): string {
  const { decimal, thousands } = numbers;
  const absolute = numbers.absolute ? "true" : "false";
  const d = escapeRegex(decimal);
  const t = escapeRegex(thousands);
  const grouped = thousands ? `[0-9]{1,3}(${t}[0-9]{3})+(${d}[0-9]+)?|` : "";
  const shape = `${grouped}[0-9]+(${d}[0-9]+)?`;
  // Odoo prefixes a text starting with - or + with ' against formula injection.
  const bare = `trim(regexp_replace(regexp_replace(${x}, '^''([-+])', '\\1'), ${literal(CURRENCY)}, '', 'g'))`;
  const inParens = `regexp_full_match(_b, '\\(.*\\)')`;
  const unwrapped = `case when ${inParens} then trim(substr(_b, 2, length(_b) - 2)) else _b end`;
  const negative = `(${inParens} or _u like '-%' or _u like '%-')`;
  const digits = `trim(regexp_replace(_u, '^[-+]|-$', ''))`;
  const canonical = `${thousands ? `replace(_g, ${literal(thousands)}, '')` : "_g"}`;
  const withDot = decimal === "." ? canonical : `replace(${canonical}, ',', '.')`;
  // The slow path, for a sign, brackets or a currency: nested lambdas over one value, so that each step is computed once.
  const general = `(list_transform([${bare}], lambda _b: list_transform([${unwrapped}], lambda _u: list_transform([${digits}], lambda _g:
            case when regexp_full_match(_g, ${literal(shape)}) and not (${inParens} and (_u like '-%' or _u like '%-'))
                   and not (_u like '-%' and _u like '%-')
                 then case when ${negative} and not ${absolute} then '-' else '' end || ${withDot} end)[1])[1])[1])`;
  // Most amounts are plain digits and separators: one regular expression and a replace (2M values: 2.2 s → well under 1 s).
  const plain = withDot.replaceAll("_g", `(${x})`);
  return `(case when regexp_full_match(${x}, ${literal(shape)}) then ${plain} else ${general} end)`;
}

/**
 * An exchange rate in the source's number style ("25.400,50", "0,0000393"): read as an amount is,
 * so that the thousands and decimal separators are the source's, but never without its sign (a
 * negative rate is refused as one, not loaded as positive). The result is canonical: 25400.50.
 */
export function rateSql(x: string, numbers: SourceConfig["numbers"]): string {
  return amountSql(x, { ...numbers, absolute: false });
}

/**
 * A date: parsed with the source's formats (tried in order), Buddhist-era years turned into
 * Common Era ones first (2567 → 2024, so that 29/02/2567 is the real 29 February 2024), or an
 * Excel serial day number when configured. Written as ISO YYYY-MM-DD.
 */
export function dateSql(x: string, dates: SourceConfig["dates"], workbook = false): string {
  const formats = (typeof dates.format === "string" ? [dates.format] : dates.format).map(literal).join(", ");
  let text = x;
  if (dates.buddhistEra) {
    // The year is the first run of four digits; it must be a Buddhist-era one (2400 BE = 1857 CE).
    const year = `regexp_extract(${x}, '[0-9]{4}')`;
    const general = `(list_transform([${year}], lambda _y: case when _y <> '' and _y::INTEGER >= 2400
              then left(${x}, strpos(${x}, _y) - 1) || (_y::INTEGER - 543)::VARCHAR || substr(${x}, strpos(${x}, _y) + 4) end)[1])`;
    // dd/mm/yyyy and its kin end with the year: a cheaper way to the same text when a value no
    // longer than a date ends with a Buddhist-era year (2M dates: 2.8 s → about 1 s). A value
    // that also starts with four digits is no such date: it takes the general way, and fails.
    const tail = `try_cast(right(${x}, 4) as INTEGER)`;
    const fast = `length(${x}) <= 10 and ${tail} >= 2400 and try_cast(left(${x}, 4) as INTEGER) is null`;
    text = `(case when ${fast} then left(${x}, length(${x}) - 4) || (${tail} - 543)::VARCHAR else ${general} end)`;
  }
  let parsed = `strftime(try_strptime(${text}, [${formats}]), '%Y-%m-%d')`;
  // A workbook's date cells are written YYYY-MM-DD, always Common Era (a Thai workbook only
  // displays Buddhist years): read as they are, whatever the source's formats for typed dates.
  if (workbook) parsed = `case when regexp_full_match(${x}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') then strftime(try_strptime(${x}, '%Y-%m-%d'), '%Y-%m-%d') else ${parsed} end`;
  if (!dates.excelSerial) return parsed;
  // Excel's 1900 system counts 1900-02-29, which never was: serial 60 is no date; from 61 on, day 0 is 1899-12-30.
  const serial = `try_cast(regexp_replace(${x}, '\\.0+$', '') as INTEGER)`;
  const fromSerial =
    dates.excelSerial === "1904"
      ? `strftime(DATE '1904-01-01' + ${serial}, '%Y-%m-%d')`
      : `case when ${serial} between 1 and 59 then strftime(DATE '1899-12-31' + ${serial}, '%Y-%m-%d')
              when ${serial} >= 61 then strftime(DATE '1899-12-30' + ${serial}, '%Y-%m-%d') end`;
  return `case when regexp_full_match(${x}, '[0-9]{1,6}(\\.0+)?') then ${fromSerial} else ${parsed} end`;
}

/** The source's words for a value (compared trimmed, case-insensitively) → the canonical value; others unchanged. */
export function valueMapSql(x: string, map: Record<string, string> | undefined): string {
  const entries = Object.entries(map ?? {});
  if (entries.length === 0) return x;
  const whens = entries.map(([from, to]) => `when ${literal(from.normalize("NFC").trim().toLowerCase())} then ${literal(to)}`).join(" ");
  // The word as the map writes it first (no lower() or trim() of every value), then any case and spacing.
  const exact = entries.map(([from, to]) => `when ${literal(from.normalize("NFC"))} then ${literal(to)}`).join(" ");
  return `case ${x} ${exact} else case lower(trim(${x})) ${whens} else ${x} end end`;
}

/** A source's description of its number style, for messages: thousands "." and decimal ",". */
export function numberStyle(numbers: SourceConfig["numbers"]): string {
  const name = (s: string) => (s === "" ? "none" : s === " " ? "space" : JSON.stringify(s));
  return `thousands ${name(numbers.thousands)}, decimal ${name(numbers.decimal)}`;
}

import { readFileSync } from "node:fs";
import type { Warehouse } from "../core/warehouse.ts";
import { ident, literal } from "../core/warehouse.ts";
import { normaliseHeader } from "./header.ts";
import type { OpenedExtract, ReaderCheck, SourceColumn } from "./read.ts";

/** json_type's names for numbers; compared with `=`, as DuckDB plans an IN list here as a join. */
const isNumber = (type: string) => `(${type} = 'BIGINT' or ${type} = 'UBIGINT' or ${type} = 'DOUBLE' or ${type} = 'HUGEINT')`;

/** A key usable in a JSON path and a regular expression; others (quotes, backslashes) name no column. */
function plainKey(key: string): boolean {
  return !/["\\\u0000-\u001f]/.test(key);
}

function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A group's value as written: a string unquoted, a number as its literal text. DuckDB's JSON
 * functions turn numbers into doubles (90071992547409.93 comes back .94, 1.10 as 1.1), so a
 * number's text is taken from the line itself, where its key appears exactly once. `types` and
 * `strings` hold json_type and json_extract_string of every key, one parse of the line for all.
 */
function valueOf(spellings: { key: string; index: number }[]): { text: string; type: string; numbers: string } {
  const pick = (list: string) => {
    const parts = spellings.map((s) => `${list}[${s.index}]`);
    return parts.length === 1 ? parts[0]! : `coalesce(${parts.join(", ")})`;
  };
  const type = pick("types");
  const pattern = literal(`"(?:${spellings.map((s) => regexEscape(s.key)).join("|")})"\\s*:\\s*(-?[0-9][-+.eE0-9]*)`);
  const numbers = `regexp_extract_all(j, ${pattern}, 1)`;
  return { text: pick("strings"), type, numbers };
}

/** Lines of the file that are not UTF-8, found on the error path only (the scan stops at the first). */
function invalidUtf8Lines(path: string): number[] {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const bytes = readFileSync(path);
  const bad: number[] = [];
  let start = 0;
  let line = 1;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        bad.push(line);
      }
      start = i + 1;
      line++;
    }
  }
  return bad;
}

/**
 * Opens a JSON Lines file with every value exactly as written, numbered by its real line: the
 * file is split into lines by DuckDB's CSV reader, in parallel, with a delimiter valid JSON never
 * holds (U+0001 must be escaped in a JSON string); it keeps a blank line as a NULL row, so line
 * numbers stay true, and drops a BOM and CRLF. The keys of all lines are the columns; a line naming one twice (amount and
 * Amount), a nested value, true/false, or a line that is not one JSON object is an error.
 */
export async function openJsonLines(wh: Warehouse, path: string, n: number): Promise<OpenedExtract> {
  const lines = `_jsonl_${n}`;
  const base = { checks: [] as ReaderCheck[], position: "line" as const };
  try {
    await wh.run(
      `create or replace temp table ${lines} as
       select _line, line, _valid, case when _valid then json_type(line) = 'OBJECT' else false end as _object
         from (select _line, line, json_valid(line) as _valid
                 from (select row_number() over () as _line, raw as line
                         from read_csv(${literal(path)}, auto_detect = false, header = false, columns = {'raw': 'VARCHAR'},
                                       delim = chr(1), quote = '', escape = '', strict_mode = false))
                -- DuckDB's trim() reads the whole string; a blank-line pattern stops at the first other character.
                where not regexp_full_match(line, '[ \t]*'))`,
    );
  } catch (e) {
    const bad = invalidUtf8Lines(path);
    if (bad.length === 0) throw e;
    return { ...base, source: "", columns: [], problems: [{ reason: "not valid UTF-8: save the extract as UTF-8", line: bad[0], count: bad.length }] };
  }
  const keys = (
    await wh.all<{ k: string }>(
      `select k from (select unnest(keys) as k, generate_subscripts(keys, 1) as i, _line
                         from (select json_keys(line) as keys, _line from ${lines} where _object))
         group by k order by min(_line), min(i), k`,
    )
  ).map((r) => r.k);

  const plain = keys.filter(plainKey);
  const groups = new Map<string, { key: string; index: number }[]>();
  plain.forEach((key, i) => {
    const name = normaliseHeader(key);
    groups.set(name, [...(groups.get(name) ?? []), { key, index: i + 1 }]);
  });
  const paths = `[${plain.map((k) => literal(`$."${k}"`)).join(", ")}]`;
  const columns: SourceColumn[] = [];
  const select: string[] = [];
  const checks: ReaderCheck[] = [
    { reason: "not valid JSON (a truncated line?)", condition: "not _valid", value: "line" },
    { reason: "not a JSON object: each line must be one {...} object", condition: "_valid and not _object", value: "line" },
  ];
  // A column named twice in one line: a key written twice, or two spellings of one column (amount,
  // Amount) both present. The spellings are known from the whole file, so no key is normalised per row.
  const twice = [...groups.values()]
    .filter((spellings) => spellings.length > 1)
    .map((spellings) => `(${spellings.map((x) => `(types[${x.index}] is not null)::int`).join(" + ")}) > 1`);
  checks.push({
    reason: "the object names a column twice (such as amount and Amount)",
    condition: ["len(json_keys(j)) > len(list_distinct(json_keys(j)))", ...twice].join(" or "),
    value: "array_to_string(json_keys(j), ', ')",
  });
  const numbers: string[] = [];
  [...groups.values()].forEach((spellings, i) => {
    const value = valueOf(spellings);
    const [v, t, nums] = [`v${i}`, `t${i}`, `n${i}`];
    // The line is searched for the number's text only when the value is a number.
    numbers.push(`case when ${isNumber(value.type)} then ${value.numbers} end as ${nums}`);
    select.push(`case when ${t} = 'NULL' then null when ${isNumber(t)} then (case when len(${nums}) = 1 then ${nums}[1] end) else ${value.text} end as ${v}`);
    select.push(`${t}, len(${nums}) <> 1 as ${t}_inexact, array_to_string(${nums}, ', ') as ${nums}_text`);
    numbers.push(`${value.type} as ${t}`);
    const column = spellings[0]!.key;
    columns.push({ name: column, sql: v, type: "VARCHAR" });
    checks.push(
      { column, reason: "a JSON object or array where one value is expected", condition: `${t} in ('OBJECT', 'ARRAY')`, value: v },
      { column, reason: "true or false where a text or a number is expected", condition: `${t} = 'BOOLEAN'`, value: v },
      { column, reason: "a number that cannot be read exactly as written (its key appears more than once in the line)", condition: `${t}_inexact`, value: `${nums}_text` },
    );
  });
  const parsed = plain.length ? `, json_type(j, ${paths}) as types, json_extract_string(j, ${paths}) as strings` : "";
  const source = `(select _line as _row, line, j, _valid, _object${plain.length ? ", types" : ""}${select.map((x) => `, ${x}`).join("")}
     from (select *${numbers.map((x) => `, ${x}`).join("")}
             from (select *${parsed} from (select *, case when _object then line else '{}' end as j from ${ident(lines)}))))`;
  return { ...base, source, columns, problems: [], checks, scratch: [lines] };
}

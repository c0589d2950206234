import { readFileSync } from "node:fs";
import type { Warehouse } from "../core/warehouse.ts";
import { ident, literal } from "../core/warehouse.ts";
import { normaliseHeader, normaliseHeaderSql } from "./header.ts";
import type { OpenedExtract, ReaderCheck, SourceColumn } from "./read.ts";

const NOT_NUMBERS = "('VARCHAR', 'NULL', 'BOOLEAN', 'ARRAY', 'OBJECT')";

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

/** Lines of the file that are not UTF-8, found on the error path only (read_text names none). */
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
 * file is split into lines in DuckDB (a BOM, CRLF and blank lines cost no line number), each
 * line parsed once. The keys of all lines are the columns; a line naming one twice (amount and
 * Amount), a nested value, true/false, or a line that is not one JSON object is an error.
 */
export async function openJsonLines(wh: Warehouse, path: string, n: number): Promise<OpenedExtract> {
  const lines = `_jsonl_${n}`;
  const base = { checks: [] as ReaderCheck[], position: "line" as const };
  try {
    await wh.run(
      `create or replace temp table ${lines} as
       select *, case when _object then line else '{}' end as j
         from (select _line, line, _valid, case when _valid then json_type(line) = 'OBJECT' else false end as _object
         from (select _line, line, json_valid(line) as _valid
                 from (select _line, rtrim(ltrim(raw, chr(65279)), chr(13)) as line
                         from (select generate_subscripts(ls, 1) as _line, unnest(ls) as raw
                                 from (select string_split(content, chr(10)) as ls from read_text(${literal(path)}))))
                where trim(line, ' ' || chr(9)) <> ''))`,
    );
  } catch (e) {
    const bad = invalidUtf8Lines(path);
    if (bad.length === 0) throw e;
    return { ...base, source: "", columns: [], problems: [{ reason: "not valid UTF-8: save the extract as UTF-8", line: bad[0], count: bad.length }] };
  }
  const keys = (
    await wh.all<{ k: string }>(
      `select k from (select unnest(keys) as k, generate_subscripts(keys, 1) as i, _line
                         from (select json_keys(j) as keys, _line from ${lines} where _object))
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
    {
      reason: "the object names a column twice (such as amount and Amount)",
      condition: `len(json_keys(j)) > len(list_distinct(list_transform(json_keys(j), k -> ${normaliseHeaderSql("k")})))`,
      value: "array_to_string(json_keys(j), ', ')",
    },
  ];
  const numbers: string[] = [];
  [...groups.values()].forEach((spellings, i) => {
    const value = valueOf(spellings);
    const [v, t, nums] = [`v${i}`, `t${i}`, `n${i}`];
    // The line is searched for the number's text only when the value is a number.
    numbers.push(`case when ${value.type} not in ${NOT_NUMBERS} then ${value.numbers} end as ${nums}`);
    select.push(`case when ${t} = 'NULL' then null when ${t} not in ${NOT_NUMBERS} then (case when len(${nums}) = 1 then ${nums}[1] end) else ${value.text} end as ${v}`);
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
  const source = `(select _line as _row, line, j, _valid, _object${select.map((x) => `, ${x}`).join("")}
     from (select *${numbers.map((x) => `, ${x}`).join("")}
             from (select *${parsed} from ${ident(lines)})))`;
  return { ...base, source, columns, problems: [], checks, scratch: [lines] };
}

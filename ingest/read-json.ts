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
 * Every JSON function reads `j`, which is '{}' on a line that is not an object: DuckDB hoists a
 * repeated expression out of a CASE, so a guard alone would not keep a malformed line from them.
 *
 * A key's value as written: a string unquoted, a number as its literal text. DuckDB's JSON
 * functions turn numbers into doubles (90071992547409.93 comes back .94, 1.10 as 1.1), so a
 * number's text is taken from the line itself, where its key appears exactly once.
 */
function valueOf(key: string): { text: string; type: string; inexact: string; numbers: string } {
  const path = literal(`$."${key}"`);
  const type = `json_type(j, ${path})`;
  const pattern = literal(`"${regexEscape(key)}"\\s*:\\s*(-?[0-9][-+.eE0-9]*)`);
  const literalText = `case when len(regexp_extract_all(j, ${pattern}, 1)) = 1 then regexp_extract(j, ${pattern}, 1) end`;
  const text = `case when ${type} = 'VARCHAR' then json_extract_string(j, ${path})
       when ${type} = 'NULL' then null
       when ${type} not in ${NOT_NUMBERS} then ${literalText}
       else json_extract(j, ${path})::varchar end`;
  const numbers = `array_to_string(regexp_extract_all(j, ${pattern}, 1), ', ')`;
  return { text, type, inexact: `(${type} not in ${NOT_NUMBERS} and (${literalText}) is null)`, numbers };
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

  const groups = new Map<string, string[]>();
  for (const key of keys.filter(plainKey)) {
    const name = normaliseHeader(key);
    groups.set(name, [...(groups.get(name) ?? []), key]);
  }
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
  [...groups.values()].forEach((spellings, i) => {
    const values = spellings.map(valueOf);
    const [v, t] = [`v${i}`, `t${i}`];
    const coalesce = (parts: string[]) => (parts.length === 1 ? parts[0]! : `coalesce(${parts.join(", ")})`);
    select.push(`case when _object then ${coalesce(values.map((x) => x.text))} end as ${v}`);
    select.push(`case when _object then ${coalesce(values.map((x) => x.type))} end as ${t}`);
    select.push(`case when _object then ${values.map((x) => x.inexact).join(" or ")} end as ${t}_inexact`);
    const column = spellings[0]!;
    columns.push({ name: column, sql: v, type: "VARCHAR" });
    checks.push(
      { column, reason: "a JSON object or array where one value is expected", condition: `${t} in ('OBJECT', 'ARRAY')`, value: v },
      { column, reason: "true or false where a text or a number is expected", condition: `${t} = 'BOOLEAN'`, value: v },
      { column, reason: "a number that cannot be read exactly as written (its key appears more than once in the line)", condition: `${t}_inexact`, value: values[0]!.numbers },
    );
  });
  const source = `(select _line as _row, line, j, _valid, _object${select.map((s) => `, ${s}`).join("")} from ${ident(lines)})`;
  return { ...base, source, columns, problems: [], checks, scratch: [lines] };
}

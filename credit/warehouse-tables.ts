// The credit check's tables in the warehouse (schema `credit`), read by the marts views
// marts.fct_credit_checks and marts.rpt_credit_holds. The check itself never opens the
// warehouse: each build copies the log in (credit.checks) and records the holds of the standing
// it has just published (credit.holds). Money is DECIMAL(38,2); instants are TIMESTAMPTZ.
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readSync, rmSync, truncateSync, fstatSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../core/log.ts";
import { ident, literal, type Warehouse } from "../core/warehouse.ts";
import type { HoldRow } from "./service.ts";

export const CREDIT_SCHEMA_SQL = `
create schema if not exists credit;

-- One row per check of the credit log, an override given later folded onto its check.
create table if not exists credit.checks (
    check_id varchar not null,
    checked_at timestamptz not null,
    source varchar,                       -- cli or api
    customer_id varchar not null,
    customer_name varchar,
    customer_status varchar,              -- active or blocked, in the build the answer rests on
    order_id varchar,
    currency varchar,
    amount decimal(38, 2) not null,
    decision varchar not null,            -- approve, warn, hold or block
    may_proceed boolean not null,         -- approve or warn, or an overridden hold (or allowed block)
    reason_codes varchar,                 -- the reasons' codes, space-separated
    reasons varchar,                      -- the reasons' sentences, joined with '; '
    reasons_json json,                    -- [{code, level, message}] as the answer gave them
    outstanding decimal(38, 2),
    open_orders decimal(38, 2),
    pending_approvals decimal(38, 2),
    this_order decimal(38, 2),
    total_after decimal(38, 2),
    credit_limit decimal(38, 2),
    available_credit_after decimal(38, 2),
    utilisation_after decimal(38, 4),
    overdue_amount decimal(38, 2),
    max_days_past_due integer,
    behaviour_class varchar,
    data_as_of_date date,
    data_built_at timestamptz,
    data_last_ingest_at timestamptz,
    is_data_stale boolean,
    reserved_until timestamptz,
    reserved_amount decimal(38, 2),       -- what was reserved: the amount, or for an order already in the build its increase
    order_known boolean,                  -- the order was in the build already (its amount replaced the order's unbilled amount)
    overridden_by varchar,
    override_reason varchar,
    overridden_at timestamptz,
    override_up_to_amount decimal(38, 2),
    override_until timestamptz,
    override_from_check_id varchar        -- set when a standing override given on that check let this one through
);

-- The customers on hold or blocked when the last build published its standing.
create table if not exists credit.holds (
    customer_id varchar not null,
    customer_name varchar,
    decision varchar not null,            -- hold or block
    reason_codes varchar,
    reasons varchar,
    credit_limit decimal(38, 2),
    exposure decimal(38, 2),
    pending_approvals decimal(38, 2),
    overdue_amount decimal(38, 2),
    max_days_past_due integer,
    behaviour_class varchar,
    team varchar,
    collector varchar,
    override_until timestamptz,
    as_of_date date not null,
    computed_at timestamptz not null
);
`;

/** The tables' shape; a table of another shape is a copy made by an older arwatch and is made anew. */
const TABLES_VERSION = "arwatch credit tables 2";

/**
 * Creates schema `credit` and its tables if they are not there yet (idempotent). Both tables are
 * copies that each build refills, so a table an older arwatch made in another shape is dropped.
 */
export async function ensureCreditSchema(wh: Warehouse): Promise<void> {
  const old = await wh.all<{ table_name: string }>(
    "select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'credit' and coalesce(comment, '') <> $1",
    [TABLES_VERSION],
  );
  for (const { table_name } of old) await wh.run(`drop table credit.${ident(table_name)}`);
  await wh.run(CREDIT_SCHEMA_SQL);
  for (const table of ["checks", "holds"]) await wh.run(`comment on table credit.${table} is ${literal(TABLES_VERSION)}`);
}

/** Every field a log line may carry (credit/records.ts), read as text and cast below. */
const LOG_COLUMNS: Record<string, string> = {
  type: "VARCHAR",
  check_id: "VARCHAR",
  checked_at: "VARCHAR",
  source: "VARCHAR",
  customer_id: "VARCHAR",
  customer_name: "VARCHAR",
  order_id: "VARCHAR",
  amount: "VARCHAR",
  decision: "VARCHAR",
  may_proceed: "BOOLEAN",
  reasons: "STRUCT(code VARCHAR, level VARCHAR, message VARCHAR)[]",
  exposure: "STRUCT(outstanding VARCHAR, open_orders VARCHAR, pending_approvals VARCHAR, this_order VARCHAR, total_after VARCHAR)",
  credit_limit: "VARCHAR",
  available_credit_after: "VARCHAR",
  utilisation_after: "VARCHAR",
  overdue_amount: "VARCHAR",
  max_days_past_due: "VARCHAR",
  behaviour_class: "VARCHAR",
  customer_status: "VARCHAR",
  currency: "VARCHAR",
  data_as_of: "STRUCT(as_of_date VARCHAR, built_at VARCHAR, last_ingest_at VARCHAR, is_stale BOOLEAN)",
  override: 'STRUCT("by" VARCHAR, reason VARCHAR, "at" VARCHAR, up_to_amount VARCHAR, "until" VARCHAR, from_check_id VARCHAR)',
  reserved_until: "VARCHAR",
  reserved_amount: "VARCHAR",
  order_known: "BOOLEAN",
  // An override record's own fields.
  by: "VARCHAR",
  reason: "VARCHAR",
  at: "VARCHAR",
  up_to_amount: "VARCHAR",
  until: "VARCHAR",
  from_check_id: "VARCHAR",
};

const columnsLiteral = (columns: Record<string, string>) =>
  `{${Object.entries(columns).map(([name, type]) => `${literal(name)}: ${literal(type)}`).join(", ")}}`;

// DuckDB parses text into DECIMAL(18, …) some twenty times faster than into DECIMAL(38, …); the
// wider parse is only tried for the rare amount that does not fit the narrow one.
const money = (sql: string) => `coalesce(try_cast(${sql} as decimal(18, 2)), try_cast(${sql} as decimal(38, 2)))::decimal(38, 2)`;
const ratio = (sql: string) => `coalesce(try_cast(${sql} as decimal(18, 4)), try_cast(${sql} as decimal(38, 4)))::decimal(38, 4)`;
/** As money(), for text that must be an amount: what fits neither is an error, not a null. */
const strictMoney = (sql: string) => `coalesce(try_cast(${sql} as decimal(18, 2)), (${sql})::decimal(38, 2))`;
const instant = (sql: string) => `try_cast(${sql} as timestamptz)`;

export interface LoadedLog {
  checks: number;
  overrides: number;
  /** Lines that are not a record (torn by a crash, or not the log's): skipped, never removed. */
  unreadable: number;
  /** The first few of those lines' numbers (1-based). */
  unreadableLines: number[];
  /** Overrides whose check is not in the log. */
  orphanOverrides: number;
}

/**
 * Replaces credit.checks with the records of the log: only its complete lines (a server may be
 * writing the last one), read set-based by DuckDB from a copy that is removed afterwards. An
 * override given later is folded onto its check. The log itself is never changed.
 */
export async function loadCreditLog(wh: Warehouse, logFile: string, log?: Logger): Promise<LoadedLog> {
  const result: LoadedLog = { checks: 0, overrides: 0, unreadable: 0, unreadableLines: [], orphanOverrides: 0 };
  const dir = mkdtempSync(join(tmpdir(), "arwatch-credit-log-"));
  const copy = join(dir, "credit-log.jsonl");
  try {
    const complete = existsSync(logFile) && completeCopy(logFile, copy);
    await wh.transaction(async () => {
      await wh.run("delete from credit.checks");
      if (!complete) return;
      await wh.run(`create or replace temp table credit_log_records as
        select * from read_json(${literal(copy)}, format = 'newline_delimited', records = true, ignore_errors = true,
                                columns = ${columnsLiteral(LOG_COLUMNS)})`);
      try {
        await wh.run(`insert into credit.checks ${FOLD_SQL}`);
        const [counts] = await wh.all<{ checks: number; overrides: number; unreadable: number; orphans: number }>(`
          with
          valid_checks as (${VALID_CHECKS}),
          valid_overrides as (${VALID_OVERRIDES})
          select
            (select count(*) from credit.checks)::integer as checks,
            (select count(*) from valid_overrides)::integer as overrides,
            ((select count(*) from credit_log_records) - (select count(*) from valid_checks) - (select count(*) from valid_overrides))::integer as unreadable,
            (select count(*) from valid_overrides o where not exists (select 1 from credit.checks c where c.check_id = o.check_id))::integer as orphans`);
        result.checks = counts!.checks;
        result.overrides = counts!.overrides;
        result.unreadable = counts!.unreadable;
        result.orphanOverrides = counts!.orphans;
      } finally {
        await wh.run("drop table if exists temp.main.credit_log_records");
      }
    });
    if (result.unreadable > 0) {
      result.unreadableLines = await unreadableLines(wh, copy);
      const where = result.unreadableLines.length > 0 ? ` (line ${result.unreadableLines.join(", ")}${result.unreadable > result.unreadableLines.length ? ", …" : ""})` : "";
      log?.warn(`${logFile}: ${result.unreadable} line(s) are not credit check records${where} and were skipped; the log was left as it is`);
    }
    if (result.orphanOverrides > 0) log?.warn(`${logFile}: ${result.orphanOverrides} override(s) name a check that is not in the log and were left out`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

// The records that are what they claim: a check with its key fields, an override naming its check.
const VALID_CHECKS = `
  select * from credit_log_records
   where type = 'check' and check_id is not null and customer_id is not null and may_proceed is not null
     and decision in ('approve', 'warn', 'hold', 'block')
     and ${instant("checked_at")} is not null and ${money("amount")} is not null`;
const VALID_OVERRIDES = `
  select * from credit_log_records
   where type = 'override' and check_id is not null and "by" is not null and ${instant('"at"')} is not null`;

/** The checks, one row per check_id, with a later override folded on (its latest, should there be two). */
const FOLD_SQL = `
with
valid_checks as (${VALID_CHECKS}),
valid_overrides as (${VALID_OVERRIDES}),
checks as (
    select * from valid_checks
    qualify row_number() over (partition by check_id order by ${instant("checked_at")}, amount) = 1
),
later_overrides as (
    select check_id, arg_max(valid_overrides, ${instant('"at"')}) as o
    from valid_overrides
    group by check_id
)
select
    checks.check_id,
    ${instant("checks.checked_at")},
    checks.source,
    checks.customer_id,
    checks.customer_name,
    checks.customer_status,
    checks.order_id,
    checks.currency,
    ${money("checks.amount")},
    checks.decision,
    checks.may_proceed or later_overrides.o is not null,
    array_to_string(list_transform(checks.reasons, lambda r: r.code), ' '),
    array_to_string(list_transform(checks.reasons, lambda r: r.message), '; '),
    to_json(coalesce(checks.reasons, [])),
    ${money("checks.exposure.outstanding")},
    ${money("checks.exposure.open_orders")},
    ${money("checks.exposure.pending_approvals")},
    ${money("checks.exposure.this_order")},
    ${money("checks.exposure.total_after")},
    ${money("checks.credit_limit")},
    ${money("checks.available_credit_after")},
    ${ratio("checks.utilisation_after")},
    ${money("checks.overdue_amount")},
    try_cast(checks.max_days_past_due as integer),
    checks.behaviour_class,
    try_cast(checks.data_as_of.as_of_date as date),
    ${instant("checks.data_as_of.built_at")},
    ${instant("checks.data_as_of.last_ingest_at")},
    checks.data_as_of.is_stale,
    ${instant("case when later_overrides.o is not null then later_overrides.o.reserved_until else checks.reserved_until end")},
    -- Records from before reserved_amount existed reserved the whole amount whenever they reserved.
    ${money(`case when later_overrides.o is not null
                  then coalesce(later_overrides.o.reserved_amount, case when later_overrides.o.reserved_until is not null then checks.amount end)
                  else coalesce(checks.reserved_amount, case when checks.reserved_until is not null then checks.amount end) end`)},
    coalesce(checks.order_known, false),
    coalesce(later_overrides.o."by", checks."override"."by"),
    coalesce(later_overrides.o.reason, checks."override".reason),
    ${instant('coalesce(later_overrides.o."at", checks."override"."at")')},
    ${money('coalesce(later_overrides.o.up_to_amount, checks."override".up_to_amount)')},
    ${instant('coalesce(later_overrides.o."until", checks."override"."until")')},
    checks."override".from_check_id,
from checks
left join later_overrides
    on checks.check_id = later_overrides.check_id`;

/**
 * Copies the log's complete lines (up to its last newline) to `copy`; false when there are none.
 * The log only grows, so what lies before a newline never changes, whatever is appended meanwhile.
 */
function completeCopy(logFile: string, copy: string): boolean {
  copyFileSync(logFile, copy);
  const fd = openSync(copy, "r");
  let end: number;
  try {
    end = lastNewline(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
  truncateSync(copy, end + 1);
  return end >= 0;
}

/** The offset of the last "\n" of a file, or -1. */
function lastNewline(fd: number, size: number): number {
  const chunk = Buffer.alloc(64 * 1024);
  for (let stop = size; stop > 0; ) {
    const start = Math.max(0, stop - chunk.length);
    const n = readSync(fd, chunk, 0, stop - start, start);
    const at = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (at >= 0) return start + at;
    stop = start;
  }
  return -1;
}

/** Where the lines that are not records are (the first five): DuckDB numbers the lines of the copy. */
async function unreadableLines(wh: Warehouse, copy: string): Promise<number[]> {
  const rows = await wh.all<{ n: number }>(`
    select n::integer as n from (
      select unnest(range(1, len(lines) + 1)) as n, unnest(lines) as line
      from (select string_split(content, chr(10)) as lines from read_text(${literal(copy)}))
    )
    where trim(line) <> ''
      and (not json_valid(line) or coalesce(json_extract_string(line, '$.type'), '') not in ('check', 'override'))
    order by n
    limit 5`);
  return rows.map((r) => r.n);
}

/** credit.holds' columns as the holds list gives them, and their types in the table. */
const HOLD_COLUMNS: Record<keyof HoldRow, string> = {
  customer_id: "VARCHAR", customer_name: "VARCHAR", decision: "VARCHAR", reason_codes: "VARCHAR", reasons: "VARCHAR",
  credit_limit: "DECIMAL(38,2)", exposure: "DECIMAL(38,2)", pending_approvals: "DECIMAL(38,2)", overdue_amount: "DECIMAL(38,2)",
  max_days_past_due: "INTEGER", behaviour_class: "VARCHAR", team: "VARCHAR", collector: "VARCHAR", override_until: "TIMESTAMPTZ",
};

/**
 * Replaces credit.holds with the holds of the standing just published: the rows are appended as
 * text to a temporary table (DuckDB's appender; 26,000 rows of reasons are megabytes) and cast
 * into credit.holds in one statement (the amounts through DECIMAL(18,2) first: 1.5 s → 0.2 s at
 * 26,000 rows), the delete and the insert one transaction.
 */
export async function writeHolds(wh: Warehouse, rows: readonly HoldRow[], asOfDate: string, computedAt: Date): Promise<void> {
  const names = Object.keys(HOLD_COLUMNS) as (keyof HoldRow)[];
  await wh.run(`create or replace temp table credit_holds_in (${names.map((c) => `${ident(c)} VARCHAR`).join(", ")})`);
  try {
    await wh.appendText("credit_holds_in", rows.map((r) => names.map((c) => (r[c] == null ? null : String(r[c])))));
    await wh.transaction(async () => {
      await wh.run("delete from credit.holds");
      await wh.run(
        `insert into credit.holds
         select ${names.map((c) => (HOLD_COLUMNS[c] === "DECIMAL(38,2)" ? strictMoney(ident(c)) : `${ident(c)}::${HOLD_COLUMNS[c]}`)).join(", ")}, $1::date, $2::timestamptz
           from temp.main.credit_holds_in`,
        [asOfDate, computedAt.toISOString()],
      );
    });
  } finally {
    await wh.run("drop table if exists temp.main.credit_holds_in");
  }
}

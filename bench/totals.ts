import { BUCKET_ORDER } from "./aging-sql.ts";

/** Outstanding per aging bucket (or per month-end), in cents: BigInt so that 10M invoices sum exactly. */
export type BucketTotals = Map<string, bigint>;

/** "-1234.5" / "1234.56" / 1234.56 → cents. Throws on anything else rather than guessing. */
export function toCents(value: unknown): bigint {
  const text = typeof value === "bigint" ? value.toString() : String(value).trim();
  const m = /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) throw new Error(`not a decimal amount: ${JSON.stringify(value)}`);
  if (m[4] !== undefined) {
    // A float in exponent form has already lost exactness; round it to the cent.
    return BigInt(Math.round(Number(text) * 100));
  }
  const frac = (m[3] ?? "").padEnd(2, "0");
  if (/[1-9]/.test(frac.slice(2))) throw new Error(`more than 2 decimals: ${text}`);
  const cents = BigInt(m[2]!) * 100n + BigInt(frac.slice(0, 2));
  return m[1] === "-" ? -cents : cents;
}

export function formatCents(cents: bigint): string {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  const units = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${units}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/** Rows of (bucket or month-end, amount) → totals; a null key is kept under "(null)" so that it shows. */
export function totalsFromRows(rows: readonly (readonly [unknown, unknown])[]): BucketTotals {
  const totals: BucketTotals = new Map();
  for (const [bucket, amount] of rows) {
    const key = bucket === null || bucket === undefined ? "(null)" : String(bucket);
    totals.set(key, (totals.get(key) ?? 0n) + (amount === null || amount === undefined ? 0n : toCents(amount)));
  }
  return totals;
}

export function grandTotal(totals: BucketTotals): bigint {
  let sum = 0n;
  for (const v of totals.values()) sum += v;
  return sum;
}

/** The known buckets in aging order, then anything unexpected an engine produced. */
export function bucketKeys(all: readonly (BucketTotals | undefined)[]): string[] {
  const extra = new Set<string>();
  for (const t of all) for (const k of t?.keys() ?? []) if (!(BUCKET_ORDER as readonly string[]).includes(k)) extra.add(k);
  return [...BUCKET_ORDER, ...[...extra].sort()];
}

export interface Agreement {
  /** True when every engine that produced totals agrees on every bucket; engines that failed are not counted. */
  agree: boolean;
  /** How many engines produced totals; agreement of fewer than two proves nothing. */
  compared: number;
  rows: { bucket: string; values: Record<string, string | null>; agree: boolean }[];
  total: { values: Record<string, string | null>; agree: boolean };
}

/** The same comparison keyed by month-end (the month-end history). */
export interface MonthEndAgreement {
  agree: boolean;
  compared: number;
  rows: { monthEnd: string; values: Record<string, string | null>; agree: boolean }[];
  total: { values: Record<string, string | null>; agree: boolean };
}

/** Compares engines bucket by bucket; a missing bucket counts as 0, since empty buckets have no row. */
export function compareTotals(byEngine: Record<string, BucketTotals | undefined>): Agreement {
  const { rows, ...rest } = compareByKey(byEngine, bucketKeys(Object.values(byEngine)));
  return { ...rest, rows: rows.map(({ key, ...r }) => ({ bucket: key, ...r })) };
}

/**
 * Compares engines month-end by month-end (totals keyed by month_end, YYYY-MM-DD); a month-end
 * one engine lacks counts as 0, so a window that differs shows as a disagreement.
 */
export function compareMonthEnds(byEngine: Record<string, BucketTotals | undefined>): MonthEndAgreement {
  const keys = new Set<string>();
  for (const t of Object.values(byEngine)) for (const k of t?.keys() ?? []) keys.add(k);
  const { rows, ...rest } = compareByKey(byEngine, [...keys].sort());
  return { ...rest, rows: rows.map(({ key, ...r }) => ({ monthEnd: key, ...r })) };
}

/** Outstanding per month-end × bucket, keyed "YYYY-MM-DD|bucket". */
export function monthEndBucketTotals(rows: readonly (readonly [unknown, unknown, unknown])[]): BucketTotals {
  return totalsFromRows(rows.map(([m, b, amount]) => [`${String(m)}|${b === null || b === undefined ? "(null)" : String(b)}`, amount] as const));
}

export interface MonthEndBucketAgreement {
  agree: boolean;
  compared: number;
  /** How many month-end × bucket cells any engine has. */
  cells: number;
  /** Only the cells that disagree. */
  disagreements: { monthEnd: string; bucket: string; values: Record<string, string | null> }[];
}

/** Compares engines month-end × bucket (keys from monthEndBucketTotals); keeps only the disagreements. */
export function compareMonthEndBuckets(byEngine: Record<string, BucketTotals | undefined>): MonthEndBucketAgreement {
  const keys = new Set<string>();
  for (const t of Object.values(byEngine)) for (const k of t?.keys() ?? []) keys.add(k);
  const order = (k: string) => {
    const [m = "", b = ""] = k.split("|");
    const i = (BUCKET_ORDER as readonly string[]).indexOf(b);
    return `${m}|${String(i < 0 ? 99 : i).padStart(2, "0")}|${b}`;
  };
  const sorted = [...keys].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  const { rows, compared, total } = compareByKey(byEngine, sorted);
  const disagreements = rows
    .filter((r) => !r.agree)
    .map(({ key, values }) => {
      const [monthEnd = "", bucket = ""] = key.split("|");
      return { monthEnd, bucket, values };
    });
  return { agree: disagreements.length === 0 && total.agree, compared, cells: rows.length, disagreements };
}

function compareByKey(byEngine: Record<string, BucketTotals | undefined>, keys: string[]) {
  const engines = Object.keys(byEngine);
  const present = engines.filter((e) => byEngine[e] !== undefined);
  const rows = keys.map((key) => {
    const values: Record<string, string | null> = {};
    const seen = new Set<bigint>();
    for (const e of engines) {
      const t = byEngine[e];
      const v = t ? (t.get(key) ?? 0n) : undefined;
      values[e] = v === undefined ? null : formatCents(v);
      if (v !== undefined) seen.add(v);
    }
    return { key, values, agree: seen.size <= 1 };
  });
  const totalValues: Record<string, string | null> = {};
  const seenTotals = new Set<bigint>();
  for (const e of engines) {
    const t = byEngine[e];
    totalValues[e] = t ? formatCents(grandTotal(t)) : null;
    if (t) seenTotals.add(grandTotal(t));
  }
  const totalAgree = seenTotals.size <= 1;
  return {
    agree: totalAgree && rows.every((r) => r.agree),
    compared: present.length,
    rows,
    total: { values: totalValues, agree: totalAgree },
  };
}

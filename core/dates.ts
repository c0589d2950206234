/**
 * Today's date as YYYY-MM-DD: "today" is the user's calendar day, in the given IANA zone (the
 * config's schedule.timezone, so that a manual run and a scheduled one agree on the day), else the
 * machine's.
 */
export function localToday(now: Date = new Date(), timeZone?: string): string {
  if (timeZone) return dateIn(timeZone, now);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The calendar date of an instant in an IANA time zone, as YYYY-MM-DD. */
export function dateIn(timeZone: string, instant: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
}

/** Accepts only a real calendar date written YYYY-MM-DD. */
export function parseIsoDate(value: string, what = "date"): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match) {
    const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d) return value;
  }
  throw new Error(`${what} ${JSON.stringify(value)} is not a real date written YYYY-MM-DD`);
}

/** The years a ledger date may have; the same range ingest accepts. */
export const YEAR_RANGE = { min: 1900, max: 2200 } as const;

/** Thai systems write Buddhist-era years: 2567 BE = 2024 CE. */
export const BUDDHIST_ERA_OFFSET = 543;

/**
 * An as-of date: a real date in the years ingest accepts. A Buddhist-era year gets the same hint
 * ingest gives, with the Gregorian year it probably means.
 */
export function parseAsOfDate(value: string, what = "--as-of"): string {
  const date = parseIsoDate(value, what);
  const year = Number(date.slice(0, 4));
  if (year >= YEAR_RANGE.min && year <= YEAR_RANGE.max) return date;
  const gregorian = year - BUDDHIST_ERA_OFFSET;
  const hint = gregorian >= YEAR_RANGE.min && gregorian <= YEAR_RANGE.max
    ? ` (a Buddhist-era year? ${year} BE = ${gregorian} CE: write ${gregorian}${date.slice(4)})`
    : "";
  throw new Error(`${what} ${JSON.stringify(value)}: the year is out of range ${YEAR_RANGE.min}-${YEAR_RANGE.max}${hint}`);
}

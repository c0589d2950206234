/** Today's date in the machine's time zone, as YYYY-MM-DD: "today" is the user's calendar day. */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
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

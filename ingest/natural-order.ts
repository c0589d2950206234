/**
 * Compares file names the way a person reads them: runs of digits compare as numbers, so
 * `invoices-2024-9.csv` sorts before `invoices-2024-10.csv`. Text runs compare case-insensitively
 * by code point (not by locale, so the order is the same on every machine). Names that are equal
 * in this sense (`-09` and `-9`) fall back to plain code-point order, so the order is total.
 */
export function naturalCompare(a: string, b: string): number {
  const left = runs(a);
  const right = runs(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]!;
    const y = right[i]!;
    const order = isDigits(x) && isDigits(y) ? compareDigits(x, y) : compareText(x.toLowerCase(), y.toLowerCase());
    if (order !== 0) return order;
  }
  return left.length - right.length || compareText(a, b);
}

function runs(s: string): string[] {
  return s.match(/\d+|\D+/g) ?? [];
}

function isDigits(s: string): boolean {
  return s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57;
}

/** Digit runs of any length (no Number overflow): fewer significant digits is smaller. */
function compareDigits(x: string, y: string): number {
  const a = x.replace(/^0+(?=\d)/, "");
  const b = y.replace(/^0+(?=\d)/, "");
  return a.length - b.length || compareText(a, b);
}

/** Code-point order, the same on every machine (localeCompare is not). */
export function compareText(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Orders extract file names for loading: by name without its extension first, so that
 * `invoices.csv` (a name that is a prefix) comes before `invoices-2024-01.csv`, then naturally.
 */
export function compareFileNames(a: string, b: string): number {
  return naturalCompare(stem(a), stem(b)) || naturalCompare(a, b);
}

function stem(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

// Percentiles of latency samples (ms), and a seeded random source for the bench's requests.

export interface Spread {
  n: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentiles of samples in milliseconds. */
export function spread(samples: ArrayLike<number>): Spread {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  if (n === 0) return { n: 0, meanMs: NaN, p50Ms: NaN, p95Ms: NaN, p99Ms: NaN, maxMs: NaN };
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return { n, meanMs: sum / n, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: sorted[n - 1]! };
}

/** Milliseconds with enough digits for microsecond figures. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "—";
  if (value < 0.1) return value.toFixed(4);
  if (value < 10) return value.toFixed(3);
  return value.toFixed(1);
}

export function spreadText(s: Spread): string {
  return `p50 ${ms(s.p50Ms)}  p95 ${ms(s.p95Ms)}  p99 ${ms(s.p99Ms)}  max ${ms(s.maxMs)} ms  (mean ${ms(s.meanMs)}, n ${s.n.toLocaleString("en-US")})`;
}

/** mulberry32: a small seeded generator, so every run asks the same questions. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BenchRequest {
  customerId: string;
  /** Decimal text with two decimals, as an ERP would send it. */
  amount: string;
  cents: bigint;
}

/**
 * Orders for customers drawn uniformly from all of them, amounts log-uniform between 10.00 and
 * 50,000.00 (most orders small, some large), so the decisions are a mix of all four.
 */
export function makeRequests(customerIds: readonly string[], n: number, seed: number): BenchRequest[] {
  const random = seededRandom(seed);
  const out: BenchRequest[] = [];
  for (let i = 0; i < n; i++) {
    const customerId = customerIds[Math.floor(random() * customerIds.length)]!;
    const cents = BigInt(Math.round(1000 * Math.pow(5000, random())));
    out.push({ customerId, cents, amount: `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}` });
  }
  return out;
}

/** Where the CLI's human-readable progress goes; injectable so tests can capture or silence it. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export const stderrLogger: Logger = {
  info: (m) => process.stderr.write(`${m}\n`),
  warn: (m) => process.stderr.write(`warning: ${m}\n`),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {} };

/** Collects messages, for tests that assert what a user is told. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`) };
}

/** "1,000,000 rows in 1.20 s (833,333 rows/s)" */
export function rate(rows: number, ms: number): string {
  const perSecond = ms > 0 ? Math.round((rows * 1000) / ms) : rows;
  return `${rows.toLocaleString("en-US")} rows in ${(ms / 1000).toFixed(2)} s (${perSecond.toLocaleString("en-US")} rows/s)`;
}

export function elapsed(since: number): number {
  return performance.now() - since;
}

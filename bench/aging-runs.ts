import { loadavg } from "node:os";
import type { FloorResult } from "./floor-duckdb.ts";
import type { StepRun } from "./steps.ts";

/**
 * The aging comparison repeated (issue 7: "ingest + the aging build within 1.5× of the floor"):
 * one figure per run of each side, and their spread. On a machine shared with other work one run
 * says little: the same step's wall time moved by up to 1.8× between runs here. So each side runs
 * several times, interleaved (arwatch then floor, then floor then arwatch, …) so that a busy
 * minute falls on both, and the ratio is taken between medians. CPU time (user + system) is kept
 * beside the wall time: it moves much less with the load.
 */
export interface ArwatchAgingRun {
  run: number;
  ok: boolean;
  ingestMs: number | null;
  ingestCpuMs: number | null;
  buildMs: number | null;
  buildCpuMs: number | null;
  /** ingest + build +rpt_aging: what the ratio compares. */
  totalMs: number | null;
  totalCpuMs: number | null;
  peakRssKb: number | null;
  /** The 1-minute load average when the run started and when it ended. */
  loadAvg: [number, number];
}

export interface FloorAgingRun {
  run: number;
  ok: boolean;
  loadMs: number | null;
  agingMs: number | null;
  /** load + aging, timed inside the process around the SQL: what the ratio compares. */
  totalMs: number | null;
  /** CPU of the load + aging, inside the process (process.cpuUsage covers DuckDB's threads). */
  totalCpuMs: number | null;
  /** The floor process from spawn to exit (start-up, opening, counting included): a note. */
  processMs: number;
  processCpuMs: number | null;
  peakRssKb: number | null;
  loadAvg: [number, number];
}

/** Order statistics of a handful of runs; percentiles by linear interpolation between ranks. */
export interface Spread {
  n: number;
  min: number;
  p25: number;
  median: number;
  p75: number;
  max: number;
}

export function spread(values: readonly (number | null)[]): Spread | null {
  const xs = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const at = (q: number) => {
    const pos = (xs.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return xs[lo]! + (xs[hi]! - xs[lo]!) * (pos - lo);
  };
  return { n: xs.length, min: xs[0]!, p25: at(0.25), median: at(0.5), p75: at(0.75), max: xs[xs.length - 1]! };
}

export interface AgingRuns {
  runs: number;
  arwatch: ArwatchAgingRun[];
  floor: FloorAgingRun[];
  /** Spreads in ms of each figure over the runs that succeeded. */
  spreads: Record<string, Spread | null>;
  /** Median arwatch (ingest + build) ÷ median floor (load + aging): wall and CPU. */
  ratio: { wall: number | null; cpu: number | null };
}

export function currentLoad(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

export function arwatchRun(run: number, ingest: StepRun, build: StepRun | undefined, loadBefore: number): ArwatchAgingRun {
  const ok = ingest.ok && build?.ok === true;
  const sum = (a: number | null | undefined, b: number | null | undefined) => (ok && typeof a === "number" && typeof b === "number" ? a + b : null);
  const rss = [ingest.peakRssKb, build?.peakRssKb].filter((k): k is number => typeof k === "number");
  return {
    run,
    ok,
    ingestMs: ingest.ok ? ingest.wallMs : null,
    ingestCpuMs: ingest.ok ? ingest.cpuMs : null,
    buildMs: build?.ok ? build.wallMs : null,
    buildCpuMs: build?.ok ? build.cpuMs : null,
    totalMs: sum(ingest.wallMs, build?.wallMs),
    totalCpuMs: sum(ingest.cpuMs, build?.cpuMs),
    peakRssKb: rss.length ? Math.max(...rss) : null,
    loadAvg: [loadBefore, currentLoad()],
  };
}

export function floorRun(run: number, step: StepRun, result: FloorResult | undefined, loadBefore: number): FloorAgingRun {
  return {
    run,
    ok: result !== undefined,
    loadMs: result?.loadMs ?? null,
    agingMs: result?.agingMs ?? null,
    totalMs: result ? result.loadMs + result.agingMs : null,
    totalCpuMs: result ? result.loadCpuMs + result.agingCpuMs : null,
    processMs: step.wallMs,
    processCpuMs: step.cpuMs,
    peakRssKb: step.peakRssKb,
    loadAvg: [loadBefore, currentLoad()],
  };
}

export function summariseAgingRuns(arwatch: ArwatchAgingRun[], floor: FloorAgingRun[]): AgingRuns {
  const a = arwatch.filter((r) => r.ok);
  const f = floor.filter((r) => r.ok);
  const spreads: Record<string, Spread | null> = {
    "arwatch ingest wall": spread(a.map((r) => r.ingestMs)),
    "arwatch ingest CPU": spread(a.map((r) => r.ingestCpuMs)),
    "arwatch build +rpt_aging wall": spread(a.map((r) => r.buildMs)),
    "arwatch build +rpt_aging CPU": spread(a.map((r) => r.buildCpuMs)),
    "arwatch ingest+build wall": spread(a.map((r) => r.totalMs)),
    "arwatch ingest+build CPU": spread(a.map((r) => r.totalCpuMs)),
    "floor load wall": spread(f.map((r) => r.loadMs)),
    "floor aging wall": spread(f.map((r) => r.agingMs)),
    "floor load+aging wall": spread(f.map((r) => r.totalMs)),
    "floor load+aging CPU": spread(f.map((r) => r.totalCpuMs)),
    "floor process wall": spread(f.map((r) => r.processMs)),
    "load average": spread([...arwatch, ...floor].flatMap((r) => r.loadAvg)),
  };
  const over = (num: Spread | null, den: Spread | null) => (num && den && den.median > 0 ? num.median / den.median : null);
  return {
    runs: Math.max(arwatch.length, floor.length),
    arwatch,
    floor,
    spreads,
    ratio: { wall: over(spreads["arwatch ingest+build wall"]!, spreads["floor load+aging wall"]!), cpu: over(spreads["arwatch ingest+build CPU"]!, spreads["floor load+aging CPU"]!) },
  };
}

/** The printed table of the repeated runs: one line per figure, seconds. */
export function formatAgingRuns(r: AgingRuns): string {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const lines = [`the aging comparison, ${r.runs} run(s) of each side, interleaved (seconds; load average as is):`];
  const label = Math.max(...Object.keys(r.spreads).map((k) => k.length));
  lines.push(`  ${"figure".padEnd(label)}  ${["min", "p25", "median", "p75", "max"].map((h) => h.padStart(7)).join(" ")}`);
  for (const [name, sp] of Object.entries(r.spreads)) {
    if (!sp) {
      lines.push(`  ${name.padEnd(label)}  —`);
      continue;
    }
    const fmt = name === "load average" ? (x: number) => x.toFixed(2) : s;
    lines.push(`  ${name.padEnd(label)}  ${[sp.min, sp.p25, sp.median, sp.p75, sp.max].map((x) => fmt(x).padStart(7)).join(" ")}`);
  }
  const ratio = (x: number | null) => (x === null ? "—" : `${x.toFixed(2)}×`);
  lines.push(`  arwatch ÷ floor, medians: ${ratio(r.ratio.wall)} wall, ${ratio(r.ratio.cpu)} CPU`);
  return lines.join("\n");
}

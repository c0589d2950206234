import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";
import { formatAgingRuns, type AgingRuns } from "./aging-runs.ts";
import type { ModelTime } from "./model-times.ts";
import { formatSite, type SiteFigures } from "./site-pages.ts";
import type { Agreement, MonthEndAgreement, MonthEndBucketAgreement } from "./totals.ts";

/** One row of the printed table. rows/s is always (invoice + payment rows) ÷ wall time. */
export interface StepFigure {
  step: string;
  group: "info" | "arwatch" | "floor" | "postgres";
  /** Which comparison the row belongs to: the aging (issue 2) or the month-end history (issue 3). */
  comparison?: "aging" | "month-end";
  /** A subtotal (ingest + build, load + aging) rather than a measured step. */
  total?: boolean;
  ok: boolean;
  /** Cancelled by a time limit: wallMs is then a lower bound, and ok is false. */
  timedOut?: boolean;
  wallMs: number | null;
  rowsPerSec: number | null;
  peakRssKb: number | null;
  note?: string;
}

export interface Ratio {
  label: string;
  value: number | null;
  /** "×" for a ratio (the default), "s" for a time in seconds, "KB" for bytes ÷ 1024. */
  unit?: "×" | "s" | "KB";
  /** The value is a lower bound (a step timed out). */
  lowerBound?: boolean;
  target: string;
  met: boolean | null;
  note?: string;
}

/** The report site (issue 4): its build, and what its heaviest pages load. */
export interface SiteResults {
  built: boolean;
  buildMs: number | null;
  /** /usr/bin/time's figure: the largest single process of the step (arwatch, or Framework's build it runs). */
  buildPeakRssKb: number | null;
  targetBuildS: number;
  /** Run at issue 4's scale (1M invoices, 100,000 customers): only then is the build time judged. */
  atTargetScale: boolean;
  /** The site's size and its heaviest pages; null when it was not built. */
  measured: SiteFigures | null;
}

/** The full build (issue 7): its time and each model's, from the build's own log. */
export interface FullBuildFigures {
  wallMs: number;
  /** user + system CPU of the build process (null without /usr/bin/time). */
  cpuMs: number | null;
  targetS: number;
  /** Run at issue 7's scale (1M documents, 100,000 customers): only then is the time judged. */
  atTargetScale: boolean;
  slowestModels: ModelTime[];
  /** The three models issue 7 named (null if a model was not in the log). */
  watched: (ModelTime | null)[];
  /** Every model in build order. */
  models: ModelTime[];
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  totalMemoryGb: number;
  os: string;
  node: string;
  duckdb: string;
  postgres: string;
}

export interface Results {
  date: string;
  startedAt: string;
  scale: {
    invoicesRequested: number;
    customersRequested: number;
    seed: number;
    asOf: string;
    extracts: string;
    rows: { invoices: number | null; payments: number | null; customers: number | null };
    /** Rows of the extracts arwatch ingests and the aging does not read (collection attempts, sales orders), as the floor loaded them. */
    otherRows?: Record<string, number>;
    /** Only the aging comparison was run (--aging-only). */
    agingOnly?: boolean;
    extractBytes: number;
  };
  machine: Machine;
  postgresSettings: Record<string, string>;
  steps: StepFigure[];
  ratios: Ratio[];
  /** The aging comparison's every run and their spread (the steps and the ratio show its medians). */
  agingRuns?: AgingRuns;
  /** null when the full build failed. */
  fullBuild?: FullBuildFigures | null;
  /** null when the site was not built (the full build failed). */
  site: SiteResults | null;
  openItems: Record<string, number | null>;
  totals: Agreement;
  /** The month-end history comparison (issue 3). */
  monthEnd: {
    months: number;
    monthEnds: string[];
    /** Open items summed over all month-ends, and whether the engines that produced them agree. */
    openItems: Record<string, number | null>;
    openItemsAgree: boolean;
    /** Outstanding per month-end of each engine, compared to the cent. */
    totals: MonthEndAgreement;
    /** Outstanding per month-end × bucket, compared to the cent (only disagreements listed). */
    buckets: MonthEndBucketAgreement;
  };
  failures: string[];
}

export function machineInfo(duckdb: string, postgres: string): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    totalMemoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    duckdb,
    postgres,
  };
}

const fmtSeconds = (ms: number | null) => (ms === null ? "—" : (ms / 1000).toFixed(2));
const fmtValue = (q: Ratio & { value: number }) =>
  q.unit === "s" ? `${q.value.toFixed(2)} s` : q.unit === "KB" ? `${Math.round(q.value).toLocaleString("en-US")} KB` : `${q.value.toFixed(2)}×`;
const fmtRatio = (q: Ratio) => (q.value === null ? "—" : `${q.lowerBound ? "> " : ""}${fmtValue({ ...q, value: q.value })}`);
const fmtInt = (n: number | null) => (n === null ? "—" : Math.round(n).toLocaleString("en-US"));
const fmtMb = (kb: number | null) => (kb === null ? "—" : (kb / 1024).toFixed(0));

function pad(cells: string[], widths: number[], rightAligned: boolean[]): string {
  return cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
}

function table(header: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [pad(header, widths, rightAligned), rule, ...rows.map((r) => pad(r, widths, rightAligned))].join("\n");
}

export function formatReport(r: Results): string {
  const out: string[] = [];
  const rows = r.scale.rows;
  out.push(
    `arwatch bench — ${fmtInt(rows.invoices)} invoices, ${fmtInt(rows.payments)} payments, ${fmtInt(rows.customers)} customers ` +
      `(${(r.scale.extractBytes / 2 ** 20).toFixed(0)} MB of CSV), as of ${r.scale.asOf}`,
  );
  out.push(
    `machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.totalMemoryGb} GB; node ${r.machine.node}, ` +
      `DuckDB ${r.machine.duckdb}, ${r.machine.postgres}`,
  );
  out.push(`postgres settings changed from defaults: ${Object.entries(r.postgresSettings).map(([k, v]) => `${k}=${v}`).join(", ")} (fsync and everything else at defaults)`);
  out.push("");
  const stepRows: string[][] = [];
  r.steps.forEach((s, i) => {
    // A blank line between the aging steps and the month-end steps.
    if (i > 0 && s.comparison === "month-end" && r.steps[i - 1]?.comparison !== "month-end") stepRows.push(["", "", "", "", ""]);
    stepRows.push([
      s.total ? `  = ${s.step}` : s.step,
      s.timedOut ? `> ${fmtSeconds(s.wallMs)}` : fmtSeconds(s.wallMs),
      fmtInt(s.rowsPerSec),
      fmtMb(s.peakRssKb),
      [s.timedOut ? "TIMED OUT" : s.ok ? "" : "FAILED", s.note ?? ""].filter(Boolean).join(" "),
    ]);
  });
  out.push(table(["step", "wall s", "rows/s", "peak RSS MB", ""], stepRows, [false, true, true, true, false]));
  out.push("");
  out.push(
    table(
      ["ratio / target", "value", "target", "", ""],
      r.ratios.map((q) => [q.label, fmtRatio(q), q.target, q.met === null ? "n/a" : q.met ? "met" : "MISSED", q.note ?? ""]),
      [false, true, false, false, false],
    ),
  );
  out.push("");
  if (r.agingRuns) {
    out.push(formatAgingRuns(r.agingRuns));
    out.push("");
  }
  if (r.fullBuild) {
    const fb = r.fullBuild;
    out.push(`full build (issue 7): ${fmtSeconds(fb.wallMs)} s wall, ${fmtSeconds(fb.cpuMs)} s CPU (target < ${fb.targetS} s at 100,000 customers / 1M documents); slowest models:`);
    for (const m of fb.slowestModels) out.push(`  ${m.id.padEnd(44)} ${m.materialized.padEnd(5)} ${fmtSeconds(m.ms).padStart(7)} s`);
    out.push("");
  }
  if (r.site) {
    out.push(`report site (issue 4): built in ${fmtSeconds(r.site.buildMs)} s (target < ${r.site.targetBuildS} s at 100,000 customers / 1M invoices); what its heaviest pages load:`);
    out.push(r.site.measured ? formatSite(r.site.measured) : "  not measured: the site did not build");
    out.push("");
  }
  const engines = Object.keys(r.totals.total.values);
  out.push(
    table(
      ["aging bucket", ...engines, ""],
      [
        ...r.totals.rows.map((b) => [b.bucket, ...engines.map((e) => b.values[e] ?? "—"), b.agree ? "" : "<<< DISAGREE"]),
        ["total", ...engines.map((e) => r.totals.total.values[e] ?? "—"), r.totals.total.agree ? "" : "<<< DISAGREE"],
        ["open items (rows)", ...engines.map((e) => fmtInt(r.openItems[e] ?? null)), ""],
      ],
      [false, ...engines.map(() => true), false],
    ),
  );
  out.push("");
  if (!r.totals.agree) {
    const banner = "!!  THE ENGINES DISAGREE ON OUTSTANDING AMOUNTS: the timings compare different work  !!";
    out.push("!".repeat(banner.length), banner, "!".repeat(banner.length));
    if (r.totals.total.agree) {
      out.push("The grand totals agree and only the bucket split differs: the engines age some documents");
      out.push("differently (due dates? compare fct_open_items with the floor's open_items, run with --keep).");
    }
  } else if (r.totals.compared < 2) {
    out.push(`totals: only ${r.totals.compared} engine(s) produced figures; nothing to compare`);
  } else {
    out.push(`totals: all ${r.totals.compared} engines agree to the cent`);
  }
  out.push("");
  if (r.scale.agingOnly) {
    out.push("(--aging-only: no full build, report site, month-end history or PostgreSQL)");
    for (const f of r.failures) out.push(`FAILED: ${f}`);
    return out.join("\n");
  }
  const me = r.monthEnd;
  const meEngines = Object.keys(me.totals.total.values);
  out.push(`month-end history: outstanding at each of ${me.months} month-ends (${me.monthEnds[0] ?? "?"} … ${me.monthEnds[me.monthEnds.length - 1] ?? "?"})`);
  out.push(
    table(
      ["month-end", ...meEngines, ""],
      [
        ...me.totals.rows.map((m) => [m.monthEnd, ...meEngines.map((e) => m.values[e] ?? "—"), m.agree ? "" : "<<< DISAGREE"]),
        ["sum over month-ends", ...meEngines.map((e) => me.totals.total.values[e] ?? "—"), me.totals.total.agree ? "" : "<<< DISAGREE"],
        ["open items (all month-ends)", ...meEngines.map((e) => fmtInt(me.openItems[e] ?? null)), me.openItemsAgree ? "" : "<<< DISAGREE"],
      ],
      [false, ...meEngines.map(() => true), false],
    ),
  );
  out.push("");
  const split = me.buckets;
  if (!me.totals.agree || !split.agree || !me.openItemsAgree) {
    const banner = "!!  THE ENGINES DISAGREE ON THE MONTH-END HISTORY: the month-end timings compare different work  !!";
    out.push("!".repeat(banner.length), banner, "!".repeat(banner.length));
    if (me.totals.agree) {
      out.push("The month-end totals agree; the bucket split or the open-item count differs: the engines age or apply");
      out.push("some items differently (compare fct_month_end_aging with the floor's month_end_aging, run with --keep).");
    }
  } else if (me.totals.compared < 2) {
    out.push(`month-end totals: only ${me.totals.compared} engine(s) produced figures; nothing to compare`);
  } else {
    out.push(`month-end totals: all ${me.totals.compared} engines agree to the cent at every month-end`);
  }
  if (split.compared >= 2) {
    if (split.agree) out.push(`month-end bucket split: all ${split.compared} engines agree to the cent in all ${split.cells} month-end × bucket cells`);
    else {
      out.push(`month-end bucket split: ${split.disagreements.length} of ${split.cells} month-end × bucket cells DISAGREE${split.disagreements.length > 20 ? " (first 20)" : ""}:`);
      const engines = Object.keys(split.disagreements[0]?.values ?? {});
      out.push(
        table(
          ["month-end", "bucket", ...engines],
          split.disagreements.slice(0, 20).map((d) => [d.monthEnd, d.bucket, ...engines.map((e) => d.values[e] ?? "—")]),
          [false, false, ...engines.map(() => true)],
        ),
      );
    }
  }
  for (const f of r.failures) out.push(`FAILED: ${f}`);
  return out.join("\n");
}

/**
 * bench/results/<local YYYY-MM-DD>.json (or <date>-<label>.json); today's file is overwritten,
 * earlier days are kept.
 */
export function writeResults(dir: string, r: Results, label?: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${r.date}${label ? `-${label}` : ""}.json`);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}

export function localDate(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

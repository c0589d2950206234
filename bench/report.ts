import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";
import type { Agreement } from "./totals.ts";

/** One row of the printed table. rows/s is always (invoice + payment rows) ÷ wall time. */
export interface StepFigure {
  step: string;
  group: "info" | "arwatch" | "floor" | "postgres";
  /** A subtotal (ingest + build, load + aging) rather than a measured step. */
  total?: boolean;
  ok: boolean;
  wallMs: number | null;
  rowsPerSec: number | null;
  peakRssKb: number | null;
  note?: string;
}

export interface Ratio {
  label: string;
  value: number | null;
  target: string;
  met: boolean | null;
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
    extractBytes: number;
  };
  machine: Machine;
  postgresSettings: Record<string, string>;
  steps: StepFigure[];
  ratios: Ratio[];
  openItems: Record<string, number | null>;
  totals: Agreement;
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
  out.push(
    table(
      ["step", "wall s", "rows/s", "peak RSS MB", ""],
      r.steps.map((s) => [
        s.total ? `  = ${s.step}` : s.step,
        fmtSeconds(s.wallMs),
        fmtInt(s.rowsPerSec),
        fmtMb(s.peakRssKb),
        [s.ok ? "" : "FAILED", s.note ?? ""].filter(Boolean).join(" "),
      ]),
      [false, true, true, true, false],
    ),
  );
  out.push("");
  out.push(
    table(
      ["ratio", "value", "target", ""],
      r.ratios.map((q) => [q.label, q.value === null ? "—" : `${q.value.toFixed(2)}×`, q.target, q.met === null ? "n/a" : q.met ? "met" : "MISSED"]),
      [false, true, false, false],
    ),
  );
  out.push("");
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
  for (const f of r.failures) out.push(`FAILED: ${f}`);
  return out.join("\n");
}

/** bench/results/<local YYYY-MM-DD>.json; today's file is overwritten, earlier days are kept. */
export function writeResults(dir: string, r: Results): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${r.date}.json`);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}

export function localDate(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

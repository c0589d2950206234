/**
 * Excel throughput (issue 10: "a 100,000-row sheet must load in a streaming way, within 2× the
 * time of the same rows as CSV and without holding the workbook in memory"). The same invoice
 * rows are written as an .xlsx workbook (shared strings, date cells, as Excel writes them) and as
 * a CSV, and each variant runs in a child process of its own, interleaved, medians compared:
 *
 * - csv-read: DuckDB read_csv of the CSV into a table, every column text — the floor;
 * - csv-decoded-read: the CSV as a source reads it: decoded to UTF-8 (decode.ts), then read;
 * - xlsx-convert: xlsxToCsv alone;
 * - xlsx-convert-read: xlsxToCsv, then the same read_csv of what it wrote.
 *
 * Times are taken inside the child (module loading and DuckDB start-up excluded); peak RSS is the
 * child's own (process.resourceUsage().maxRSS), next to an idle child that loads the same modules.
 * The CSV xlsxToCsv writes must equal the CSV written directly, byte for byte.
 *
 *   npx tsx bench/xlsx.ts [--rows N] [--runs N] [--keep]
 *
 * Writes bench/results/xlsx-<date>.json (xlsx-<date>-<rows>.json at another scale).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { Command } from "commander";
import { decodeToUtf8 } from "../ingest/source/decode.ts";
import { xlsxToCsv } from "../ingest/source/xlsx.ts";
import { si, workbookParts, writeZip } from "../test/helpers/xlsx-file.ts";
import { count } from "./options.ts";
import { localDate, machineInfo } from "./report.ts";
import { runStep, tail } from "./steps.ts";

const BENCH = fileURLToPath(import.meta.url);
const ARWATCH = join(dirname(BENCH), "..", "bin", "arwatch.js");
const VARIANTS = ["idle", "csv-read", "csv-decoded-read", "xlsx-convert", "xlsx-convert-read"] as const;
type Variant = (typeof VARIANTS)[number];

interface ChildResult {
  variant: Variant;
  ms: number;
  /** CPU time of the same span (user + system, every thread: DuckDB reads on several). */
  cpuMs: number;
  /** Of which the conversion (xlsx) or the decoding (csv-decoded). */
  prepareMs: number;
  rows: number;
  peakRssMb: number;
  output?: string;
}

const HEADER = "document_id,customer_id,document_type,document_date,due_date,amount";
const CUSTOMERS = 20_000;
/** Serial 44927 is 2023-01-01: 1970-01-01 is serial 25569, and 2023-01-01 is 19358 days after it. */
const FIRST_SERIAL = 44927;
const FIRST_DAY_UTC = Date.UTC(2023, 0, 1);

/** Row i (from 1) of the ledger: every 20th a credit note; dates over 700 days; amounts with cents. */
function row(i: number) {
  const day = i % 700;
  return {
    id: `INV-${String(i).padStart(8, "0")}`,
    customer: `C${String(i % CUSTOMERS).padStart(6, "0")}`,
    type: i % 20 === 0 ? "credit_note" : "invoice",
    day,
    amount: (((i * 7919) % 10_000_000) + 100) / 100,
  };
}

const iso = (day: number) => new Date(FIRST_DAY_UTC + day * 86_400_000).toISOString().slice(0, 10);

/** The sheet's XML rows, generated as the zip writer reads them; strings are shared: ids, customers, the two types, the header. */
function* sheetRows(n: number): Generator<string> {
  // Shared string indexes: 0-5 the header, 6 invoice, 7 credit_note, 8.. customers, then the document ids.
  const cust = (i: number) => 8 + (i % CUSTOMERS);
  const doc = (i: number) => 8 + CUSTOMERS + i - 1;
  yield `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:F${n + 1}"/><sheetData>`;
  yield `<row r="1" spans="1:6">${[0, 1, 2, 3, 4, 5].map((s, c) => `<c r="${"ABCDEF"[c]}1" t="s"><v>${s}</v></c>`).join("")}</row>`;
  let batch = "";
  for (let i = 1; i <= n; i++) {
    const r = row(i);
    const x = i + 1;
    batch += `<row r="${x}" spans="1:6"><c r="A${x}" t="s"><v>${doc(i)}</v></c><c r="B${x}" t="s"><v>${cust(i)}</v></c><c r="C${x}" t="s"><v>${r.type === "invoice" ? 6 : 7}</v></c><c r="D${x}" s="1"><v>${FIRST_SERIAL + r.day}</v></c><c r="E${x}" s="1"><v>${FIRST_SERIAL + r.day + 30}</v></c><c r="F${x}"><v>${r.amount}</v></c></row>`;
    if (i % 1000 === 0) {
      yield batch;
      batch = "";
    }
  }
  yield `${batch}</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`;
}

async function writeFiles(dir: string, n: number): Promise<{ xlsx: string; csv: string }> {
  const strings = [...HEADER.split(","), "invoice", "credit_note"].map(si);
  for (let c = 0; c < CUSTOMERS; c++) strings.push(si(`C${String(c).padStart(6, "0")}`));
  for (let i = 1; i <= n; i++) strings.push(si(row(i).id));
  const parts = workbookParts({ sharedStrings: strings, cellXfs: [0, 14], sheets: [{ name: "Invoices", part: () => Readable.from(sheetRows(n)) }] });
  const xlsx = join(dir, "invoices.xlsx");
  await writeZip(xlsx, parts);
  // The CSV as xlsxToCsv should write it: the same rows, LF line ends.
  const csv = join(dir, "invoices.csv");
  const out = createWriteStream(csv);
  out.write(`${HEADER}\n`);
  for (let i = 1; i <= n; i++) {
    const r = row(i);
    if (!out.write(`${r.id},${r.customer},${r.type},${iso(r.day)},${iso(r.day + 30)},${r.amount}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return { xlsx, csv };
}

/** arwatch's reader reads every field as text, columns given (read.ts csvReads). */
const READ = (path: string) =>
  `create table invoices as select * from read_csv('${path}', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
     columns = {${HEADER.split(",").map((c) => `'${c}': 'VARCHAR'`).join(", ")}})`;

/** One variant, in this (child) process. */
async function child(variant: Variant, dir: string, xlsx: string, csv: string, tag: string): Promise<ChildResult> {
  const db = await (await DuckDBInstance.create(join(dir, `${tag}.duckdb`))).connect();
  const scratch = join(dir, `${tag}.csv`);
  let prepareMs = 0;
  let read = csv;
  const start = performance.now();
  const cpu = process.cpuUsage();
  if (variant === "csv-decoded-read") {
    const decoded = await decodeToUtf8(csv, scratch, "utf-8");
    if ("problem" in decoded) throw new Error(decoded.problem.reason);
    read = scratch;
  } else if (variant === "xlsx-convert" || variant === "xlsx-convert-read") {
    const converted = await xlsxToCsv(xlsx, scratch, {});
    if ("problem" in converted) throw new Error(converted.problem.reason);
    read = scratch;
  }
  prepareMs = performance.now() - start;
  let rows = 0;
  if (variant === "csv-read" || variant === "csv-decoded-read" || variant === "xlsx-convert-read") {
    await db.run(READ(read));
    rows = Number((await db.runAndReadAll("select count(*) as n from invoices")).getRowObjectsJson()[0]!.n);
  }
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  db.closeSync();
  const output = variant === "xlsx-convert" ? createHash("sha256").update(readFileSync(scratch)).digest("hex") : undefined;
  return { variant, ms, cpuMs: (used.user + used.system) / 1000, prepareMs, rows, peakRssMb: process.resourceUsage().maxRSS / 1024, output };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const options = new Command("xlsx-bench")
  .description("time xlsxToCsv against reading the same rows as CSV (issue 10)")
  .option("--rows <n>", "invoice rows", count("--rows"), 100_000)
  .option("--runs <n>", "runs of each variant, interleaved", count("--runs"), 5)
  .option("--keep", "keep the work dir", false)
  .option("--child <variant>", "(internal) run one variant in this process")
  .option("--dir <dir>", "(internal)")
  .option("--tag <tag>", "(internal)")
  .parse()
  .opts<{ rows: number; runs: number; keep: boolean; child?: Variant; dir?: string; tag?: string }>();

if (options.child) {
  const dir = options.dir!;
  const result = await child(options.child, dir, join(dir, "invoices.xlsx"), join(dir, "invoices.csv"), options.tag!);
  process.stdout.write(JSON.stringify(result));
} else {
  const work = mkdtempSync(join(tmpdir(), "arwatch-xlsx-bench-"));
  try {
    console.log(`writing ${options.rows.toLocaleString("en-US")} rows as .xlsx and .csv in ${work}`);
    const files = await writeFiles(work, options.rows);
    const sheetMb = Number(execFileSync("unzip", ["-l", files.xlsx]).toString().match(/(\d+)\s+\S+\s+\S+\s+xl\/worksheets\/sheet1\.xml/)?.[1] ?? NaN) / 1e6;
    const sizes = { xlsxMb: statSync(files.xlsx).size / 1e6, sheetXmlMb: sheetMb, csvMb: statSync(files.csv).size / 1e6 };
    console.log(`  .xlsx ${sizes.xlsxMb.toFixed(1)} MB (its sheet ${sizes.sheetXmlMb.toFixed(1)} MB of XML), .csv ${sizes.csvMb.toFixed(1)} MB`);
    const expected = createHash("sha256").update(readFileSync(files.csv)).digest("hex");
    const loadBefore = loadavg();
    const results: ChildResult[] = [];
    for (let r = 1; r <= options.runs; r++) {
      for (const variant of VARIANTS) {
        const tag = `${variant}-${r}`;
        const out = execFileSync(process.execPath, ["--import", "tsx", BENCH, "--child", variant, "--dir", work, "--tag", tag], { cwd: join(dirname(BENCH), "..") });
        const result = JSON.parse(out.toString()) as ChildResult;
        if (result.output !== undefined && result.output !== expected) throw new Error(`xlsxToCsv wrote a CSV different from the same rows written directly (run ${r})`);
        results.push(result);
        rmSync(join(work, `${tag}.csv`), { force: true });
        rmSync(join(work, `${tag}.duckdb`), { force: true });
        console.log(`  ${tag}: ${result.ms.toFixed(0)} ms (CPU ${result.cpuMs.toFixed(0)} ms)${result.prepareMs ? ` (of which ${result.prepareMs.toFixed(0)} ms converting/decoding)` : ""}, peak RSS ${result.peakRssMb.toFixed(0)} MB`);
      }
    }
    const summary = Object.fromEntries(
      VARIANTS.map((v) => {
        const rs = results.filter((x) => x.variant === v);
        return [v, { ms: median(rs.map((x) => x.ms)), cpuMs: median(rs.map((x) => x.cpuMs)), prepareMs: median(rs.map((x) => x.prepareMs)), peakRssMb: median(rs.map((x) => x.peakRssMb)), runsMs: rs.map((x) => Math.round(x.ms)), rows: rs[0]!.rows }];
      }),
    ) as Record<Variant, { ms: number; cpuMs: number; prepareMs: number; peakRssMb: number; runsMs: number[]; rows: number }>;
    // End to end, as a user loads them: arwatch ingest of the workbook and of the CSV (both
    // canonical extracts, named invoices.*), each into a fresh warehouse, runs interleaved.
    const ingests: Record<"csv" | "xlsx", { wallMs: number; cpuMs: number }[]> = { csv: [], xlsx: [] };
    const logDir = join(work, "logs");
    execFileSync("mkdir", ["-p", logDir]);
    for (let r = 1; r <= options.runs; r++) {
      for (const kind of ["csv", "xlsx"] as const) {
        const db = join(work, `ingest-${kind}-${r}.duckdb`);
        const run = await runStep(`ingest-${kind}-${r}`, process.execPath, [ARWATCH, "ingest", "--db", db, kind === "csv" ? files.csv : files.xlsx], { logDir, cwd: work });
        if (!run.ok) throw new Error(`arwatch ingest of the ${kind} failed:\n${tail(run, 15)}`);
        ingests[kind].push({ wallMs: run.wallMs, cpuMs: run.cpuMs ?? NaN });
        rmSync(db, { force: true });
        rmSync(join(work, "archive"), { recursive: true, force: true });
        console.log(`  arwatch ingest ${kind} run ${r}: ${(run.wallMs / 1000).toFixed(2)} s wall, ${((run.cpuMs ?? NaN) / 1000).toFixed(2)} s CPU`);
      }
    }
    const ingest = Object.fromEntries(
      (["csv", "xlsx"] as const).map((k) => [k, { wallMs: median(ingests[k].map((x) => x.wallMs)), cpuMs: median(ingests[k].map((x) => x.cpuMs)) }]),
    ) as Record<"csv" | "xlsx", { wallMs: number; cpuMs: number }>;
    console.log(`arwatch ingest, xlsx / csv: ${(ingest.xlsx.wallMs / ingest.csv.wallMs).toFixed(2)}× wall, ${(ingest.xlsx.cpuMs / ingest.csv.cpuMs).toFixed(2)}× CPU (target 2×)`);
    const ratio = (a: Variant, b: Variant) => ({ wall: summary[a].ms / summary[b].ms, cpu: summary[a].cpuMs / summary[b].cpuMs });
    const ratios = {
      "xlsx-convert-read / csv-read": ratio("xlsx-convert-read", "csv-read"),
      "xlsx-convert-read / csv-decoded-read": ratio("xlsx-convert-read", "csv-decoded-read"),
    };
    console.log(`\n${"variant".padEnd(20)} ${"median ms".padStart(10)} ${"CPU ms".padStart(8)} ${"peak RSS MB".padStart(12)}`);
    for (const v of VARIANTS) console.log(`${v.padEnd(20)} ${summary[v].ms.toFixed(0).padStart(10)} ${summary[v].cpuMs.toFixed(0).padStart(8)} ${summary[v].peakRssMb.toFixed(0).padStart(12)}`);
    for (const [k, x] of Object.entries(ratios)) console.log(`${k}: ${x.wall.toFixed(2)}× wall, ${x.cpu.toFixed(2)}× CPU`);
    const result = {
      date: localDate(),
      rows: options.rows,
      runs: options.runs,
      sizes,
      sameCsv: true,
      machine: machineInfo("node-api", "not used"),
      loadAverage: { before: loadBefore.map((x) => Math.round(x * 100) / 100), after: loadavg().map((x) => Math.round(x * 100) / 100) },
      summary,
      ratios,
      ingest: { ...ingest, ratioWall: ingest.xlsx.wallMs / ingest.csv.wallMs, ratioCpu: ingest.xlsx.cpuMs / ingest.csv.cpuMs },
    };
    const scale = options.rows === 100_000 ? "" : `-${options.rows}`;
    const out = join(dirname(BENCH), "results", `xlsx-${localDate()}${scale}.json`);
    writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
    console.log(`wrote ${out}`);
  } finally {
    if (!options.keep) rmSync(work, { recursive: true, force: true });
  }
}

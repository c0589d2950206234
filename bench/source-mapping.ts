/**
 * Ingest through a source mapping (issue 10) against the canonical path, at 1M invoice rows: the
 * same ledger written three ways, each ingested by the CLI into a fresh warehouse, runs
 * interleaved, medians compared:
 *
 * - canonical: the extract contract's CSV (ISO dates, plain amounts, English words) — the floor;
 * - mapped, UTF-8: a Thai ERP's report of the same rows — two title lines, Thai labels, Thai words
 *   for the document types, Buddhist-era dd/mm/yyyy dates, quoted "1,234.50" amounts, a Thai
 *   customer name column, a total row — read through a source;
 * - mapped, Windows-874: the same report in the Thai code page (decoded as a stream first).
 *
 * Every run's raw.invoices is fingerprinted: the three must load the same rows.
 *
 *   npx tsx bench/source-mapping.ts [--rows N] [--runs N] [--keep]
 *
 * Writes bench/results/source-mapping-<date>.json.
 */
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { Command } from "commander";
import { installSignalHandlers, onCleanup, runAllCleanups } from "./cleanup.ts";
import { localDate, machineInfo } from "./report.ts";
import { runStep, tail, type StepRun } from "./steps.ts";
import { count } from "./options.ts";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ARWATCH = join(BENCH_DIR, "..", "bin", "arwatch.js");

const options = new Command("source-mapping-bench")
  .description("time ingest through a source mapping against the canonical CSV (issue 10)")
  .option("--rows <n>", "invoice rows", count("--rows"), 1_000_000)
  .option("--runs <n>", "runs of each variant, interleaved", count("--runs"), 3)
  .option("--keep", "keep the work dir", false)
  .parse()
  .opts<{ rows: number; runs: number; keep: boolean }>();

const SOURCE_YAML = (encoding: string) => `currency: THB
sources:
  - name: th-erp
    files: "ar-*.csv"
    entity: invoices
    encoding: ${encoding}
    header: auto
    dropRows: ["^รวม"]
    columns:
      document_id: "เลขที่เอกสาร"
      customer_id: "รหัสลูกค้า"
      document_type: "ประเภท"
      document_date: "วันที่"
      due_date: "วันครบกำหนด"
      amount: "จำนวนเงิน"
      applies_to: "อ้างอิง"
    values:
      document_type: {"ใบแจ้งหนี้": invoice, "ใบลดหนี้": credit_note}
    constants: {currency: THB}
    dates: {format: "%d/%m/%Y", buddhistEra: true}
    numbers: {decimal: ".", thousands: ","}
`;

/** The ledger's rows as SQL: every 20th document a credit note against the one before it. */
const ROWS = (n: number) => `
  select 'INV-' || lpad(i::VARCHAR, 8, '0') as document_id,
         'C' || lpad((i % 100000)::VARCHAR, 6, '0') as customer_id,
         case when i % 20 = 0 then 'credit_note' else 'invoice' end as document_type,
         date '2023-01-01' + (i % 700)::INTEGER as document_date,
         date '2023-01-01' + (i % 700)::INTEGER + 30 as due_date,
         ((i * 7919) % 10000000 + 100)::DECIMAL(18,2) / 100 as amount,
         case when i % 20 = 0 then 'INV-' || lpad((i - 1)::VARCHAR, 8, '0') end as applies_to
    from range(1, ${n + 1}) t(i)`;

/** Thai characters in Windows-874 are U+0E01–U+0E5B at 0xA1–0xFB; the rest of this file is ASCII. */
async function toWindows874(from: string, to: string): Promise<void> {
  const out = createWriteStream(to);
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of createReadStream(from, { highWaterMark: 1 << 20 })) {
    const text = decoder.decode(chunk as Buffer, { stream: true });
    const bytes = Buffer.allocUnsafe(text.length);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      bytes[i] = c < 0x80 ? c : c >= 0x0e01 && c <= 0x0e5b ? c - 0x0d60 : 0x3f;
    }
    if (!out.write(bytes)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

async function writeFiles(dir: string, n: number): Promise<{ canonical: string; thaiUtf8: string; thai874: string; mb: Record<string, number> }> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  const canonical = join(dir, "invoices.csv");
  await c.run(`copy (select *, 'THB' as currency from (${ROWS(n)})) to '${canonical}' (header, delimiter ',')`);
  const body = join(dir, "thai-body.csv");
  await c.run(`copy (select document_id, customer_id, 'บริษัท ลูกค้า ' || customer_id as customer_name,
                            case document_type when 'invoice' then 'ใบแจ้งหนี้' else 'ใบลดหนี้' end as kind,
                            strftime(document_date, '%d/%m/') || (year(document_date) + 543)::VARCHAR as d1,
                            strftime(due_date, '%d/%m/') || (year(due_date) + 543)::VARCHAR as d2,
                            format('{:,.2f}', amount) as amount, applies_to
                       from (${ROWS(n)})) to '${body}' (header false, delimiter ',', quote '"', force_quote (amount))`);
  const [total] = (await c.runAndReadAll(`select format('{:,.2f}', sum(amount)) as t from (${ROWS(n)})`)).getRowObjectsJson() as { t: string }[];
  c.closeSync();
  const thaiUtf8 = join(dir, "ar-invoices-utf8.csv");
  const out = createWriteStream(thaiUtf8);
  out.write("รายงานลูกหนี้,,,,,,,\r\nบริษัท ตัวอย่าง จำกัด,ณ วันที่ 30/06/2568,,,,,,\r\n");
  out.write("เลขที่เอกสาร,รหัสลูกค้า,ชื่อลูกค้า,ประเภท,วันที่,วันครบกำหนด,จำนวนเงิน,อ้างอิง\r\n");
  for await (const chunk of createReadStream(body)) if (!out.write(chunk)) await once(out, "drain");
  out.end(`รวม,,,,,,"${total!.t}",\r\n`);
  await once(out, "finish");
  rmSync(body);
  const thai874 = join(dir, "ar-invoices-874.csv");
  await toWindows874(thaiUtf8, thai874);
  const { statSync } = await import("node:fs");
  const mb = Object.fromEntries([canonical, thaiUtf8, thai874].map((f) => [f.split("/").at(-1)!, statSync(f).size / 1e6]));
  return { canonical, thaiUtf8, thai874, mb };
}

/** A fingerprint of the loaded rows, lineage aside: equal fingerprints, equal rows. */
async function fingerprint(dbFile: string): Promise<string> {
  const db = await DuckDBInstance.create(dbFile, { access_mode: "READ_ONLY" });
  const c = await db.connect();
  const r = await c.runAndReadAll(
    `select count(*)::VARCHAR || ':' || sum(hash(document_id, customer_id, document_type, document_date, due_date, amount, currency, applies_to))::VARCHAR as f from raw.invoices`,
  );
  c.closeSync();
  return (r.getRowObjectsJson()[0] as { f: string }).f;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

installSignalHandlers();
const work = mkdtempSync(join(tmpdir(), "arwatch-source-bench-"));
if (!options.keep) onCleanup("work dir", () => rmSync(work, { recursive: true, force: true }));
try {
  console.log(`writing ${options.rows.toLocaleString("en-US")} rows three ways in ${work}`);
  const files = await writeFiles(work, options.rows);
  const configs = { utf8: join(work, "utf8.yaml"), w874: join(work, "w874.yaml"), canonical: join(work, "canonical.yaml") };
  writeFileSync(configs.utf8, SOURCE_YAML("utf-8"));
  writeFileSync(configs.w874, SOURCE_YAML("windows-874"));
  writeFileSync(configs.canonical, "currency: THB\n");
  const variants = [
    { name: "canonical", file: files.canonical, config: configs.canonical },
    { name: "mapped-utf8", file: files.thaiUtf8, config: configs.utf8 },
    { name: "mapped-windows-874", file: files.thai874, config: configs.w874 },
  ];
  const runs: Record<string, StepRun[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  const prints: Record<string, Set<string>> = Object.fromEntries(variants.map((v) => [v.name, new Set<string>()]));
  const logDir = join(work, "logs");
  mkdirSync(logDir);
  for (let r = 1; r <= options.runs; r++) {
    for (const v of variants) {
      const dir = join(work, `${v.name}-${r}`);
      mkdirSync(dir);
      const db = join(dir, "wh.duckdb");
      const run = await runStep(`${v.name}-${r}`, process.execPath, [ARWATCH, "ingest", "--db", db, "--config", v.config, v.file], { logDir, cwd: dir });
      if (!run.ok) throw new Error(`${v.name} run ${r} failed:\n${tail(run, 15)}`);
      runs[v.name]!.push(run);
      prints[v.name]!.add(await fingerprint(db));
      rmSync(dir, { recursive: true, force: true });
      console.log(`  ${v.name} run ${r}: ${(run.wallMs / 1000).toFixed(2)} s wall, ${((run.cpuMs ?? NaN) / 1000).toFixed(2)} s CPU, ${((run.peakRssKb ?? NaN) / 1024).toFixed(0)} MB peak`);
    }
  }
  const all = new Set(Object.values(prints).flatMap((s) => [...s]));
  const summary = variants.map((v) => {
    const rs = runs[v.name]!;
    return {
      variant: v.name,
      mb: files.mb[v.file.split("/").at(-1)!],
      wallMs: median(rs.map((x) => x.wallMs)),
      cpuMs: median(rs.map((x) => x.cpuMs ?? NaN)),
      peakRssMb: median(rs.map((x) => (x.peakRssKb ?? NaN) / 1024)),
      runsWallMs: rs.map((x) => Math.round(x.wallMs)),
    };
  });
  const floor = summary[0]!;
  console.log(`\n${"variant".padEnd(20)} ${"MB".padStart(6)} ${"wall s".padStart(8)} ${"CPU s".padStart(8)} ${"× wall".padStart(7)} ${"× CPU".padStart(7)} ${"peak MB".padStart(8)}`);
  for (const s of summary) {
    console.log(
      `${s.variant.padEnd(20)} ${s.mb!.toFixed(1).padStart(6)} ${(s.wallMs / 1000).toFixed(2).padStart(8)} ${(s.cpuMs / 1000).toFixed(2).padStart(8)} ${(s.wallMs / floor.wallMs).toFixed(2).padStart(7)} ${(s.cpuMs / floor.cpuMs).toFixed(2).padStart(7)} ${s.peakRssMb.toFixed(0).padStart(8)}`,
    );
  }
  console.log(all.size === 1 ? `\nsame rows loaded every way (${[...all][0]})` : `\nDIFFERENT rows loaded: ${JSON.stringify(Object.fromEntries(Object.entries(prints).map(([k, v]) => [k, [...v]])))}`);
  const result = { date: localDate(), rows: options.rows, runs: options.runs, machine: machineInfo("node-api", "not used"), sameRows: all.size === 1, summary };
  const out = join(BENCH_DIR, "results", `source-mapping-${localDate()}.json`);
  writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
  console.log(`wrote ${out}`);
  if (all.size !== 1) process.exitCode = 1;
} finally {
  await runAllCleanups();
}

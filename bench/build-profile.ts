/**
 * Where a full build's time goes, model by model and data test by data test (the CLI's log shows
 * only the models; the tests are the rest of the wall time). Builds a copy of an ingested
 * warehouse in this process, as `arwatch build` does (same runner, same settings, built-in
 * config unless --config), and prints wall and CPU time, the slowest models and the slowest tests.
 * Optionally checks every mart against a fingerprint (bench/build-fingerprint.ts).
 *
 *   npx tsx bench/build-profile.ts <ingested.duckdb> [--as-of DATE] [--config FILE] [--top N]
 *                                  [--fingerprint-out FILE] [--compare FILE] [--keep FILE] [--models DIR]
 *
 * The ingested file is never changed: the build runs on a copy next to it (deleted unless --keep).
 */
import { copyFileSync, existsSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { readFileSync, writeFileSync } from "node:fs";
import { Command } from "commander";
import { loadConfig } from "../core/config.ts";
import type { Logger } from "../core/log.ts";
import { openWarehouse } from "../core/warehouse.ts";
import { ensureRawSchema } from "../ingest/schema.ts";
import { buildModels } from "../models/runner/build.ts";
import { modelSettings } from "../models/settings.ts";
import { fingerprintDifferences, fingerprintMarts, newMarts, type Fingerprint } from "./build-fingerprint.ts";

const program = new Command("build-profile")
  .argument("<ingested>", "an ingested warehouse file (copied, never changed)")
  .option("--as-of <date>", "the build's as-of date", "2026-06-30")
  .option("--config <file>", "a config file (default: built-in defaults)")
  .option("--top <n>", "how many models and tests to list", "12")
  .option("--fingerprint-out <file>", "write the marts' fingerprint")
  .option("--compare <file>", "check the marts against a fingerprint; exit 1 when any differs")
  .option("--keep <file>", "build into this file and keep it")
  .option("--models <dir>", "build the models of this folder (a snapshot, to compare two versions of the SQL)")
  .parse();
const opts = program.opts<{ asOf: string; config?: string; top: string; fingerprintOut?: string; compare?: string; keep?: string; models?: string }>();
const ingested = program.args[0]!;
const top = Number(opts.top);
const s = (ms: number) => (ms / 1000).toFixed(2);

const target = opts.keep ?? `${ingested}.profile-${process.pid}.duckdb`;
for (const f of [target, `${target}.wal`]) rmSync(f, { force: true });
copyFileSync(ingested, target);
if (existsSync(`${ingested}.wal`)) copyFileSync(`${ingested}.wal`, `${target}.wal`);

const opened = await openWarehouse(target, { create: false });
// The build's COMMIT (DuckDB writes what the transaction built) is timed apart from the models.
let commitMs = 0;
const wh: typeof opened = {
  ...opened,
  async transaction(fn) {
    let bodyEnd = 0;
    const result = await opened.transaction(async () => {
      const r = await fn();
      bodyEnd = performance.now();
      return r;
    });
    if (bodyEnd > 0) commitMs += performance.now() - bodyEnd;
    return result;
  },
};
let code = 0;
try {
  const loadBefore = loadavg()[0]!;
  // The runner logs a line as each model is built: the process CPU time between two lines is that
  // model's (plus the data tests of the model before it), a figure that machine load barely moves.
  const cpuByModel = new Map<string, number>();
  let lastCpu = process.cpuUsage();
  const log: Logger = {
    info(line) {
      const id = /^\s+(\S+)\s/.exec(line)?.[1];
      if (!id) return;
      const now = process.cpuUsage();
      cpuByModel.set(id, (now.user - lastCpu.user + now.system - lastCpu.system) / 1000);
      lastCpu = now;
    },
    warn() {},
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await buildModels(wh, { asOf: opts.asOf, log, ...modelSettings(loadConfig(opts.config)), prepare: ensureRawSchema, modelsDir: opts.models });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const modelMs = result.models.reduce((n, m) => n + m.ms, 0);
  const testMs = result.tests.reduce((n, t) => n + t.ms, 0);
  console.log(
    `build: ${s(wallMs)} s wall, ${s(cpuMs)} s CPU (user ${s(cpu.user / 1000)}, sys ${s(cpu.system / 1000)}); ` +
      `models ${s(modelMs)} s, ${result.tests.length} tests ${s(testMs)} s, commit ${s(commitMs)} s, ` +
      `the rest ${s(wallMs - modelMs - testMs - commitMs)} s; load ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log("slowest models:                                  wall s  CPU s (with the tests before)");
  for (const m of [...result.models].sort((a, b) => b.ms - a.ms).slice(0, top)) {
    console.log(`  ${m.id.padEnd(46)} ${s(m.ms).padStart(6)} ${s(cpuByModel.get(m.id) ?? NaN).padStart(6)}`);
  }
  console.log("most CPU:");
  for (const [id, ms] of [...cpuByModel].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${id.padEnd(46)} ${s(ms).padStart(6)}`);
  console.log("slowest tests:");
  for (const t of [...result.tests].sort((a, b) => b.ms - a.ms).slice(0, top)) console.log(`  ${`${t.test.model} ${t.test.name}`.padEnd(80)} ${s(t.ms).padStart(6)}`);
  if (opts.fingerprintOut || opts.compare) {
    const fp = await fingerprintMarts(wh);
    if (opts.fingerprintOut) writeFileSync(opts.fingerprintOut, `${JSON.stringify(fp, null, 2)}\n`);
    if (opts.compare) {
      const before = JSON.parse(readFileSync(opts.compare, "utf8")) as Fingerprint;
      const diffs = fingerprintDifferences(before, fp);
      if (diffs.length > 0) {
        console.log(`MARTS DIFFER from ${opts.compare}:\n  ${diffs.join("\n  ")}`);
        code = 1;
      } else console.log(`marts identical to ${opts.compare} (${Object.keys(before).length} marts, every row and column)`);
      const added = newMarts(before, fp);
      if (added.length > 0) console.log(`not compared (new since): ${added.join(", ")}`);
    }
  }
} finally {
  wh.close();
  if (!opts.keep) for (const f of [target, `${target}.wal`]) rmSync(f, { force: true });
}
process.exit(code);

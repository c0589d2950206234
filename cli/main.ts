// The top floor: parses the command line, hands each command to its stage, and is the one exit
// path. Stages are imported inside the commands' actions, so `arwatch sql` never loads the site builder.
import { Command } from "commander";
import { registerBuild } from "./commands/build.ts";
import { registerCheck } from "./commands/check.ts";
import { registerGenerate } from "./commands/generate.ts";
import { registerHolds } from "./commands/holds.ts";
import { registerIngest } from "./commands/ingest.ts";
import { registerNotify } from "./commands/notify.ts";
import { registerReport } from "./commands/report.ts";
import { registerRun } from "./commands/run.ts";
import { registerRuns } from "./commands/runs.ts";
import { registerSchedule } from "./commands/schedule.ts";
import { registerServe } from "./commands/serve.ts";
import { registerSql } from "./commands/sql.ts";
import { CommandFailed } from "./failure.ts";

const program = new Command("arwatch")
  .description("Watches accounts receivable: ledger extracts in, reconciled aging and credit exposure out.")
  .showHelpAfterError(false)
  .configureOutput({ outputError: () => {} })
  .exitOverride();

for (const register of [registerGenerate, registerIngest, registerBuild, registerSql, registerReport, registerNotify, registerRun, registerSchedule, registerRuns, registerCheck, registerServe, registerHolds]) register(program);

function fail(message: string, details: string[], exitCode: number): never {
  for (const d of details) process.stderr.write(`${d}\n`);
  // The cause is one line, whatever DuckDB put in the message (it adds "LINE n: …" context below).
  const oneLine = message.split("\n").map((l) => l.trim()).filter(Boolean).join(" ");
  process.stderr.write(`arwatch: ${oneLine}\n`);
  process.exit(exitCode);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  const err = e as Error & { code?: string; details?: unknown; exitCode?: unknown };
  if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") process.exit(0);
  // A stage's rejection (a refused ingest, say) carries the list of problems to print first.
  const details = Array.isArray(err.details) ? err.details.map(String) : [];
  // A busy warehouse (RunBusy) exits 75, "try again later", so a wrapper can tell it from a failure.
  const exitCode = err instanceof CommandFailed ? err.exitCode : Number.isInteger(err.exitCode) ? (err.exitCode as number) : 1;
  fail(String(err.message ?? err).replace(/^error: /, ""), details, exitCode);
}

// `arwatch run` and `arwatch runs` as a user (or a cron job) calls them: real processes, a real
// warehouse file, the outbox folder and the site in a temp folder.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../../models/runner/project.ts";
import type { RunRecord } from "../../runs/history.ts";
import { arwatch } from "../helpers/cli.ts";
import { tempDir } from "../helpers/warehouse.ts";
import { BIN, startChild, waitForLine, type Child } from "../runs/child-process.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/ledger/", import.meta.url));
const HOLDER = fileURLToPath(new URL("../runs/lock-holder-child.ts", import.meta.url));

interface Workspace {
  dir: string;
  db: string;
  inbox: string;
  outbox: string;
  site: string;
  config: string;
}

function workspace(): Workspace {
  const dir = tempDir("arwatch-run-");
  const ws = { dir, db: join(dir, "data", "warehouse.duckdb"), inbox: join(dir, "inbox"), outbox: join(dir, "outbox"), site: join(dir, "site"), config: join(dir, "arwatch.config.yaml") };
  writeFileSync(ws.config, `ingest:\n  inbox: ${ws.inbox}\n  archiveDir: ${join(dir, "archive")}\n`);
  return ws;
}

const run = (ws: Workspace, extra: string[] = []) =>
  arwatch(["run", ...extra, "--db", ws.db, "--config", ws.config, "--as-of", "2024-04-30", "--outbox", ws.outbox, "--site", ws.site], { env: { ARWATCH_SMTP_URL: "" } });

function history(ws: Workspace): RunRecord[] {
  const result = arwatch(["runs", "--db", ws.db, "--format", "json"]);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as RunRecord[];
}

/** Data rows of a CSV fixture: its lines less the header (no fixture record spans two lines). */
const dataRows = (file: string) => readFileSync(join(FIXTURE, file), "utf8").trim().split("\n").length - 1;

const children: Child[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill("SIGKILL");
});

describe("arwatch run", () => {
  let ws: Workspace;
  let first: ReturnType<typeof run>;
  let second: ReturnType<typeof run>;
  const fixtureFiles = readdirSync(FIXTURE).filter((f) => f.endsWith(".csv"));

  beforeAll(() => {
    ws = workspace();
    // First with no inbox folder at all, then with the fixture's extracts dropped into it.
    first = run(ws);
    mkdirSync(ws.inbox);
    for (const f of fixtureFiles) copyFileSync(join(FIXTURE, f), join(ws.inbox, f));
    second = run(ws);
  }, 240_000);

  it("treats a missing inbox as empty: nothing loaded, and the build, notify and report still run", () => {
    expect(first.stderr).not.toMatch(/^arwatch:/m);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`No extracts in the inbox ${ws.inbox}: figures are from the data loaded before.`);
    const [, run1] = history(ws);
    expect(run1!.trigger).toBe("manual");
    expect(run1!.outcome).toBe("ok");
    expect(run1!.steps.map((s) => [s.step, s.outcome])).toEqual([
      ["ingest", "ok"],
      ["build", "ok"],
      ["notify", "ok"],
      ["report", "ok"],
    ]);
    expect(run1!.steps[0]).toMatchObject({ files_loaded: 0, files_skipped: 0, rows_loaded: 0 });
  });

  it("loads the inbox and records what each step did", () => {
    expect(second.stderr).not.toMatch(/^arwatch:/m);
    expect(second.status).toBe(0);
    const runs = history(ws);
    expect(runs).toHaveLength(2);
    const [latest] = runs;
    const [ingest, build, notify, report] = latest!.steps;
    expect(ingest).toMatchObject({
      step: "ingest",
      outcome: "ok",
      files_loaded: fixtureFiles.length,
      files_skipped: 0,
      rows_loaded: fixtureFiles.reduce((n, f) => n + dataRows(f), 0),
    });
    expect(build).toMatchObject({ step: "build", outcome: "ok", models_built: loadProject().length });
    expect(build!.tests_passed).toBeGreaterThan(0);
    // As of 30 April 2024, C2's INV3 is 91 days past due: its collector at least is told.
    const emails = readdirSync(ws.outbox).filter((f) => f.endsWith(".eml"));
    const recipients = emails.map((f) => /^To: (.*)$/m.exec(readFileSync(join(ws.outbox, f), "utf8"))?.[1]);
    expect(recipients.join(" ")).toContain("somchai@example.com");
    expect(notify).toMatchObject({ step: "notify", outcome: "ok", messages_queued: emails.length, messages_sent: emails.length, messages_failed: 0, messages_waiting: 0 });
    expect(notify!.delivered_via).toContain(ws.outbox);
    expect(report).toMatchObject({ step: "report", outcome: "ok", site_dir: ws.site });
    expect(existsSync(join(ws.site, "index.html"))).toBe(true);
    for (const s of latest!.steps) expect(s.duration_ms).toBeGreaterThanOrEqual(0);
    expect(new Date(latest!.finished_at!).getTime()).toBeGreaterThanOrEqual(new Date(latest!.started_at).getTime());
  });

  it("prints the summary, how many messages were written and where, and the run's id", () => {
    const [latest] = history(ws);
    const emails = readdirSync(ws.outbox).filter((f) => f.endsWith(".eml")).length;
    expect(second.stdout).toContain("Accounts receivable as of 2024-04-30");
    expect(second.stdout).toMatch(new RegExp(`Messages +${emails} recorded this run; ${emails} written to .*outbox`));
    expect(second.stdout).toContain(`Report site: ${ws.site}`);
    expect(second.stdout).toContain(`Run ${latest!.run_id} recorded: arwatch runs shows it.`);
  });

  it("shows the history as a table, newest first, with each step and what it did", () => {
    const result = arwatch(["runs", "--db", ws.db, "--limit", "1"], { env: { TZ: "Asia/Bangkok" } });
    expect(result.status).toBe(0);
    const [latest] = history(ws);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^started +trigger +scheduled_for +run +outcome +took +step +duration +step_outcome +did +error$/);
    // One run (limit 1): its four steps, the run's columns on the first line only.
    expect(lines).toHaveLength(2 + 4);
    expect(lines[2]).toContain(`manual`);
    expect(lines[2]).toContain(latest!.run_id.slice(0, 8));
    expect(lines[2]).toMatch(/ \+07:00 /);
    expect(lines[2]).toContain(`${fixtureFiles.length} files loaded (${fixtureFiles.reduce((n, f) => n + dataRows(f), 0)} rows)`);
    expect(lines[3]).toMatch(/^ +build +\d+\.\d s +ok +\d+ models, \d+ tests passed, \d+ warned/);
    expect(lines[5]).toContain(`site at ${ws.site}`);
  });
});

describe("arwatch run, refused and failed", () => {
  it("refuses while another job holds the warehouse, naming it, and exits 75 without touching the warehouse", async () => {
    const ws = workspace();
    const holder = startChild(HOLDER, [ws.db, "arwatch notify"]);
    children.push(holder);
    await waitForLine(holder, /^held$/);
    const result = run(ws);
    expect(result.status).toBe(75);
    expect(result.stderr).toContain(`arwatch: arwatch run: the warehouse ${ws.db} is busy: arwatch notify (pid ${holder.process.pid} on ${hostname()}, since `);
    expect(existsSync(ws.db)).toBe(false);
  });

  it("is not blocked by a run killed with SIGKILL, which shows as interrupted and is recorded so by the next run", async () => {
    const ws = workspace();
    mkdirSync(ws.inbox);
    for (const f of readdirSync(FIXTURE)) copyFileSync(join(FIXTURE, f), join(ws.inbox, f));
    const killed = startChild(BIN, ["run", "--db", ws.db, "--config", ws.config, "--as-of", "2024-04-30", "--outbox", ws.outbox, "--site", ws.site], { ARWATCH_SMTP_URL: "" });
    children.push(killed);
    await waitForLine(killed, /^building models as of /, "stderr");
    killed.process.kill("SIGKILL");
    expect(await killed.exited).toBe("SIGKILL");
    const pid = killed.process.pid!;
    // Nothing cleaned up after it: its lock file is still there.
    expect(JSON.parse(readFileSync(`${ws.db}.lock`, "utf8"))).toMatchObject({ pid, what: "arwatch run" });
    const [shown] = history(ws);
    expect(shown).toMatchObject({ outcome: "interrupted", error: `the process (pid ${pid}) ended before the run finished` });
    expect(shown!.steps.map((s) => [s.step, s.outcome])).toEqual([
      ["ingest", "ok"],
      ["build", "interrupted"],
    ]);
    // The next run takes the lock over; an extract that is not a ledger makes it fail early.
    writeFileSync(join(ws.inbox, "payments-2.csv"), "nothing,useful\n1,2\n");
    const next = run(ws);
    expect(next.status).toBe(1);
    expect(next.stderr).toContain(`took over the run lock of arwatch run that is no longer running (pid ${pid}, since `);
    expect(next.stderr).toContain(`run ${shown!.run_id} was interrupted (its process ended before it finished); recorded as interrupted`);
    const stored = arwatch(["sql", "--db", ws.db, "--format", "json", `select outcome from meta.runs where run_id = '${shown!.run_id}'`]);
    expect(JSON.parse(stored.stdout)).toEqual([{ outcome: "interrupted" }]);
    expect(existsSync(`${ws.db}.lock`)).toBe(false);
  });

  it("on SIGTERM finishes the step in progress, records the run as stopped and exits 143", async () => {
    const ws = workspace();
    const child = startChild(BIN, ["run", "--db", ws.db, "--config", ws.config, "--as-of", "2024-04-30", "--outbox", ws.outbox, "--site", ws.site], { ARWATCH_SMTP_URL: "" });
    children.push(child);
    await waitForLine(child, /^building models as of /, "stderr");
    child.process.kill("SIGTERM");
    expect(await child.exited).toBe(143);
    const [stopped] = history(ws);
    expect(child.stderr()).toContain(`arwatch: run ${stopped!.run_id} stopped by SIGTERM after its build step; not run: notify, report`);
    expect(stopped).toMatchObject({ outcome: "stopped", error: "stopped by SIGTERM after the build step; not run: notify, report" });
    expect(stopped!.steps.map((s) => [s.step, s.outcome])).toEqual([
      ["ingest", "ok"],
      ["build", "ok"],
    ]);
  });

  it("records a failing ingest with its error, and the table shows hostile file names escaped", () => {
    const ws = workspace();
    mkdirSync(ws.inbox);
    // An extract whose name carries an escape sequence, and whose content is not a ledger.
    writeFileSync(join(ws.inbox, "invoices-\u001b[31mred.csv"), "nothing,useful\n1,2\n");
    const result = run(ws);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("failed at the ingest step (recorded; see arwatch runs)");
    const [failed] = history(ws);
    expect(failed!.outcome).toBe("failed");
    expect(failed!.steps.map((s) => [s.step, s.outcome])).toEqual([["ingest", "failed"]]);
    expect(failed!.error).toMatch(/^ingest: /);
    const table = arwatch(["runs", "--db", ws.db]).stdout;
    expect(table).not.toContain("\u001b");
    expect(table).toContain("invoices-\\x1b[31mred.csv");
  });
});

describe("arwatch runs", () => {
  it("says so when nothing was recorded yet, and refuses an unknown format", () => {
    const ws = workspace();
    arwatch(["ingest", FIXTURE, "--db", ws.db, "--config", ws.config]);
    expect(arwatch(["runs", "--db", ws.db]).stdout).toBe("No runs recorded yet: arwatch run (or arwatch schedule) records each run here.\n");
    expect(arwatch(["runs", "--db", ws.db, "--format", "json"]).stdout).toBe("[]\n");
    const bad = arwatch(["runs", "--db", ws.db, "--format", "xml"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--format must be table or json, not "xml"');
  });
});

import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

/** GNU time reports the child's peak RSS (%M, in KB) exactly, which no sampling can. */
export const TIME_BIN = "/usr/bin/time";
export const HAS_TIME_BIN = existsSync(TIME_BIN);

export interface StepRun {
  name: string;
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  wallMs: number;
  /** Peak resident set of the child, in KB; null when /usr/bin/time is absent or said nothing. */
  peakRssKb: number | null;
  /**
   * CPU time of the child and its children (user + system), in ms, from /usr/bin/time; null when
   * absent. On a shared machine it moves much less than the wall time, so it shows whether a
   * slower run did more work or only waited for a core.
   */
  cpuMs: number | null;
  stdout: string;
  stderr: string;
  logFile: string;
}

export interface RunOptions {
  cwd?: string;
  /** Where the child's stdout and stderr are copied, so that a failure can be read afterwards. */
  logDir: string;
  /** Text to write to the child's stdin (then closed). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** Measure the peak RSS with /usr/bin/time (off for psql, whose RSS says nothing about the server). */
  measureRss?: boolean;
}

/**
 * Children still running, by pid. Each is a process-group leader (detached), so that an
 * interrupt can stop it and whatever it started — and only that — by its own id.
 */
const running = new Set<number>();

export function stopRunningChildren(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
}

/** The most output kept in memory per stream; all of it still goes to the log file. */
const KEEP_CHARS = 4 * 1024 * 1024;

/**
 * Runs one step as a child process and times it from spawn to exit with performance.now, so
 * that the figure includes process start-up exactly as a user running the CLI would pay it.
 */
export function runStep(name: string, command: string, args: readonly string[], options: RunOptions): Promise<StepRun> {
  const measure = (options.measureRss ?? true) && HAS_TIME_BIN;
  const safe = name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
  const rssFile = join(options.logDir, `${safe}.rss`);
  const logFile = join(options.logDir, `${safe}.log`);
  // -o keeps time's report out of the child's stderr, which we also want to read.
  const [cmd, argv] = measure ? [TIME_BIN, ["-f", "%M %U %S", "-o", rssFile, command, ...args]] : [command, [...args]];
  const log = createWriteStream(logFile);
  log.write(`$ ${[command, ...args].join(" ")}\n`);

  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    if (child.pid !== undefined) running.add(child.pid);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      log.write(d);
      if (stdout.length < KEEP_CHARS) stdout += d.toString("utf8");
    });
    child.stderr.on("data", (d: Buffer) => {
      log.write(d);
      if (stderr.length < KEEP_CHARS) stderr += d.toString("utf8");
    });
    child.stdin.on("error", () => {
      // A child that exits without reading its input is reported by its exit code instead.
    });
    child.stdin.end(options.input ?? "");
    child.on("error", (e) => {
      if (child.pid !== undefined) running.delete(child.pid);
      log.end();
      reject(new Error(`${name}: cannot start ${cmd}: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      const wallMs = performance.now() - started;
      if (child.pid !== undefined) running.delete(child.pid);
      log.end(`\n[exit ${code ?? signal}, ${(wallMs / 1000).toFixed(2)} s]\n`);
      const { peakRssKb, cpuMs } = measure ? readTime(rssFile) : { peakRssKb: null, cpuMs: null };
      resolve({ name, ok: code === 0, exitCode: code, signal, wallMs, peakRssKb, cpuMs, stdout, stderr, logFile });
    });
  });
}

/** time writes "Command exited with non-zero status N" before the figures when the child fails. */
function readTime(file: string): { peakRssKb: number | null; cpuMs: number | null } {
  if (!existsSync(file)) return { peakRssKb: null, cpuMs: null };
  const lines = readFileSync(file, "utf8").trim().split("\n");
  rmSync(file, { force: true });
  const [kb, user, system] = (lines[lines.length - 1] ?? "").trim().split(/\s+/).map(Number);
  const cpu = (user ?? NaN) + (system ?? NaN);
  return {
    peakRssKb: Number.isFinite(kb) && kb! > 0 ? kb! : null,
    cpuMs: Number.isFinite(cpu) ? Math.round(cpu * 1000) : null,
  };
}

/** The last few lines of a failed step's stderr (or stdout), for the console. */
export function tail(run: StepRun, lines = 15): string {
  const text = (run.stderr.trim() || run.stdout.trim()).split("\n");
  return text.slice(-lines).map((l) => `    ${l}`).join("\n");
}

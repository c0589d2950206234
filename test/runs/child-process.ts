import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name) once the process is gone and reaped. */
  exited: Promise<number | string>;
}

export const BIN = fileURLToPath(new URL("../../bin/arwatch.js", import.meta.url));

/** Starts a script in its own Node process (TypeScript through tsx; the CLI's bin/arwatch.js as it is). */
export function startChild(script: string, args: string[], env: Record<string, string> = {}): Child {
  const loader = script.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...loader, script, ...args], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  return { process: child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves when the child has printed a line matching `pattern` on stdout or stderr (rejects if it exits first). */
export function waitForLine(child: Child, pattern: RegExp, stream: "stdout" | "stderr" = "stdout"): Promise<string> {
  const text = stream === "stdout" ? child.stdout : child.stderr;
  const source = stream === "stdout" ? child.process.stdout! : child.process.stderr!;
  return new Promise((resolve, reject) => {
    const check = () => {
      const line = text().split("\n").find((l) => pattern.test(l));
      if (line !== undefined) {
        source.off("data", check);
        resolve(line);
      }
    };
    source.on("data", check);
    void child.exited.then((code) => reject(new Error(`child exited (${code}) before printing ${pattern}: ${child.stderr()}`)));
    check();
  });
}

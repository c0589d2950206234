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

/** Starts a TypeScript file in its own Node process (as the CLI's scheduler or a second terminal would). */
export function startChild(script: string, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
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

/** Resolves when the child has printed a line matching `pattern` on stdout (rejects if it exits first). */
export function waitForLine(child: Child, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const line = child.stdout().split("\n").find((l) => pattern.test(l));
      if (line !== undefined) {
        child.process.stdout!.off("data", check);
        resolve(line);
      }
    };
    child.process.stdout!.on("data", check);
    void child.exited.then((code) => reject(new Error(`child exited (${code}) before printing ${pattern}: ${child.stderr()}`)));
    check();
  });
}

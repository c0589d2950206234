import { stopRunningChildren } from "./steps.ts";

/**
 * Things that must happen even when the bench is interrupted: stopping the PostgreSQL instance
 * it started (else a postmaster outlives the bench holding gigabytes of shared memory) and
 * deleting the work dir. Each runs at most once, newest first, synchronously — a signal handler
 * cannot wait for promises.
 */
type Cleanup = () => void;
const cleanups: { name: string; fn: Cleanup; done: boolean }[] = [];

export function onCleanup(name: string, fn: Cleanup): () => void {
  const entry = { name, fn, done: false };
  cleanups.push(entry);
  return () => runOne(entry);
}

function runOne(entry: { name: string; fn: Cleanup; done: boolean }): void {
  if (entry.done) return;
  entry.done = true;
  try {
    entry.fn();
  } catch (e) {
    process.stderr.write(`cleanup (${entry.name}) failed: ${(e as Error).message}\n`);
  }
}

export function runAllCleanups(): void {
  for (const entry of [...cleanups].reverse()) runOne(entry);
}

let installed = false;

export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping children, PostgreSQL, and cleaning up…\n`);
      stopRunningChildren();
      runAllCleanups();
      process.exit(130);
    });
  }
}

/** Runs a bench script's main: its exit code, or 1 with the stack on a failure; the cleanups either way. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => {
      runAllCleanups();
      process.exit(code);
    },
    (e) => {
      console.error(e instanceof Error ? e.stack : e);
      runAllCleanups();
      process.exit(1);
    },
  );
}

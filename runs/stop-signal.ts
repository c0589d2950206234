// A graceful stop: the first SIGTERM or SIGINT asks the job to stop after the step in progress (a
// half-done step would be rolled back and redone anyway, but a finished one need not be); a second
// one stops the process at once. Injected into the job and the scheduler, so tests stop them by hand.

export interface StopSignal {
  /** Why a stop was asked for ("SIGTERM", "SIGINT", …), or null while none was. */
  readonly reason: string | null;
  /** Calls fn once a stop is asked for (at once if it already was); returns an unsubscribe. */
  onStop(fn: () => void): () => void;
}

/** A stop signal that code (a test, a caller) triggers with stop(reason). */
export function manualStop(): StopSignal & { stop(reason: string): void } {
  let reason: string | null = null;
  const listeners = new Set<() => void>();
  return {
    get reason() {
      return reason;
    },
    onStop(fn) {
      if (reason !== null) {
        fn();
        return () => {};
      }
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    stop(why) {
      if (reason !== null) return;
      reason = why;
      for (const fn of [...listeners]) fn();
      listeners.clear();
    },
  };
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

/**
 * Stops on SIGTERM or SIGINT: the first asks for a graceful stop (and says so on the log); a
 * second exits at once with 128 + the signal's number. dispose() restores the default handling.
 */
export function stopOnSignals(announce: (message: string) => void): StopSignal & { dispose(): void } {
  const signal = manualStop();
  const handler = (name: NodeJS.Signals) => {
    if (signal.reason !== null) {
      announce(`${name} again: stopping now`);
      process.exit(128 + (SIGNAL_NUMBERS[name] ?? 1));
    }
    announce(`${name}: finishing the step in progress, then stopping (send it again to stop at once)`);
    signal.stop(name);
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
  return Object.assign(signal, {
    dispose() {
      process.off("SIGTERM", handler);
      process.off("SIGINT", handler);
    },
  });
}

// The pace of delivery: at most rateLimitPerSecond sends a second, and the warehouse's statements
// one at a time while several messages are on the wire.

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * At most `perSecond` sends a second: each send takes the next slot, 1/perSecond after the one before,
 * and waits for it. (nodemailer's pool has a rateLimit option, but version 10.6 never applies it.)
 */
export function rateLimiter(perSecond: number, now: () => Date, wait: (ms: number) => Promise<void>): () => Promise<void> {
  if (perSecond <= 0) return async () => {};
  const spacing = 1000 / perSecond;
  let nextSlot = -Infinity;
  return async () => {
    const t = now().getTime();
    const slot = Math.max(t, nextSlot);
    nextSlot = slot + spacing;
    if (slot > t) await wait(slot - t);
  };
}

/** Runs async tasks one after another, in the order they were asked for. */
export function serialiser(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => {});
    return run;
  };
}

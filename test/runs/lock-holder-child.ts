// Holds a warehouse's run lock in its own process until it is killed, so that a test can see a live
// holder refuse a second job and a SIGKILLed one not block the next.
// Usage: node --import tsx test/runs/lock-holder-child.ts <warehouse> <what>
import { withRunLock } from "../../core/run-lock.ts";

const [db, what] = process.argv.slice(2) as [string, string];
await withRunLock(db, what, () => new Date(), async () => {
  process.stdout.write("held\n");
  // An open timer keeps the process alive until the test kills it.
  setInterval(() => {}, 60_000);
  await new Promise(() => {});
});

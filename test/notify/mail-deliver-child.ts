// Delivers a warehouse's pending messages in its own process, so that a test can kill it with
// SIGKILL at the moment the SMTP server accepts a message: before "sent" can be written.
// Usage: node --import tsx test/notify/mail-deliver-child.ts <warehouse> <smtp url> <now ISO>
import { silentLogger } from "../../core/log.ts";
import { openWarehouse } from "../../core/warehouse.ts";
import { deliverPending } from "../../notify/deliver.ts";

const [db, smtpUrl, now] = process.argv.slice(2) as [string, string, string];
const wh = await openWarehouse(db);
const result = await deliverPending(wh, {
  now: () => new Date(now),
  smtpUrl,
  outboxDir: "unused",
  delivery: { maxAttempts: 4, retryAfterMinutes: 5, rateLimitPerSecond: 0 },
  log: silentLogger,
});
wh.close();
process.stdout.write(`${JSON.stringify(result)}\n`);

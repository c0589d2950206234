import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { simpleParser } from "mailparser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryLogger } from "../../core/log.ts";
import { openWarehouse, type Warehouse } from "../../core/warehouse.ts";
import { backoffMinutes, deliverPending, type DeliveryOptions } from "../../notify/deliver.ts";
import { SMTP_CONNECTIONS } from "../../notify/deliver-smtp.ts";
import { ensureNotifySchema } from "../../notify/schema.ts";
import { startSmtp, type TestSmtp } from "../helpers/smtp.ts";
import { tempDir } from "../helpers/warehouse.ts";
import { annaDigest, insertMessage, insertRaw } from "./mail-digest.ts";

const T0 = new Date("2026-07-01T06:00:00.000Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

interface Row {
  message_id: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  sent_at: string | null;
  last_error: string | null;
  delivered_to: string | null;
}

let wh: Warehouse;
let smtp: TestSmtp;
let outbox: string;

beforeEach(async () => {
  wh = await openWarehouse(":memory:");
  await ensureNotifySchema(wh);
  smtp = await startSmtp();
  outbox = join(tempDir("arwatch-outbox-"), "outbox");
});

afterEach(async () => {
  await smtp.close();
  wh.close();
});

function options(at: Date, overrides: Partial<DeliveryOptions> = {}): DeliveryOptions & { log: ReturnType<typeof memoryLogger> } {
  return { now: () => at, smtpUrl: smtp.url, outboxDir: outbox, delivery: { maxAttempts: 4, retryAfterMinutes: 5, rateLimitPerSecond: 0 }, log: memoryLogger(), ...overrides } as DeliveryOptions & { log: ReturnType<typeof memoryLogger> };
}

async function rows(): Promise<Record<string, Row>> {
  const list = await wh.all<Row>(
    `select message_id, status, attempts, strftime(next_attempt_at, '%Y-%m-%dT%H:%M:%S') as next_attempt_at,
            strftime(sent_at, '%Y-%m-%dT%H:%M:%S') as sent_at, last_error, delivered_to
     from notify.messages order by message_id`,
  );
  return Object.fromEntries(list.map((r) => [r.message_id, r]));
}

/** Three collectors' digests, recorded at T0 and due at once. */
async function threeMessages(): Promise<Record<string, string>> {
  const raws: Record<string, string> = {};
  for (const [i, name] of ["anna", "binh", "chai"].entries()) {
    const id = `m${i + 1}@arwatch`;
    raws[id] = await insertMessage(wh, annaDigest({ messageId: id, recipient: `${name}@example.com`, collector: name }), T0, minutes(i));
  }
  return raws;
}

function received(id: string) {
  return smtp.messages.filter((m) => m.parsed.messageId === `<${id}>`);
}

describe("deliverPending over SMTP", () => {
  it("sends each due message to its one recipient, as stored, and marks it sent with the server's answer", async () => {
    const raws = await threeMessages();
    const result = await deliverPending(wh, options(T0));
    expect(result).toEqual({ sent: 3, failed: 0, waiting: 0, deliveredVia: `smtp://127.0.0.1:${smtp.port}` });
    // Several messages are on the wire at once, so the server may see them in any order.
    expect(smtp.messages.map((m) => m.envelope).sort((a, b) => a.to[0]!.localeCompare(b.to[0]!))).toEqual([
      { from: "arwatch@example.com", to: ["anna@example.com"] },
      { from: "arwatch@example.com", to: ["binh@example.com"] },
      { from: "arwatch@example.com", to: ["chai@example.com"] },
    ]);
    for (const m of smtp.messages) {
      const id = m.parsed.messageId!.slice(1, -1);
      expect(m.raw.replace(/\r\n$/, "")).toBe(raws[id]!.replace(/\r\n$/, ""));
      expect(m.parsed.bcc).toBeUndefined();
      expect(m.parsed.subject).toBe("arwatch · 2026-06-30: 1 new, 1 escalated, 0 reminders · work list 4");
      expect(m.parsed.attachments[0]!.filename).toBe("arwatch-2026-06-30.csv");
    }
    const after = await rows();
    expect(after["m1@arwatch"]).toMatchObject({ status: "sent", attempts: 1, sent_at: "2026-07-01T06:00:00", last_error: null });
    expect(after["m1@arwatch"]!.delivered_to).toMatch(new RegExp(`^smtp://127\\.0\\.0\\.1:${smtp.port} 250 Ok: queued as test-\\d$`));
  });

  it("does not send a message before its next attempt is due, nor one already sent", async () => {
    await insertMessage(wh, annaDigest({ messageId: "later@arwatch" }), minutes(10));
    expect(await deliverPending(wh, options(T0))).toMatchObject({ sent: 0, waiting: 1 });
    expect(smtp.messages).toHaveLength(0);
    expect(await deliverPending(wh, options(minutes(10)))).toMatchObject({ sent: 1, waiting: 0 });
    expect(await deliverPending(wh, options(minutes(20)))).toMatchObject({ sent: 0, waiting: 0 });
    expect(received("later@arwatch")).toHaveLength(1);
  });

  it("loses nothing when the server is down for a run: every message is delivered exactly once when it is back", async () => {
    await threeMessages();
    await smtp.stop();
    const down = await deliverPending(wh, options(T0));
    expect(down).toMatchObject({ sent: 0, failed: 0, waiting: 3 });
    // Each message tried met the outage and waits its backoff; none is failed, none marked sent,
    // and an outage costs no attempt (an outage of any length must not fail a message for good).
    const afterDown = Object.values(await rows());
    expect(afterDown.map((r) => r.status)).toEqual(["pending", "pending", "pending"]);
    expect(afterDown.map((r) => r.attempts)).toEqual([0, 0, 0]);
    const tried = afterDown.filter((r) => r.last_error !== null);
    expect(tried.length).toBeGreaterThanOrEqual(1);
    for (const r of tried) {
      expect(r.next_attempt_at).toBe("2026-07-01T06:05:00");
      expect(r.last_error).toMatch(/ECONNREFUSED|connect/i);
    }

    await smtp.start();
    // Before the backoff only the untried ones go; at 06:05 the rest.
    expect(await deliverPending(wh, options(minutes(1)))).toMatchObject({ sent: 3 - tried.length, waiting: tried.length });
    expect(await deliverPending(wh, options(minutes(5)))).toMatchObject({ sent: tried.length, waiting: 0 });
    expect(await deliverPending(wh, options(minutes(60)))).toMatchObject({ sent: 0, waiting: 0 });
    for (const id of ["m1@arwatch", "m2@arwatch", "m3@arwatch"]) expect(received(id)).toHaveLength(1);
    expect(Object.values(await rows()).map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
  });

  it("stops a run at an unreachable server instead of spending an attempt of every message on it", async () => {
    const queued = SMTP_CONNECTIONS + 5;
    for (let i = 1; i <= queued; i++) await insertMessage(wh, annaDigest({ messageId: `q${i}@arwatch` }), T0);
    await smtp.stop();
    const log = memoryLogger();
    expect(await deliverPending(wh, options(T0, { log }))).toMatchObject({ sent: 0, failed: 0, waiting: queued });
    const attempted = Object.values(await rows()).filter((r) => r.last_error !== null);
    expect(Object.values(await rows()).every((r) => r.attempts === 0)).toBe(true);
    // At most the messages on the wire when the first refusal came back.
    expect(attempted.length).toBeGreaterThanOrEqual(1);
    expect(attempted.length).toBeLessThanOrEqual(SMTP_CONNECTIONS);
    expect(log.lines.some((l) => l.includes("delivery stopped for this run"))).toBe(true);
  });

  it("fails nothing however long the server is down: an outage costs no attempt", async () => {
    await insertMessage(wh, annaDigest({ messageId: "long@arwatch" }), T0);
    await smtp.stop();
    // More runs than maxAttempts (3 here), each after the message's next attempt is due.
    for (let run = 0; run < 6; run++) {
      expect(await deliverPending(wh, options(minutes(run * 60), { delivery: { maxAttempts: 3, retryAfterMinutes: 5, rateLimitPerSecond: 0 } }))).toMatchObject({ failed: 0, waiting: 1 });
    }
    expect((await rows())["long@arwatch"]).toMatchObject({ status: "pending", attempts: 0 });
    await smtp.start();
    expect(await deliverPending(wh, options(minutes(6 * 60)))).toMatchObject({ sent: 1, waiting: 0 });
    expect(received("long@arwatch")).toHaveLength(1);
  });

  it("treats a refused sender (5xx to MAIL FROM) as the server's problem: the run stops, every message waits", async () => {
    await threeMessages();
    smtp.reject({ code: 553, stage: "mail", message: "553 5.7.1 sender address rejected: not owned by user" });
    const result = await deliverPending(wh, options(T0));
    expect(result).toMatchObject({ sent: 0, failed: 0, waiting: 3 });
    const after = Object.values(await rows());
    expect(after.map((r) => [r.status, r.attempts])).toEqual([["pending", 0], ["pending", 0], ["pending", 0]]);
    expect(after.some((r) => /553/.test(r.last_error ?? ""))).toBe(true);
    smtp.clearRejections();
    expect(await deliverPending(wh, options(minutes(5)))).toMatchObject({ sent: 3, failed: 0, waiting: 0 });
  });

  it("retries a 4xx after the backoff (5, then 10 minutes), not before", async () => {
    await insertMessage(wh, annaDigest({ messageId: "busy@arwatch" }), T0);
    smtp.reject({ code: 451, stage: "rcpt", count: 2, message: "451 4.3.0 mailbox busy, try later" });

    expect(await deliverPending(wh, options(T0))).toMatchObject({ sent: 0, failed: 0, waiting: 1 });
    expect((await rows())["busy@arwatch"]).toMatchObject({ status: "pending", attempts: 1, next_attempt_at: "2026-07-01T06:05:00" });
    expect((await rows())["busy@arwatch"]!.last_error).toContain("451");

    // Four minutes later it is not due: nothing is tried (the server would refuse it once more).
    await deliverPending(wh, options(minutes(4)));
    expect((await rows())["busy@arwatch"]!.attempts).toBe(1);

    await deliverPending(wh, options(minutes(5)));
    expect((await rows())["busy@arwatch"]).toMatchObject({ status: "pending", attempts: 2, next_attempt_at: "2026-07-01T06:15:00" });

    await deliverPending(wh, options(minutes(14)));
    expect(received("busy@arwatch")).toHaveLength(0);
    expect(await deliverPending(wh, options(minutes(15)))).toMatchObject({ sent: 1, waiting: 0 });
    expect((await rows())["busy@arwatch"]).toMatchObject({ status: "sent", attempts: 3, sent_at: "2026-07-01T06:15:00" });
    expect(received("busy@arwatch")).toHaveLength(1);
  });

  it("marks a message failed after maxAttempts temporary failures", async () => {
    await insertMessage(wh, annaDigest({ messageId: "never@arwatch" }), T0);
    smtp.reject({ code: 452, stage: "data" });
    const opts = { delivery: { maxAttempts: 2, retryAfterMinutes: 5, rateLimitPerSecond: 0 } };
    expect(await deliverPending(wh, options(T0, opts))).toMatchObject({ failed: 0, waiting: 1 });
    expect(await deliverPending(wh, options(minutes(5), opts))).toMatchObject({ failed: 1, waiting: 0 });
    expect((await rows())["never@arwatch"]).toMatchObject({ status: "failed", attempts: 2 });
  });

  it("marks a 5xx failed at once and never tries it again", async () => {
    await threeMessages();
    smtp.reject({ code: 550, stage: "rcpt", recipient: "binh@example.com", message: "550 5.1.1 no such user" });
    const log = memoryLogger();
    expect(await deliverPending(wh, options(T0, { log }))).toMatchObject({ sent: 2, failed: 1, waiting: 0 });
    const binh = (await rows())["m2@arwatch"]!;
    expect(binh).toMatchObject({ status: "failed", attempts: 1, sent_at: null });
    expect(binh.last_error).toContain("550");
    expect(log.lines.join("\n")).toMatch(/m2@arwatch to binh@example\.com: .*550.*failed, not retried/);

    smtp.clearRejections();
    expect(await deliverPending(wh, options(minutes(60 * 48)))).toMatchObject({ sent: 0, failed: 0, waiting: 0 });
    expect(received("m2@arwatch")).toHaveLength(0);
  });

  it("fails a stored message with an invalid recipient without handing it to the server", async () => {
    const good = await renderMessage();
    await insertRaw(wh, { messageId: "bad@arwatch", recipient: "not an address", subject: "s", rawMime: good, asOf: "2026-06-30" }, T0);
    expect(await deliverPending(wh, options(T0))).toMatchObject({ sent: 0, failed: 1 });
    expect((await rows())["bad@arwatch"]!.last_error).toBe('recipient "not an address" is not a valid e-mail address');
    expect(smtp.messages).toHaveLength(0);
  });

  it("re-sends the same bytes with the same Message-ID after a crash between acceptance and 'sent'", async () => {
    const raw = await insertMessage(wh, annaDigest({ messageId: "crash@arwatch" }), T0);
    await deliverPending(wh, options(T0));
    // The server accepted it; the process died before its status was written (the update is lost).
    await wh.run("update notify.messages set status = 'pending', attempts = 0, sent_at = null, delivered_to = null where message_id = 'crash@arwatch'");
    expect(await deliverPending(wh, options(minutes(1)))).toMatchObject({ sent: 1, waiting: 0 });
    const copies = received("crash@arwatch");
    expect(copies).toHaveLength(2);
    expect(copies[1]!.raw).toBe(copies[0]!.raw);
    expect(copies[0]!.raw.replace(/\r\n$/, "")).toBe(raw.replace(/\r\n$/, ""));
    expect((await rows())["crash@arwatch"]).toMatchObject({ status: "sent", sent_at: "2026-07-01T06:01:00" });
  });
});

describe("deliverPending killed between the server's acceptance and 'sent'", () => {
  it("leaves the message pending, and the next run re-sends the same bytes with the same Message-ID", async () => {
    const dbPath = join(tempDir("arwatch-crash-"), "warehouse.duckdb");
    const fileWh = await openWarehouse(dbPath);
    await ensureNotifySchema(fileWh);
    const raw = await insertMessage(fileWh, annaDigest({ messageId: "killed@arwatch" }), T0);
    fileWh.close();

    let child: ChildProcess | null = null;
    await smtp.close();
    // The server kills the delivering process as it accepts the message, before it answers 250.
    smtp = await startSmtp({ beforeReply: () => child?.kill("SIGKILL") });
    child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./mail-deliver-child.ts", import.meta.url)), dbPath, smtp.url, T0.toISOString()], { stdio: "ignore" });
    const exit = await new Promise<string | number | null>((resolve) => child!.on("exit", (code, signal) => resolve(signal ?? code)));
    expect(exit).toBe("SIGKILL");
    expect(received("killed@arwatch")).toHaveLength(1);

    wh.close();
    wh = await openWarehouse(dbPath);
    expect((await rows())["killed@arwatch"]).toMatchObject({ status: "pending", attempts: 0, sent_at: null });
    expect(await deliverPending(wh, options(minutes(1)))).toMatchObject({ sent: 1, waiting: 0 });
    const copies = received("killed@arwatch");
    expect(copies).toHaveLength(2);
    expect(copies[1]!.raw).toBe(copies[0]!.raw);
    expect(copies[1]!.raw).toBe(raw);
    expect((await rows())["killed@arwatch"]).toMatchObject({ status: "sent", attempts: 1, sent_at: "2026-07-01T06:01:00" });
  });
});

describe("deliverPending with a password in ARWATCH_SMTP_URL", () => {
  it("logs in, and never shows the password: not in logs, errors, last_error or deliveredVia", async () => {
    await smtp.close();
    smtp = await startSmtp({ auth: { user: "arwatch", pass: "s3cret-Pa55" } });
    await threeMessages();
    const ok = await deliverPending(wh, options(T0));
    expect(ok).toMatchObject({ sent: 3, deliveredVia: `smtp://127.0.0.1:${smtp.port}` });

    await insertMessage(wh, annaDigest({ messageId: "m4@arwatch" }), T0);
    const wrong = `smtp://arwatch:wrong-Pa55word@127.0.0.1:${smtp.port}`;
    const log = memoryLogger();
    expect(await deliverPending(wh, options(T0, { smtpUrl: wrong, log }))).toMatchObject({ sent: 0, waiting: 1 });
    const row = (await rows())["m4@arwatch"]!;
    expect(row.last_error).toMatch(/535|auth/i);
    const everything = [log.lines.join("\n"), JSON.stringify(await rows())].join("\n");
    expect(everything).not.toContain("s3cret-Pa55");
    expect(everything).not.toContain("wrong-Pa55word");

    await expect(deliverPending(wh, options(T0, { smtpUrl: "http://arwatch:s3cret-Pa55@example.com" }))).rejects.toThrow(/ARWATCH_SMTP_URL "http:\/\/\*\*\*@example\.com" is not an SMTP address/);
  });
});

describe("deliverPending into the outbox folder", () => {
  it("writes each message as <message id>.eml, valid MIME without Bcc, atomically, and marks it sent with the path", async () => {
    const raws = await threeMessages();
    const result = await deliverPending(wh, options(T0, { smtpUrl: undefined }));
    expect(result).toEqual({ sent: 3, failed: 0, waiting: 0, deliveredVia: outbox });
    expect(readdirSync(outbox).sort()).toEqual(["m1@arwatch.eml", "m2@arwatch.eml", "m3@arwatch.eml"]);
    for (const [id, raw] of Object.entries(raws)) {
      const path = join(outbox, `${id}.eml`);
      const text = readFileSync(path, "utf8");
      expect(text).toBe(raw);
      expect(text.slice(0, text.indexOf("\r\n\r\n"))).not.toMatch(/^bcc:/im);
      const mail = await simpleParser(text);
      expect(mail.messageId).toBe(`<${id}>`);
      expect(mail.bcc).toBeUndefined();
      expect(mail.attachments[0]!.content.toString("utf8")).toContain("work_list,disputed");
      expect((await rows())[id]).toMatchObject({ status: "sent", delivered_to: path, sent_at: "2026-07-01T06:00:00" });
    }
  });

  it("gives an odd Message-ID a safe file name inside the folder", async () => {
    await insertRaw(wh, { messageId: "../../etc/x y@arwatch", recipient: "anna@example.com", subject: "s", rawMime: await renderMessage(), asOf: "2026-06-30" }, T0);
    await deliverPending(wh, options(T0, { smtpUrl: undefined }));
    const files = readdirSync(outbox);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^__\.\._etc_x_y@arwatch-[0-9a-f]{10}\.eml$/);
    expect(existsSync(join(outbox, "..", "..", "etc"))).toBe(false);
  });

  it("waits and retries when the folder cannot be written", async () => {
    await threeMessages();
    const blocked = join(tempDir(), "file-not-folder");
    writeFileSync(blocked, "x");
    const result = await deliverPending(wh, options(T0, { smtpUrl: undefined, outboxDir: join(blocked, "outbox") }));
    expect(result).toMatchObject({ sent: 0, failed: 0, waiting: 3 });
    expect((await rows())["m1@arwatch"]).toMatchObject({ status: "pending", attempts: 0, next_attempt_at: "2026-07-01T06:05:00" });
  });
});

describe("deliverPending with notify.delivery.rateLimitPerSecond", () => {
  it("spaces the sends 1/rate apart, whatever the number of connections", async () => {
    for (let i = 1; i <= 5; i++) await insertMessage(wh, annaDigest({ messageId: `r${i}@arwatch` }), T0);
    // The clock stands still, so the k-th send waits k × 250 ms for its slot at 4 a second.
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const result = await deliverPending(wh, options(T0, { delivery: { maxAttempts: 4, retryAfterMinutes: 5, rateLimitPerSecond: 4 }, sleep }));
    expect(result).toMatchObject({ sent: 5 });
    expect(waits.sort((a, b) => a - b)).toEqual([250, 500, 750, 1000]);
  });

  it("does not wait at all without a limit", async () => {
    for (let i = 1; i <= 3; i++) await insertMessage(wh, annaDigest({ messageId: `u${i}@arwatch` }), T0);
    const waits: number[] = [];
    await deliverPending(wh, options(T0, { sleep: async (ms) => void waits.push(ms) }));
    expect(waits).toEqual([]);
  });
});

describe("backoffMinutes(attempts, retryAfterMinutes)", () => {
  it.each([
    [1, 5, 5],
    [2, 5, 10],
    [3, 5, 20],
    [9, 5, 1280],
    [10, 5, 1440],
    [30, 5, 1440],
    [1, 1440, 1440],
  ])("after %i attempts with %i minutes waits %i minutes", (attempts, base, expected) => {
    expect(backoffMinutes(attempts, base)).toBe(expected);
  });
});

async function renderMessage(): Promise<string> {
  const { renderDigest } = await import("../../notify/render/index.ts");
  return (await renderDigest(annaDigest({ messageId: "other@arwatch" }))).rawMime;
}

// The outbox folder: without an SMTP server, each message becomes <outbox>/<message id>.eml, a
// whole MIME file any mail client opens. Written to a temporary name, flushed to disk, then renamed
// into place, so a crash leaves either no file or the whole one, never half a message.
import { createHash } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { errorText, type Channel } from "./deliver-channel.ts";

/** A file name from a Message-ID: only letters, digits and . _ @ + -; a hash keeps altered ids apart. */
export function emlFileName(messageId: string): string {
  let safe = messageId.replace(/[^A-Za-z0-9._@+-]/g, "_").replace(/^\.+/, "_").slice(0, 180);
  if (safe !== messageId) safe += `-${createHash("sha256").update(messageId).digest("hex").slice(0, 10)}`;
  return `${safe}.eml`;
}

/** The message without any Bcc header (the renderer writes none; a file must never disclose one). */
export function withoutBcc(rawMime: string): string {
  const end = rawMime.search(/\r?\n\r?\n/);
  if (end < 0) return rawMime;
  const head = rawMime.slice(0, end);
  if (!/^bcc:/im.test(head)) return rawMime;
  const newline = head.includes("\r\n") ? "\r\n" : "\n";
  const kept: string[] = [];
  let skipping = false;
  for (const line of head.split(/\r?\n/)) {
    // A folded header continues on lines that start with white space.
    if (!/^[ \t]/.test(line)) skipping = /^bcc:/i.test(line);
    if (!skipping) kept.push(line);
  }
  return kept.join(newline) + rawMime.slice(end);
}

/** Writes the message atomically and returns the file's path. */
export function writeEml(outboxDir: string, messageId: string, rawMime: string): string {
  mkdirSync(outboxDir, { recursive: true });
  const name = emlFileName(messageId);
  const target = join(outboxDir, name);
  const temp = join(outboxDir, `.${name}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, "w");
    try {
      writeSync(fd, withoutBcc(rawMime));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  syncDirectory(outboxDir);
  return target;
}

/** Makes the rename itself durable; not every platform can open a folder for fsync. */
function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a folder; the rename is still atomic there.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** The outbox folder as a delivery channel: one file at a time, recorded by absolute path. */
export function outboxChannel(folder: string): Channel {
  const outboxDir = resolve(folder);
  return {
    via: outboxDir,
    concurrency: 1,
    async send(message) {
      try {
        return { ok: true, deliveredTo: writeEml(outboxDir, message.message_id, message.raw_mime) };
      } catch (e) {
        // A full disk or a folder that cannot be written fails every message alike.
        return { ok: false, kind: "unreachable", error: `cannot write to the outbox folder ${outboxDir}: ${errorText(e)}` };
      }
    },
    async close() {},
  };
}

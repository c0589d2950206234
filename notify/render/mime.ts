// The whole message, built by nodemailer's MailComposer so that headers are encoded and folded the
// way mail servers expect. Byte-stable: the Message-ID, the Date and the multipart boundary all
// come from the digest (the boundary from a hash of the Message-ID), so rendering the same digest
// twice gives the same bytes. (A retry sends the bytes stored in the outbox, not a new rendering.)
import { createHash } from "node:crypto";
import addressparser from "nodemailer/lib/addressparser";
import MailComposer from "nodemailer/lib/mail-composer";
import type { Digest } from "../digest.ts";
import { isValidAddress } from "./address.ts";

export interface MimeParts {
  subject: string;
  text: string;
  html: string;
  csv: string;
  csvFileName: string;
}

const MESSAGE_ID = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+$/;

/** The From header's one mailbox (config notify.from, e.g. "arwatch <arwatch@example.com>"), checked. */
function fromMailbox(from: string): { name: string; address: string } {
  const parsed = addressparser(from.replace(/[\r\n]+/g, " "), { flatten: true });
  const first = parsed[0];
  if (parsed.length !== 1 || !first || !("address" in first) || !isValidAddress(first.address)) {
    throw new Error(`notify.from "${from}" is not one e-mail address such as "arwatch <arwatch@example.com>"`);
  }
  return { name: first.name ?? "", address: first.address };
}

/** The Date header's instant: digest.date, else the as-of date at 00:00 UTC. */
function messageDate(digest: Digest): Date {
  const date = new Date(digest.date ?? `${digest.asOf}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) throw new Error(`digest date "${digest.date ?? digest.asOf}" is not a valid date`);
  return date;
}

export async function composeMime(digest: Digest, parts: MimeParts): Promise<string> {
  if (!isValidAddress(digest.recipient)) {
    throw new Error(`recipient "${digest.recipient}" is not a valid e-mail address: the message is not recorded`);
  }
  if (!MESSAGE_ID.test(digest.messageId)) {
    throw new Error(`Message-ID "${digest.messageId}" must look like <unique>@<domain>, without angle brackets`);
  }
  const composer = new MailComposer({
    from: fromMailbox(digest.from),
    to: digest.recipient,
    subject: parts.subject,
    messageId: `<${digest.messageId}>`,
    date: messageDate(digest),
    // CRLF throughout (RFC 5322), so the stored bytes are the bytes on the wire and in an .eml file.
    newline: "windows",
    baseBoundary: createHash("sha256").update(digest.messageId).digest("hex").slice(0, 16),
    headers: { "Auto-Submitted": "auto-generated", "Content-Language": digest.locale },
    text: parts.text,
    html: parts.html,
    attachments: [{ filename: parts.csvFileName, content: parts.csv, contentType: "text/csv; charset=utf-8" }],
  });
  const raw = await composer.compile().build();
  return raw.toString("utf8");
}

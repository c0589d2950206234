// The SMTP side of delivery: a pooled nodemailer transport from ARWATCH_SMTP_URL, the envelope of
// a stored message, what a server's refusal means (try again later, or never), and the redaction
// that keeps the URL's password out of every log line and error.
import nodemailer from "nodemailer";
import addressparser from "nodemailer/lib/addressparser";
import { parseConnectionUrl } from "nodemailer/lib/shared";
import { errorText, type Channel } from "./deliver-channel.ts";

/** Replaces the URL's credentials (and the password wherever it appears) with ***. */
export function redactor(smtpUrl: string): (text: string) => string {
  const secrets = new Set<string>();
  try {
    const url = new URL(smtpUrl);
    for (const part of [url.password, safeDecode(url.password)]) if (part.length >= 3) secrets.add(part);
  } catch {
    // Not a URL at all: the generic user:pass@ pattern below still applies.
  }
  return (text) => {
    let out = text.replace(/\/\/[^/@\s]*@/g, "//***@");
    for (const s of secrets) out = out.split(s).join("***");
    return out;
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** "smtp://host:port", for the run's summary: never the user or password. */
export function describeSmtp(smtpUrl: string): string {
  const url = checkedSmtpUrl(smtpUrl);
  const secure = url.protocol === "smtps:";
  return `${url.protocol}//${url.hostname}:${url.port || (secure ? 465 : 587)}`;
}

function checkedSmtpUrl(smtpUrl: string): URL {
  let url: URL | null = null;
  try {
    url = new URL(smtpUrl);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== "smtp:" && url.protocol !== "smtps:") || !url.hostname) {
    throw new Error(`ARWATCH_SMTP_URL "${redactor(smtpUrl)(smtpUrl)}" is not an SMTP address such as smtp://user:password@mail.example.com:587 or smtps://…`);
  }
  return url;
}

/** Pooled connections, each carrying one message at a time: delivery keeps this many in flight. */
export const SMTP_CONNECTIONS = 5;

export type SmtpMailer = ReturnType<typeof createPooledTransport>;

/** A pooled transport: one or a few connections carry the whole batch instead of one per message. */
export function createPooledTransport(smtpUrl: string) {
  checkedSmtpUrl(smtpUrl);
  const options = parseConnectionUrl(smtpUrl);
  return nodemailer.createTransport({
    ...options,
    pool: true,
    maxConnections: SMTP_CONNECTIONS,
    // A dead server should cost a run seconds, not nodemailer's minutes.
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
  });
}

/** The From address of a stored message (its header block), for the SMTP envelope. */
export function envelopeFrom(rawMime: string): string {
  const end = rawMime.search(/\r?\n\r?\n/);
  const headers = (end < 0 ? rawMime : rawMime.slice(0, end)).replace(/\r?\n[ \t]+/g, " ");
  const line = /^from:(.*)$/im.exec(headers);
  const parsed = line ? addressparser(line[1]!, { flatten: true }) : [];
  const first = parsed[0];
  // EENVELOPE: a message without a sender can never go, so it is a permanent failure.
  if (!first || !("address" in first) || !first.address) throw Object.assign(new Error("the stored message has no From address"), { code: "EENVELOPE" });
  return first.address;
}

/**
 * What a failed send means. permanent: the server refused this message for good (5xx, a bad
 * address) — never retried. temporary: this message may go later (4xx). unreachable: the server
 * or the way to it failed (refused connection, timeout, TLS, login) — every message would fail the
 * same way, so the pass stops and the rest wait untouched for the next run.
 */
export type FailureKind = "permanent" | "temporary" | "unreachable";

const UNREACHABLE = new Set(["ECONNECTION", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ESOCKET", "EDNS", "ETLS", "EAUTH", "EPROXY", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"]);

/**
 * The SMTP commands whose refusal is about the sender or the server, not this message: a relay
 * that refuses MAIL FROM (a sender it does not accept, a quota) or DATA itself would refuse every
 * message the same way, so it is treated like an unreachable server — the pass stops and nothing
 * is failed for good. Only a refused recipient (RCPT TO) or message content fails one message.
 */
const SERVER_LEVEL_COMMANDS = new Set(["MAIL FROM", "DATA"]);

export function classifyFailure(error: unknown): FailureKind {
  const e = error as { code?: string; responseCode?: number; command?: string; message?: string };
  if (e?.code && UNREACHABLE.has(e.code)) return "unreachable";
  if (e?.code === "EENVELOPE" && e.command && SERVER_LEVEL_COMMANDS.has(e.command)) return "unreachable";
  if (typeof e?.responseCode === "number") return e.responseCode >= 500 ? "permanent" : "temporary";
  if (e?.code === "EENVELOPE") return "permanent";
  return "temporary";
}

/** The SMTP server as a delivery channel: the stored bytes over pooled connections, several at once. */
export function smtpChannel(smtpUrl: string, redact: (t: string) => string): Channel {
  const via = describeSmtp(smtpUrl);
  let transport: ReturnType<typeof createPooledTransport>;
  try {
    transport = createPooledTransport(smtpUrl);
  } catch (e) {
    throw new Error(redact(errorText(e)));
  }
  // Every failure reaches the send that met it; an 'error' event with no listener would end the process.
  transport.on("error", () => {});
  return {
    via,
    concurrency: SMTP_CONNECTIONS,
    async send(message) {
      try {
        // The stored bytes as they are: same Message-ID on every attempt; the envelope names the one recipient.
        const info = await transport.sendMail({ envelope: { from: envelopeFrom(message.raw_mime), to: [message.recipient] }, raw: message.raw_mime });
        return { ok: true, deliveredTo: `${via} ${redact(String(info.response ?? ""))}`.trim() };
      } catch (e) {
        return { ok: false, kind: classifyFailure(e), error: redact(errorText(e)) };
      }
    },
    async close() {
      transport.close();
    },
  };
}

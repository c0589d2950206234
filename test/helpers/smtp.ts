// A real SMTP server on 127.0.0.1 for the notifier's tests: smtp-server on a free port, every
// accepted message kept as raw bytes, its envelope, and mailparser's reading of it. It can turn
// messages away with a 4xx or 5xx on demand, require a password, and be stopped and started again
// on the same port (an outage between two runs).
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

export interface CapturedMail {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
}

export interface Rejection {
  code: number;
  /** Where the server answers with the code: the sender (MAIL FROM), the recipient (RCPT TO) or the message (DATA). */
  stage: "mail" | "rcpt" | "data";
  message?: string;
  /** Rejects only this recipient; any recipient when absent. */
  recipient?: string;
  /** How many messages to turn away; every one when absent. */
  count?: number;
}

export interface TestSmtp {
  readonly port: number;
  /** smtp://[user:pass@]127.0.0.1:port */
  readonly url: string;
  readonly messages: CapturedMail[];
  /** Turns messages away until the rejection's count is used up (or clearRejections). */
  reject(rejection: Rejection): void;
  clearRejections(): void;
  /** Closes the server and every open connection (a pooled client sees its socket closed). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export interface SmtpOptions {
  auth?: { user: string; pass: string };
  /** Called when a message is accepted, before the server answers 250 (e.g. to kill the sender right there). */
  beforeReply?: (mail: CapturedMail) => void;
}

export async function startSmtp(options: SmtpOptions = {}): Promise<TestSmtp> {
  const messages: CapturedMail[] = [];
  let rejections: Rejection[] = [];
  let received = 0;
  let port = 0;
  let server: SMTPServer | null = null;

  /** The first active rejection for a stage and recipient, used up by one. */
  function takeRejection(stage: Rejection["stage"], recipients: string[]): Rejection | undefined {
    const hit = rejections.find((r) => r.stage === stage && (r.recipient === undefined || recipients.includes(r.recipient)));
    if (hit && hit.count !== undefined) {
      hit.count -= 1;
      if (hit.count <= 0) rejections = rejections.filter((r) => r !== hit);
    }
    return hit;
  }

  const serverOptions: SMTPServerOptions = {
    logger: false,
    disabledCommands: options.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    closeTimeout: 1,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(smtpError(535, "Authentication failed"));
      }
    },
    onMailFrom(_address, _session, callback) {
      const hit = takeRejection("mail", []);
      callback(hit ? smtpError(hit.code, hit.message ?? `${hit.code} sender refused by the test server`) : null);
    },
    onRcptTo(address, _session, callback) {
      const hit = takeRejection("rcpt", [address.address]);
      callback(hit ? smtpError(hit.code, hit.message ?? `${hit.code} recipient refused by the test server`) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        const hit = takeRejection("data", to);
        if (hit) return callback(smtpError(hit.code, hit.message ?? `${hit.code} message refused by the test server`));
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw)
          .then((parsed) => {
            const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
            const mail = { envelope: { from, to }, raw, parsed };
            messages.push(mail);
            received += 1;
            options.beforeReply?.(mail);
            callback(null, `Ok: queued as test-${received}`);
          })
          .catch((e: unknown) => callback(e as Error));
      });
    },
  };

  async function start(): Promise<void> {
    const s = new SMTPServer(serverOptions);
    s.on("error", () => {}); // a client dropping its socket is not a test failure
    await new Promise<void>((resolve, reject) => {
      s.server.once("error", reject);
      s.listen(port, "127.0.0.1", () => resolve());
    });
    const address = s.server.address();
    if (address && typeof address === "object") port = address.port;
    server = s;
  }

  async function stop(): Promise<void> {
    const s = server;
    server = null;
    if (!s) return;
    // Close the sockets of connected clients at once rather than after a grace period.
    const connections = (s as unknown as { connections: Set<{ close(): void }> }).connections;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      for (const c of connections) c.close();
    });
  }

  await start();
  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : "";
  return {
    get port() {
      return port;
    },
    get url() {
      return `smtp://${credentials}127.0.0.1:${port}`;
    },
    messages,
    reject: (r) => {
      rejections.push({ ...r });
    },
    clearRejections: () => {
      rejections = [];
    },
    stop,
    start,
    close: stop,
  };
}

// `arwatch serve`: the credit check over HTTP, JSON in and out. Every decision is answered from
// memory by the session's CreditService (the same answer as `arwatch check --json`), written to
// the log before the response leaves; the standing is reloaded when a build publishes a new one.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/log.ts";
import { CreditRequestError } from "./errors.ts";
import { HttpProblem, MAX_BODY_BYTES, readJsonObject } from "./http-body.ts";
import { StandingWatcher, standingSignature } from "./reload.ts";
import type { CreditSession } from "./session.ts";

export interface CreditServerOptions {
  /** An open session with the log's lock (openCreditSession with a writer); the server closes it on close(). */
  session: CreditSession;
  /** The config the session was opened with (health's staleness uses creditCheck.maxDataAgeHours). */
  config: Config;
  host: string;
  /** 0: any free port (see the returned port). */
  port: number;
  /** The bearer token every /v1 request must send; null: no authentication (--insecure-no-auth). */
  token: string | null;
  log: Logger;
  /** The standing file's signature when the session loaded it (standingSignature, taken before
   * opening the session); default: taken now, which misses a build published in between. */
  loadedSignature?: string;
  /** How often the standing file is looked at (ms, default 1000); 0: only on reloadNow(). */
  reloadEveryMs?: number;
  /** How long close() waits for requests in flight before cutting connections (ms, default 10000). */
  closeGraceMs?: number;
  now?: () => Date;
}

export interface CreditServer {
  url: string;
  port: number;
  /** Stops accepting, lets requests in flight finish, then closes the session (log flushed, lock released). */
  close(): Promise<void>;
  /** Looks at the standing file now and reloads it if a build changed it; true when swapped. */
  reloadNow(): Promise<boolean>;
}

const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** A bearer-token check in constant time: digests of equal length, whatever was sent. */
function tokenChecker(token: string | null): (header: string | undefined) => "ok" | "missing" | "wrong" {
  if (token === null) return () => "ok";
  const expected = digest(token);
  return (header) => {
    const match = header === undefined ? null : /^\s*bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return "missing";
    return timingSafeEqual(digest(match[1]!), expected) ? "ok" : "wrong";
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, ...headers, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  send(res, status, { error: { status, message } }, headers);
}

type Handler = (req: IncomingMessage, params: string[]) => Promise<unknown> | unknown;

interface Route {
  pattern: RegExp;
  methods: Record<string, Handler>;
}

/**
 * Starts the API on host:port; resolves once it listens. If it cannot listen (EADDRINUSE…) it
 * rejects and leaves the session open: the caller closes it.
 *
 * ```ts
 * const session = await openCreditSession({ db, config, writer: "arwatch serve", log });
 * const server = await startCreditServer({ session, config, host: "127.0.0.1", port: 0, token, log });
 * // … POST `${server.url}/v1/credit-checks` …
 * await server.close(); // closes the session too
 * ```
 */
export async function startCreditServer(options: CreditServerOptions): Promise<CreditServer> {
  const { session, log } = options;
  const service = session.service;
  const config = options.config;
  const now = options.now ?? (() => new Date());
  const checkToken = tokenChecker(options.token);
  const watcher = new StandingWatcher({
    path: session.standingFile,
    service,
    log,
    loadedSignature: options.loadedSignature ?? (await standingSignature(session.standingFile)),
    everyMs: options.reloadEveryMs ?? 1000,
  });

  const health = () => {
    const build = service.standing.build;
    const ageHours = Math.max(0, (now().getTime() - Date.parse(build.builtAt)) / 3_600_000);
    const isStale = ageHours > config.creditCheck.maxDataAgeHours;
    return {
      status: isStale ? "stale" : "ok",
      data_as_of: {
        as_of_date: build.asOfDate,
        built_at: build.builtAt,
        last_ingest_at: build.lastIngestAt,
        age_hours: Math.round(ageHours * 100) / 100,
        is_stale: isStale,
      },
      customers: service.standing.customers.size,
      known_orders: service.standing.orders.size,
      standing_loaded_at: watcher.status.loadedAt,
      last_reload_error: watcher.status.lastError,
    };
  };

  const routes: Route[] = [
    { pattern: /^\/health$/, methods: { GET: health } },
    {
      pattern: /^\/v1\/credit-checks$/,
      methods: {
        POST: async (req) => {
          const body = await readJsonObject(req);
          // The service checks every field's type itself (a number or an object here is a 400 there).
          return service.check({ customerId: body.customer_id as string, amount: body.amount, orderId: body.order_id as string | null | undefined, source: "api" });
        },
      },
    },
    {
      pattern: /^\/v1\/credit-checks\/([^/]+)\/override$/,
      methods: {
        POST: async (req, [checkId]) => {
          const body = await readJsonObject(req);
          return service.override(checkId!, { by: body.by, reason: body.reason, upToAmount: body.up_to_amount, until: body.until });
        },
      },
    },
    { pattern: /^\/v1\/customers\/([^/]+)\/credit$/, methods: { GET: (_req, [id]) => service.customerCredit(id) } },
    { pattern: /^\/v1\/holds$/, methods: { GET: () => ({ holds: service.holds(), data_as_of: health().data_as_of }) } },
  ];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let path: string;
    try {
      path = new URL(req.url ?? "/", "http://localhost").pathname;
    } catch {
      return sendError(res, 400, "the request target is not a valid path");
    }
    // Authentication comes first on every /v1 path, so that a client without the token learns
    // nothing, not even which routes or customers exist.
    if (path === "/v1" || path.startsWith("/v1/")) {
      const auth = checkToken(req.headers.authorization);
      if (auth !== "ok") {
        const challenge = auth === "wrong" ? 'Bearer realm="arwatch", error="invalid_token"' : 'Bearer realm="arwatch"';
        return sendError(res, 401, auth === "wrong" ? "the bearer token is wrong" : "send Authorization: Bearer <token> (ARWATCH_API_TOKEN)", { "www-authenticate": challenge });
      }
    }
    let params: string[] = [];
    const route = routes.find((r) => {
      const match = r.pattern.exec(path);
      if (match) params = match.slice(1);
      return match !== null;
    });
    if (!route) return sendError(res, 404, `no such route: ${req.method} ${path.slice(0, 200)}`);
    const handler = route.methods[req.method ?? ""];
    if (!handler) {
      const allow = Object.keys(route.methods).join(", ");
      return sendError(res, 405, `${path.slice(0, 200)} accepts ${allow}, not ${String(req.method).slice(0, 20)}`, { allow });
    }
    try {
      params = params.map((p) => decodeURIComponent(p));
    } catch {
      return sendError(res, 400, "the path is not valid percent-encoding");
    }
    try {
      send(res, 200, await handler(req, params));
    } catch (e) {
      if (e instanceof HttpProblem) {
        // A body cut off unread: close the connection rather than read the rest.
        const close: Record<string, string> = req.readableEnded ? {} : { connection: "close" };
        return sendError(res, e.status, e.message, { ...e.headers, ...close });
      }
      if (e instanceof CreditRequestError) return sendError(res, e.status, e.message);
      // The check's log write failed (the service has taken its reservation back), or a bug.
      log.warn(`${req.method} ${path.slice(0, 200)}: ${(e as Error).message}`);
      sendError(res, 500, "the request could not be completed (the check was not recorded, nothing was reserved); see the server's log");
    }
  };

  let closing: Promise<void> | null = null;
  const unanswered = new Set<ServerResponse>();
  const server = createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      log.warn(`answering ${req.method} ${req.url?.slice(0, 200)}: ${(e as Error).message}`);
      if (!res.headersSent) sendError(res, 500, "internal error");
      else res.destroy();
    });
    // A body left unread after the answer (413-like refusals) ends the connection.
    res.on("finish", () => {
      if (!req.complete) req.socket.destroy();
    });
    // While the server stops, every answer closes its connection instead of leaving it idle.
    if (closing) res.shouldKeepAlive = false;
    else {
      unanswered.add(res);
      res.on("close", () => unanswered.delete(res));
    }
  });
  server.on("clientError", (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\nconnection: close\r\n\r\n{"error":{"status":400,"message":"malformed HTTP request"}}');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostText = address.family === "IPv6" ? `[${address.address}]` : address.address;
  watcher.start();

  return {
    url: `http://${hostText}:${address.port}`,
    port: address.port,
    reloadNow: () => watcher.reloadNow(),
    close() {
      closing ??= (async () => {
        for (const res of unanswered) if (!res.headersSent) res.shouldKeepAlive = false;
        await watcher.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const grace = setTimeout(() => server.closeAllConnections(), options.closeGraceMs ?? 10_000);
        grace.unref();
        try {
          await closed;
        } finally {
          clearTimeout(grace);
          await session.close();
        }
      })();
      return closing;
    },
  };
}

export { MAX_BODY_BYTES };

import { createReadStream } from "node:fs";
import { open, realpath } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, sep } from "node:path";

/** The types a built site holds; anything else is sent as bytes. */
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".wasm": "application/wasm",
  ".arrow": "application/vnd.apache.arrow.file",
  ".parquet": "application/vnd.apache.parquet",
  ".map": "application/json",
};

/** The files a URL may name: itself, then clean URLs (/aging → aging.html, /x/ → x/index.html). */
function candidates(pathname: string): string[] {
  const path = pathname.endsWith("/") ? `${pathname}index` : pathname;
  return [path, `${path}.html`, `${path}/index.html`];
}

/**
 * Opens the first candidate that is a file under root. The file is opened before it is measured and
 * sent from the same descriptor, so a site republished meanwhile never mixes one file's length with
 * another's bytes; hidden names (the site's marker) and anything outside root are not served.
 */
async function openFile(root: string, pathname: string): Promise<{ file: FileHandle; path: string; size: number; mtime: Date } | null> {
  if (pathname.split("/").some((part) => part.startsWith(".") || part.includes("\\") || part.includes("\0"))) return null;
  for (const candidate of candidates(pathname)) {
    const path = join(root, candidate);
    if (!path.startsWith(root + sep)) continue;
    let file: FileHandle;
    try {
      file = await open(path, "r");
    } catch {
      continue;
    }
    const stats = await file.stat();
    if (stats.isFile()) return { file, path, size: stats.size, mtime: stats.mtime };
    await file.close();
  }
  return null;
}

async function handle(dir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
  } catch {
    pathname = "";
  }
  // The site's folder is resolved on every request: `arwatch report build` publishes a new version
  // by swapping a link, and the server follows it without a restart.
  const root = await realpath(dir);
  const found = pathname.startsWith("/") ? await openFile(root, pathname) : null;
  if (!found || (req.method !== "GET" && req.method !== "HEAD")) {
    await found?.file.close();
    res.statusCode = found ? 405 : 404;
    res.end(found ? "method not allowed" : "not found");
    return;
  }
  const etag = `W/"${found.size}-${found.mtime.getTime()}"`;
  const headers = {
    "Content-Type": TYPES[extname(found.path).toLowerCase()] ?? "application/octet-stream",
    "Content-Length": found.size,
    "Last-Modified": found.mtime.toUTCString(),
    ETag: etag,
    "Cache-Control": "no-cache",
  };
  if (req.headers["if-none-match"] === etag || req.method === "HEAD") {
    await found.file.close();
    res.writeHead(req.method === "HEAD" ? 200 : 304, headers);
    res.end();
    return;
  }
  res.writeHead(200, headers);
  const stream = createReadStream("", { fd: found.file, autoClose: true });
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

/**
 * Serves a built site on 127.0.0.1: clean URLs (/aging → aging.html), .wasm as application/wasm,
 * nothing outside the folder. dir may be the link `arwatch report build` publishes: each request
 * reads the version it points to then. Used by `arwatch report serve` and by the browser tests.
 */
export function serveSite(dir: string, port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handle(dir, req, res).catch(() => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
  return new Promise((done) => {
    server.listen(port, "127.0.0.1", () => {
      const { port: actual } = server.address() as AddressInfo;
      done({ server, url: `http://127.0.0.1:${actual}` });
    });
  });
}

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sirv from "sirv";

/**
 * Serves a built site on 127.0.0.1: clean URLs (/aging → aging.html), .wasm as application/wasm,
 * nothing outside the folder. Used by `arwatch report serve` and by the browser tests.
 */
export function serveSite(dir: string, port = 0): Promise<{ server: Server; url: string }> {
  const handler = sirv(dir, { extensions: ["html"], dev: false, etag: true });
  const server = createServer((req, res) => handler(req, res, () => {
    res.statusCode = 404;
    res.end("not found");
  }));
  return new Promise((done) => {
    server.listen(port, "127.0.0.1", () => {
      const { port: actual } = server.address() as AddressInfo;
      done({ server, url: `http://127.0.0.1:${actual}` });
    });
  });
}

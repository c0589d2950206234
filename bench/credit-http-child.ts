// The server side of the credit bench's HTTP figures, in a process of its own (the load generator
// runs in the bench's process, so client and server do not share an event loop):
//
//   node --import tsx bench/credit-http-child.ts arwatch|floor <warehouse> <log file> <answer file>
//
// - arwatch: openCreditSession (writer) on the warehouse's published standing, with the given log
//   file (a temp file per run), and startCreditServer on 127.0.0.1, any free port, the token from
//   ARWATCH_API_TOKEN; the standing file is looked at every second as in `arwatch serve`.
// - floor: a bare node:http server on 127.0.0.1 that reads and parses the JSON body and answers
//   the fixed JSON in <answer file> (a real check answer, so the same bytes go back), 200.
// Prints {"port": N} once listening; on stdin "cpu" prints {"cpuMs": N} (this process's CPU since
// it listened), the time it spent collecting garbage, its longest collection since the last "cpu"
// and its heap in use; "stop" (or stdin closing) closes the server and exits.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { parseConfig } from "../core/config.ts";
import { silentLogger } from "../core/log.ts";

const [mode, db, logFile, answerFile] = process.argv.slice(2);
if ((mode !== "arwatch" && mode !== "floor") || !db || !logFile || !answerFile) {
  console.error("usage: credit-http-child.ts arwatch|floor <warehouse> <log file> <answer file>");
  process.exit(2);
}

let close: () => Promise<void>;
let port: number;
if (mode === "floor") {
  const answer = readFileSync(answerFile, "utf8");
  const length = Buffer.byteLength(answer);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": length });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  close = () => new Promise((resolve) => server.close(() => resolve()));
} else {
  const { openCreditSession } = await import("../credit/session.ts");
  const { startCreditServer } = await import("../credit/http-server.ts");
  const { standingSignature } = await import("../credit/reload.ts");
  const { standingPath } = await import("../credit/paths.ts");
  const config = parseConfig({ creditCheck: { logFile } });
  const loadedSignature = await standingSignature(standingPath(db));
  const session = await openCreditSession({ db, config, writer: "arwatch serve" });
  const server = await startCreditServer({ session, config, host: "127.0.0.1", port: 0, token: process.env.ARWATCH_API_TOKEN ?? null, log: silentLogger, loadedSignature });
  port = server.port;
  close = () => server.close();
}

// Garbage collection in this process: its total and longest pause, reported with the CPU.
let gcMs = 0;
let gcMaxMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    gcMaxMs = Math.max(gcMaxMs, e.duration);
  }
}).observe({ entryTypes: ["gc"] });
const cpu0 = process.cpuUsage();
// The longest the event loop was kept from running since the last "cpu": a stall of the server itself.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
process.stdout.write(`${JSON.stringify({ port })}\n`);
const lines = createInterface({ input: process.stdin });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await close();
  process.exit(0);
};
lines.on("line", (line) => {
  if (line === "cpu") {
    const c = process.cpuUsage(cpu0);
    process.stdout.write(`${JSON.stringify({ cpuMs: (c.user + c.system) / 1000, gcMs, gcMaxMs, heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20, loopDelayMaxMs: loopDelay.max / 1e6, loopDelayP99Ms: loopDelay.percentile(99) / 1e6 })}\n`);
    gcMaxMs = 0;
    loopDelay.reset();
  } else if (line === "stop") void stop();
});
lines.on("close", () => void stop());

/**
 * A diagnostic beside bench/credit.ts, not part of any figure: the arwatch server (log on tmpfs
 * unless --disk) under an open-loop load, started with node flags (--cpu-prof, --trace-gc, …)
 * so that where its time goes can be read afterwards.
 *
 *   npx tsx bench/credit-diag.ts <warehouse> <out dir> [--rate 2000] [--count 20000] [--disk] -- <node flags…>
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { closedLoop, openLoop, startServerChild } from "./credit-http.ts";
import { makeRequests, spreadText } from "./credit-stats.ts";
import { loadStanding } from "../credit/load-standing.ts";
import { standingPath } from "../credit/paths.ts";

const argv = process.argv.slice(2);
const dash = argv.indexOf("--");
const flags = dash >= 0 ? argv.slice(dash + 1) : [];
const own = dash >= 0 ? argv.slice(0, dash) : argv;
const [db, out] = own;
if (!db || !out) throw new Error("usage: credit-diag.ts <warehouse> <out dir> [--rate N] [--count N] [--disk] -- <node flags>");
const opt = (name: string, fallback: number) => (own.includes(name) ? Number(own[own.indexOf(name) + 1]) : fallback);
const rate = opt("--rate", 2000);
const count = opt("--count", 20000);
const outDir = resolve(out);
mkdirSync(outDir, { recursive: true });
const logDir = own.includes("--disk") ? outDir : "/dev/shm";
const token = "diag";
// Only the ids are kept: the load generator's own heap stays small, so its collections do not
// show up as the server's latency.
const requests = makeRequests([...(await loadStanding(standingPath(resolve(db)))).customers.keys()], 50_000, 4242);
const answerFile = join(outDir, "answer.json");
const server = await startServerChild("arwatch", { db: resolve(db), logFile: join(logDir, `diag-${process.pid}.jsonl`), token, answerFile, nodeFlags: flags.map((f) => f.replace("{out}", outDir)) });
const target = { port: server.port, path: "/v1/credit-checks", token };
await closedLoop(target, requests, 3000, 8, "dw");
const r = await openLoop(target, requests, count, rate, "d");
const stats = await server.stats();
const cpu = stats.cpuMs;
console.log(`server gc ${JSON.stringify(stats)}`);
console.log(`open loop ${rate}/s: ${Math.round(r.perSecond)}/s, ${spreadText({ ...((await import("./credit-stats.ts")).spread(r.latencies)) })}; server CPU ${cpu.toFixed(0)} ms in all`);
await server.stop();
process.exit(0);

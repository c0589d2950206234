// The HTTP side of the credit bench: a load generator on node:http keep-alive agents (closed loop:
// C requests always in flight; open loop: requests sent on a fixed schedule, latency counted from
// the scheduled instant so a stalled server cannot hide its queue), and the server child process
// (bench/credit-http-child.ts) started and stopped.
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchRequest } from "./credit-stats.ts";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

export interface LoadResult {
  /** Per request, ms (closed loop: send to last byte; open loop: scheduled instant to last byte). */
  latencies: Float64Array;
  wallMs: number;
  perSecond: number;
  statuses: Record<string, number>;
  errors: number;
  /** Open loop: how late the sender itself fell behind its schedule at worst (ms). */
  maxSendLagMs?: number;
  /** CPU of this (client) process over the run, ms. */
  clientCpuMs: number;
}

export interface Target {
  port: number;
  path: string;
  token: string;
}

function oneRequest(agent: Agent, target: Target, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: target.port,
        path: target.path,
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          authorization: `Bearer ${target.token}`,
        },
      },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const bodyOf = (r: BenchRequest, i: number, runTag: string) => JSON.stringify({ customer_id: r.customerId, amount: r.amount, order_id: `${runTag}-${i}` });

/** `concurrency` loops, each sending its next request when the last is answered, until `count` are answered. */
export async function closedLoop(target: Target, requests: readonly BenchRequest[], count: number, concurrency: number, runTag: string): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = new Float64Array(count);
  const statuses: Record<string, number> = {};
  let next = 0;
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const body = bodyOf(requests[i % requests.length]!, i, runTag);
      const start = performance.now();
      try {
        const status = await oneRequest(agent, target, body);
        statuses[status] = (statuses[status] ?? 0) + 1;
      } catch {
        errors++;
      }
      latencies[i] = performance.now() - start;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return { latencies, wallMs, perSecond: count / (wallMs / 1000), statuses, errors, clientCpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * Requests sent at `rate` per second on a fixed schedule (each at start + i / rate) for `count`
 * requests, whatever the answers do; latency counts from the scheduled instant.
 */
export async function openLoop(target: Target, requests: readonly BenchRequest[], count: number, rate: number, runTag: string, maxSockets = 256): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const latencies = new Float64Array(count);
  const statuses: Record<string, number> = {};
  let errors = 0;
  let maxSendLagMs = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const inFlight: Promise<void>[] = [];
  let i = 0;
  while (i < count) {
    const now = performance.now();
    // Send every request whose instant has come, then sleep until the next one's.
    while (i < count && t0 + (i * 1000) / rate <= now) {
      const scheduled = t0 + (i * 1000) / rate;
      maxSendLagMs = Math.max(maxSendLagMs, now - scheduled);
      const index = i;
      const body = bodyOf(requests[index % requests.length]!, index, runTag);
      inFlight.push(
        oneRequest(agent, target, body).then(
          (status) => {
            statuses[status] = (statuses[status] ?? 0) + 1;
            latencies[index] = performance.now() - scheduled;
          },
          () => {
            errors++;
            latencies[index] = performance.now() - scheduled;
          },
        ),
      );
      i++;
    }
    if (i < count) {
      const wait = t0 + (i * 1000) / rate - performance.now();
      await new Promise((resolve) => (wait >= 1 ? setTimeout(resolve, Math.floor(wait)) : setImmediate(resolve)));
    }
  }
  await Promise.all(inFlight);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return { latencies, wallMs, perSecond: count / (wallMs / 1000), statuses, errors, maxSendLagMs, clientCpuMs: (cpu.user + cpu.system) / 1000 };
}

export interface ChildStats {
  cpuMs: number;
  gcMs: number;
  gcMaxMs: number;
  heapUsedMb: number;
}

export interface ServerChild {
  port: number;
  child: ChildProcess;
  /** The child's own CPU (user + system, ms) and garbage collection (ms) since it started serving, its longest collection since the last call, and its heap in use (MB). */
  stats(): Promise<ChildStats>;
  stop(): Promise<void>;
}

/**
 * Starts `credit-http-child.ts` (mode `arwatch`: startCreditServer on the warehouse's standing;
 * `floor`: a bare node:http server answering one fixed JSON) and waits for its port.
 */
export function startServerChild(mode: "arwatch" | "floor", args: { db: string; logFile: string; token: string; answerFile: string; nodeFlags?: string[] }): Promise<ServerChild> {
  const child = spawn(process.execPath, [...(args.nodeFlags ?? []), "--import", "tsx", join(BENCH_DIR, "credit-http-child.ts"), mode, args.db, args.logFile, args.answerFile], {
    cwd: join(BENCH_DIR, ".."),
    env: { ...process.env, ARWATCH_API_TOKEN: args.token },
    stdio: ["pipe", "pipe", "inherit"],
  });
  let buffer = "";
  const waiters: ((line: string) => void)[] = [];
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      waiters.shift()?.(line);
    }
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the ${mode} server child exited (${code}) before answering`));
      child.once("exit", onExit);
      waiters.push((line) => {
        child.off("exit", onExit);
        resolve(line);
      });
    });
  return nextLine().then((line) => {
    const { port } = JSON.parse(line) as { port: number };
    return {
      port,
      child,
      async stats() {
        const reply = nextLine();
        child.stdin!.write("cpu\n");
        return JSON.parse(await reply) as ChildStats;
      },
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.stdin!.end("stop\n");
        }),
    };
  });
}

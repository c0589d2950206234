// `arwatch serve` as a real process: the token it needs, the audit rows that survive a SIGKILL,
// the one server per log, and a clean stop on SIGTERM.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditLogLockPath, creditLogPath } from "../../credit/paths.ts";
import { creditFixture, type Fixture } from "./http-fixture.ts";

const BIN = fileURLToPath(new URL("../../bin/arwatch.js", import.meta.url));
const TOKEN = "process-token-81d3";

let fixture: Fixture;
let logFile: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  fixture = await creditFixture("2024-05-01");
  logFile = creditLogPath(fixture.db, fixture.config);
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  fixture?.remove();
});

function environment(token: string | null): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.ARWATCH_API_TOKEN;
  if (token !== null) env.ARWATCH_API_TOKEN = token;
  return env;
}

interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `arwatch serve --port 0` and waits for the URL it prints. */
function serve(args: string[] = [], token: string | null = TOKEN): Promise<Served> {
  const child = spawn(process.execPath, [BIN, "serve", "--db", fixture.db, "--port", "0", ...args], { cwd: fixture.dir, env: environment(token), stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let err = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" within 60 s: ${err}`)), 60_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      err += chunk.toString("utf8");
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, stderr: () => err, exited });
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`arwatch serve exited ${code} before listening: ${err}`));
    });
  });
}

function post(url: string, body: unknown) {
  return fetch(`${url}/v1/credit-checks`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
}

function logRecords(): { type: string; check_id: string; customer_id: string; order_id: string | null }[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
}

describe("arwatch serve", () => {
  it("refuses to start without ARWATCH_API_TOKEN (exit 2), and holds no lock", () => {
    const result = spawnSync(process.execPath, [BIN, "serve", "--db", fixture.db, "--port", "0"], { cwd: fixture.dir, env: environment(null), encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/ARWATCH_API_TOKEN/);
    expect(result.stderr).toMatch(/--insecure-no-auth/);
    expect(existsSync(creditLogLockPath(logFile))).toBe(false);
  });

  it("starts with --insecure-no-auth, warns, answers /v1 without a token, and stops on SIGTERM with exit 0", async () => {
    const s = await serve(["--insecure-no-auth"], null);
    expect(s.stderr()).toMatch(/warning: no authentication/);
    const res = await fetch(`${s.url}/v1/holds`);
    expect(res.status).toBe(200);
    s.child.kill("SIGTERM");
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(creditLogLockPath(logFile))).toBe(false);
  });

  it("keeps every answered check in the log after a SIGKILL; a restarted server has their reservations", async () => {
    const before = logRecords().length;
    const first = await serve();
    const K = 25;
    const answers = await Promise.all(
      Array.from({ length: K }, async (_, i) => {
        const res = await post(first.url, { customer_id: "C400", amount: "10.00", order_id: `KILL-${i}` });
        expect(res.status).toBe(200);
        return (await res.json()) as { check_id: string; may_proceed: boolean };
      }),
    );
    expect(answers.every((a) => a.may_proceed)).toBe(true);
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");

    const checks = logRecords().slice(before).filter((r) => r.type === "check");
    expect(checks).toHaveLength(K);
    expect(new Set(checks.map((r) => r.check_id))).toEqual(new Set(answers.map((a) => a.check_id)));

    // The killed server's lock is stale: the next one takes it over and replays the log.
    const second = await serve();
    try {
      const credit = await fetch(`${second.url}/v1/customers/C400/credit`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const body = (await credit.json()) as { exposure: { pending_approvals: string } };
      // 25 approved orders of 10.00 each, reserved until their orders reach the warehouse.
      expect(body.exposure.pending_approvals).toBe("250.00");

      // While it runs, another server on the same log is refused: exit 75, naming the one running.
      const refused = spawnSync(process.execPath, [BIN, "serve", "--db", fixture.db, "--port", "0"], { cwd: fixture.dir, env: environment(TOKEN), encoding: "utf8" });
      expect(refused.status).toBe(75);
      expect(refused.stderr).toMatch(/arwatch serve \(pid \d+/);
      expect(refused.stderr).toContain(logFile);
      // The refused one did not take the lock from the running one, which still answers.
      expect((await post(second.url, { customer_id: "C400", amount: "1.00" })).status).toBe(200);
    } finally {
      second.child.kill("SIGTERM");
    }
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(creditLogLockPath(logFile))).toBe(false);
  });

  it("on SIGTERM finishes what it accepted: every 200 is in the log", async () => {
    const before = logRecords().length;
    const s = await serve();
    // Keep-alive connections, opened before the signal.
    const warm = await Promise.all(Array.from({ length: 10 }, (_, i) => post(s.url, { customer_id: "C400", amount: "2.00", order_id: `TERM-W${i}` })));
    expect(warm.every((r) => r.status === 200)).toBe(true);
    const sending = Array.from({ length: 40 }, (_, i) =>
      post(s.url, { customer_id: "C400", amount: "2.00", order_id: `TERM-${i}` }).then(
        async (r) => ({ status: r.status, id: r.status === 200 ? ((await r.json()) as { check_id: string }).check_id : null }),
        () => ({ status: 0, id: null }),
      ),
    );
    s.child.kill("SIGTERM");
    const results = await Promise.all(sending);
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(results.every((r) => r.status === 200 || r.status === 0)).toBe(true);
    const logged = new Set(logRecords().slice(before).map((r) => r.check_id));
    for (const r of results) if (r.id !== null) expect(logged.has(r.id)).toBe(true);
    expect(s.stderr()).toMatch(/SIGTERM: finishing the requests in flight/);
  });
});

// The credit check's HTTP API end to end: a real warehouse built from a small fixture, its
// published standing, a real session with its log, and a real port on 127.0.0.1.
import { readFileSync, existsSync } from "node:fs";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../core/log.ts";
import { startCreditServer, type CreditServer } from "../../credit/http-server.ts";
import { openCreditSession } from "../../credit/session.ts";
import { creditFixture, type Fixture } from "./http-fixture.ts";

const TOKEN = "test-token-5f0c2a9e";
const AUTH = { authorization: `Bearer ${TOKEN}` };
const JSON_TYPE = { "content-type": "application/json" };

let fixture: Fixture;
let server: CreditServer;
let logFile: string;
const log = memoryLogger();

beforeAll(async () => {
  fixture = await creditFixture("2024-05-01");
  const session = await openCreditSession({ db: fixture.db, config: fixture.config, writer: "arwatch serve", log });
  logFile = session.logFile;
  server = await startCreditServer({ session, config: fixture.config, host: "127.0.0.1", port: 0, token: TOKEN, log, reloadEveryMs: 0 });
});

afterAll(async () => {
  await server?.close();
  fixture?.remove();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = { ...AUTH, ...JSON_TYPE }) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === "" ? null : JSON.parse(text) };
}

const check = (body: unknown, headers?: Record<string, string>) => call("POST", "/v1/credit-checks", body, headers);

/** Check records in the log: every answered check is in it before its answer left. */
function loggedChecks(): { check_id: string; customer_id: string; decision: string }[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l))
    .filter((r) => r.type === "check");
}

describe("authentication", () => {
  it("answers /health without a token, with the build the answers rest on", async () => {
    const res = await call("GET", "/health", undefined, {});
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
    expect(res.body.data_as_of.as_of_date).toBe("2024-05-01");
    expect(res.body.customers).toBe(4);
  });

  it("refuses every /v1 path without a token, with a Bearer challenge", async () => {
    for (const [method, path] of [
      ["POST", "/v1/credit-checks"],
      ["GET", "/v1/holds"],
      ["GET", "/v1/customers/C400/credit"],
      ["POST", "/v1/credit-checks/x/override"],
      ["GET", "/v1/no-such-route"],
    ] as const) {
      const res = await call(method, path, method === "POST" ? { customer_id: "C400", amount: 10 } : undefined, JSON_TYPE);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="arwatch"/);
      expect(res.body.error.status).toBe(401);
    }
    expect(loggedChecks()).toHaveLength(0);
  });

  it("refuses a wrong token, of the same length or not, and another scheme", async () => {
    const wrongSameLength = TOKEN.slice(0, -1) + (TOKEN.endsWith("e") ? "f" : "e");
    for (const authorization of [`Bearer ${wrongSameLength}`, "Bearer x", `Bearer ${TOKEN}x`, `Basic ${Buffer.from(`u:${TOKEN}`).toString("base64")}`, TOKEN]) {
      const res = await check({ customer_id: "C400", amount: 10 }, { authorization, ...JSON_TYPE });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    expect(loggedChecks()).toHaveLength(0);
  });

  it("answers with the right token: the same object as arwatch check --json, recorded in the log", async () => {
    const res = await check({ customer_id: "C400", amount: "1250.50", order_id: "SO-A1" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const a = res.body;
    expect(a.decision).toBe("approve");
    expect(a.may_proceed).toBe(true);
    expect(a.source).toBe("api");
    expect(a.customer_id).toBe("C400");
    expect(a.order_id).toBe("SO-A1");
    expect(a.amount).toBe("1250.50");
    expect(a.exposure).toEqual({ outstanding: "0.00", open_orders: "0.00", pending_approvals: "0.00", this_order: "1250.50", total_after: "1250.50" });
    expect(a.credit_limit).toBe("1000000.00");
    // 1,000,000.00 − 1,250.50
    expect(a.available_credit_after).toBe("998749.50");
    expect(a.data_as_of.as_of_date).toBe("2024-05-01");
    expect(a.reserved_until).not.toBeNull();
    const logged = loggedChecks();
    expect(logged.map((r) => r.check_id)).toContain(a.check_id);
    // "bearer" is case-insensitive (RFC 7235).
    expect((await check({ customer_id: "C400", amount: 1 }, { authorization: `bearer ${TOKEN}`, ...JSON_TYPE })).status).toBe(200);
  });
});

/** A request with exactly these bytes and headers (fetch would add or fix some). */
function raw(path: string, headers: Record<string, string | number>, body: Buffer | string): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("bad requests", () => {
  const cases: [string, string | Record<string, unknown>, RegExp][] = [
    ["malformed JSON", '{"customer_id": "C400", "amount": ', /not valid JSON/],
    ["a JSON array", "[1, 2]", /JSON object/],
    ["JSON null", "null", /JSON object/],
    ["a missing amount", { customer_id: "C400" }, /amount is missing/],
    ["a null amount", { customer_id: "C400", amount: null }, /amount is missing/],
    ["a non-numeric amount", { customer_id: "C400", amount: "ten" }, /plain decimal number/],
    ["an amount as an object", { customer_id: "C400", amount: { value: 1 } }, /must be a number/],
    ["a boolean amount", { customer_id: "C400", amount: true }, /must be a number/],
    ["a non-finite amount (1e400 reads as Infinity)", '{"customer_id": "C400", "amount": 1e400}', /finite/],
    ["an amount in exponent notation", '{"customer_id": "C400", "amount": 1e21}', /plain decimal number/],
    ["a zero amount", { customer_id: "C400", amount: 0 }, /more than zero/],
    ["a negative amount", { customer_id: "C400", amount: -5 }, /positive/],
    ["a negative amount as text", { customer_id: "C400", amount: "-5.00" }, /positive/],
    ["three decimals", { customer_id: "C400", amount: 10.005 }, /more than two decimals/],
    ["three decimals as text", { customer_id: "C400", amount: "10.001" }, /more than two decimals/],
    ["a missing customer", { amount: 10 }, /customer_id is required/],
  ];

  it.each(cases)("400 for %s, and nothing recorded", async (_name, body, message) => {
    const before = loggedChecks().length;
    const res = await check(body);
    expect(res.status).toBe(400);
    expect(res.body.error.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect(loggedChecks()).toHaveLength(before);
  });

  it("400 for a wrong or missing content type; a charset parameter is fine", async () => {
    const body = JSON.stringify({ customer_id: "C400", amount: 5 });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "application/json; charset=latin1"]) {
      const res = await raw("/v1/credit-checks", { ...AUTH, "content-type": type }, body);
      expect(res.status, type).toBe(400);
      expect(res.body.error.message).toMatch(/Content-Type: application\/json/);
    }
    expect((await raw("/v1/credit-checks", { ...AUTH }, body)).status).toBe(400);
    for (const type of ["application/json; charset=utf-8", "Application/JSON;charset=UTF-8"]) {
      expect((await raw("/v1/credit-checks", { ...AUTH, "content-type": type }, body)).status, type).toBe(200);
    }
  });

  it("400 for a body over 64 KB, declared or streamed, without reading it all", async () => {
    const big = JSON.stringify({ customer_id: "C400", amount: 5, padding: "x".repeat(64 * 1024) });
    const declared = await raw("/v1/credit-checks", { ...AUTH, ...JSON_TYPE, "content-length": Buffer.byteLength(big) }, big);
    expect(declared.status).toBe(400);
    expect(declared.body.error.message).toMatch(/larger than 65536 bytes/);
    expect(declared.headers.connection).toBe("close");
    // Chunked: no length declared, the limit is counted while reading.
    const streamed = await raw("/v1/credit-checks", { ...AUTH, ...JSON_TYPE, "transfer-encoding": "chunked" }, big);
    expect(streamed.status).toBe(400);
    expect(streamed.body.error.message).toMatch(/larger than 65536 bytes/);
    // Just under the limit is read.
    const fits = JSON.stringify({ customer_id: "C400", amount: 5, padding: "" });
    const padded = JSON.stringify({ customer_id: "C400", amount: 5, padding: "x".repeat(64 * 1024 - Buffer.byteLength(fits)) });
    expect(Buffer.byteLength(padded)).toBe(64 * 1024);
    expect((await check(padded)).status).toBe(200);
  });

  it("accepts unknown fields", async () => {
    const res = await check({ customer_id: "C400", amount: 3, channel: "web shop", extra: { nested: [1] } });
    expect(res.status).toBe(200);
    expect(res.body.decision).toBe("approve");
  });

  it("400 for a body that is not UTF-8", async () => {
    const res = await raw("/v1/credit-checks", { ...AUTH, ...JSON_TYPE }, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]));
    expect(res.status).toBe(400);
  });
});

describe("not found and wrong method", () => {
  it("404 for an unknown customer, by check and by standing; the id is returned as JSON text, not markup", async () => {
    const res = await check({ customer_id: "<script>C999</script>", amount: 10 });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/unknown customer "<script>C999<\/script>"/);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect((await call("GET", "/v1/customers/C999/credit")).status).toBe(404);
  });

  it("404 for an unknown route or check, 405 for a wrong method with Allow", async () => {
    expect((await call("GET", "/v1/nothing-here")).status).toBe(404);
    expect((await call("GET", "/")).status).toBe(404);
    const unknownCheck = await call("POST", "/v1/credit-checks/no-such-check/override", { by: "Ann", reason: "known customer" });
    expect(unknownCheck.status).toBe(404);
    const wrong = await call("GET", "/v1/credit-checks");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    expect((await call("DELETE", "/v1/holds")).status).toBe(405);
    expect((await call("POST", "/health", {})).status).toBe(405);
  });
});

describe("the last headroom, overrides, standings and holds", () => {
  it("approves exactly the 12 of 50 concurrent orders that fit under C100's limit", async () => {
    // C100: limit 1,000.00, outstanding 100.00; 12 × 75.00 = 900.00 brings it exactly to the limit.
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => check({ customer_id: "C100", amount: "75.00", order_id: `SO-C100-${i}` })),
    );
    expect(answers.every((r) => r.status === 200)).toBe(true);
    const proceed = answers.filter((r) => r.body.may_proceed);
    expect(proceed).toHaveLength(12);
    expect(answers.filter((r) => r.body.decision === "hold")).toHaveLength(38);
    for (const held of answers.filter((r) => r.body.decision === "hold")) {
      expect(held.body.reasons.map((r: { code: string }) => r.code)).toContain("over_limit");
      expect(held.body.reserved_until).toBeNull();
    }
    // Every approved answer saw the ones before it: no two read the same headroom.
    const totals = proceed.map((r) => r.body.exposure.total_after).sort();
    expect(totals).toEqual(Array.from({ length: 12 }, (_, i) => (100 + 75 * (i + 1)).toFixed(2)).sort());
    const credit = await call("GET", "/v1/customers/C100/credit");
    expect(credit.status).toBe(200);
    expect(credit.body.exposure.pending_approvals).toBe("900.00");
    expect(credit.body.exposure.total).toBe("1000.00");
    expect(credit.body.available_credit).toBe("0.00");
    expect(credit.body.pending_approvals).toHaveLength(12);
    expect(loggedChecks().filter((r) => r.customer_id === "C100")).toHaveLength(50);
  });

  it("overrides a hold (200, the customer's pending approvals grow) but not twice", async () => {
    const held = await check({ customer_id: "C200", amount: "200.00", order_id: "SO-C200-1" });
    expect(held.status).toBe(200);
    expect(held.body.decision).toBe("hold");
    expect(held.body.may_proceed).toBe(false);
    const before = await call("GET", "/v1/customers/C200/credit");
    expect(before.body.exposure.pending_approvals).toBe("0.00");

    expect((await call("POST", `/v1/credit-checks/${held.body.check_id}/override`, { by: "Ann Controller" })).status).toBe(400);
    const res = await call("POST", `/v1/credit-checks/${held.body.check_id}/override`, { by: "Ann Controller", reason: "prepaid by wire" });
    expect(res.status).toBe(200);
    expect(res.body.check_id).toBe(held.body.check_id);
    expect(res.body.decision).toBe("hold");
    expect(res.body.may_proceed).toBe(true);
    expect(res.body.override.by).toBe("Ann Controller");
    expect(res.body.override.reason).toBe("prepaid by wire");
    expect(res.body.reserved_until).not.toBeNull();
    const after = await call("GET", "/v1/customers/C200/credit");
    expect(after.body.exposure.pending_approvals).toBe("200.00");

    const again = await call("POST", `/v1/credit-checks/${held.body.check_id}/override`, { by: "Bob", reason: "again" });
    expect(again.status).toBe(409);
    const logged = readFileSync(logFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    expect(logged.filter((r) => r.type === "override" && r.check_id === held.body.check_id)).toHaveLength(1);
  });

  it("a standing override (up_to_amount, until) lets later holds of the customer through within its ceiling", async () => {
    // C200: limit 100.00, 200.00 already reserved by the overridden check above.
    const held = await check({ customer_id: "C200", amount: "50.00" });
    expect(held.body.decision).toBe("hold");
    const path = `/v1/credit-checks/${held.body.check_id}/override`;
    expect((await call("POST", path, { by: "Ann", reason: "r", until: "2000-01-01" })).status).toBe(400);
    expect((await call("POST", path, { by: "Ann", reason: "r", up_to_amount: "40.001" })).status).toBe(400);
    const standing = await call("POST", path, { by: "Ann Controller", reason: "guaranteed by the parent company", up_to_amount: "400.00", until: "2999-12-31" });
    expect(standing.status).toBe(200);
    expect(standing.body.override.up_to_amount).toBe("400.00");
    expect(standing.body.override.until).toBe("2999-12-31T23:59:59.999Z");
    // 200.00 + 50.00 reserved + 100.00 = 350.00, within the 400.00 ceiling.
    const covered = await check({ customer_id: "C200", amount: "100.00" });
    expect(covered.body.decision).toBe("hold");
    expect(covered.body.may_proceed).toBe(true);
    expect(covered.body.override.from_check_id).toBe(held.body.check_id);
    // 350.00 + 100.00 = 450.00, above it.
    const beyond = await check({ customer_id: "C200", amount: "100.00" });
    expect(beyond.body.may_proceed).toBe(false);
    expect(beyond.body.override).toBeNull();
  });

  it("decodes percent-encoded ids in the path, and refuses broken encoding", async () => {
    const res = await call("GET", "/v1/customers/C%34%30%30/credit");
    expect(res.status).toBe(200);
    expect(res.body.customer_id).toBe("C400");
    expect((await call("GET", "/v1/customers/%E0%A4%A/credit")).status).toBe(400);
  });

  it("refuses to override a block (403)", async () => {
    const blocked = await check({ customer_id: "C300", amount: "10.00" });
    expect(blocked.status).toBe(200);
    expect(blocked.body.decision).toBe("block");
    expect(blocked.body.reasons.map((r: { code: string }) => r.code)).toContain("customer_blocked");
    const res = await call("POST", `/v1/credit-checks/${blocked.body.check_id}/override`, { by: "Ann", reason: "please" });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/block cannot be overridden/);
  });

  it("an override of an approved check is a conflict (409)", async () => {
    const ok = await check({ customer_id: "C400", amount: "10.00" });
    expect((await call("POST", `/v1/credit-checks/${ok.body.check_id}/override`, { by: "Ann", reason: "no need" })).status).toBe(409);
  });

  it("lists the holds: C300 blocked, C100 at its limit held for any further order", async () => {
    const res = await call("GET", "/v1/holds");
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.holds.map((h: { customer_id: string }) => [h.customer_id, h]));
    expect(byId.C300.decision).toBe("block");
    expect(byId.C100.decision).toBe("hold");
    expect(byId.C400).toBeUndefined();
  });
});

describe("a log that cannot be written", () => {
  it("answers 500, reserves nothing, and says so in the server's log", async () => {
    // A second session on the same standing with a log of its own; its log is closed under the
    // server, so every append fails as a failed disk write would.
    const config = { ...fixture.config, creditCheck: { ...fixture.config.creditCheck, logFile: `${fixture.dir}/failing.credit-log.jsonl` } };
    const failingLog = memoryLogger();
    const session = await openCreditSession({ db: fixture.db, config, writer: "arwatch serve", log: failingLog });
    const failing = await startCreditServer({ session, config, host: "127.0.0.1", port: 0, token: TOKEN, log: failingLog, reloadEveryMs: 0 });
    try {
      await session.close();
      const res = await fetch(`${failing.url}/v1/credit-checks`, { method: "POST", headers: { ...AUTH, ...JSON_TYPE }, body: JSON.stringify({ customer_id: "C400", amount: "10.00" }) });
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: { status: number; message: string } };
      expect(body.error.status).toBe(500);
      expect(body.error.message).toMatch(/not recorded, nothing was reserved/);
      // The file's path and the cause stay in the server's log, not in the answer.
      expect(body.error.message).not.toContain(fixture.dir);
      expect(failingLog.lines.some((l) => /credit log .* is closed/.test(l))).toBe(true);
      const credit = await fetch(`${failing.url}/v1/customers/C400/credit`, { headers: AUTH });
      expect(((await credit.json()) as { exposure: { pending_approvals: string } }).exposure.pending_approvals).toBe("0.00");
    } finally {
      await failing.close();
    }
  });
});

describe("listening", () => {
  it("rejects when the port is taken, leaving the session to its caller", async () => {
    const config = { ...fixture.config, creditCheck: { ...fixture.config.creditCheck, logFile: `${fixture.dir}/second.credit-log.jsonl` } };
    const session = await openCreditSession({ db: fixture.db, config, writer: "arwatch serve" });
    try {
      await expect(startCreditServer({ session, config, host: "127.0.0.1", port: server.port, token: TOKEN, log, reloadEveryMs: 0 })).rejects.toMatchObject({ code: "EADDRINUSE" });
    } finally {
      await session.close();
    }
  });
});

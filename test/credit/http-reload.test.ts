// Reloading the standing while the API keeps answering: a new build's standing replaces the old
// without a failed request, a broken file keeps the old one, and the poll finds a build by itself.
import { renameSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../core/log.ts";
import { startCreditServer, type CreditServer } from "../../credit/http-server.ts";
import { standingPath } from "../../credit/paths.ts";
import { openCreditSession } from "../../credit/session.ts";
import { creditFixture, type Fixture } from "./http-fixture.ts";

const TOKEN = "reload-token";
const HEADERS = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

let fixture: Fixture;
let server: CreditServer;
const log = memoryLogger();

beforeAll(async () => {
  fixture = await creditFixture("2024-05-01");
  const session = await openCreditSession({ db: fixture.db, config: fixture.config, writer: "arwatch serve", log });
  server = await startCreditServer({ session, config: fixture.config, host: "127.0.0.1", port: 0, token: TOKEN, log, reloadEveryMs: 0 });
});

afterAll(async () => {
  await server?.close();
  fixture?.remove();
});

async function checkAsOf(i: number): Promise<{ status: number; asOf: string | undefined }> {
  const res = await fetch(`${server.url}/v1/credit-checks`, { method: "POST", headers: HEADERS, body: JSON.stringify({ customer_id: "C400", amount: "1.00", order_id: `R-${i}` }) });
  const body = (await res.json()) as { data_as_of?: { as_of_date: string } };
  return { status: res.status, asOf: body.data_as_of?.as_of_date };
}

const health = async () => (await (await fetch(`${server.url}/health`)).json()) as { data_as_of: { as_of_date: string }; last_reload_error: string | null };

describe("reload", () => {
  it("does nothing while the file is unchanged", async () => {
    expect(await server.reloadNow()).toBe(false);
  });

  it("swaps in a new build's standing while requests keep flowing: none fails, answers switch once", async () => {
    const answers: { status: number; asOf: string | undefined; client: number; sentAfterSwap: boolean }[] = [];
    let stop = false;
    let swapped = false;
    let i = 0;
    // Four clients, each sending one request after another until a while after the reload.
    const clients = Array.from({ length: 4 }, async (_, client) => {
      while (!stop) {
        const sentAfterSwap = swapped;
        answers.push({ ...(await checkAsOf(i++)), client, sentAfterSwap });
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await fixture.rebuild("2024-05-02");
    expect(await server.reloadNow()).toBe(true);
    swapped = true;
    while (answers.filter((a) => a.sentAfterSwap).length < 20) await new Promise((resolve) => setTimeout(resolve, 10));
    stop = true;
    await Promise.all(clients);

    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(answers.filter((a) => !a.sentAfterSwap && a.asOf === "2024-05-01").length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.sentAfterSwap).every((a) => a.asOf === "2024-05-02")).toBe(true);
    // Each client sees the old build, then the new one, never the old one again.
    for (let client = 0; client < 4; client++) {
      const seen = answers.filter((a) => a.client === client).map((a) => a.asOf);
      const firstNew = seen.indexOf("2024-05-02");
      expect(firstNew).toBeGreaterThanOrEqual(0);
      expect(seen.slice(firstNew).every((d) => d === "2024-05-02")).toBe(true);
    }
    expect((await health()).data_as_of.as_of_date).toBe("2024-05-02");
    expect(log.lines.some((l) => /reloaded the credit standing: build as of 2024-05-02/.test(l))).toBe(true);
  });

  it("keeps the old standing when the new file cannot be loaded, and says so once", async () => {
    const path = standingPath(fixture.db);
    writeFileSync(`${path}.broken`, "this is not a DuckDB file");
    renameSync(`${path}.broken`, path);
    expect(await server.reloadNow()).toBe(false);
    expect(await server.reloadNow()).toBe(false);
    const warnings = log.lines.filter((l) => l.startsWith("warning: cannot load"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/still answering from the build as of 2024-05-02/);
    const answer = await checkAsOf(10_000);
    expect(answer).toEqual({ status: 200, asOf: "2024-05-02" });
    expect((await health()).last_reload_error).toMatch(/cannot load/);

    // The next build's standing loads again.
    await fixture.rebuild("2024-05-03");
    expect(await server.reloadNow()).toBe(true);
    expect(await checkAsOf(10_001)).toEqual({ status: 200, asOf: "2024-05-03" });
    expect((await health()).last_reload_error).toBeNull();
  });
});

describe("the poll", () => {
  it("finds a new build by itself", async () => {
    const f = await creditFixture("2024-06-01");
    const pollLog = memoryLogger();
    const session = await openCreditSession({ db: f.db, config: f.config, writer: "arwatch serve", log: pollLog });
    const polling = await startCreditServer({ session, config: f.config, host: "127.0.0.1", port: 0, token: null, log: pollLog, reloadEveryMs: 50 });
    try {
      await f.rebuild("2024-06-02");
      const deadline = Date.now() + 10_000;
      let asOf = "";
      while (Date.now() < deadline) {
        asOf = ((await (await fetch(`${polling.url}/health`)).json()) as { data_as_of: { as_of_date: string } }).data_as_of.as_of_date;
        if (asOf === "2024-06-02") break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(asOf).toBe("2024-06-02");
    } finally {
      await polling.close();
      f.remove();
    }
  });
});
